//! chatwire's own SSE decoder over a hyper client, reading the mock server's streams frame by
//! frame as they arrive.

mod common;

use chatwire::sse::Decoder;
use chatwire_mock::MockServer;
use common::{guard, open, seed_request, SEED_ANSWER};
use http_body_util::BodyExt;
use serde_json::Value;

/// Streams `body` from the server, feeding each frame to a decoder as it arrives; returns the
/// events' data and how many frames came.
async fn decode_stream(server: &MockServer, body: String) -> (Vec<String>, usize) {
    let url = format!("{}/chat/completions", server.base_url());
    let response = open("POST", &url, &[("authorization", "Bearer sk-test")], body).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut incoming = response.into_body();
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    let mut frames = 0;
    while let Some(frame) = guard(incoming.frame()).await {
        let Ok(data) = frame.unwrap().into_data() else {
            continue;
        };
        frames += 1;
        decoder.feed(&data);
        while let Some(event) = decoder.next_event().unwrap() {
            events.push(event.data().to_owned());
        }
    }
    assert!(decoder.finish().is_clean());
    (events, frames)
}

#[tokio::test]
async fn the_seed_stream_through_chatwire_s_decoder() {
    let server = MockServer::start().await;
    let (events, frames) = decode_stream(
        &server,
        seed_request(r#""stream":true,"stream_options":{"include_usage":true}"#),
    )
    .await;
    assert_eq!(events.len(), 9);
    assert!(frames >= 1);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = events[..8]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, SEED_ANSWER);
    assert_eq!(chunks[7]["usage"]["total_tokens"], 38);
}

#[tokio::test]
async fn a_long_generated_stream_decodes_whole() {
    let server = MockServer::start().await;
    let body = r#"{"model":"qwen3-32b","messages":[{"role":"user","content":"Explain the tides to a child, with an example."}],"stream":true,"stream_options":{"include_usage":true}}"#;
    let (events, _) = decode_stream(&server, body.to_owned()).await;
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let reasoning: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["reasoning_content"].as_str())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert!(reasoning.contains("Explain the tides"), "{reasoning}");
    assert!(content.contains("Explain the tides"), "{content}");
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn chatwire_s_typed_decoder_and_accumulator_over_hyper() {
    use chatwire::accumulate::Accumulator;
    use chatwire::stream::{ChunkDecoder, StreamItem};

    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    let body = seed_request(r#""stream":true,"stream_options":{"include_usage":true}"#);
    let response = open("POST", &url, &[("authorization", "Bearer sk-test")], body).await;
    let mut incoming = response.into_body();
    let mut decoder = ChunkDecoder::new();
    let mut acc = Accumulator::new();
    let mut chunks = 0;
    while let Some(frame) = guard(incoming.frame()).await {
        let Ok(data) = frame.unwrap().into_data() else {
            continue;
        };
        decoder.feed(&data);
        while let Some(item) = decoder.next_item().unwrap() {
            match item {
                StreamItem::Chunk(chunk) => {
                    chunks += 1;
                    acc.push(&chunk).unwrap();
                }
                StreamItem::Error(envelope) => {
                    panic!("an error in the stream: {}", envelope.to_json())
                }
                _ => {}
            }
        }
    }
    assert!(decoder.finish().is_clean());
    assert_eq!(chunks, 8);
    let completion: Value = serde_json::from_str(&acc.into_completion().to_json()).unwrap();
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["choices"][0]["message"]["content"], SEED_ANSWER);
    assert_eq!(completion["choices"][0]["message"]["role"], "assistant");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    assert_eq!(completion["usage"]["prompt_tokens"], 22);
    assert_eq!(completion["usage"]["completion_tokens"], 16);
}
