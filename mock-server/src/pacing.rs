//! Pacing: when each event of a stream goes out. The first event waits the time to first
//! token; every later one waits the per-chunk delay plus a seeded jitter.
//!
//! Pacing is set globally ([`Config::pacing`](crate::Config::pacing), `--pacing`), per
//! scenario (`"pacing": {...}`) or per request (the `x-mock-pacing` header); the request's
//! wins over the scenario's, which wins over the global one.

use std::time::Duration;

use hyper::header::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::generate::Rng;

/// The header that paces one request: `ttft_ms=200,chunk_ms=20,jitter_ms=5,seed=1`.
pub(crate) const PACING_HEADER: &str = "x-mock-pacing";

/// The pace of a stream, in milliseconds.
///
/// # Example
///
/// ```
/// let pacing: chatwire_mock::Pacing = "ttft_ms=150,chunk_ms=20,jitter_ms=5,seed=3".parse().unwrap();
/// assert_eq!(pacing.ttft_ms, 150);
/// assert_eq!(pacing.chunk_ms, 20);
/// assert!("chunk_ms=fast".parse::<chatwire_mock::Pacing>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Pacing {
    /// The wait before the first event.
    #[serde(default)]
    pub ttft_ms: u64,
    /// The wait before every later event.
    #[serde(default)]
    pub chunk_ms: u64,
    /// Up to this much more, drawn per event.
    #[serde(default)]
    pub jitter_ms: u64,
    /// The seed of the jitter.
    #[serde(default)]
    pub seed: u64,
}

impl std::str::FromStr for Pacing {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut pacing = Pacing::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("pacing part {part:?} is not key=value"))?;
            let value: u64 = value
                .trim()
                .parse()
                .map_err(|_| format!("pacing value {value:?} is not a number"))?;
            match key.trim() {
                "ttft_ms" => pacing.ttft_ms = value,
                "chunk_ms" => pacing.chunk_ms = value,
                "jitter_ms" => pacing.jitter_ms = value,
                "seed" => pacing.seed = value,
                other => return Err(format!("unknown pacing key {other:?}")),
            }
        }
        Ok(pacing)
    }
}

impl Pacing {
    /// The pacing a request's header asks for, if any (an unreadable header is ignored).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Pacing> {
        headers
            .get(PACING_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// Whether this pace never waits: every event goes out at once.
    pub(crate) fn is_zero(self) -> bool {
        self.ttft_ms == 0 && self.chunk_ms == 0 && self.jitter_ms == 0
    }

    /// The waits of a stream, one per event.
    pub(crate) fn schedule(self) -> Schedule {
        Schedule {
            pacing: self,
            rng: Rng::new(self.seed),
        }
    }
}

/// The waits of one stream.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pacing: Pacing,
    rng: Rng,
}

impl Schedule {
    /// The wait before event `index`.
    pub(crate) fn wait(&mut self, index: usize) -> Duration {
        let ms = if index == 0 {
            self.pacing.ttft_ms
        } else {
            let jitter = usize::try_from(self.pacing.jitter_ms).unwrap_or(usize::MAX);
            self.pacing.chunk_ms + self.rng.between(0, jitter) as u64
        };
        Duration::from_millis(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_seeded() {
        let pacing: Pacing = "ttft_ms=100,chunk_ms=10,jitter_ms=5,seed=4"
            .parse()
            .unwrap();
        let waits = |p: Pacing| {
            let mut s = p.schedule();
            (0..20).map(|i| s.wait(i)).collect::<Vec<_>>()
        };
        let a = waits(pacing);
        assert_eq!(a, waits(pacing));
        assert_eq!(a[0], Duration::from_millis(100));
        assert!(a[1..].iter().all(|w| (10..=15).contains(&w.as_millis())));
        assert!(a[1..].iter().any(|w| *w != a[1]), "{a:?}");
        assert!("ttft=1".parse::<Pacing>().is_err());
    }
}
