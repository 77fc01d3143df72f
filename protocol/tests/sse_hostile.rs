//! Hostile input: the decoder's memory stays bounded, it answers with a typed error or the
//! spec's behaviour, it never panics, and it keeps decoding afterwards.

mod support;

use chatwire::sse::{Config, Decoder, ErrorKind, Item, Utf8Mode, DEFAULT_MAX_LINE_LENGTH};

/// The size of one network read in these tests.
const CHUNK: usize = 64 * 1024;

/// What the decoder may hold on top of its limits: the current chunk (twice, for the buffer's
/// growth policy), the buffer's fixed slack, and small text buffers.
const OVERHEAD: usize = 2 * CHUNK + 64 * 1024 + 4096;

/// Feeds `total` bytes produced by `fill` in `CHUNK`-sized pieces, draining items after each and
/// asserting the memory bound; returns the items' kinds counted.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    events: usize,
    comments: usize,
    errors: Vec<(ErrorKind, u64)>,
    max_heap: usize,
}

fn run(
    decoder: &mut Decoder,
    total: usize,
    fill: impl Fn(usize, &mut [u8]),
    bound: usize,
) -> Counts {
    let mut counts = Counts::default();
    let mut chunk = vec![0u8; CHUNK];
    let mut offset = 0;
    while offset < total {
        let len = CHUNK.min(total - offset);
        fill(offset, &mut chunk[..len]);
        decoder.feed(&chunk[..len]);
        offset += len;
        loop {
            match decoder.next_item() {
                Ok(None) => break,
                Ok(Some(Item::Event(_))) => counts.events += 1,
                Ok(Some(Item::Comment(_))) => counts.comments += 1,
                Ok(Some(other)) => panic!("unexpected {other:?}"),
                Err(err) => {
                    assert!(err.is_recoverable());
                    counts.errors.push((err.kind(), err.offset()));
                }
            }
        }
        counts.max_heap = counts.max_heap.max(decoder.heap_capacity());
        assert!(
            decoder.heap_capacity() <= bound,
            "{} bytes held after {offset} bytes (bound {bound})",
            decoder.heap_capacity()
        );
    }
    counts
}

/// A pattern repeated over the stream.
fn repeat(pattern: &'static [u8]) -> impl Fn(usize, &mut [u8]) {
    move |offset, out| {
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = pattern[(offset + i) % pattern.len()];
        }
    }
}

fn next_data(decoder: &mut Decoder) -> String {
    decoder.next_event().unwrap().unwrap().data().to_owned()
}

#[test]
fn a_hundred_mib_without_a_line_end() {
    let mut decoder = Decoder::new();
    let bound = DEFAULT_MAX_LINE_LENGTH + OVERHEAD;
    let counts = run(&mut decoder, 100 << 20, repeat(b"a"), bound);
    assert_eq!(counts.errors, [(ErrorKind::LineTooLong, 0)]);
    assert_eq!(counts.events, 0);
    // The too-long line was dropped, not kept.
    assert_eq!(decoder.buffered_len(), 0);
    // The decoder goes on after the line ends and the discarded event's blank line.
    decoder.feed(b"\n\ndata: ok\n\n");
    assert_eq!(next_data(&mut decoder), "ok");
    assert!(decoder.finish().is_clean());
}

#[test]
fn a_hundred_mib_data_line_with_a_small_limit() {
    let config = Config::new().with_max_line_length(4096);
    let mut decoder = Decoder::with_config(config);
    decoder.feed(b"data: ");
    let counts = run(&mut decoder, 100 << 20, repeat(b"xyz"), 4096 + OVERHEAD);
    assert_eq!(counts.errors, [(ErrorKind::LineTooLong, 0)]);
    let end = decoder.finish();
    assert!(!end.is_clean());
    assert_eq!(end.discarded_bytes(), 6 + (100 << 20));
}

#[test]
fn a_million_empty_lines() {
    let mut decoder = Decoder::new();
    let counts = run(&mut decoder, 1 << 20, repeat(b"\n"), OVERHEAD);
    assert_eq!(
        counts,
        Counts {
            max_heap: counts.max_heap,
            ..Counts::default()
        }
    );
    let mut decoder = Decoder::new();
    let counts = run(&mut decoder, 2 << 20, repeat(b"\r\n"), OVERHEAD);
    assert_eq!(
        counts,
        Counts {
            max_heap: counts.max_heap,
            ..Counts::default()
        }
    );
    assert!(decoder.finish().is_clean());
}

