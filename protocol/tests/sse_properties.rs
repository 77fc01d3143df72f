//! Properties of the decoder's documented invariants that the differential tests do not state
//! directly: the byte accounting and the memory bound after every call, what `finish` carries
//! over to a reconnection (the last event id and retry, nothing else), `reset`, and strict
//! mode on valid UTF-8.
//!
//! The number of cases comes from `PROPTEST_CASES` (256 by default; CI runs more).

mod support;

use chatwire::sse::{Config, Decoder, ErrorKind, Item, Utf8Mode};
use proptest::prelude::*;
use proptest::sample::Index;

use support::{decode_split, drain, Got};

/// Building blocks of a stream; repeated, they make long lines and many-line events that the
/// small limits below cut.
fn piece() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b"data: x"[..],
        b"data:",
        b"data",
        b"\n",
        b"\r",
        b"\r\n",
        b": ping",
        b"id: 1",
        b"id",
        b"retry: 5",
        b"event: e",
        b"\xEF\xBB\xBF",
        "é你🎉".as_bytes(),
        b"\xFF",
        b"\xE4\xBD",
        b"\0",
        b"aaaaaaaaaaaaaaaa",
    ])
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((piece(), 1usize..24), 0..48).prop_map(|runs| {
        runs.into_iter()
            .flat_map(|(piece, times)| piece.repeat(times))
            .collect()
    })
}

fn config() -> impl Strategy<Value = Config> {
    let mode = prop_oneof![Just(Utf8Mode::Replace), Just(Utf8Mode::Strict)];
    (0usize..64, 0usize..128, mode).prop_map(|(line, event, mode)| {
        Config::new()
            .with_max_line_length(line)
            .with_max_event_size(event)
            .with_utf8_mode(mode)
    })
}

fn cuts() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..16)
}

