//! Chunks that repeat the previous chunk's shape (the decoder reads those by comparing them
//! with it): every item equals what parsing its event's data alone gives, whatever differs
//! from the chunk before, and the verdict on malformed data is the same.

use chatwire::stream::{ChunkDecoder, StreamError, StreamItem};
use chatwire::types::ChatCompletionChunk;

/// Chunk data in the shapes providers send; `@` stands for the text, `#` for OpenAI's
/// padding, which changes in every chunk too.
const SHAPES: &[&str] = &[
    r#"{"choices":[{"delta":{"content":"@"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb0"}"#,
    r#"{"choices":[{"delta":{"reasoning_content":"@"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb0"}"#,
    r#"{"id":"chatcmpl-A1b2","object":"chat.completion.chunk","created":1727346162,"model":"gpt-4o","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"@"},"logprobs":null,"finish_reason":null}]}"#,
    r##"{"id":"chatcmpl-A1b2","object":"chat.completion.chunk","created":1727346162,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"@"},"logprobs":null,"finish_reason":null}],"obfuscation":"#"}"##,
    r#"{"id":"gen-1","provider":"Groq","model":"m","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning":"@"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
    r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":"@"}}]},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-8c44"}"#,
];

const TEXTS: &[&str] = &[
    "Hello",
    "",
    r#"a \"quoted\" line\n"#,
    r"\u4f60\u597d \ud83d\ude00",
    "你好 😀",
    r#"{\"city\": \"Hangzhou\"}"#,
];

/// What an item is, comparable across decoders and lifetimes.
#[derive(Debug, PartialEq)]
enum Seen {
    Chunk(String),
    Other(String),
    Failed(String),
    Done,
}

fn seen(item: Result<Option<StreamItem<'_>>, StreamError>) -> Option<Seen> {
    match item {
        Ok(Some(StreamItem::Chunk(chunk))) => Some(Seen::Chunk(format!("{chunk:?}"))),
        Ok(Some(StreamItem::Done)) => Some(Seen::Done),
        Ok(Some(other)) => Some(Seen::Other(format!("{other:?}"))),
        Ok(None) => None,
        Err(err) => Some(Seen::Failed(format!("{:?}", err.kind()))),
    }
}

/// What the decoder should give for `data` on its own: the chunk the one-event parse
/// gives, or a JSON error.
fn expected(data: &str) -> Seen {
    match ChatCompletionChunk::from_json(data) {
        Ok(chunk) => {
            let serde: ChatCompletionChunk<'_> =
                serde_json::from_str(data).expect("serde agrees with from_json");
            assert_eq!(chunk, serde);
            Seen::Chunk(format!("{chunk:?}"))
        }
        Err(_) => {
            let mut decoder = ChunkDecoder::new();
            decoder.feed(format!("data: {data}\n\n").as_bytes());
            seen(decoder.next_item()).expect("an item")
        }
    }
}

/// The items of `events` read by one decoder, fed in `piece`-byte pieces and read in place.
fn decode(events: &[String], piece: usize) -> Vec<Seen> {
    let mut wire = Vec::new();
    for data in events {
        wire.extend_from_slice(format!("data: {data}\n\n").as_bytes());
    }
    let mut decoder = ChunkDecoder::new();
    let mut items = Vec::new();
    for (i, input) in wire.chunks(piece).enumerate() {
        if i % 2 == 0 {
            decoder.feed(input);
            while let Some(item) = seen(decoder.next_item()) {
                items.push(item);
            }
        } else {
            let mut decode = decoder.decode(input);
            while let Some(item) = seen(decode.next_item()) {
                items.push(item);
            }
        }
    }
    items
}

fn check(events: &[String]) {
    let want: Vec<Seen> = events.iter().map(|data| expected(data)).collect();
    for piece in [usize::MAX, 1460, 7] {
        let got = decode(events, piece.min(1 << 20));
        assert_eq!(got.len(), want.len(), "pieces of {piece}");
        for (i, (got, want)) in got.iter().zip(&want).enumerate() {
            assert_eq!(got, want, "event {i}: {}", events[i]);
        }
    }
}

#[test]
fn streams_of_repeated_shapes_read_as_each_event_alone() {
    for shape in SHAPES {
        let mut events = Vec::new();
        for round in 0..3 {
            for text in TEXTS {
                let padding = "Xy7z".repeat(round + text.len() % 3);
                events.push(
                    shape
                        .replace('@', &format!("{text}{round}"))
                        .replace('#', &padding),
                );
            }
        }
        check(&events);
    }
    // Shapes interleaved, as a stream moves from reasoning to content to tool calls.
    let mut events = Vec::new();
    for (i, text) in TEXTS.iter().cycle().take(60).enumerate() {
        let padding = "p".repeat(i % 4);
        events.push(
            SHAPES[(i / 7) % SHAPES.len()]
                .replace('@', text)
                .replace('#', &padding),
        );
    }
    check(&events);
}

#[test]
fn a_chunk_that_differs_anywhere_reads_as_it_does_alone() {
    for shape in SHAPES {
        let template = shape.replace('@', "some text").replace('#', "pad");
        let bytes = template.as_bytes();
        for at in 0..bytes.len() {
            for replacement in [&b""[..], b"0", b"\"", b"\\", b" ", b"x", b"}", b"null"] {
                let mut changed = bytes[..at].to_vec();
                changed.extend_from_slice(replacement);
                changed.extend_from_slice(&bytes[at + 1..]);
                let Ok(changed) = String::from_utf8(changed) else {
                    continue;
                };
                if changed.contains(['\n', '\r']) {
                    continue;
                }
                // The shape is learned from the first two, then the changed chunk is read
                // against it, then an unchanged one again.
                check(&[
                    template.clone(),
                    template.clone(),
                    changed,
                    template.clone(),
                ]);
            }
        }
    }
}
