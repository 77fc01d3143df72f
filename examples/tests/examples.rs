//! Runs every example end to end against the mock server, so that they cannot rot: each
//! example's `main` as `cargo run --example` would, and its `run` with the output checked.

#[path = "../accumulate.rs"]
mod accumulate;
#[path = "../stream_hyper.rs"]
mod stream_hyper;
#[path = "../stream_reqwest.rs"]
mod stream_reqwest;
#[path = "../tool_calling.rs"]
mod tool_calling;
#[path = "../validate.rs"]
mod validate;

use std::io::{self, Write};

use chatwire_mock::MockServer;

/// A writer that records what was written and how often it was flushed (once per token).
#[derive(Default)]
struct Tokens {
    text: Vec<u8>,
    flushes: usize,
}

impl Write for Tokens {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        Ok(())
    }
}

/// The answer the mock gives to the contract's "Who are you?" conversation, in pieces.
fn check_streamed_answer(answer: &str, tokens: &Tokens) {
    assert!(answer.contains("Qwen"), "{answer}");
    assert_eq!(String::from_utf8_lossy(&tokens.text), answer);
    assert!(
        tokens.flushes > 3,
        "tokens printed one by one: {}",
        tokens.flushes
    );
}

#[test]
fn every_example_runs_as_a_program() {
    stream_hyper::main().unwrap();
    stream_reqwest::main().unwrap();
    accumulate::main().unwrap();
    validate::main().unwrap();
    tool_calling::main().unwrap();
}

#[tokio::test]
async fn stream_hyper_prints_the_tokens_as_they_arrive() {
    let server = MockServer::start().await;
    let mut tokens = Tokens::default();
    let answer = stream_hyper::run(&server.base_url(), &mut tokens)
        .await
        .unwrap();
    check_streamed_answer(&answer, &tokens);
}

#[tokio::test]
async fn stream_reqwest_prints_the_tokens_as_they_arrive() {
    let server = MockServer::start().await;
    let mut tokens = Tokens::default();
    let answer = stream_reqwest::run(&server.base_url(), &mut tokens)
        .await
        .unwrap();
    check_streamed_answer(&answer, &tokens);
}

#[tokio::test]
async fn the_examples_fail_loudly_without_a_server() {
    let server = MockServer::start().await;
    let gone = server.base_url();
    server.shutdown().await;
    let mut tokens = Tokens::default();
    assert!(stream_hyper::run(&gone, &mut tokens).await.is_err());
    assert!(stream_reqwest::run(&gone, &mut tokens).await.is_err());
    assert!(tokens.text.is_empty());
}

#[tokio::test]
async fn accumulate_gives_the_non_streamed_answer() {
    let server = MockServer::start().await;
    let (streamed, whole) = accumulate::run(&server.base_url()).await.unwrap();
    assert!(streamed.is_complete());
    let usage = streamed
        .completion
        .usage
        .value()
        .expect("include_usage was asked for");
    assert!(usage.total_tokens.value().is_some_and(|&total| total > 0));
    let message = streamed.completion.choices()[0].message.value().unwrap();
    let text = message.content_text().unwrap().to_string();
    assert!(text.contains("Qwen"));
    assert!(whole.contains(r#""object":"chat.completion""#), "{whole}");
}

#[tokio::test]
async fn validate_names_every_broken_rule_and_agrees_with_the_server() {
    let server = MockServer::start().await;
    let report = validate::run(&server.base_url()).await.unwrap();
    let text = report.join("\n");
    assert_eq!(report[0], "valid request: ok");
    for param in ["messages[1].role", "temperature", "stream_options"] {
        assert!(
            text.contains(&format!("invalid request: {param}: ")),
            "{param} in\n{text}"
        );
    }
    assert!(text.contains("invalid request for qwen-max: n: "), "{text}");
    assert!(
        text.contains(r#"chatwire's envelope: {"error":{"#),
        "{text}"
    );
    assert!(
        text.contains("the server: 400 Bad Request, param messages[1].role"),
        "{text}"
    );
}

#[tokio::test]
async fn tool_calling_calls_weather_then_time_and_answers_from_both() {
    let server = MockServer::start().await;
    let question = "How is the weather in Singapore? What time is it now?";
    let transcript = tool_calling::run(&server.base_url(), question)
        .await
        .unwrap();
    assert_eq!(
        transcript.calls,
        ["get_current_weather", "get_current_time"]
    );
    assert!(
        transcript
            .answer
            .contains("It is rainy in Singapore today."),
        "{}",
        transcript.answer
    );
    assert!(
        transcript.answer.contains("Current time: 2"),
        "{}",
        transcript.answer
    );
    assert_eq!(transcript.lines.len(), 5, "three rounds, two tool outputs");

    let transcript = tool_calling::run(&server.base_url(), "Who are you?")
        .await
        .unwrap();
    assert!(transcript.calls.is_empty(), "no tool needed");
    assert!(!transcript.answer.is_empty());
}
