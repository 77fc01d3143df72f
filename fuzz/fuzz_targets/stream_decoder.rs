//! The typed stream decoder (`ChunkDecoder`) on arbitrary bytes, fed whole and split at
//! arbitrary points, fed and read in place (`ChunkDecoder::decode`).
//!
//! Input: a fixed-size [`Plan`] (SSE limits, UTF-8 mode, cut points), then the stream bytes.
//! Asserts: never panics; identical items and errors whole, split, and split read in place;
//! every call that returns something consumed input or a pending item (so draining
//! terminates); errors are of the
//! documented kinds, point into the input and carry at most `ERROR_DATA_LIMIT` bytes of data;
//! at most one `Done`, after which only `AfterDone` (or SSE) errors and comments come; each
//! chunk item is what `ChatCompletionChunk::from_json` reads from its event's data and
//! round-trips; comments are the SSE layer's; the end report agrees with `saw_done`; and
//! `drain_into` an accumulator agrees with reading the items one by one.
#![no_main]

use arbitrary::Arbitrary;
use chatwire::accumulate::Accumulator;
use chatwire::sse::{self, Config, Item, Utf8Mode};
use chatwire::stream::{
    ChunkDecoder, StreamEnd, StreamError, StreamErrorKind, StreamItem, ERROR_DATA_LIMIT,
};
use chatwire::types::{ChatCompletionChunk, ErrorEnvelope};
use libfuzzer_sys::fuzz_target;

use chatwire_fuzz::{cuts, header, pieces};

#[derive(Arbitrary, Debug)]
struct Plan {
    /// Bit 0: strict UTF-8. Bit 2: small limits (the two fields below).
    flags: u8,
    max_line: u16,
    max_event: u16,
    seed: u64,
    cuts: u8,
}

/// An item or error, owned, comparable.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Chunk(String),
    Done,
    Error(String),
    Comment(String),
    Other(sse::OwnedEvent),
    Failed(StreamError),
}

