//! Steady-state decoding makes no heap allocation per event, shown with a counting global
//! allocator. One test per binary keeps other threads' allocations out of the count.
#![allow(unsafe_code)] // the counting global allocator

use chatwire::sse::Decoder;

mod counting;

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// Allocations made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    counting::allocations(f).0
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
