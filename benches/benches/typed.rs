//! Typed decoding: bytes to chunks, and chunks to whole completions, on the DashScope-style
//! text and tool-call corpora (and, for `typed/*` and `accumulate/*`, an OpenAI-style text
//! corpus).
//!
//! - `typed/*`: chatwire's `stream::ChunkDecoder` (its SSE decoder, then the chunk fast path
//!   behind `ChatCompletionChunk::from_json`) fed each piece (`chatwire`) or reading it in
//!   place (`chatwire-decode`), chatwire's SSE decoder with the general serde
//!   path, async-openai's path (eventsource-stream, then serde_json into
//!   `CreateChatCompletionStreamResponse`), and a `serde_json::Value` per event. Each
//!   response is one stream fed in random 1..=4096-byte pieces; every delta's text is read
//!   (chatwire through `JsonStr`, into a reused buffer) and the chunk count and decoded text
//!   length are asserted.
//! - `json/*`: the JSON step alone, over the already framed data of every event: the default
//!   (fast path), the general serde path through serde_json, sonic-rs and simd-json
//!   (`chatwire::backend`; simd-json's rows include copying each event's data into a reused
//!   buffer, as it unescapes in place), and async-openai's type.
//! - `accumulate/*`: chatwire's `ChunkDecoder::drain_into` an `Accumulator` (pieces fed, or
//!   read in place: `chatwire-decode`), against
//!   async-openai's path plus the `String` accumulation its users write; the completions'
//!   text and argument lengths are asserted.

mod common;

use std::hint::black_box;

use chatwire_benches::corpus::{self, Corpus};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

use common::{
    accumulate_facts, async_openai_accumulate, async_openai_responses, chatwire_accumulate,
    chatwire_serde_typed, chatwire_stream_typed, response_frags, typed_facts, value_responses,
    Typing,
};

fn typed_group(c: &mut Criterion, name: &str, corpus: &Corpus) {
    let (want, want_content_only) = typed_facts(corpus);
    let responses = response_frags(corpus);
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    group.bench_function("chatwire", |b| {
        b.iter(|| {
            assert_eq!(
                chatwire_stream_typed(black_box(&responses), Typing::Feed),
                want
            )
        })
    });
    group.bench_function("chatwire-decode", |b| {
        b.iter(|| {
            assert_eq!(
                chatwire_stream_typed(black_box(&responses), Typing::Decode),
                want
            )
        })
    });
    group.bench_function("chatwire-decode-by-ref", |b| {
        b.iter(|| {
            assert_eq!(
                chatwire_stream_typed(black_box(&responses), Typing::DecodeByRef),
                want
            )
        })
    });
    group.bench_function("chatwire-serde", |b| {
        b.iter(|| assert_eq!(chatwire_serde_typed(black_box(&responses)), want))
    });
    group.bench_function("async-openai", |b| {
        b.iter(|| {
            assert_eq!(
                async_openai_responses(black_box(&responses)),
                want_content_only
            )
        })
    });
    group.bench_function("serde_json-Value", |b| {
        b.iter(|| assert_eq!(value_responses(black_box(&responses)), want))
    });
    group.finish();
}

fn accumulate_group(c: &mut Criterion, name: &str, corpus: &Corpus) {
    let (want, want_content_only) = accumulate_facts(corpus);
    let responses = response_frags(corpus);
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    group.bench_function("chatwire", |b| {
        b.iter(|| assert_eq!(chatwire_accumulate(black_box(&responses), false), want))
    });
    group.bench_function("chatwire-decode", |b| {
        b.iter(|| assert_eq!(chatwire_accumulate(black_box(&responses), true), want))
    });
    group.bench_function("async-openai+String", |b| {
        b.iter(|| {
            assert_eq!(
                async_openai_accumulate(black_box(&responses)),
                want_content_only
            )
        })
    });
    group.finish();
}

/// JSON alone: the data of every event, already framed, parsed by each peer.
fn json_only(c: &mut Criterion, name: &str, corpus: &Corpus) {
    let (want, want_content_only) = typed_facts(corpus);
    let datas = common::event_datas(corpus);
    let bytes: usize = datas.iter().map(String::len).sum();
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("chatwire", |b| {
        b.iter(|| {
            assert_eq!(
                common::json_chatwire(black_box(&datas), common::parse_default),
                want
            )
        })
    });
    group.bench_function("chatwire-serde", |b| {
        b.iter(|| {
            assert_eq!(
                common::json_chatwire(black_box(&datas), common::parse_serde),
                want
            )
        })
    });
    group.bench_function("chatwire-sonic-rs", |b| {
        b.iter(|| {
            assert_eq!(
                common::json_chatwire(black_box(&datas), common::parse_sonic),
                want
            )
        })
    });
    group.bench_function("chatwire-simd-json", |b| {
        b.iter(|| assert_eq!(common::json_simd(black_box(&datas)), want))
    });
    group.bench_function("async-openai", |b| {
        b.iter(|| {
            assert_eq!(
                common::json_async_openai(black_box(&datas)),
                want_content_only
            )
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let text = corpus::text_corpus();
    typed_group(c, "typed/text", &text);
    json_only(c, "json/text", &text);
    accumulate_group(c, "accumulate/text", &text);
    drop(text);
    let tools = corpus::tool_call_corpus();
    typed_group(c, "typed/tool-calls", &tools);
    json_only(c, "json/tool-calls", &tools);
    accumulate_group(c, "accumulate/tool-calls", &tools);
    drop(tools);
    // OpenAI's layout, beside the DashScope-style corpora: every chunk differs in its
    // `obfuscation` padding as well as its text.
    let openai = corpus::openai_text_corpus();
    typed_group(c, "typed/openai-text", &openai);
    accumulate_group(c, "accumulate/openai-text", &openai);
}

criterion_group! {
    name = typed;
    config = common::criterion();
    targets = benches
}
criterion_main!(typed);
