//! DashScope quirk switches over HTTP.

mod common;

use chatwire_mock::{ContinuationIds, MockServer, Quirks};
use common::{chat, seed_request};

#[tokio::test]
async fn prompt_tokens_details_and_omitted_continuation_ids() {
    let mut quirks = Quirks::default();
    quirks.prompt_tokens_details = true;
    quirks.tool_call_ids = ContinuationIds::Omitted;
    let server = MockServer::builder().quirks(quirks).start().await.unwrap();
    let plain = MockServer::start().await;

    let with = chat(&server.base_url(), &seed_request("")).await.json();
    assert_eq!(with["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
    let without = chat(&plain.base_url(), &seed_request("")).await.json();
    assert!(without["usage"].get("prompt_tokens_details").is_none());

    let tools = r#"{"model":"qwen-plus","stream":true,"messages":[{"role":"user","content":"What is the weather like in Singapore?"}],
        "tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}]}"#;
    let fragments = |answer: common::Answer| -> Vec<serde_json::Value> {
        answer
            .sse_data()
            .iter()
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .filter_map(|c| c["choices"][0]["delta"]["tool_calls"].get(0).cloned())
            .collect()
    };
    let omitted = fragments(chat(&server.base_url(), tools).await);
    let empty = fragments(chat(&plain.base_url(), tools).await);
    assert!(omitted.len() >= 2, "{omitted:?}");
    assert_eq!(omitted.len(), empty.len());
    assert!(omitted[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(
        omitted[1..].iter().all(|f| f.get("id").is_none()),
        "{omitted:?}"
    );
    assert!(empty[1..].iter().all(|f| f["id"] == ""), "{empty:?}");
}

#[tokio::test]
async fn dashscope_key_order() {
    let mut quirks = Quirks::default();
    quirks.key_order = "dashscope".parse().unwrap();
    let server = MockServer::builder().quirks(quirks).start().await.unwrap();
    let plain = MockServer::start().await;
    for extra in [
        "",
        r#""stream":true,"stream_options":{"include_usage":true}"#,
    ] {
        let ordered = chat(&server.base_url(), &seed_request(extra)).await;
        let openai = chat(&plain.base_url(), &seed_request(extra)).await;
        let payloads = |answer: &common::Answer| -> Vec<String> {
            if extra.is_empty() {
                vec![answer.text()]
            } else {
                answer.sse_data()
            }
        };
        let (ours, theirs) = (payloads(&ordered), payloads(&openai));
        assert_eq!(ours.len(), theirs.len());
        for (a, b) in ours.iter().zip(&theirs) {
            if a == "[DONE]" {
                assert_eq!(b, "[DONE]");
                continue;
            }
            assert!(a.starts_with(r#"{"choices":["#), "{a}");
            assert!(b.starts_with(r#"{"id":"#), "{b}");
            let id = format!(r#","id":"{}"}}"#, first_id(&openai));
            assert!(a.ends_with(&id), "{a}");
            let va: serde_json::Value = serde_json::from_str(a).unwrap();
            let vb: serde_json::Value = serde_json::from_str(b).unwrap();
            assert_eq!(va, vb);
        }
    }
}

/// The `id` of the completion, or of the stream's first chunk.
fn first_id(answer: &common::Answer) -> String {
    let first = if answer.text().starts_with("data: ") {
        answer.sse_data()[0].clone()
    } else {
        answer.text()
    };
    let value: serde_json::Value = serde_json::from_str(&first).unwrap();
    value["id"].as_str().unwrap().to_owned()
}
