//! Steady-state decoding makes no heap allocation per event, shown with a counting global
//! allocator. One test per binary keeps other threads' allocations out of the count.
#![allow(unsafe_code)] // the counting global allocator

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chatwire::sse::Decoder;

/// Counts allocations (and reallocations) while `COUNTING` is set.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System`, which upholds the `GlobalAlloc` contract; the
// counters are atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes there).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f`.
fn allocations(f: impl FnOnce()) -> usize {
    ALLOCATIONS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCATIONS.load(Ordering::SeqCst)
}

/// A realistic stream: text-delta chunks of varying length, a multi-line event, an event type,
/// an id, a keep-alive comment, and `[DONE]`.
fn stream() -> Vec<u8> {
    let mut wire = Vec::new();
    for i in 0..2000 {
        let delta = "token ".repeat(i % 7 + 1);
        wire.extend_from_slice(
            format!(
                "data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{delta}\"}},\"finish_reason\":null}}]}}\n\n"
            )
            .as_bytes(),
        );
        if i % 100 == 0 {
            wire.extend_from_slice(
                b": keep-alive\n\nevent: note\nid: 42\ndata: line one\ndata: line two\r\n\r\n",
            );
        }
    }
    wire.extend_from_slice(b"data: [DONE]\n\n");
    wire
}

/// Feeds `wire` in `piece`-sized chunks and sums the data lengths (so nothing is optimised out).
fn decode(decoder: &mut Decoder, wire: &[u8], piece: usize) -> (usize, usize) {
    let (mut events, mut bytes) = (0, 0);
    for chunk in wire.chunks(piece) {
        decoder.feed(chunk);
        while let Some(event) = decoder.next_event().unwrap() {
            events += 1;
            bytes += event.data().len() + event.event_type().len();
        }
    }
    (events, bytes)
}

#[test]
fn steady_state_decoding_does_not_allocate() {
    let wire = stream();
    let mut whole_events = Vec::new();
    for piece in [wire.len(), 16 * 1024, 1460, 97, 1] {
        let mut decoder = Decoder::new();
        // Warm-up: the buffers grow to what this stream and chunk size need.
        let warm = decode(&mut decoder, &wire, piece);
        assert!(decoder.finish().is_clean());
        let mut measured = (0, 0);
        let count = allocations(|| measured = decode(&mut decoder, &wire, piece));
        assert_eq!(measured, warm, "piece size {piece}");
        assert_eq!(measured.0, 2000 + 20 + 1, "piece size {piece}");
        assert_eq!(count, 0, "allocations at piece size {piece}");
        whole_events.push(measured);
    }
    assert!(whole_events.windows(2).all(|w| w[0] == w[1]));

    // The counter does count: keeping events is where allocation happens.
    let mut decoder = Decoder::new();
    decode(&mut decoder, &wire, 1460);
    let count = allocations(|| {
        decoder.feed(b"data: kept\n\n");
        let owned = decoder.next_event().unwrap().unwrap().into_owned();
        assert_eq!(owned.data(), "kept");
    });
    assert!(count >= 1);
}
