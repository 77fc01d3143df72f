//! Shared by the bench binaries: the criterion configuration, the ways a corpus is fed, and
//! the peers' drivers. Each driver returns what it found so the bench can assert it inside the
//! timed loop.

#![allow(dead_code)] // Each bench binary uses a different part of this module.

pub mod http;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use chatwire::accumulate::Accumulator;
use chatwire::sse::{Config, Decoder};
use chatwire::stream::{ChunkDecoder, StreamItem};
use chatwire::types::{ChatCompletionChunk, JsonStr, MessageContent};
use chatwire_benches::corpus::Corpus;
use criterion::Criterion;
use futures_util::StreamExt as _;

/// Modest settings: the machine has 2 cores shared with other work, and a 50 MB corpus takes
/// tens of milliseconds per pass, so few samples are enough. Flat sampling is set per group.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
}

/// A corpus cut into the pieces one feed delivers, as `Bytes` sharing one allocation (what
/// an HTTP client hands over).
pub struct Feed {
    /// Short name for the benchmark id: `whole`, `event`, `response`, `frag`, ...
    pub name: &'static str,
    /// The pieces, in order; together they are the corpus.
    pub pieces: Vec<Bytes>,
}

impl Feed {
    /// Cuts `all` into pieces of the given lengths.
    pub fn from_lengths(
        name: &'static str,
        all: &Bytes,
        lengths: impl Iterator<Item = usize>,
    ) -> Self {
        let mut at = 0;
        let pieces: Vec<Bytes> = lengths
            .map(|len| {
                let piece = all.slice(at..at + len);
                at += len;
                piece
            })
            .collect();
        assert_eq!(at, all.len(), "pieces must cover the corpus");
        Self { name, pieces }
    }

    /// Total length of the pieces.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }
}

/// The four feeds of issue 9: whole, one piece per event, one piece per response, and random
/// 1..=4096-byte pieces (`frag`).
pub fn standard_feeds(corpus: &Corpus) -> Vec<Feed> {
    let all = Bytes::from(corpus.bytes.clone());
    let lens = |pieces: Vec<&[u8]>| pieces.into_iter().map(<[u8]>::len).collect::<Vec<_>>();
    vec![
        Feed::from_lengths("whole", &all, std::iter::once(all.len())),
        Feed::from_lengths("event", &all, lens(corpus.event_pieces()).into_iter()),
        Feed::from_lengths("response", &all, lens(corpus.response_pieces()).into_iter()),
        Feed::from_lengths(
            "frag",
            &all,
            lens(corpus.random_pieces(4096, 0xF7A6)).into_iter(),
        ),
    ]
}

/// The frag feed alone (random 1..=4096-byte pieces).
pub fn frag_feed(corpus: &Corpus) -> Feed {
    let all = Bytes::from(corpus.bytes.clone());
    let lens: Vec<usize> = corpus
        .random_pieces(4096, 0xF7A6)
        .iter()
        .map(|p| p.len())
        .collect();
    Feed::from_lengths("frag", &all, lens.into_iter())
}

/// What a framing pass found: events and the total length of their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Framed {
    pub events: usize,
    pub data_bytes: usize,
}

/// chatwire: `sse::Decoder`, fed piece by piece, drained after each piece.
pub fn chatwire_frame(pieces: &[Bytes], config: Config) -> Framed {
    let mut decoder = Decoder::with_config(config);
    let mut out = Framed::default();
    for piece in pieces {
        decoder.feed(piece);
        loop {
            match decoder.next_event() {
                Ok(Some(event)) => {
                    out.events += 1;
                    out.data_bytes += event.data().len();
                }
                Ok(None) => break,
                Err(error) => panic!("chatwire decoder failed: {error}"),
            }
        }
    }
    assert!(decoder.finish().is_clean(), "stream must end cleanly");
    out
}

/// chatwire: `sse::Decoder::decode`, reading each piece in place (no copy into the decoder).
pub fn chatwire_decode_frame(pieces: &[Bytes], config: Config) -> Framed {
    let mut decoder = Decoder::with_config(config);
    let mut out = Framed::default();
    for piece in pieces {
        let mut events = decoder.decode(piece);
        loop {
            match events.next_event() {
                Ok(Some(event)) => {
                    out.events += 1;
                    out.data_bytes += event.data().len();
                }
                Ok(None) => break,
                Err(error) => panic!("chatwire decoder failed: {error}"),
            }
        }
    }
    assert!(decoder.finish().is_clean(), "stream must end cleanly");
    out
}