#[test]
fn a_million_comment_lines() {
    let mut decoder = Decoder::new();
    let counts = run(&mut decoder, 7 << 20, repeat(b": ping\n"), OVERHEAD);
    assert_eq!(counts.comments, 1 << 20);
    assert_eq!(counts.events, 0);
    assert!(counts.errors.is_empty());
    // Comments do not open an event: the end is clean.
    assert!(decoder.finish().is_clean());
}

#[test]
fn a_million_data_lines_without_a_blank_line() {
    let config = Config::new().with_max_event_size(64 * 1024);
    let mut decoder = Decoder::with_config(config);
    let line = b"data: 0123456789\n";
    let counts = run(
        &mut decoder,
        line.len() << 20,
        repeat(line),
        64 * 1024 + OVERHEAD,
    );
    // n lines make 11n - 1 bytes of data ("0123456789" each, joined by LF): 5,957 lines fit in
    // 64 KiB (65,526 bytes), the 5,958th is the error; the rest of the stream is skipped,
    // waiting for a blank line.
    assert_eq!(counts.errors, [(ErrorKind::EventTooLarge, 5957 * 17)]);
    assert_eq!(counts.events, 0);
    decoder.feed(b"\ndata: after\n\n");
    assert_eq!(next_data(&mut decoder), "after");
}

#[test]
fn a_million_unknown_fields_and_ids() {
    let mut decoder = Decoder::new();
    let counts = run(&mut decoder, 12 << 20, repeat(b"x: 1\nid: 2\n"), OVERHEAD);
    assert_eq!(counts.events, 0);
    assert!(counts.errors.is_empty());
    assert_eq!(decoder.last_event_id(), Some("2"));
}

#[test]
fn nul_bytes() {
    let mut decoder = Decoder::new();
    let counts = run(
        &mut decoder,
        4 << 20,
        repeat(b"\0"),
        DEFAULT_MAX_LINE_LENGTH + OVERHEAD,
    );
    assert_eq!(counts.errors, [(ErrorKind::LineTooLong, 0)]);

    let mut decoder = Decoder::new();
    let mut input = b"id: 1\ndata: ".to_vec();
    input.extend_from_slice(&[0; 1000]);
    input.extend_from_slice(b"\nid: \0\n\n");
    decoder.feed(&input);
    let event = decoder.next_event().unwrap().unwrap();
    assert_eq!(event.data(), "\0".repeat(1000));
    assert_eq!(event.id(), Some("1"));
}

#[test]
fn invalid_utf8_everywhere() {
    // Every byte value, lines of garbage, in both modes: no panic, bounded, and in strict mode
    // only UTF-8 errors.
    let garbage = |offset: usize, out: &mut [u8]| {
        for (i, byte) in out.iter_mut().enumerate() {
            let n = (offset + i) as u64;
            let mixed = n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
            *byte = match mixed % 23 {
                0 => b'\n',
                1 => b'\r',
                2 => b':',
                _ => (mixed >> 8) as u8,
            };
        }
    };
    for mode in [Utf8Mode::Replace, Utf8Mode::Strict] {
        let config = Config::new().with_utf8_mode(mode);
        let mut decoder = Decoder::with_config(config);
        let counts = run(&mut decoder, 8 << 20, garbage, OVERHEAD);
        match mode {
            Utf8Mode::Replace => assert!(counts.errors.is_empty()),
            _ => {
                assert!(!counts.errors.is_empty());
                assert!(counts
                    .errors
                    .iter()
                    .all(|(kind, _)| *kind == ErrorKind::InvalidUtf8));
            }
        }
        decoder.feed(b"\n\ndata: ok\n\n");
        assert_eq!(next_data(&mut decoder), "ok");
    }
}

#[test]
fn replacement_characters_are_bounded_by_the_event_limit() {
    let config = Config::new().with_max_event_size(100_000);
    let mut decoder = Decoder::with_config(config);
    let mut input = Vec::new();
    for _ in 0..100 {
        input.extend_from_slice(b"data: ");
        input.extend_from_slice(&[0xFF; 989]);
        input.push(b'\n');
    }
    input.push(b'\n');
    decoder.feed(&input);
    let event = decoder.next_event().unwrap().unwrap();
    assert_eq!(
        event.data().chars().filter(|&c| c == '\u{FFFD}').count(),
        98_900
    );
    // U+FFFD is 3 bytes, and a growing buffer may double: at most 6 times the limit.
    assert!(decoder.heap_capacity() < input.len() + 6 * 100_000 + 4096);
}
