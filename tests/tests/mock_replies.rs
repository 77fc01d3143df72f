//! Replies of the mock server: the seed's samples replayed, deterministic generation,
//! `max_tokens`, `stop`, `n`, streaming framing and thinking models.

mod common;

use chatwire_mock::MockServer;
use common::{chat, seed_request, SEED_ANSWER, SEED_PIECES};
use serde_json::{json, Value};

#[tokio::test]
async fn the_seed_request_answers_with_the_seed_sample() {
    let server = MockServer::builder()
        .created(1715252778)
        .start()
        .await
        .unwrap();
    let answer = chat(&server.base_url(), &seed_request("")).await;
    assert_eq!(answer.status, 200);
    let mut body = answer.json();
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("chatcmpl-"));
    body["id"] = json!("chatcmpl-xxx");
    // The seed's HTTP sample, with its text and the usage its SDK samples report.
    assert_eq!(
        body,
        json!({
            "choices": [{
                "message": {"role": "assistant", "content": SEED_ANSWER},
                "finish_reason": "stop",
                "index": 0,
                "logprobs": null
            }],
            "object": "chat.completion",
            "usage": {"prompt_tokens": 22, "completion_tokens": 16, "total_tokens": 38},
            "created": 1715252778,
            "system_fingerprint": null,
            "model": "qwen-plus",
            "id": "chatcmpl-xxx"
        })
    );
}

/// The chunks of a streamed answer, as JSON.
fn chunks(events: &[String]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str(e).unwrap())
        .collect()
}

#[tokio::test]
async fn the_seed_stream_matches_the_seed_sample() {
    let server = MockServer::start().await;
    let answer = chat(
        &server.base_url(),
        &seed_request(r#""stream":true,"stream_options":{"include_usage":true}"#),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    let events = answer.sse_data();
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks = chunks(&events);
    assert_eq!(chunks.len(), 1 + SEED_PIECES.len() + 2);
    // First chunk: the role, with empty content.
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"content": "", "role": "assistant"})
    );
    // The content pieces of the seed's Python streaming sample.
    let pieces: Vec<&str> = chunks[1..=SEED_PIECES.len()]
        .iter()
        .map(|c| {
            assert_eq!(c["choices"][0]["finish_reason"], Value::Null);
            c["choices"][0]["delta"]["content"].as_str().unwrap()
        })
        .collect();
    assert_eq!(pieces, SEED_PIECES);
    // The finish chunk.
    let finish = &chunks[SEED_PIECES.len() + 1]["choices"][0];
    assert_eq!(finish["delta"], json!({"content": ""}));
    assert_eq!(finish["finish_reason"], "stop");
    // The usage chunk.
    let usage = &chunks[SEED_PIECES.len() + 2];
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(
        usage["usage"],
        json!({"completion_tokens": 16, "prompt_tokens": 22, "total_tokens": 38})
    );
    // Every chunk: the same id, created and model; usage null but on the last.
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["id"], chunks[0]["id"]);
        assert_eq!(chunk["created"], chunks[0]["created"]);
        assert_eq!(chunk["model"], "qwen-plus");
        assert_eq!(chunk["system_fingerprint"], Value::Null);
    }
    assert!(chunks[..chunks.len() - 1]
        .iter()
        .all(|c| c["usage"].is_null()));
}

#[tokio::test]
async fn without_include_usage_there_is_no_usage_chunk() {
    let server = MockServer::start().await;
    let answer = chat(&server.base_url(), &seed_request(r#""stream":true"#)).await;
    let events = answer.sse_data();
    let chunks = chunks(&events);
    assert_eq!(events.len(), chunks.len() + 1);
    assert!(chunks
        .iter()
        .all(|c| c["choices"].as_array().unwrap().len() == 1));
    assert!(chunks.iter().all(|c| c["usage"].is_null()));
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "stop"
    );
}

#[tokio::test]
async fn the_same_request_gives_the_same_bytes() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    for extra in [
        "",
        r#""stream":true,"stream_options":{"include_usage":true}"#,
    ] {
        let body = format!(
            r#"{{"model":"qwen-plus","messages":[{{"role":"user","content":"Write a haiku about the sea."}}]{}}}"#,
            if extra.is_empty() {
                String::new()
            } else {
                format!(",{extra}")
            }
        );
        let a = chat(&server.base_url(), &body).await;
        let b = chat(&other.base_url(), &body).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body, b.body, "{extra}");
        assert_eq!(a.header("x-request-id"), b.header("x-request-id"));
    }
}