/// eventsource-stream (what async-openai uses), driven synchronously over a stream of the
/// pieces.
pub fn eventsource_frame(pieces: &[Bytes]) -> Framed {
    futures_executor::block_on(async {
        let source =
            futures_util::stream::iter(pieces.iter().cloned().map(Ok::<Bytes, Infallible>));
        let mut events = eventsource_stream::EventStream::new(source);
        let mut out = Framed::default();
        while let Some(event) = events.next().await {
            let event = event.expect("eventsource-stream failed");
            out.events += 1;
            out.data_bytes += event.data.len();
        }
        out
    })
}

/// The ceiling: a bare `memchr` count of `\n` over the same pieces.
pub fn memchr_newlines(pieces: &[Bytes]) -> usize {
    pieces
        .iter()
        .map(|p| memchr::memchr_iter(b'\n', p).count())
        .sum()
}

/// The reference newline count, for asserting the ceiling's result.
pub fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// What a typed pass found: chunks, and the decoded lengths of the text and tool-call
/// arguments they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Typed {
    pub chunks: usize,
    /// Decoded `content` (and, where the peer can read it, `reasoning_content`) bytes.
    pub text_bytes: usize,
    pub argument_bytes: usize,
}

/// Adds what one chatwire chunk carries, reading the text through `JsonStr` into a reused
/// buffer (no allocation once it has grown).
pub fn count_chunk(chunk: &ChatCompletionChunk<'_>, scratch: &mut String, out: &mut Typed) {
    let mut decoded = |text: &JsonStr<'_>| {
        scratch.clear();
        text.unescape_into(scratch);
        scratch.len()
    };
    out.chunks += 1;
    for choice in chunk.choices() {
        let Some(delta) = choice.delta.value() else {
            continue;
        };
        if let Some(text) = delta.content.value().and_then(MessageContent::as_text) {
            out.text_bytes += decoded(text);
        }
        if let Some(text) = delta.reasoning_text() {
            out.text_bytes += decoded(text);
        }
        for call in delta.calls() {
            if let Some(arguments) = call.arguments_text() {
                out.argument_bytes += decoded(arguments);
            }
        }
    }
}

/// A chunk parser: the default `ChatCompletionChunk::from_json`, or the serde path.
pub type Parse = for<'a> fn(&'a str) -> Result<ChatCompletionChunk<'a>, String>;

/// The default parser: `ChatCompletionChunk::from_json` (the fast path, serde behind it).
pub fn parse_default(data: &str) -> Result<ChatCompletionChunk<'_>, String> {
    ChatCompletionChunk::from_json(data).map_err(|e| e.to_string())
}

/// The general serde path alone: `serde_json::from_str` into `ChatCompletionChunk`.
pub fn parse_serde(data: &str) -> Result<ChatCompletionChunk<'_>, String> {
    serde_json::from_str(data).map_err(|e| e.to_string())
}

/// The general path through sonic-rs: `chatwire::backend::sonic::from_str`.
pub fn parse_sonic(data: &str) -> Result<ChatCompletionChunk<'_>, String> {
    chatwire::backend::sonic::from_str(data).map_err(|e| e.to_string())
}

/// The general path through simd-json over already framed event data. simd-json unescapes in
/// place, so each event's data is first copied into one reused buffer (the copy is part of
/// the measured time); its working buffers are reused too.
pub fn json_simd(datas: &[String]) -> Typed {
    use chatwire::backend::simd;

    let mut out = Typed::default();
    let mut scratch = String::new();
    let (mut buffer, mut buffers) = (Vec::new(), simd::Buffers::default());
    for data in datas {
        buffer.clear();
        buffer.extend_from_slice(data.as_bytes());
        match simd::from_slice_with_buffers::<ChatCompletionChunk<'_>>(&mut buffer, &mut buffers) {
            Ok(chunk) => count_chunk(&chunk, &mut scratch, &mut out),
            Err(error) => panic!("invalid chunk: {error}"),
        }
    }
    out
}

/// chatwire: `sse::Decoder` and a chunk parser over every event but `[DONE]`.
pub fn chatwire_typed(pieces: &[Bytes], parse: Parse) -> Typed {
    let mut decoder = Decoder::new();
    let mut out = Typed::default();
    let mut scratch = String::new();
    for piece in pieces {
        decoder.feed(piece);
        while let Some(event) = decoder.next_event().expect("framing") {
            let data = event.data();
            if data == "[DONE]" {
                continue;
            }
            match parse(data) {
                Ok(chunk) => count_chunk(&chunk, &mut scratch, &mut out),
                Err(error) => panic!("invalid chunk: {error}"),
            }
        }
    }
    out
}

