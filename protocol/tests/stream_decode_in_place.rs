//! `ChunkDecoder::decode` (items read in place) against `feed` + `next_item` (the
//! reference): the same items, errors (kind, event index, offset), pending errors and end
//! of stream, for random streams of every item kind cut into random pieces, also when
//! reading stops early and the two ways are mixed.

use std::borrow::Cow;

use chatwire::accumulate::Accumulator;
use chatwire::stream::{ChunkDecoder, StreamError, StreamItem};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// One line per item or error, as text.
fn describe(found: Result<Option<StreamItem<'_>>, StreamError>) -> Option<String> {
    match found {
        Ok(Some(item)) => Some(format!("{item:?}")),
        Ok(None) => None,
        Err(err) => Some(format!(
            "error {:?} #{:?} @{}",
            err.kind(),
            err.event_index(),
            err.offset()
        )),
    }
}

fn with_feed(pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = ChunkDecoder::new();
    let mut seen = Vec::new();
    for piece in pieces {
        decoder.feed(piece);
        while let Some(line) = describe(decoder.next_item()) {
            seen.push(line);
        }
    }
    seen.push(format!("events {}", decoder.events()));
    seen.push(format!("{:?}", decoder.finish()));
    seen
}

fn in_place(pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = ChunkDecoder::new();
    let mut seen = Vec::new();
    for piece in pieces {
        let mut items = decoder.decode(piece);
        while let Some(line) = describe(items.next_item()) {
            seen.push(line);
        }
    }
    seen.push(format!("events {}", decoder.events()));
    seen.push(format!("{:?}", decoder.finish()));
    seen
}

/// At most one item per piece read in place, the rest left in the decoder; every other
/// piece fed instead; what is left read at the end.
fn mixed_stopping_early(pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = ChunkDecoder::new();
    let mut seen = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if i % 2 == 0 {
            let mut items = decoder.decode(piece);
            if let Some(line) = describe(items.next_item()) {
                seen.push(line);
            }
        } else {
            decoder.feed(piece);
            if let Some(line) = describe(decoder.next_item()) {
                seen.push(line);
            }
        }
    }
    while let Some(line) = describe(decoder.next_item()) {
        seen.push(line);
    }
    seen.push(format!("events {}", decoder.events()));
    seen.push(format!("{:?}", decoder.finish()));
    seen
}

fn cut(input: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    at.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for end in at {
        pieces.push(input[start..end].to_vec());
        start = end;
    }
    pieces.push(input[start..].to_vec());
    pieces
}

/// Event-stream text with every kind of item: chunks (fast path and serde path), errors
/// beside choices, bare and `event: error` errors, comments, blank data, other events,
/// malformed JSON, `[DONE]` and events after it, with every line ending.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let line = select(vec![
        r#"data: {"choices":[{"index":0,"delta":{"content":"Hi \"you\"\n"}}]}"#,
        r#"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"parts"}]}}]}"#,
        r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#,
        r#"data: {"error":{"message":"mid-stream","code":502},"choices":[]}"#,
        r#"data: {"error":{"message":"bare","code":"x"}}"#,
        r#"data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#,
        r#"data: {"not":"a chunk"}"#,
        "data: {\"choices\":[",
        "data: 42",
        "data: [DONE]",
        "data:",
        "data:  ",
        "event: error",
        "event: ping",
        "id: 9",
        ": keep-alive",
        "",
        "",
        "",
        "",
    ]);
    let end = select(vec!["\n", "\n", "\r\n", "\r"]);
    vec((line, end), 0..24).prop_map(|lines| {
        let mut out = Vec::new();
        for (line, end) in lines {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(end.as_bytes());
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn in_place_reads_what_feed_reads(input in stream(), cuts in vec(any::<usize>(), 0..8)) {
        let pieces = cut(&input, &cuts);
        prop_assert_eq!(in_place(&pieces), with_feed(&pieces));
    }

    #[test]
    fn in_place_byte_by_byte(input in stream()) {
        let pieces: Vec<Vec<u8>> = input.iter().map(|&b| vec![b]).collect();
        prop_assert_eq!(in_place(&pieces), with_feed(&pieces));
    }

    #[test]
    fn stopping_early_and_mixing_loses_nothing(
        input in stream(),
        cuts in vec(any::<usize>(), 0..8),
    ) {
        let pieces = cut(&input, &cuts);
        prop_assert_eq!(mixed_stopping_early(&pieces), with_feed(std::slice::from_ref(&input)));
    }

    #[test]
    fn drain_into_in_place_accumulates_what_feed_does(
        input in stream(),
        cuts in vec(any::<usize>(), 0..8),
    ) {
        let pieces = cut(&input, &cuts);
        let (mut fed, mut fed_acc, mut fed_errors) = (ChunkDecoder::new(), Accumulator::new(), Vec::new());
        let (mut read, mut read_acc, mut read_errors) = (ChunkDecoder::new(), Accumulator::new(), Vec::new());
        for piece in &pieces {
            fed.feed(piece);
            while let Err(err) = fed.drain_into(&mut fed_acc) {
                fed_errors.push(format!("{err}"));
            }
            let mut items = read.decode(piece);
            while let Err(err) = items.drain_into(&mut read_acc) {
                read_errors.push(format!("{err}"));
            }
        }
        prop_assert_eq!(read_errors, fed_errors);
        prop_assert_eq!(read.finish(), fed.finish());
        prop_assert_eq!(read_acc.errors(), fed_acc.errors());
        prop_assert_eq!(read_acc.completion(), fed_acc.completion());
    }
}

#[test]
fn a_chunk_read_in_place_borrows_the_input() {
    let input = br#"data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}

data: [DONE]

"#;
    let mut decoder = ChunkDecoder::new();
    let mut items = decoder.decode(input);
    let Ok(Some(StreamItem::Chunk(chunk))) = items.next_item() else {
        panic!("a chunk comes first");
    };
    let Cow::Borrowed(text) = chunk.choices()[0].text().unwrap().to_cow() else {
        panic!("unescaped text is borrowed");
    };
    assert!(input.as_ptr_range().contains(&text.as_ptr()));
    assert_eq!(text, "Hi");
    assert!(matches!(items.next_item(), Ok(Some(StreamItem::Done))));
    assert!(matches!(items.next_item(), Ok(None)));
    drop(items);
    assert!(decoder.finish().is_clean());
}
