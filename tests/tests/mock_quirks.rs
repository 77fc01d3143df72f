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
