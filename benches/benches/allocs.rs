//! Heap allocations per event, for chatwire and every peer, counted by a global allocator
//! over whole passes of the generated corpora (fed in random 1..=4096-byte pieces).
//!
//! `cargo bench -p chatwire-benches --bench allocs` prints the table; with `--test` (as
//! `cargo bench -- --test` passes) it runs on a smaller corpus. Either way it asserts that
//! chatwire's steady state makes no allocation per event (a handful per stream, while the
//! decoder's buffers grow, is what remains).
//!
//! The rows of corpus `mock` count per request instead (the `events` column): the mock
//! server's requests beside a bare hyper server's answering the same bytes, client included
//! in both (see [`measure_mock`]).
#![allow(unsafe_code)] // The counting allocator below, and nothing else.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use chatwire::sse::Config;
use chatwire_benches::corpus::{self, Corpus, Shape};
use chatwire_mock::MockServer;

use common::http::{bare_server, client, fetch, PLAIN, STREAMING};
use common::Feed;

/// Counts allocations (and reallocations) made through it, then defers to the system
/// allocator.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds exactly as it does for `System`; the counter has no effect on
// the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made while `f` runs, and its result.
fn count<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let out = f();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, out)
}

struct Row {
    corpus: &'static str,
    peer: &'static str,
    allocations: u64,
    events: usize,
}

impl Row {
    fn per_event(&self) -> f64 {
        self.allocations as f64 / self.events as f64
    }
}

fn measure(name: &'static str, corpus: &Corpus, feed: &Feed, rows: &mut Vec<Row>) {
    let pieces = &feed.pieces;
    let (want, want_content_only) = common::typed_facts(corpus);
    let mut row = |peer, allocations| {
        rows.push(Row {
            corpus: name,
            peer,
            allocations,
            events: corpus.events,
        })
    };

    let (n, framed) = count(|| common::chatwire_frame(pieces, Config::new()));
    assert_eq!(framed.events, corpus.events);
    row("chatwire sse::Decoder", n);
    let (n, framed) = count(|| common::eventsource_frame(pieces));
    assert_eq!(framed.events, corpus.events);
    row("eventsource-stream", n);
    let responses = common::response_frags(corpus);
    let (n, typed) = count(|| common::chatwire_stream_typed(&responses, common::Typing::Feed));
    assert_eq!(typed, want);
    row("chatwire typed (ChunkDecoder, fast path)", n);
    let (n, typed) = count(|| common::chatwire_stream_typed(&responses, common::Typing::Decode));
    assert_eq!(typed, want);
    row("chatwire typed (ChunkDecoder::decode, in place)", n);
    let (n, typed) = count(|| common::chatwire_serde_typed(&responses));
    assert_eq!(typed, want);
    row("chatwire typed (serde path)", n);
    let (n, typed) = count(|| common::async_openai_responses(&responses));
    assert_eq!(typed, want_content_only);
    row("async-openai (eventsource + serde)", n);
    let (n, typed) = count(|| common::value_responses(&responses));
    assert_eq!(typed, want);
    row("serde_json::Value", n);
    let (accumulated_want, accumulated_content_only) = common::accumulate_facts(corpus);
    let (n, accumulated) = count(|| common::chatwire_accumulate(&responses, false));
    assert_eq!(accumulated, accumulated_want);
    row("chatwire Accumulator (whole stream)", n);
    let (n, accumulated) = count(|| common::chatwire_accumulate(&responses, true));
    assert_eq!(accumulated, accumulated_want);
    row("chatwire Accumulator (whole stream, decode)", n);
    let (n, accumulated) = count(|| common::async_openai_accumulate(&responses));
    assert_eq!(accumulated, accumulated_content_only);
    row("async-openai + String (whole stream)", n);
}

/// Heap allocations per request of the mock server, beside a bare hyper server answering
/// with the same bytes: `requests` requests one at a time on a current-thread runtime, after
/// a warm-up. The client runs in the same thread and is counted with both, so the difference
/// between the two rows of a case is the mock's own.
fn measure_mock(requests: usize, rows: &mut Vec<Row>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mock = MockServer::start().await;
        let client = client();
        let cases = [
            (
                PLAIN,
                "application/json",
                "chatwire-mock, non-streaming",
                "bare hyper, non-streaming",
            ),
            (
                STREAMING,
                "text/event-stream",
                "chatwire-mock, streaming",
                "bare hyper, streaming",
            ),
        ];
        for (body, content_type, mock_peer, bare_peer) in cases {
            let expected = fetch(&client, mock.address(), body).await;
            let bare = bare_server(expected.clone(), content_type).await;
            for (peer, addr) in [(mock_peer, mock.address()), (bare_peer, bare)] {
                for _ in 0..requests / 10 + 1 {
                    fetch(&client, addr, body).await;
                }
                let before = ALLOCATIONS.load(Ordering::Relaxed);
                for _ in 0..requests {
                    let answer = fetch(&client, addr, body).await;
                    assert_eq!(answer.len(), expected.len(), "{peer}");
                }
                rows.push(Row {
                    corpus: "mock",
                    peer,
                    allocations: ALLOCATIONS.load(Ordering::Relaxed) - before,
                    events: requests,
                });
            }
        }
    });
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--test");
    let (text_size, tool_size) = if quick {
        (1 << 20, 1 << 20)
    } else {
        (50 << 20, 20 << 20)
    };
    let mut rows = Vec::new();
    let text = corpus::generate(Shape::Text, text_size, 0x5EED_0001);
    measure("text", &text, &common::frag_feed(&text), &mut rows);
    drop(text);
    let tools = corpus::generate(Shape::ToolCalls, tool_size, 0x5EED_0002);
    measure("tool-calls", &tools, &common::frag_feed(&tools), &mut rows);
    measure_mock(if quick { 200 } else { 20_000 }, &mut rows);

    println!(
        "{:<12} {:<42} {:>12} {:>10} {:>12}",
        "corpus", "peer", "allocations", "events", "per event"
    );
    for row in &rows {
        println!(
            "{:<12} {:<42} {:>12} {:>10} {:>12.4}",
            row.corpus,
            row.peer,
            row.allocations,
            row.events,
            row.per_event()
        );
    }
    // The accumulator builds an owned completion per response (a few allocations per
    // response, not per event), and the mock server answers requests: both are reported but
    // not held to zero.
    let steady = |row: &&Row| {
        row.corpus != "mock"
            && row.peer.starts_with("chatwire")
            && !row.peer.contains("Accumulator")
    };
    for row in rows.iter().filter(steady) {
        // A few allocations per pass (buffers growing) are allowed; none per event.
        assert!(
            row.per_event() < 0.01,
            "{} on {}: {:.4} allocations per event",
            row.peer,
            row.corpus,
            row.per_event()
        );
    }
    if quick {
        println!("allocs: 1 passed, 0 failed");
    }
}
