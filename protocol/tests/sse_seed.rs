//! Every streaming sample of the contract document decodes to exactly the documented events:
//! the HTTP `data:` stream of the "HTTP API" section, and the chunk objects printed by the SDK
//! samples (OpenAI Python SDK, LangChain) framed as `data:` events.
//!
//! The sample text below is copied verbatim from the contract (`seed/`), which is its source of
//! truth.

mod seed;
mod support;

use chatwire::sse::{Config, Encoder, Event};
use serde_json::Value;

use seed::{CURL_EVENTS, CURL_STREAM, LANGCHAIN_CHUNKS, SDK_CHUNKS};
use support::{check_all_splits, decode_whole, End, Got, Outcome};

fn expected(data: &[&str]) -> Outcome {
    Outcome {
        items: data
            .iter()
            .map(|data| Got::Event(Event::new(data).into_owned()))
            .collect(),
        end: End::Clean,
        last_event_id: None,
        retry: None,
    }
}

fn datas(outcome: &Outcome) -> Vec<String> {
    outcome
        .items
        .iter()
        .map(|got| match got {
            Got::Event(event) => event.data().to_owned(),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

/// The `delta.content` of every chunk (`None` for a chunk without choices).
fn contents(datas: &[String]) -> Vec<Option<String>> {
    datas
        .iter()
        .map(|data| {
            let chunk: Value = serde_json::from_str(data).unwrap();
            chunk["choices"]
                .get(0)
                .map(|choice| choice["delta"]["content"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn the_http_stream_decodes_to_the_documented_events() {
    let expected = expected(&CURL_EVENTS);
    check_all_splits(Config::new(), CURL_STREAM.as_bytes(), &expected);

    let datas = datas(&decode_whole(Config::new(), CURL_STREAM.as_bytes(), true));
    assert_eq!(datas.len(), 8);
    assert_eq!(datas.last().map(String::as_str), Some("[DONE]"));
    let contents = contents(&datas[..7]);
    let text: String = contents.iter().flatten().map(String::as_str).collect();
    assert_eq!(
        text,
        "I am a large-scale language model from Alibaba Cloud, and my name is Qwen."
    );
    let last: Value = serde_json::from_str(&datas[6]).unwrap();
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    for data in &datas[..7] {
        let chunk: Value = serde_json::from_str(data).unwrap();
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["id"], "chatcmpl-3bb05cf5cd819fbca5f0b8d67a025022");
    }
}

#[test]
fn the_http_stream_with_crlf_or_cr_line_ends_decodes_the_same() {
    let expected = expected(&CURL_EVENTS);
    for line_end in ["\r\n", "\r"] {
        let stream = CURL_STREAM.replace('\n', line_end);
        check_all_splits(Config::new(), stream.as_bytes(), &expected);
    }
}

/// Frames chunks as a server does: `data: <json>`, a blank line, and `[DONE]` at the end.
fn frame_by_hand(chunks: &[&str]) -> String {
    let mut wire: String = chunks
        .iter()
        .map(|chunk| format!("data: {chunk}\n\n"))
        .collect();
    wire.push_str("data: [DONE]\n\n");
    wire
}

fn frame_with_encoder(chunks: &[&str]) -> Vec<u8> {
    let mut encoder = Encoder::new();
    let mut wire = Vec::new();
    for chunk in chunks {
        let value: Value = serde_json::from_str(chunk).unwrap();
        encoder.write_json(&mut wire, &value).unwrap();
    }
    encoder.write_done(&mut wire).unwrap();
    wire
}

fn with_done<'a>(chunks: &[&'a str]) -> Vec<&'a str> {
    chunks.iter().copied().chain(["[DONE]"]).collect()
}

#[test]
fn the_openai_sdk_chunks_framed_as_events_decode_to_the_chunks() {
    let expected = expected(&with_done(&SDK_CHUNKS));
    check_all_splits(
        Config::new(),
        frame_by_hand(&SDK_CHUNKS).as_bytes(),
        &expected,
    );

    let datas = datas(&decode_whole(
        Config::new(),
        &frame_with_encoder(&SDK_CHUNKS),
        true,
    ));
    assert_eq!(datas.len(), 9);
    assert_eq!(datas[8], "[DONE]");
    for (data, chunk) in datas.iter().zip(SDK_CHUNKS) {
        let decoded: Value = serde_json::from_str(data).unwrap();
        let documented: Value = serde_json::from_str(chunk).unwrap();
        assert_eq!(decoded, documented);
    }
    let contents = contents(&datas[..8]);
    assert_eq!(contents[7], None, "the usage chunk has no choices");
    let text: String = contents.iter().flatten().map(String::as_str).collect();
    assert_eq!(
        text,
        "I am a large language model from Alibaba Cloud. My name is Qwen."
    );
}

#[test]
fn the_langchain_chunks_framed_as_events_decode_to_the_chunks() {
    let expected = expected(&with_done(&LANGCHAIN_CHUNKS));
    check_all_splits(
        Config::new(),
        frame_by_hand(&LANGCHAIN_CHUNKS).as_bytes(),
        &expected,
    );

    let datas = datas(&decode_whole(
        Config::new(),
        &frame_with_encoder(&LANGCHAIN_CHUNKS),
        true,
    ));
    assert_eq!(datas.len(), 11);
    let text: String = datas[..10]
        .iter()
        .map(|data| {
            let chunk: Value = serde_json::from_str(data).unwrap();
            chunk["content"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        text,
        "I am a large language model from Alibaba Cloud, and my name is Qwen."
    );
    let last: Value = serde_json::from_str(&datas[9]).unwrap();
    assert_eq!(last["usage_metadata"]["total_tokens"], 38);
}
