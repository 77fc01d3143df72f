//! SSE framing: chatwire's `sse::Decoder` (`feed` + `next_event`, and `decode`, which reads
//! each piece in place) beside eventsource-stream (what async-openai uses)
//! and a bare `memchr` newline count (the ceiling), on the same bytes in the same group.
//!
//! Corpora: (a) ~50 MB of text-delta streams, (b) ~20 MB of tool-call streams, (c) corpus (a)
//! with CRLF; each fed whole, one piece per event, one piece per response and in random
//! 1..=4096-byte pieces. Adversarial: one 8 MiB line in 1,460-byte pieces (and whole),
//! 100,000 tiny events in one piece, and 100,000 events each holding an invalid UTF-8 byte.
//! `sse/utf8` times UTF-8 validation alone over corpus (a), line by line and in blocks.
//!
//! eventsource-stream re-copies its buffer after every line, so a large piece costs it time
//! quadratic in the piece's size: fed 50 MB whole, or 100,000 events in one piece, it would not
//! finish in a bench's time. Where that is so it is measured on a smaller input of the same
//! shape, named in its benchmark id, with its own throughput.

mod common;

use std::hint::black_box;

use bytes::Bytes;
use chatwire::sse::Config;
use chatwire_benches::corpus::{self, Corpus};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};

use common::{
    chatwire_decode_frame, chatwire_frame, eventsource_frame, memchr_newlines, newlines, Feed,
    Framed,
};

/// Largest piece eventsource-stream is given (larger pieces cost it quadratic time).
const EVENTSOURCE_MAX_PIECE: usize = 1 << 20;

/// What a correct framing of `corpus` finds: every event is one `data:` line.
fn expected(corpus: &Corpus) -> Framed {
    let data_bytes = corpus
        .event_pieces()
        .iter()
        .map(|event| {
            let end = event.len()
                - event
                    .iter()
                    .rev()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
            end - b"data: ".len()
        })
        .sum();
    Framed {
        events: corpus.events,
        data_bytes,
    }
}

fn framing_group(c: &mut Criterion, name: &str, corpus: &Corpus, feeds: &[Feed], config: Config) {
    let want = expected(corpus);
    let want_newlines = newlines(&corpus.bytes);
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    for feed in feeds {
        let pieces = &feed.pieces;
        group.bench_function(format!("chatwire/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_frame(black_box(pieces), config), want))
        });
        group.bench_function(format!("chatwire-decode/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_decode_frame(black_box(pieces), config), want))
        });
        if pieces.iter().all(|p| p.len() <= EVENTSOURCE_MAX_PIECE) {
            group.bench_function(format!("eventsource-stream/{}", feed.name), |b| {
                b.iter(|| assert_eq!(eventsource_frame(black_box(pieces)), want))
            });
        }
        group.bench_function(format!("memchr/{}", feed.name), |b| {
            b.iter(|| assert_eq!(memchr_newlines(black_box(pieces)), want_newlines))
        });
    }
    group.finish();
}

/// UTF-8 validation alone over corpus *text*: each line on its own, as `feed` validates,
/// and in 2 KiB blocks, about what `decode` validates at once in random pieces of up to
/// 4 KiB (see BENCHMARKS.md, "Framing").
fn utf8_group(c: &mut Criterion, corpus: &Corpus) {
    let bytes = &corpus.bytes;
    let lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .collect();
    let mut group = c.benchmark_group("sse/utf8");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("simdutf8/per-line", |b| {
        b.iter(|| {
            let valid = black_box(&lines)
                .iter()
                .filter(|line| simdutf8::basic::from_utf8(line).is_ok())
                .count();
            assert_eq!(valid, lines.len());
        })
    });
    // Whole lines gathered into blocks of up to 2 KiB, as a stretch starts at a line.
    let mut blocks: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if end + line.len() - start > 2048 && end > start {
            blocks.push(&bytes[start..end]);
            start = end;
        }
        end += line.len();
    }
    blocks.push(&bytes[start..end]);
    group.bench_function("simdutf8/2KiB-blocks", |b| {
        b.iter(|| {
            let valid = black_box(&blocks)
                .iter()
                .filter(|block| simdutf8::compat::from_utf8(block).is_ok())
                .count();
            assert_eq!(valid, blocks.len());
        })
    });
    group.finish();
}

fn corpora(c: &mut Criterion) {
    let config = Config::new();
    let text = corpus::text_corpus();
    utf8_group(c, &text);
    framing_group(c, "sse/text", &text, &common::standard_feeds(&text), config);
    let crlf = text.with_crlf();
    drop(text);
    framing_group(
        c,
        "sse/text-crlf",
        &crlf,
        &common::standard_feeds(&crlf),
        config,
    );
    drop(crlf);
    let tools = corpus::tool_call_corpus();
    framing_group(
        c,
        "sse/tool-calls",
        &tools,
        &common::standard_feeds(&tools),
        config,
    );
}

