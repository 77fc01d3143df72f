//! Typed decoding: bytes to chunks. chatwire (its SSE decoder, then
//! `ChatCompletionChunk::from_json`, which takes the chunk fast path; and the general serde
//! path alone) beside async-openai's path (eventsource-stream, then serde_json into
//! `CreateChatCompletionStreamResponse`) and a `serde_json::Value` per event, on the same
//! bytes in the same group. Each pass reads every delta's text (chatwire through `JsonStr`,
//! into a reused buffer) and asserts the chunk count and decoded text length.

mod common;

use std::hint::black_box;

use chatwire_benches::corpus::{self, Corpus};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

use common::{
    async_openai_typed, chatwire_typed, parse_default, parse_serde, typed_facts, value_typed, Feed,
};

fn typed_group(c: &mut Criterion, name: &str, corpus: &Corpus, feeds: &[Feed]) {
    let (want, want_content_only) = typed_facts(corpus);
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    for feed in feeds {
        let pieces = &feed.pieces;
        group.bench_function(format!("chatwire/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_typed(black_box(pieces), parse_default), want))
        });
        group.bench_function(format!("chatwire-serde/{}", feed.name), |b| {
            b.iter(|| assert_eq!(chatwire_typed(black_box(pieces), parse_serde), want))
        });
        group.bench_function(format!("async-openai/{}", feed.name), |b| {
            b.iter(|| assert_eq!(async_openai_typed(black_box(pieces)), want_content_only))
        });
        group.bench_function(format!("serde_json-Value/{}", feed.name), |b| {
            b.iter(|| assert_eq!(value_typed(black_box(pieces)), want))
        });
    }
    group.finish();
}

/// JSON alone: the data of every event, already framed, parsed by each peer (the chunk count
/// and decoded text length asserted as above).
fn json_only(c: &mut Criterion) {
    let text = corpus::text_corpus();
    let (want, want_content_only) = typed_facts(&text);
    let datas = common::event_datas(&text);
    drop(text);
    let bytes: usize = datas.iter().map(String::len).sum();
    let mut group = c.benchmark_group("json/text");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("chatwire", |b| {
        b.iter(|| {
            assert_eq!(
                common::json_chatwire(black_box(&datas), parse_default),
                want
            )
        })
    });
    group.bench_function("chatwire-serde", |b| {
        b.iter(|| assert_eq!(common::json_chatwire(black_box(&datas), parse_serde), want))
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

fn corpora(c: &mut Criterion) {
    let text = corpus::text_corpus();
    let feeds = common::standard_feeds(&text);
    let frag_and_event: Vec<Feed> = feeds
        .into_iter()
        .filter(|f| f.name == "frag" || f.name == "event")
        .collect();
    typed_group(c, "typed/text", &text, &frag_and_event);
    drop(text);
    let tools = corpus::tool_call_corpus();
    typed_group(c, "typed/tool-calls", &tools, &[common::frag_feed(&tools)]);
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = json_only, corpora
}
criterion_main!(benches);
