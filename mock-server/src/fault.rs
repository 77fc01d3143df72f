//! Faults inside a stream: what goes wrong, after how many events, and how often.
//!
//! A fault is part of a scenario (`"fault": {"kind": "truncate", "after": 3}`) and applies to
//! a streamed answer:
//!
//! - `error_after`: after `after` events of the HTTP 200 stream, an error envelope as a
//!   `data:` event and the end of the stream, without `[DONE]` (DashScope's output-moderation
//!   shape; `code`, `type` and `message` override its `data_inspection_failed` envelope);
//! - `truncate`: the stream ends cleanly after `after` events, without `[DONE]`;
//! - `reset`: the connection is cut after `after` events (no terminating chunk);
//! - `malformed`: event `after` is replaced by a cut-off JSON payload;
//! - `duplicate`: event `after` is sent twice;
//! - `keep_alive`: a `: keep-alive` comment line precedes every event.
//!
//! `probability` (0 to 1) with `seed` makes the fault fire for a reproducible share of the
//! scenario's requests: request number `k` fires when a draw seeded by `seed` and `k` falls
//! under it.

use serde::{Deserialize, Serialize};

use crate::generate::{mix, Rng};

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FaultKind {
    ErrorAfter,
    Truncate,
    Reset,
    Malformed,
    Duplicate,
    KeepAlive,
}

/// A fault of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fault {
    pub(crate) kind: FaultKind,
    /// How many events go out before it strikes (the event it strikes, for `malformed` and
    /// `duplicate`).
    #[serde(default)]
    pub(crate) after: usize,
    /// The share of requests it strikes; always when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) probability: Option<f64>,
    /// The seed of the draws.
    #[serde(default)]
    pub(crate) seed: u64,
    /// The in-stream error's code (`error_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    /// The in-stream error's type (`error_after`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) kind_name: Option<String>,
    /// The in-stream error's message (`error_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

/// DashScope's output-moderation message.
pub(crate) const OUTPUT_MODERATION: &str = "Output data may contain inappropriate content.";

impl Fault {
    /// Checks the probability.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self.probability {
            Some(p) if !(0.0..=1.0).contains(&p) => {
                Err(format!("fault probability {p} is not between 0 and 1"))
            }
            _ => Ok(()),
        }
    }

    /// Whether the fault strikes the scenario's request number `draw`.
    pub(crate) fn strikes(&self, draw: u64) -> bool {
        let Some(p) = self.probability else {
            return true;
        };
        let mut rng = Rng::new(mix(self.seed ^ draw.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        // 53 random bits as a fraction in [0, 1).
        let fraction = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        fraction < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_is_reproducible_and_roughly_right() {
        let fault = Fault {
            kind: FaultKind::Truncate,
            after: 1,
            probability: Some(0.25),
            seed: 9,
            code: None,
            kind_name: None,
            message: None,
        };
        let first: Vec<bool> = (0..400).map(|k| fault.strikes(k)).collect();
        let again: Vec<bool> = (0..400).map(|k| fault.strikes(k)).collect();
        assert_eq!(first, again);
        let hits = first.iter().filter(|h| **h).count();
        assert!((50..150).contains(&hits), "{hits}");
        let always = Fault {
            probability: None,
            ..fault.clone()
        };
        assert!((0..10).all(|k| always.strikes(k)));
        let bad = Fault {
            probability: Some(1.5),
            ..fault
        };
        assert!(bad.check().is_err());
    }
}
