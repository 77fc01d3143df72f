//! The typed stream decoder on streams of near-identical chunks: the shape it records from
//! one chunk and reads the next ones against.
//!
//! Input: a chunk template and the texts to put in it, separated by `0xFF` bytes. The
//! template's first `@` is replaced by each text in turn, and its first `#` by the text
//! reversed (a second string that changes, as OpenAI's `obfuscation` does; a template
//! without them is used as it is), line breaks become spaces, and the events are decoded as
//! one stream, fed in pieces and read in place alternately. Asserts: every item is what a fresh decoder gives
//! for that event's data alone (the same chunk, the same error kind, the same other item),
//! and every chunk equals `ChatCompletionChunk::from_json` of its data.
#![no_main]

use chatwire::stream::{ChunkDecoder, StreamError, StreamItem};
use chatwire::types::ChatCompletionChunk;
use libfuzzer_sys::fuzz_target;

/// An item, comparable across decoders.
#[derive(Debug, PartialEq)]
enum Seen {
    Chunk(String),
    Item(String),
    Failed(String),
}

fn seen(item: Result<Option<StreamItem<'_>>, StreamError>) -> Option<Seen> {
    match item {
        Ok(Some(StreamItem::Chunk(chunk))) => Some(Seen::Chunk(format!("{chunk:?}"))),
        Ok(Some(other)) => Some(Seen::Item(format!("{other:?}"))),
        Ok(None) => None,
        Err(err) => Some(Seen::Failed(format!("{:?}", err.kind()))),
    }
}

/// What a fresh decoder gives for `data` alone.
fn alone(data: &str) -> Vec<Seen> {
    let mut decoder = ChunkDecoder::new();
    decoder.feed(format!("data: {data}\n\n").as_bytes());
    let mut items = Vec::new();
    while let Some(item) = seen(decoder.next_item()) {
        items.push(item);
    }
    if let Ok(chunk) = ChatCompletionChunk::from_json(data) {
        if let Some(Seen::Chunk(first)) = items.first() {
            assert_eq!(first, &format!("{chunk:?}"));
        }
    }
    items
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF);
    let Some(template) = parts.next() else {
        return;
    };
    let template = String::from_utf8_lossy(template).replace(['\n', '\r'], " ");
    let mut events = Vec::new();
    // The template twice with a first text, so that a shape is recorded and matched.
    for text in ["x", "y"].into_iter().map(str::to_owned).chain(
        parts
            .take(32)
            .map(|text| String::from_utf8_lossy(text).replace(['\n', '\r'], " ")),
    ) {
        let reversed: String = text.chars().rev().collect();
        events.push(template.replacen('@', &text, 1).replacen('#', &reversed, 1));
    }
    // `[DONE]` changes how the events after it read: not what this target is about.
    if events.iter().any(|event| event.trim_ascii() == "[DONE]") {
        return;
    }
    let mut wire = Vec::new();
    for event in &events {
        wire.extend_from_slice(format!("data: {event}\n\n").as_bytes());
    }
    let want: Vec<Seen> = events.iter().flat_map(|event| alone(event)).collect();
    for piece in [wire.len().max(1), 61] {
        let mut decoder = ChunkDecoder::new();
        let mut got = Vec::new();
        for (i, input) in wire.chunks(piece).enumerate() {
            if i % 2 == 0 {
                decoder.feed(input);
                while let Some(item) = seen(decoder.next_item()) {
                    got.push(item);
                }
            } else {
                let mut items = decoder.decode(input);
                while let Some(item) = seen(items.next_item()) {
                    got.push(item);
                }
            }
        }
        assert_eq!(got, want, "in pieces of {piece}");
    }
});