/// The chunk parser alone over already framed event data.
pub fn json_chatwire(datas: &[String], parse: Parse) -> Typed {
    let mut out = Typed::default();
    let mut scratch = String::new();
    for data in datas {
        match parse(data) {
            Ok(chunk) => count_chunk(&chunk, &mut scratch, &mut out),
            Err(error) => panic!("invalid chunk: {error}"),
        }
    }
    out
}

/// async-openai's path: eventsource-stream, then `serde_json::from_str` of each event's data
/// into `CreateChatCompletionStreamResponse` (what its `create_stream` does per event).
/// Its delta has no `reasoning_content`, so only `content` is counted.
pub fn async_openai_typed(pieces: &[Bytes]) -> Typed {
    futures_executor::block_on(async {
        let source =
            futures_util::stream::iter(pieces.iter().cloned().map(Ok::<Bytes, Infallible>));
        let mut events = eventsource_stream::EventStream::new(source);
        let mut out = Typed::default();
        while let Some(event) = events.next().await {
            let event = event.expect("eventsource-stream failed");
            if event.data == "[DONE]" {
                continue;
            }
            count_async_openai(&event.data, &mut out);
        }
        out
    })
}

/// async-openai's deserialization alone over already framed event data.
pub fn json_async_openai(datas: &[String]) -> Typed {
    let mut out = Typed::default();
    for data in datas {
        count_async_openai(data, &mut out);
    }
    out
}

fn count_async_openai(data: &str, out: &mut Typed) {
    use async_openai::types::chat::CreateChatCompletionStreamResponse;

    let chunk: CreateChatCompletionStreamResponse =
        serde_json::from_str(data).expect("a valid chunk");
    out.chunks += 1;
    for choice in &chunk.choices {
        if let Some(text) = &choice.delta.content {
            out.text_bytes += text.len();
        }
        for call in choice.delta.tool_calls.iter().flatten() {
            if let Some(arguments) = call.function.as_ref().and_then(|f| f.arguments.as_ref()) {
                out.argument_bytes += arguments.len();
            }
        }
    }
}

/// `serde_json::Value` per event, over chatwire's framing (the cost of a JSON tree).
pub fn value_typed(pieces: &[Bytes]) -> Typed {
    let mut decoder = Decoder::new();
    let mut out = Typed::default();
    for piece in pieces {
        decoder.feed(piece);
        while let Some(event) = decoder.next_event().expect("framing") {
            let data = event.data();
            if data == "[DONE]" {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(data).expect("valid JSON");
            out.chunks += 1;
            for choice in value["choices"].as_array().into_iter().flatten() {
                let delta = &choice["delta"];
                for field in ["content", "reasoning_content"] {
                    if let Some(text) = delta[field].as_str() {
                        out.text_bytes += text.len();
                    }
                }
                for call in delta["tool_calls"].as_array().into_iter().flatten() {
                    if let Some(arguments) = call["function"]["arguments"].as_str() {
                        out.argument_bytes += arguments.len();
                    }
                }
            }
        }
    }
    out
}

/// The data of every event but `[DONE]`, as text.
pub fn event_datas(corpus: &Corpus) -> Vec<String> {
    corpus
        .event_pieces()
        .iter()
        .map(|event| {
            let end = event.len()
                - event
                    .iter()
                    .rev()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
            String::from_utf8_lossy(&event[b"data: ".len()..end]).into_owned()
        })
        .filter(|data| data != "[DONE]")
        .collect()
}

/// What every typed peer must find in `corpus`, and what the async-openai path can (its
/// delta type has no `reasoning_content`): the `content` bytes alone, counted once here.
pub fn typed_facts(corpus: &Corpus) -> (Typed, Typed) {
    let all = Typed {
        chunks: corpus.chunks,
        text_bytes: corpus.text_bytes,
        argument_bytes: corpus.argument_bytes,
    };
    let mut content = 0;
    for data in event_datas(corpus) {
        let value: serde_json::Value = serde_json::from_str(&data).expect("valid JSON");
        for choice in value["choices"].as_array().into_iter().flatten() {
            if let Some(text) = choice["delta"]["content"].as_str() {
                content += text.len();
            }
        }
    }
    (
        all,
        Typed {
            text_bytes: content,
            ..all
        },
    )
}

/// Each response of the corpus (one HTTP body, ending with `[DONE]`) cut into random
/// 1..=4096-byte pieces: the shape a client's typed layer sees.
pub fn response_frags(corpus: &Corpus) -> Vec<Vec<Bytes>> {
    let all = Bytes::from(corpus.bytes.clone());
    let mut rng = chatwire_benches::corpus::Rng::new(0xF7A6);
    let mut start = 0;
    corpus
        .response_ends
        .iter()
        .map(|&end| {
            let mut pieces = Vec::new();
            while start < end {
                let len = 1 + rng.below(4096) as usize;
                let stop = (start + len).min(end);
                pieces.push(all.slice(start..stop));
                start = stop;
            }
            pieces
        })
        .collect()
}

/// How [`chatwire_stream_typed`] reads the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// Each piece fed (`feed` + `next_item`), each item taken by value.
    Feed,
    /// Each piece read in place (`decode` + `next_item`), each item taken by value (`?`, then
    /// `if let StreamItem::Chunk(chunk) = item`: what most callers write).
    Decode,
    /// Each piece read in place, each item matched by reference where `next_item` returns it
    /// (`Ok(Some(StreamItem::Chunk(ref chunk)))`), as `drain_into` does: the ~1 KB chunk is
    /// read where it was built instead of being moved out of the `Result` and the enum first.
    DecodeByRef,
}