#[tokio::test]
async fn ids_and_created_follow_the_seed() {
    let request = |seed: Option<u64>| match seed {
        Some(seed) => seed_request(&format!(r#""seed":{seed}"#)),
        None => seed_request(""),
    };
    let a = MockServer::builder().seed(1).start().await.unwrap();
    let b = MockServer::builder().seed(2).start().await.unwrap();
    let from_a = chat(&a.base_url(), &request(None)).await.json();
    let from_b = chat(&b.base_url(), &request(None)).await.json();
    assert_ne!(from_a["id"], from_b["id"]);
    assert_ne!(from_a["created"], from_b["created"]);
    assert_eq!(from_a["choices"], from_b["choices"]);
    // The request's own seed wins over the server's.
    let with_seed_a = chat(&a.base_url(), &request(Some(99))).await.json();
    let with_seed_b = chat(&b.base_url(), &request(Some(99))).await.json();
    assert_eq!(with_seed_a, with_seed_b);
}

#[tokio::test]
async fn max_tokens_truncates_with_length() {
    let server = MockServer::start().await;
    let body = chat(&server.base_url(), &seed_request(r#""max_tokens":5"#))
        .await
        .json();
    // The mock tokenizer cuts words longer than seven letters, as a BPE would.
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "I am a large languag"
    );
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["completion_tokens"], 5);
    let stream = chat(
        &server.base_url(),
        &seed_request(r#""max_tokens":5,"stream":true"#),
    )
    .await;
    let chunks = chunks(&stream.sse_data());
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "I am a large languag");
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "length"
    );
}

#[tokio::test]
async fn stop_ends_the_text_before_the_stop_string() {
    let server = MockServer::start().await;
    for stop in [r#""stop":"Alibaba""#, r#""stop":["Qwen","Alibaba"]"#] {
        let body = chat(&server.base_url(), &seed_request(stop)).await.json();
        assert_eq!(
            body["choices"][0]["message"]["content"],
            "I am a large language model from "
        );
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
    }
}

#[tokio::test]
async fn n_choices_only_on_qwen_plus() {
    let server = MockServer::start().await;
    let ask = |model: &str, extra: &str| {
        format!(
            r#"{{"model":"{model}","messages":[{{"role":"user","content":"Give me a slogan."}}],"n":3{extra}}}"#
        )
    };
    let body = chat(&server.base_url(), &ask("qwen-plus", "")).await.json();
    let choices = body["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 3);
    for (i, choice) in choices.iter().enumerate() {
        assert_eq!(choice["index"], i);
        assert!(!choice["message"]["content"].as_str().unwrap().is_empty());
    }
    let stream = chat(&server.base_url(), &ask("qwen-plus", r#","stream":true"#)).await;
    let chunks = chunks(&stream.sse_data());
    for i in 0..3 {
        let finished = chunks
            .iter()
            .filter(|c| c["choices"][0]["index"] == i && c["choices"][0]["finish_reason"] == "stop")
            .count();
        assert_eq!(finished, 1, "choice {i}");
    }
    let answer = chat(&server.base_url(), &ask("qwen-max", "")).await;
    assert_eq!(
        answer.assert_error(400, "invalid_parameter_error")["error"]["param"],
        "n"
    );
}

#[tokio::test]
async fn thinking_streams_reasoning_before_content() {
    let server = MockServer::start().await;
    for (model, extra) in [
        ("qwen-plus", r#","enable_thinking":true"#),
        ("qwen3-235b-a22b-thinking-2507", ""),
        ("qwen3-32b", ""),
    ] {
        let body = format!(
            r#"{{"model":"{model}","messages":[{{"role":"user","content":"How many r are in strawberry?"}}],"stream":true,"stream_options":{{"include_usage":true}}{extra}}}"#
        );
        let answer = chat(&server.base_url(), &body).await;
        assert_eq!(answer.status, 200, "{model}: {}", answer.text());
        let chunks = chunks(&answer.sse_data());
        assert_eq!(
            chunks[0]["choices"][0]["delta"],
            json!({"content": null, "role": "assistant", "reasoning_content": ""})
        );
        let deltas: Vec<&Value> = chunks
            .iter()
            .filter_map(|c| c["choices"].get(0))
            .map(|c| &c["delta"])
            .collect();
        let last_reasoning = deltas
            .iter()
            .rposition(|d| {
                d["reasoning_content"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty())
            })
            .unwrap();
        let first_content = deltas
            .iter()
            .position(|d| d["content"].as_str().is_some_and(|s| !s.is_empty()))
            .unwrap();
        assert!(last_reasoning < first_content, "{model}");
        let usage = &chunks.last().unwrap()["usage"];
        assert!(
            usage["completion_tokens_details"]["reasoning_tokens"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
    // Thinking off: no reasoning.
    let plain = chat(
        &server.base_url(),
        r#"{"model":"qwen3-32b","messages":[{"role":"user","content":"Hi"}],"stream":true,"enable_thinking":false}"#,
    )
    .await;
    assert!(!plain.text().contains("reasoning_content"));
}

#[tokio::test]
async fn thinking_without_a_stream_is_dashscope_s_400() {
    let server = MockServer::start().await;
    for body in [
        seed_request(r#""enable_thinking":true"#),
        r#"{"model":"qwen3-30b-a3b-thinking-2507","messages":[{"role":"user","content":"Hi"}]}"#
            .to_owned(),
    ] {
        let answer = chat(&server.base_url(), &body).await;
        let envelope = answer.assert_error(400, "invalid_parameter_error");
        assert_eq!(
            envelope["error"]["message"],
            "parameter.enable_thinking must be set to false for non-streaming calls"
        );
    }
    // Turned off, the same model answers.
    let off = chat(
        &server.base_url(),
        r#"{"model":"qwen3-32b","messages":[{"role":"user","content":"Hi"}],"enable_thinking":false}"#,
    )
    .await;
    assert_eq!(off.status, 200);
}

#[tokio::test]
async fn fixtures_from_a_directory_replay_first() {
    let dir = std::env::temp_dir().join(format!("chatwire-mock-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ping.json"),
        r#"{"name":"ping","model":"qwen-plus","messages":[{"role":"user","content":"ping"}],"pieces":["po","ng!"]}"#,
    )
    .unwrap();
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .start()
        .await
        .unwrap();
    let ping = r#"{"model":"qwen-plus","messages":[{"role":"user","content":"ping"}]"#;
    let body = chat(&server.base_url(), &format!("{ping}}}")).await.json();
    assert_eq!(body["choices"][0]["message"]["content"], "pong!");
    let stream = chat(&server.base_url(), &format!(r#"{ping},"stream":true}}"#)).await;
    let pieces: Vec<String> = chunks(&stream.sse_data())
        .iter()
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(pieces, ["po", "ng!"]);
    // The built-in seed fixture still answers.
    let seed = chat(&server.base_url(), &seed_request("")).await.json();
    assert_eq!(seed["choices"][0]["message"]["content"], SEED_ANSWER);
    // Another model does not match the fixture.
    let other = chat(
        &server.base_url(),
        r#"{"model":"qwen-max","messages":[{"role":"user","content":"ping"}]}"#,
    )
    .await
    .json();
    assert_ne!(other["choices"][0]["message"]["content"], "pong!");
    // A broken fixture file stops the server from starting, naming the file.
    std::fs::write(dir.join("broken.json"), "{").unwrap();
    let err = MockServer::builder()
        .fixtures_dir(&dir)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), chatwire_mock::StartErrorKind::Fixtures);
    assert!(err.to_string().contains("broken.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
