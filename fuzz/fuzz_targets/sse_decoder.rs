//! The SSE decoder on arbitrary bytes, fed whole and split at arbitrary points.
//!
//! Input: a fixed-size [`Plan`] (limits, UTF-8 mode, comments, repetition, cut points), then the
//! stream bytes. Asserts, besides the per-call invariants of `chatwire_fuzz::sse::run` (typed
//! errors, nothing consumed beyond what was fed, buffered bytes and heap within the limits):
//! identical items, errors and end report whole and split; the same as the naive reference
//! decoder; `next_event` sees exactly the events `next_item` sees; reading in place (`decode`),
//! whole and split, sees exactly what feeding sees; strict mode changes nothing
//! on valid UTF-8.
#![no_main]

use arbitrary::Arbitrary;
use chatwire::sse::{Config, Utf8Mode};
use libfuzzer_sys::fuzz_target;

use chatwire_fuzz::support::reference;
use chatwire_fuzz::{cuts, header, pieces, sse};

/// Inputs larger than this are not compared with the (slower) reference decoder.
const REFERENCE_MAX: usize = 16 * 1024;

/// Repetition never makes a stream larger than this.
const REPEAT_MAX: usize = 128 * 1024;

#[derive(Arbitrary, Debug)]
struct Plan {
    /// Bit 0: strict UTF-8. Bit 1: pull comments too. Bit 2: small limits (the two fields
    /// below) instead of the defaults. Bits 3 and 4 both set: repeat the stream `repeat` + 1
    /// times.
    flags: u8,
    max_line: u16,
    max_event: u16,
    repeat: u16,
    seed: u64,
    cuts: u8,
}

fuzz_target!(|data: &[u8]| {
    let Some((plan, body)) = header::<Plan>(data) else {
        return;
    };
    let mut config = Config::new();
    if plan.flags & 1 != 0 {
        config = config.with_utf8_mode(Utf8Mode::Strict);
    }
    if plan.flags & 4 != 0 {
        config = config
            .with_max_line_length(usize::from(plan.max_line))
            .with_max_event_size(usize::from(plan.max_event));
    }
    let comments = plan.flags & 2 != 0;
    let repeated;
    let input = if plan.flags & 0x18 == 0x18 && !body.is_empty() {
        let times = (usize::from(plan.repeat) + 1)
            .min(REPEAT_MAX / body.len())
            .max(1);
        repeated = body.repeat(times);
        &repeated[..]
    } else {
        body
    };

    let whole = sse::run(config, &[input], comments);
    let cut = cuts(input.len(), plan.seed, plan.cuts);
    let split = sse::run(config, &pieces(input, &cut), comments);
    assert_eq!(split, whole, "split at {cut:?}");

    let events_only = whole.without_comments();
    if comments {
        assert_eq!(sse::run(config, &pieces(input, &cut), false), events_only);
    }
    // Read in place (lines sliced from stretches validated at once), whole and split.
    assert_eq!(sse::run_in_place(config, &[input]), events_only, "in place");
    assert_eq!(
        sse::run_in_place(config, &pieces(input, &cut)),
        events_only,
        "in place, split at {cut:?}"
    );
    if input.len() <= REFERENCE_MAX {
        assert_eq!(whole, reference::decode(config, input, comments));
        if config.utf8_mode() == Utf8Mode::Replace && std::str::from_utf8(input).is_ok() {
            let strict = config.with_utf8_mode(Utf8Mode::Strict);
            assert_eq!(sse::run(strict, &[input], comments), whole);
        }
    }
});
