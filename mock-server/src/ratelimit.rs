//! Rate limits per API key: requests per second, per minute, and at once. A request over a
//! limit gets DashScope's 429 `limit_requests` envelope with a `Retry-After` header.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limits, each off when `None`.
///
/// # Example
///
/// ```
/// let limit: chatwire_mock::RateLimit = "rps=2,rpm=30,concurrency=1".parse().unwrap();
/// assert_eq!(limit.per_second, Some(2));
/// assert_eq!(limit.per_minute, Some(30));
/// assert_eq!(limit.concurrency, Some(1));
/// assert!("rps=many".parse::<chatwire_mock::RateLimit>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests per second per key.
    pub per_second: Option<u32>,
    /// Requests per minute per key.
    pub per_minute: Option<u32>,
    /// Requests in flight (streams included, until they end) per key.
    pub concurrency: Option<u32>,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut limit = RateLimit::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("rate limit part {part:?} is not key=value"))?;
            let value: u32 = value
                .trim()
                .parse()
                .map_err(|_| format!("rate limit value {value:?} is not a number"))?;
            match key.trim() {
                "rps" => limit.per_second = Some(value),
                "rpm" => limit.per_minute = Some(value),
                "concurrency" => limit.concurrency = Some(value),
                other => return Err(format!("unknown rate limit key {other:?}")),
            }
        }
        Ok(limit)
    }
}

/// The counters of one server.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    inner: Arc<Mutex<Counters>>,
}

#[derive(Debug, Default)]
struct Counters {
    /// The arrival times of each key's requests in the last minute.
    recent: HashMap<String, VecDeque<Instant>>,
    /// Each key's requests in flight.
    active: HashMap<String, u32>,
}

/// A request's place among the ones in flight; freed when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    inner: Arc<Mutex<Counters>>,
    key: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counters = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counters.active.get_mut(&self.key) {
            *n = n.saturating_sub(1);
        }
    }
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            inner: Arc::default(),
        }
    }

    /// Admits a request of `key` now, or says after how many seconds to retry.
    pub(crate) fn admit(&self, key: &str, now: Instant) -> Result<Slot, u64> {
        let mut counters = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let recent = counters.recent.entry(key.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            recent.pop_front();
        }
        if let Some(max) = self.limit.per_minute {
            if recent.len() >= max as usize {
                return Err(retry_after(recent, recent.len() - max as usize, 60, now));
            }
        }
        if let Some(max) = self.limit.per_second {
            let second: Vec<Instant> = recent
                .iter()
                .copied()
                .filter(|t| now.duration_since(*t) < Duration::from_secs(1))
                .collect();
            if second.len() >= max as usize {
                let within: VecDeque<Instant> = second.into();
                return Err(retry_after(&within, within.len() - max as usize, 1, now));
            }
        }
        let active = counters.active.get(key).copied().unwrap_or(0);
        if self.limit.concurrency.is_some_and(|max| active >= max) {
            return Err(1);
        }
        counters
            .recent
            .entry(key.to_owned())
            .or_default()
            .push_back(now);
        *counters.active.entry(key.to_owned()).or_default() += 1;
        Ok(Slot {
            inner: Arc::clone(&self.inner),
            key: key.to_owned(),
        })
    }
}

/// Whole seconds until the request at `index` of `times` leaves a `window`-second window
/// (at least 1).
fn retry_after(times: &VecDeque<Instant>, index: usize, window: u64, now: Instant) -> u64 {
    let left = times
        .get(index)
        .map(|t| Duration::from_secs(window).saturating_sub(now.duration_since(*t)))
        .unwrap_or(Duration::from_secs(window));
    left.as_secs() + u64::from(left.subsec_nanos() > 0).max(u64::from(left.is_zero()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_second_per_minute_and_concurrency() {
        let t0 = Instant::now();
        let limiter = Limiter::new("rps=2,rpm=3".parse().unwrap());
        let a = limiter.admit("k", t0).unwrap();
        let b = limiter.admit("k", t0).unwrap();
        assert_eq!(limiter.admit("k", t0).unwrap_err(), 1);
        assert!(limiter.admit("other", t0).is_ok());
        drop((a, b));
        let later = t0 + Duration::from_millis(1500);
        let _c = limiter.admit("k", later).unwrap();
        let retry = limiter
            .admit("k", later + Duration::from_secs(1))
            .unwrap_err();
        assert!((58..=60).contains(&retry), "{retry}");
        assert!(limiter.admit("k", t0 + Duration::from_secs(61)).is_ok());

        let limiter = Limiter::new("concurrency=1".parse().unwrap());
        let slot = limiter.admit("k", t0).unwrap();
        assert_eq!(limiter.admit("k", t0).unwrap_err(), 1);
        drop(slot);
        assert!(limiter.admit("k", t0).is_ok());
    }
}