fuzz_target!(|data: &[u8]| {
    let Some((plan, input)) = header::<Plan>(data) else {
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
    let (whole, end) = run(config, &[input]);
    let cut = cuts(input.len(), plan.seed, plan.cuts);
    let (split, split_end) = run(config, &pieces(input, &cut));
    assert_eq!(split, whole, "split at {cut:?}");
    assert_eq!(split_end, end);
    let (in_place, in_place_end) = run_in_place(config, &pieces(input, &cut));
    assert_eq!(in_place, whole, "read in place, split at {cut:?}");
    assert_eq!(in_place_end, end);

    check_sequence(&whole, end);
    check_against_sse(config, input, &whole);
    check_drain_into(config, &pieces(input, &cut), &whole);
});

/// Decodes `pieces` with a fresh decoder, draining after each, checking the per-call
/// invariants.
fn run(config: Config, pieces: &[&[u8]]) -> (Vec<Seen>, StreamEnd) {
    let mut decoder = ChunkDecoder::with_config(config);
    let mut seen = Vec::new();
    let mut fed = 0u64;
    for piece in pieces {
        decoder.feed(piece);
        fed += piece.len() as u64;
        let mut calls = 0u64;
        loop {
            calls += 1;
            // One item per event or line, plus one pending error per chunk.
            assert!(calls <= 2 * fed + 2, "the decoder does not stop");
            let item = match decoder.next_item() {
                Ok(None) => break,
                Ok(Some(item)) => owned(item),
                Err(err) => {
                    check_error(&err, fed, decoder.events());
                    Seen::Failed(err)
                }
            };
            seen.push(item);
        }
    }
    let saw_done = decoder.saw_done();
    let end = decoder.finish();
    assert_eq!(end.saw_done(), saw_done);
    assert_eq!(end.is_clean(), saw_done && end.discarded().is_none());
    (seen, end)
}

/// [`run`] through `ChunkDecoder::decode`: each piece read in place.
fn run_in_place(config: Config, pieces: &[&[u8]]) -> (Vec<Seen>, StreamEnd) {
    let mut decoder = ChunkDecoder::with_config(config);
    let mut seen = Vec::new();
    let mut fed = 0u64;
    for piece in pieces {
        fed += piece.len() as u64;
        let mut items = decoder.decode(piece);
        let mut calls = 0u64;
        loop {
            calls += 1;
            assert!(calls <= 2 * fed + 2, "the decoder does not stop");
            let item = match items.next_item() {
                Ok(None) => break,
                Ok(Some(item)) => owned(item),
                Err(err) => Seen::Failed(err),
            };
            seen.push(item);
        }
    }
    (seen, decoder.finish())
}

fn owned(item: StreamItem<'_>) -> Seen {
    match item {
        StreamItem::Chunk(chunk) => {
            let text = chunk.to_json();
            let again = ChatCompletionChunk::from_json(&text).expect("a chunk's JSON parses");
            assert_eq!(again, chunk);
            Seen::Chunk(text)
        }
        StreamItem::Done => Seen::Done,
        StreamItem::Error(envelope) => {
            let text = envelope.to_json();
            let again = ErrorEnvelope::from_json(&text).expect("an envelope's JSON parses");
            assert_eq!(again, envelope);
            Seen::Error(text)
        }
        StreamItem::Comment(text) => Seen::Comment(text.to_owned()),
        StreamItem::Other(event) => Seen::Other(event.into_owned()),
        other => panic!("an undocumented item {other:?}"),
    }
}

fn check_error(err: &StreamError, fed: u64, events: u64) {
    assert!(
        err.offset() <= fed,
        "{err}: offset {} of {fed}",
        err.offset()
    );
    if let Some(index) = err.event_index() {
        assert!(index <= events, "{err}: event {index} of {events}");
    }
    match err.kind() {
        StreamErrorKind::Sse(kind) => {
            assert_eq!(err.sse_error().map(sse::Error::kind), Some(kind));
            assert!(err.is_recoverable());
        }
        StreamErrorKind::MalformedJson | StreamErrorKind::InvalidChunk => {
            assert!(err.parse_error().is_some(), "{err:?}");
            assert!(err.data().is_some());
        }
        StreamErrorKind::AfterDone => assert!(err.data().is_some()),
        other => panic!("unexpected error kind {other:?} from next_item"),
    }
    if let (Some(data), Some(len)) = (err.data(), err.data_len()) {
        assert!(data.len() <= ERROR_DATA_LIMIT && data.len() <= len);
        assert_eq!(err.is_data_truncated(), data.len() < len);
    }
    assert!(!err.to_string().is_empty());
}

/// At most one `Done`; after it, only `AfterDone` and SSE errors, and comments.
fn check_sequence(seen: &[Seen], end: StreamEnd) {
    let done = seen.iter().position(|s| *s == Seen::Done);
    assert_eq!(done.is_some(), end.saw_done());
    if let Some(done) = done {
        for after in &seen[done + 1..] {
            match after {
                Seen::Comment(_) => {}
                Seen::Failed(err) => assert!(
                    matches!(
                        err.kind(),
                        StreamErrorKind::AfterDone | StreamErrorKind::Sse(_)
                    ),
                    "{err:?} after [DONE]"
                ),
                other => panic!("{other:?} after [DONE]"),
            }
        }
    }
}

/// The comments are the SSE layer's, and each chunk is what parsing its event's data gives.
fn check_against_sse(config: Config, input: &[u8], seen: &[Seen]) {
    let mut decoder = sse::Decoder::with_config(config);
    decoder.feed(input);
    let mut comments = Vec::new();
    let mut chunks = Vec::new();
    loop {
        match decoder.next_item() {
            Ok(None) => break,
            Ok(Some(Item::Comment(text))) => comments.push(text.to_owned()),
            Ok(Some(Item::Event(event))) if event.is_message() => {
                if let Ok(chunk) = ChatCompletionChunk::from_json(event.data()) {
                    chunks.push(chunk.to_json());
                }
            }
            Ok(Some(_)) | Err(_) => {}
        }
    }
    let got_comments: Vec<&String> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Comment(text) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(got_comments, comments.iter().collect::<Vec<_>>());
    // Every chunk item is one of the parsed message events, in order.
    let mut parsed = chunks.iter();
    for s in seen {
        if let Seen::Chunk(text) = s {
            assert!(parsed.any(|c| c == text), "a chunk no event holds: {text}");
        }
    }
}

/// `drain_into` applies the chunks and errors that `next_item` yields, and stops at the same
/// errors.
fn check_drain_into(config: Config, pieces: &[&[u8]], seen: &[Seen]) {
    let mut expected = Accumulator::new();
    for s in seen {
        match s {
            Seen::Chunk(text) => {
                let chunk = ChatCompletionChunk::from_json(text).expect("parses");
                let _ = expected.push(&chunk);
            }
            Seen::Error(text) => {
                let envelope = ErrorEnvelope::from_json(text).expect("parses");
                let _ = expected.push_error(&envelope);
            }
            _ => {}
        }
    }
    let mut decoder = ChunkDecoder::with_config(config);
    let mut acc = Accumulator::new();
    let mut errors = Vec::new();
    for piece in pieces {
        decoder.feed(piece);
        while let Err(err) = decoder.drain_into(&mut acc) {
            errors.push(err);
        }
    }
    let failed: Vec<&StreamError> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Failed(err) => Some(err),
            _ => None,
        })
        .collect();
    if errors
        .iter()
        .all(|e| !matches!(e.kind(), StreamErrorKind::Accumulate(_)))
    {
        assert_eq!(errors.iter().collect::<Vec<_>>(), failed);
        assert_eq!(acc.completion(), expected.completion());
        assert_eq!(acc.errors(), expected.errors());
    }
}
