//! Faults inside a stream, picked by the `x-mock-scenario` header: an in-stream error
//! envelope without `[DONE]`, truncation, a connection reset, a malformed chunk, a duplicated
//! chunk, keep-alive comments, an SSE-framed 400, and a fault that strikes with a seeded
//! probability.

mod common;

use chatwire_mock::MockServer;
use common::{guard, open, seed_request, send};
use http_body_util::BodyExt;
use serde_json::Value;

fn stream_body() -> String {
    seed_request(r#""stream":true,"stream_options":{"include_usage":true}"#)
}

async fn stream_with(base: &str, scenario: &str) -> common::Answer {
    send(
        "POST",
        &format!("{base}/chat/completions"),
        &[
            ("authorization", "Bearer sk-test"),
            ("content-type", "application/json"),
            ("x-mock-scenario", scenario),
        ],
        stream_body(),
    )
    .await
}

/// The raw SSE blocks of a body (comment blocks included).
fn blocks(answer: &common::Answer) -> Vec<String> {
    answer
        .text()
        .split_terminator("\n\n")
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn an_error_envelope_after_two_chunks_without_done() {
    let server = MockServer::start().await;
    let answer = stream_with(&server.base_url(), "stream-error-after-2").await;
    assert_eq!(answer.status, 200);
    let data = answer.sse_data();
    assert_eq!(data.len(), 3, "{data:?}");
    let first: Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(first["object"], "chat.completion.chunk");
    let error: Value = serde_json::from_str(&data[2]).unwrap();
    assert_eq!(error["error"]["code"], "data_inspection_failed");
    assert_eq!(
        error["error"]["message"],
        "Output data may contain inappropriate content."
    );
    assert_eq!(error["request_id"].as_str(), answer.header("x-request-id"));
    assert!(!data.iter().any(|d| d == "[DONE]"));

    // chatwire's decoder reports it as the stream's error, with its real message.
    let decoded = chatwire_mock::decode_stream(&answer.body).unwrap();
    assert!(decoded
        .json()
        .contains("Output data may contain inappropriate content."));
}

#[tokio::test]
async fn truncation_ends_cleanly_without_done() {
    let server = MockServer::start().await;
    let normal = common::chat(&server.base_url(), &stream_body())
        .await
        .sse_data();
    let cut = stream_with(&server.base_url(), "stream-truncate-after-2").await;
    let data = cut.sse_data();
    assert_eq!(data, normal[..2]);
    assert_eq!(normal.last().map(String::as_str), Some("[DONE]"));
}

#[tokio::test]
async fn a_reset_cuts_the_connection() {
    let server = MockServer::start().await;
    let response = open(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &[
            ("authorization", "Bearer sk-test"),
            ("x-mock-scenario", "stream-reset-after-2"),
        ],
        stream_body(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut received = Vec::new();
    let failed = loop {
        match guard(body.frame()).await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    received.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => break true,
            None => break false,
        }
    };
    assert!(failed, "the body ended cleanly");
    let text = String::from_utf8(received).unwrap();
    assert_eq!(text.matches("data: ").count(), 2, "{text}");
}

#[tokio::test]
async fn a_malformed_and_a_duplicated_chunk() {
    let server = MockServer::start().await;
    let normal = common::chat(&server.base_url(), &stream_body())
        .await
        .sse_data();

    let malformed = stream_with(&server.base_url(), "stream-malformed-2").await;
    let data = malformed.sse_data();
    assert_eq!(data.len(), normal.len());
    assert!(
        serde_json::from_str::<Value>(&data[2]).is_err(),
        "{}",
        data[2]
    );
    assert_eq!(data[..2], normal[..2]);
    assert_eq!(data[3..], normal[3..]);

    let duplicated = stream_with(&server.base_url(), "stream-duplicate-2").await;
    let data = duplicated.sse_data();
    assert_eq!(data.len(), normal.len() + 1);
    assert_eq!(data[2], data[3]);
    assert_eq!(data[2], normal[2]);
}

#[tokio::test]
async fn keep_alive_comments_between_events() {
    let server = MockServer::start().await;
    let answer = stream_with(&server.base_url(), "stream-keep-alive").await;
    let raw = blocks(&answer);
    let comments = raw.iter().filter(|b| b.starts_with(": keep-alive")).count();
    let data = answer.sse_data();
    assert_eq!(comments, data.len());
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
}

#[tokio::test]
async fn input_moderation_is_an_sse_framed_400() {
    let server = MockServer::start().await;
    let answer = stream_with(&server.base_url(), "stream-input-moderation").await;
    assert_eq!(answer.status, 400);
    assert!(answer
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    let data = answer.sse_data();
    assert_eq!(data.len(), 1);
    let error: Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(error["error"]["code"], "data_inspection_failed");
    assert_eq!(
        error["error"]["message"],
        "Input data may contain inappropriate content."
    );
}

#[tokio::test]
async fn a_probable_fault_strikes_a_reproducible_share() {
    let scenario = r#"{"name":"flaky","match":{"last_user":"Who are you?"},
        "fault":{"kind":"truncate","after":1,"probability":0.5,"seed":11}}"#;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let server = MockServer::start().await;
        let added = send(
            "POST",
            &format!("{}/__admin/scenarios", server.uri()),
            &[],
            scenario,
        )
        .await;
        assert_eq!(added.status, 201);
        let mut done = Vec::new();
        for _ in 0..16 {
            let data = common::chat(&server.base_url(), &stream_body())
                .await
                .sse_data();
            done.push(data.last().map(String::as_str) == Some("[DONE]"));
        }
        runs.push(done);
    }
    assert_eq!(runs[0], runs[1]);
    let struck = runs[0].iter().filter(|d| !**d).count();
    assert!((1..16).contains(&struck), "{struck} of 16 struck");
}
