//! Validates chat-completion requests against the contract's parameter rules, and shows the
//! 400 error envelope a server would answer with.
//!
//! ```sh
//! cargo run -p chatwire-examples --example validate
//! ```
//!
//! `chatwire::validate` checks what holds for every model; `check_model` adds what depends on
//! the model (here the documented capabilities of `qwen-max`, which has no `n > 1`). The
//! mock server runs the same checks, so its answer to the invalid request is printed too.

use std::error::Error;

use reqwest::header::CONTENT_TYPE;

use chatwire::types::{ChatRequest, ErrorEnvelope};
use chatwire::validate::{check_model, validate, validate_all, ModelCapabilities};

const VALID: &str = r#"{"model":"qwen-max","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Who are you?"}]}"#;

const INVALID: &str = r#"{"model":"qwen-max","temperature":2.5,"n":2,
    "messages":[{"role":"user","content":"Hi"},{"role":"system","content":"Be brief."}],
    "stream_options":{"include_usage":true}}"#;

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let server = chatwire_mock::MockServer::start().await;
    for line in run(&server.base_url()).await? {
        println!("{line}");
    }
    Ok(())
}

/// Validates a valid and an invalid request, sends the invalid one to `base_url`, and
/// returns what it found, one line each.
pub async fn run(base_url: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let mut report = Vec::new();
    let capabilities = ModelCapabilities::documented("qwen-max");

    let valid = ChatRequest::from_json(VALID)?;
    validate(&valid)?;
    check_model(&valid, &capabilities)?;
    report.push("valid request: ok".to_owned());

    // Every broken rule, in order, each naming its parameter.
    let invalid = ChatRequest::from_json(INVALID)?;
    for err in validate_all(&invalid) {
        report.push(format!("invalid request: {err}"));
    }
    if let Err(err) = check_model(&invalid, &capabilities) {
        report.push(format!("invalid request for qwen-max: {err}"));
    }

    // The first broken rule as the documented 400 body, and what the server answers.
    let first = validate(&invalid)
        .err()
        .ok_or("the invalid request passed")?;
    report.push(format!(
        "chatwire's envelope: {}",
        first.to_envelope().to_json()
    ));
    let response = reqwest::Client::new()
        .post(format!("{base_url}/chat/completions"))
        .bearer_auth("sk-example")
        .header(CONTENT_TYPE, "application/json")
        .body(INVALID)
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    let envelope = ErrorEnvelope::from_json(&body)?;
    report.push(format!(
        "the server: {status}, param {}",
        envelope
            .error
            .param
            .value()
            .map(ToString::to_string)
            .unwrap_or_default()
    ));
    Ok(report)
}
