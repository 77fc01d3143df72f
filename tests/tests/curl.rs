//! The seed's two curl commands (HTTP API, non-streaming and streaming) against the mock
//! server, with only the URL changed.
//!
//! Without curl the tests print `SKIPPED: …` — unless `CHATWIRE_REQUIRE_PYTHON=1` (CI), which
//! requires every external client.

mod common;

use std::process::Command;

use chatwire_mock::MockServer;
use common::{guard, SEED_ANSWER, SEED_PIECES};
use serde_json::{json, Value};

const NON_STREAMING: &str = r#"curl --location "$BASE_URL/chat/completions" \
--header "Authorization: Bearer $DASHSCOPE_API_KEY" \
--header 'Content-Type: application/json' \
--data '{
    "model": "qwen-plus",
    "messages": [
        {
            "role": "system",
            "content": "You are a helpful assistant."
        },
        {
            "role": "user",
            "content": "Who are you?"
        }
    ]
}'"#;

const STREAMING: &str = r#"curl --location "$BASE_URL/chat/completions" \
--header "Authorization: Bearer $DASHSCOPE_API_KEY" \
--header 'Content-Type: application/json' \
--data '{
    "model": "qwen-plus",
    "messages": [
        {
            "role": "system",
            "content": "You are a helpful assistant."
        },
        {
            "role": "user",
            "content": "Who are you?"
        }
    ],
    "stream":true
}'"#;

/// Runs `script` with `sh`, `$BASE_URL` pointing at a fresh server; `None` when curl is absent.
async fn curl(script: &'static str) -> Option<String> {
    let available = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            !std::env::var("CHATWIRE_REQUIRE_PYTHON").is_ok_and(|v| v == "1"),
            "CHATWIRE_REQUIRE_PYTHON=1 but curl is not available"
        );
        println!("SKIPPED: the seed's curl commands: curl is not installed");
        return None;
    }
    let server = MockServer::start().await;
    let base = server.base_url();
    let output = guard(tokio::task::spawn_blocking(move || {
        Command::new("sh")
            .args(["-c", &format!("{script} --silent --show-error --no-buffer")])
            .env("BASE_URL", base)
            .env("DASHSCOPE_API_KEY", "sk-test")
            .output()
    }))
    .await
    .unwrap()
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_non_streaming_curl() {
    let Some(out) = curl(NON_STREAMING).await else {
        return;
    };
    let mut body: Value = serde_json::from_str(&out).unwrap();
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert!(body["created"].is_u64());
    body["id"] = json!("chatcmpl-xxx");
    body["created"] = json!(0);
    assert_eq!(
        body,
        json!({
            "choices": [{"message": {"role": "assistant", "content": SEED_ANSWER},
                         "finish_reason": "stop", "index": 0, "logprobs": null}],
            "object": "chat.completion",
            "usage": {"prompt_tokens": 22, "completion_tokens": 16, "total_tokens": 38},
            "created": 0,
            "system_fingerprint": null,
            "model": "qwen-plus",
            "id": "chatcmpl-xxx"
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_streaming_curl() {
    let Some(out) = curl(STREAMING).await else {
        return;
    };
    let events: Vec<&str> = out.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert!(events.iter().all(|e| e.starts_with("data: ")), "{out}");
    assert_eq!(events.last(), Some(&"data: [DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(&e["data: ".len()..]).unwrap())
        .collect();
    // As in the seed's sample: a role chunk, the content, a finish chunk; no usage chunk.
    assert_eq!(chunks.len(), SEED_PIECES.len() + 2);
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"content": "", "role": "assistant"})
    );
    let pieces: Vec<&str> = chunks[1..=SEED_PIECES.len()]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(pieces, SEED_PIECES);
    let last = &chunks[SEED_PIECES.len() + 1]["choices"][0];
    assert_eq!(last["delta"], json!({"content": ""}));
    assert_eq!(last["finish_reason"], "stop");
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["usage"], Value::Null);
        assert_eq!(chunk["model"], "qwen-plus");
        assert_eq!(chunk["id"], chunks[0]["id"]);
    }
}