/// chatwire's typed layer: `stream::ChunkDecoder` (SSE, then the chunk fast path), one
/// decoder reused across responses (`finish` between them keeps its buffers), reading as
/// `typing` says.
pub fn chatwire_stream_typed(responses: &[Vec<Bytes>], typing: Typing) -> Typed {
    let mut decoder = ChunkDecoder::new();
    let mut out = Typed::default();
    let mut scratch = String::new();
    // An item taken by value: the chunk moved out of the enum, as a caller's `if let` does.
    fn count(item: StreamItem<'_>, scratch: &mut String, out: &mut Typed) {
        if let StreamItem::Chunk(chunk) = item {
            count_chunk(&chunk, scratch, out);
        }
    }
    for response in responses {
        for piece in response {
            match typing {
                Typing::Feed => {
                    decoder.feed(piece);
                    while let Some(item) = decoder.next_item().expect("a valid stream") {
                        count(item, &mut scratch, &mut out);
                    }
                }
                Typing::Decode => {
                    let mut items = decoder.decode(piece);
                    while let Some(item) = items.next_item().expect("a valid stream") {
                        count(item, &mut scratch, &mut out);
                    }
                }
                Typing::DecodeByRef => {
                    let mut items = decoder.decode(piece);
                    loop {
                        match items.next_item() {
                            Ok(Some(StreamItem::Chunk(ref chunk))) => {
                                count_chunk(chunk, &mut scratch, &mut out);
                            }
                            Ok(Some(_)) => {}
                            Ok(None) => break,
                            Err(error) => panic!("a valid stream: {error}"),
                        }
                    }
                }
            }
        }
        assert!(
            decoder.finish().is_clean(),
            "each response ends with [DONE]"
        );
    }
    out
}

/// chatwire's SSE decoder and the general serde path, per response.
pub fn chatwire_serde_typed(responses: &[Vec<Bytes>]) -> Typed {
    let mut decoder = Decoder::new();
    let mut out = Typed::default();
    let mut scratch = String::new();
    for response in responses {
        for piece in response {
            decoder.feed(piece);
            while let Some(event) = decoder.next_event().expect("framing") {
                let data = event.data();
                if data == "[DONE]" {
                    continue;
                }
                match serde_json::from_str::<ChatCompletionChunk<'_>>(data) {
                    Ok(chunk) => count_chunk(&chunk, &mut scratch, &mut out),
                    Err(error) => panic!("invalid chunk: {error}"),
                }
            }
        }
        assert!(decoder.finish().is_clean());
    }
    out
}

/// async-openai's path, one event stream per response.
pub fn async_openai_responses(responses: &[Vec<Bytes>]) -> Typed {
    let mut out = Typed::default();
    for response in responses {
        let typed = async_openai_typed(response);
        out.chunks += typed.chunks;
        out.text_bytes += typed.text_bytes;
        out.argument_bytes += typed.argument_bytes;
    }
    out
}

/// `serde_json::Value` per event over chatwire's framing, per response.
pub fn value_responses(responses: &[Vec<Bytes>]) -> Typed {
    let mut out = Typed::default();
    for response in responses {
        let typed = value_typed(response);
        out.chunks += typed.chunks;
        out.text_bytes += typed.text_bytes;
        out.argument_bytes += typed.argument_bytes;
    }
    out
}

