//! `Decoder::decode` (events read in place) against `feed` + `next_event` (the reference):
//! the same events, errors, end-of-stream report, last event id and byte count, for every
//! input and every way of cutting it into pieces.

use chatwire::sse::{Config, Decoder, Utf8Mode};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// What a pass saw, in order, as text.
fn with_feed(config: Config, pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = Decoder::with_config(config);
    let mut seen = Vec::new();
    for piece in pieces {
        decoder.feed(piece);
        loop {
            match decoder.next_event() {
                Ok(Some(event)) => seen.push(format!("{event:?}")),
                Ok(None) => break,
                Err(error) => seen.push(format!("error {:?} at {}", error.kind(), error.offset())),
            }
        }
        seen.push(format!("consumed {}", decoder.total_consumed()));
    }
    seen.push(format!(
        "id {:?} retry {:?}",
        decoder.last_event_id(),
        decoder.retry()
    ));
    seen.push(format!("{:?}", decoder.finish()));
    seen
}

fn in_place(config: Config, pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = Decoder::with_config(config);
    let mut seen = Vec::new();
    for piece in pieces {
        let mut events = decoder.decode(piece);
        loop {
            match events.next_event() {
                Ok(Some(event)) => seen.push(format!("{event:?}")),
                Ok(None) => break,
                Err(error) => seen.push(format!("error {:?} at {}", error.kind(), error.offset())),
            }
        }
        drop(events);
        seen.push(format!("consumed {}", decoder.total_consumed()));
    }
    seen.push(format!(
        "id {:?} retry {:?}",
        decoder.last_event_id(),
        decoder.retry()
    ));
    seen.push(format!("{:?}", decoder.finish()));
    seen
}

/// Stopping early: events not read before a `Decode` is dropped come with the next piece.
fn in_place_stopping_early(config: Config, pieces: &[Vec<u8>]) -> Vec<String> {
    let mut decoder = Decoder::with_config(config);
    let mut seen = Vec::new();
    let mut empty = Vec::new();
    for piece in pieces.iter().chain(std::iter::once(&mut empty as &_)) {
        let mut events = decoder.decode(piece);
        // At most one item per piece; the rest stays in the decoder.
        match events.next_event() {
            Ok(Some(event)) => seen.push(format!("{event:?}")),
            Ok(None) => {}
            Err(error) => seen.push(format!("error {:?} at {}", error.kind(), error.offset())),
        }
    }
    loop {
        match decoder.next_event() {
            Ok(Some(event)) => seen.push(format!("{event:?}")),
            Ok(None) => break,
            Err(error) => seen.push(format!("error {:?} at {}", error.kind(), error.offset())),
        }
    }
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

/// Event-stream text from lines of every kind, with every line ending.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let line = select(vec![
        "data: hello",
        "data:x",
        "data",
        "data: 你好",
        "event: ping",
        "event:",
        "id: 7",
        "id",
        "id: a\0b",
        "retry: 1500",
        "retry: x",
        ": comment",
        ":",
        "",
        "",
        "",
        "field: v",
        "data: {\"choices\":[]}",
        "data:  two spaces",
        "\u{feff}data: bom",
        "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ]);
    let end = select(vec!["\n", "\n", "\r\n", "\r"]);
    (any::<bool>(), vec((line, end), 0..24), any::<bool>()).prop_map(|(bom, lines, invalid)| {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for (i, (line, end)) in lines.iter().enumerate() {
            out.extend_from_slice(line.as_bytes());
            if invalid && i == 1 {
                out.push(0xFF);
            }
            out.extend_from_slice(end.as_bytes());
        }
        out
    })
}

fn config() -> impl Strategy<Value = Config> {
    (
        select(vec![8usize, 20, 1 << 20]),
        select(vec![10usize, 40, 8 << 20]),
        any::<bool>(),
    )
        .prop_map(|(line, event, strict)| {
            let mode = if strict {
                Utf8Mode::Strict
            } else {
                Utf8Mode::Replace
            };
            Config::new()
                .with_max_line_length(line)
                .with_max_event_size(event)
                .with_utf8_mode(mode)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn in_place_reads_what_feed_reads(
        input in stream(),
        cuts in vec(any::<usize>(), 0..8),
        config in config(),
    ) {
        let pieces = cut(&input, &cuts);
        prop_assert_eq!(in_place(config, &pieces), with_feed(config, &pieces));
    }

    #[test]
    fn in_place_byte_by_byte(input in stream(), config in config()) {
        let pieces: Vec<Vec<u8>> = input.iter().map(|&b| vec![b]).collect();
        prop_assert_eq!(in_place(config, &pieces), with_feed(config, &pieces));
    }

    #[test]
    fn stopping_early_loses_nothing(input in stream(), cuts in vec(any::<usize>(), 0..8)) {
        let pieces = cut(&input, &cuts);
        let config = Config::new();
        let all: Vec<String> = with_feed(config, std::slice::from_ref(&input))
            .into_iter()
            .filter(|line| !line.starts_with("consumed") && !line.starts_with("id "))
            .collect();
        prop_assert_eq!(in_place_stopping_early(config, &pieces), all);
    }
}

/// Streams longer than the stretch of text the decoder validates at once when reading in
/// place (16 KiB): lines cross from one stretch to the next, some characters are cut at a
/// stretch's end, and an invalid byte ends a stretch early.
fn long_stream() -> impl Strategy<Value = Vec<u8>> {
    (stream(), 0usize..3).prop_map(|(input, pad)| {
        let mut out = vec![b':'; pad];
        out.push(b'\n');
        if input.is_empty() {
            return out;
        }
        while out.len() < 40 * 1024 {
            out.extend_from_slice(&input);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn long_streams_in_place_read_what_feed_reads(
        input in long_stream(),
        cuts in vec(any::<usize>(), 0..3),
        config in config(),
    ) {
        let pieces = cut(&input, &cuts);
        prop_assert_eq!(in_place(config, &pieces), with_feed(config, &pieces));
    }
}

#[test]
fn a_piece_read_in_place_is_not_copied() {
    let mut decoder = Decoder::new();
    let input = b"data: one\n\ndata: two\n\ndata: thr".to_vec();
    let mut events = decoder.decode(&input);
    let first = events.next_event().unwrap().unwrap();
    // The data borrows the input itself.
    let range = input.as_ptr_range();
    assert!(range.contains(&first.data().as_ptr()));
    assert_eq!(first.data(), "one");
    assert_eq!(events.next_event().unwrap().unwrap().data(), "two");
    assert_eq!(events.next_event().unwrap(), None);
    drop(events);
    // Only the partial line was kept.
    assert_eq!(decoder.buffered_len(), "data: thr".len());
    let mut events = decoder.decode(b"ee\n\n");
    assert_eq!(events.next_event().unwrap().unwrap().data(), "three");
}