fn positions(cuts: &[Index], len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

/// The heap bound `Config` documents, with the factors of amortised growth made explicit (see
/// `heap_bound_is_tight_enough_to_fail` for why it is not vacuous).
fn heap_bound(config: &Config, max_piece: usize) -> usize {
    let line = config.max_line_length();
    let input = (line + 2 * max_piece + 64 * 1024) * 4;
    let data = 6 * config.max_event_size() + 16;
    let text = 3 * (6 * line + 16);
    input + data + text
}

proptest! {
    #[test]
    fn accounting_and_memory_hold_after_every_call(
        config in config(),
        input in stream(),
        cuts in cuts(),
        comments in any::<bool>(),
    ) {
        let mut decoder = Decoder::with_config(config);
        let mut fed = 0u64;
        let mut max_piece = 0;
        let mut start = 0;
        for end in positions(&cuts, input.len()).into_iter().chain([input.len()]) {
            decoder.feed(&input[start..end]);
            fed += (end - start) as u64;
            max_piece = max_piece.max(end - start);
            start = end;
            loop {
                prop_assert_eq!(decoder.total_consumed() + decoder.buffered_len() as u64, fed);
                let before = decoder.total_consumed();
                let next = if comments {
                    decoder.next_item().map(|item| item.is_some())
                } else {
                    decoder.next_event().map(|event| event.is_some())
                };
                match next {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(err) => {
                        prop_assert!(err.offset() < fed, "{} at {} of {}", err, err.offset(), fed);
                        let limit = match err.kind() {
                            ErrorKind::LineTooLong => config.max_line_length(),
                            ErrorKind::EventTooLarge => config.max_event_size(),
                            _ => 0,
                        };
                        prop_assert_eq!(err.limit(), limit);
                    }
                }
                prop_assert!(decoder.total_consumed() > before, "a call consumed nothing");
            }
            // Drained: at most a partial line within the limit (or part of a BOM) is held.
            prop_assert!(decoder.buffered_len() <= config.max_line_length().max(2));
            prop_assert!(decoder.heap_capacity() <= heap_bound(&config, max_piece));
        }
        let _ = decoder.finish();
        prop_assert_eq!(decoder.total_consumed(), 0);
        prop_assert_eq!(decoder.buffered_len(), 0);
    }

    /// After `finish`, the next stream decodes exactly as it does after a stream that only set
    /// the same last event id and retry: no partial line, skip state, event type or data
    /// leaks into the reconnection.
    #[test]
    fn finish_carries_over_only_the_id_and_retry(
        config in config(),
        first in stream(),
        second in stream(),
        cuts in cuts(),
    ) {
        let mut decoder = Decoder::with_config(config);
        decoder.feed(&first);
        drain(&mut decoder, true, &mut Vec::new(), first.len());
        let _ = decoder.finish();

        // The replay can only be built where its lines fit the line limit (an id whose invalid
        // bytes became U+FFFD is longer than the line that set it).
        let equivalent = with_state_of(&decoder, config);
        prop_assume!(equivalent.is_some());
        let mut equivalent = equivalent.expect("assumed above");
        prop_assert_eq!(equivalent.last_event_id(), decoder.last_event_id());
        prop_assert_eq!(equivalent.retry(), decoder.retry());

        let cuts = positions(&cuts, second.len());
        prop_assert_eq!(run(&mut decoder, &second, &cuts), run(&mut equivalent, &second, &cuts));
    }

    /// `reset` forgets everything: the next stream decodes as on a new decoder.
    #[test]
    fn reset_is_as_new(config in config(), first in stream(), second in stream(), cuts in cuts()) {
        let mut decoder = Decoder::with_config(config);
        // Stop anywhere in the first stream, even inside a line or an event.
        let first = &first[..first.len() / 2];
        run(&mut decoder, first, &positions(&cuts, first.len()));
        decoder.reset();
        let cuts = positions(&cuts, second.len());
        let expected = decode_split(config, &second, &cuts, true);
        let got = run(&mut decoder, &second, &cuts);
        prop_assert_eq!(got.0, expected.items);
        prop_assert_eq!(got.1.as_deref(), expected.last_event_id.as_deref());
        prop_assert_eq!(got.2, expected.retry);
    }

    /// Strict mode only adds errors for invalid UTF-8: on valid UTF-8 it decodes exactly as
    /// the default mode does.
    #[test]
    fn strict_mode_changes_nothing_on_valid_utf8(
        config in config(),
        input in stream(),
        cuts in cuts(),
    ) {
        let input = String::from_utf8_lossy(&input).into_owned().into_bytes();
        let cuts = positions(&cuts, input.len());
        let replace = decode_split(config.with_utf8_mode(Utf8Mode::Replace), &input, &cuts, true);
        let strict = decode_split(config.with_utf8_mode(Utf8Mode::Strict), &input, &cuts, true);
        prop_assert_eq!(strict, replace);
    }
}

/// A decoder with `config` that has the last event id and retry of `decoder`, set the way a
/// stream sets them: by a stream of an `id` and a `retry` line and a blank line, each as short
/// as possible; `None` when such a line would be over `config`'s line limit.
fn with_state_of(decoder: &Decoder, config: Config) -> Option<Decoder> {
    let mut replay = Vec::new();
    if let Some(id) = decoder.last_event_id() {
        let separator = if id.starts_with(' ') { "id: " } else { "id:" };
        replay.extend_from_slice(format!("{separator}{id}\n").as_bytes());
    }
    if let Some(retry) = decoder.retry() {
        replay.extend_from_slice(format!("retry:{retry}\n").as_bytes());
    }
    if replay
        .split(|&b| b == b'\n')
        .any(|line| line.len() + 1 > config.max_line_length())
    {
        return None;
    }
    replay.extend_from_slice(b"\n");
    let mut fresh = Decoder::with_config(config);
    fresh.feed(&replay);
    let mut items = Vec::new();
    drain(&mut fresh, true, &mut items, replay.len());
    assert_eq!(items, [], "the replay only sets state");
    assert!(fresh.finish().is_clean());
    Some(fresh)
}

/// Feeds `input` cut at `cuts` and drains after each piece; the items, then the last event id
/// and retry, then the end report as text.
fn run(
    decoder: &mut Decoder,
    input: &[u8],
    cuts: &[usize],
) -> (Vec<Got>, Option<String>, Option<u64>, String) {
    let mut items = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&input.len()]) {
        decoder.feed(&input[start..end]);
        start = end;
        drain(decoder, true, &mut items, input.len());
    }
    let id = decoder.last_event_id().map(str::to_owned);
    let retry = decoder.retry();
    (items, id, retry, format!("{:?}", decoder.finish()))
}

/// The bound in `accounting_and_memory_hold_after_every_call` is not vacuous: a decoder that
/// kept a line past the limit (here, a decoder with a large limit standing in for one) breaks
/// it on the same hostile input.
#[test]
fn heap_bound_is_tight_enough_to_fail() {
    let small = Config::new()
        .with_max_line_length(16)
        .with_max_event_size(16);
    let input = b"data: ".repeat(200_000);
    let mut decoder = Decoder::with_config(small.with_max_line_length(usize::MAX >> 1));
    for piece in input.chunks(1460) {
        decoder.feed(piece);
        while let Ok(Some(_)) = decoder.next_item() {}
    }
    assert!(decoder.heap_capacity() > heap_bound(&small, 1460));

    let mut decoder = Decoder::with_config(small);
    for piece in input.chunks(1460) {
        decoder.feed(piece);
        loop {
            match decoder.next_item() {
                Ok(Some(Item::Event(_))) => panic!("no blank line, no event"),
                Ok(None) => break,
                Ok(Some(_)) | Err(_) => {}
            }
        }
        assert!(decoder.heap_capacity() <= heap_bound(&small, 1460));
    }
}