/// What accumulating every response found: completions, and the decoded lengths of their
/// text and tool-call arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accumulated {
    pub completions: usize,
    pub tool_calls: usize,
    pub text_bytes: usize,
    pub argument_bytes: usize,
}

/// chatwire: `ChunkDecoder::drain_into` an `Accumulator`, one completion per response;
/// each piece fed (`feed`), or read in place (`decode`) when `in_place`.
pub fn chatwire_accumulate(responses: &[Vec<Bytes>], in_place: bool) -> Accumulated {
    let mut decoder = ChunkDecoder::new();
    let mut out = Accumulated::default();
    for response in responses {
        let mut acc = Accumulator::new();
        for piece in response {
            if in_place {
                decoder.decode(piece).drain_into(&mut acc)
            } else {
                decoder.feed(piece);
                decoder.drain_into(&mut acc)
            }
            .expect("a valid stream");
        }
        assert!(decoder.finish().is_clean());
        let completion = acc.into_completion();
        out.completions += 1;
        for choice in completion.choices() {
            let Some(message) = choice.message.value() else {
                continue;
            };
            for text in [message.content_text(), message.reasoning_text()]
                .into_iter()
                .flatten()
            {
                out.text_bytes += text.to_cow().len();
            }
            for call in message.calls() {
                out.tool_calls += 1;
                if let Some(arguments) = call.function.value().and_then(|f| f.arguments.value()) {
                    out.argument_bytes += arguments.to_cow().len();
                }
            }
        }
    }
    out
}

/// async-openai's path plus the accumulation its users write: a `String` for the content,
/// and per tool-call index an id, a name and an argument `String`.
pub fn async_openai_accumulate(responses: &[Vec<Bytes>]) -> Accumulated {
    use async_openai::types::chat::CreateChatCompletionStreamResponse;

    let mut out = Accumulated::default();
    for response in responses {
        let (content, calls) = futures_executor::block_on(async {
            let source =
                futures_util::stream::iter(response.iter().cloned().map(Ok::<Bytes, Infallible>));
            let mut events = eventsource_stream::EventStream::new(source);
            let mut content = String::new();
            let mut calls: Vec<(String, String, String)> = Vec::new();
            while let Some(event) = events.next().await {
                let event = event.expect("eventsource-stream failed");
                if event.data == "[DONE]" {
                    break;
                }
                let chunk: CreateChatCompletionStreamResponse =
                    serde_json::from_str(&event.data).expect("a valid chunk");
                for choice in chunk.choices {
                    if let Some(text) = choice.delta.content {
                        content.push_str(&text);
                    }
                    for call in choice.delta.tool_calls.into_iter().flatten() {
                        let index = call.index as usize;
                        if calls.len() <= index {
                            calls.resize_with(index + 1, Default::default);
                        }
                        let slot = &mut calls[index];
                        if let Some(id) = call.id.filter(|id| !id.is_empty()) {
                            slot.0 = id;
                        }
                        if let Some(function) = call.function {
                            if let Some(name) = function.name {
                                slot.1 = name;
                            }
                            if let Some(arguments) = function.arguments {
                                slot.2.push_str(&arguments);
                            }
                        }
                    }
                }
            }
            (content, calls)
        });
        out.completions += 1;
        out.text_bytes += content.len();
        out.tool_calls += calls.len();
        out.argument_bytes += calls.iter().map(|call| call.2.len()).sum::<usize>();
    }
    out
}

/// What accumulating `corpus` must give, and what the async-openai path can give (content
/// only), counted once here from the event data.
pub fn accumulate_facts(corpus: &Corpus) -> (Accumulated, Accumulated) {
    let (typed, content_only) = typed_facts(corpus);
    let mut tool_calls = 0;
    for data in event_datas(corpus) {
        let value: serde_json::Value = serde_json::from_str(&data).expect("valid JSON");
        for choice in value["choices"].as_array().into_iter().flatten() {
            for call in choice["delta"]["tool_calls"]
                .as_array()
                .into_iter()
                .flatten()
            {
                // A call starts with the piece that carries its id.
                if call["id"].as_str().is_some_and(|id| !id.is_empty()) {
                    tool_calls += 1;
                }
            }
        }
    }
    let all = Accumulated {
        completions: corpus.responses,
        tool_calls,
        text_bytes: typed.text_bytes,
        argument_bytes: typed.argument_bytes,
    };
    (
        all,
        Accumulated {
            text_bytes: content_only.text_bytes,
            ..all
        },
    )
}