fn adversarial(c: &mut Criterion) {
    // One 8 MiB line: in 1,460-byte pieces (a TCP segment) and whole; linear means the two
    // are within 2x of each other.
    let line_len = 8 << 20;
    let config = Config::new()
        .with_max_line_length(line_len + 64)
        .with_max_event_size(line_len + 64);
    let long = corpus::long_line(line_len);
    let all = bytes::Bytes::from(long.bytes.clone());
    let feeds = [
        Feed::from_lengths(
            "1460",
            &all,
            long.fixed_pieces(1460).iter().map(|p| p.len()),
        ),
        Feed::from_lengths("whole", &all, std::iter::once(all.len())),
    ];
    let want = expected(&long);
    let mut group = c.benchmark_group("sse/long-line-8MiB");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(long.bytes.len() as u64));
    for feed in &feeds {
        let pieces = &feed.pieces;
        group.bench_function(format!("chatwire/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_frame(black_box(pieces), config), want))
        });
        group.bench_function(format!("chatwire-decode/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_decode_frame(black_box(pieces), config), want))
        });
        group.bench_function(format!("memchr/{}", feed.name), |b| {
            b.iter(|| assert_eq!(memchr_newlines(black_box(pieces)), 2))
        });
    }
    // eventsource-stream rescans the whole pending line on every piece: 256 KiB of the same
    // shape already shows the quadratic cost.
    let small = corpus::long_line(256 << 10);
    let small_all = bytes::Bytes::from(small.bytes.clone());
    let small_feed = Feed::from_lengths(
        "1460",
        &small_all,
        small.fixed_pieces(1460).iter().map(|p| p.len()),
    );
    let small_want = expected(&small);
    group.throughput(Throughput::Bytes(small.bytes.len() as u64));
    group.bench_function("eventsource-stream/1460 (256 KiB line)", |b| {
        b.iter(|| assert_eq!(eventsource_frame(black_box(&small_feed.pieces)), small_want))
    });
    group.finish();

    // 100,000 tiny events in one piece.
    let tiny = corpus::tiny_events(100_000);
    let mut group = c.benchmark_group("sse/tiny-events-100k");
    let one = [bytes::Bytes::from(tiny.bytes.clone())];
    one_piece(&mut group, &one, config, expected(&tiny));
    // eventsource-stream copies the rest of its buffer after each line: 5,000 events in one
    // piece show the shape at a size it finishes.
    let few = corpus::tiny_events(5_000);
    let few_one = [bytes::Bytes::from(few.bytes.clone())];
    let few_want = expected(&few);
    group.throughput(Throughput::Bytes(few.bytes.len() as u64));
    group.bench_function("eventsource-stream/whole (5k events)", |b| {
        b.iter(|| assert_eq!(eventsource_frame(black_box(&few_one)), few_want))
    });
    group.finish();

    // 100,000 events whose data holds an invalid byte, in one piece: read in place, the
    // decoder validates stretches of lines at once, and each stretch ends at the first
    // invalid byte; linear means `decode` stays near `feed`, which validates line by line.
    let mut invalid = Vec::new();
    for i in 0..100_000u32 {
        invalid.extend_from_slice(format!("data: {{\"n\":{i},\"t\":\"").as_bytes());
        invalid.push(0xFF);
        invalid.extend_from_slice(b"\"}\n\n");
    }
    let want = Framed {
        events: 100_000,
        // Each invalid byte becomes U+FFFD, three bytes of text.
        data_bytes: invalid.len() - 100_000 * (b"data: \n\n".len() - 2),
    };
    let mut group = c.benchmark_group("sse/invalid-utf8-100k");
    one_piece(&mut group, &[bytes::Bytes::from(invalid)], config, want);
    group.finish();
}

/// chatwire fed and read in place, and the memchr count, over `one` (a single piece) in
/// `group`, with the group's throughput set to its size.
fn one_piece(
    group: &mut BenchmarkGroup<'_, WallTime>,
    one: &[Bytes; 1],
    config: Config,
    want: Framed,
) {
    let want_newlines = newlines(&one[0]);
    group.throughput(Throughput::Bytes(one[0].len() as u64));
    group.bench_function("chatwire/whole", |b| {
        b.iter(|| assert_eq!(chatwire_frame(black_box(one), config), want))
    });
    group.bench_function("chatwire-decode/whole", |b| {
        b.iter(|| assert_eq!(chatwire_decode_frame(black_box(one), config), want))
    });
    group.bench_function("memchr/whole", |b| {
        b.iter(|| assert_eq!(memchr_newlines(black_box(one)), want_newlines))
    });
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = corpora, adversarial
}
criterion_main!(benches);
