//! A streamed reply, decoded and accumulated, is the same completion the server gives without
//! streaming: the two delivery modes agree.

mod common;

use chatwire_mock::MockServer;
use common::chat;
use serde_json::{json, Value};

async fn both(server: &MockServer, body: Value) -> (Value, Value) {
    let plain = chat(&server.base_url(), &body.to_string()).await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    let mut streamed = body;
    streamed["stream"] = json!(true);
    streamed["stream_options"] = json!({"include_usage": true});
    let stream = chat(&server.base_url(), &streamed.to_string()).await;
    assert_eq!(stream.status, 200, "{}", stream.text());
    let decoded = chatwire_mock::decode_stream(&stream.body).unwrap();
    assert_eq!(decoded.discarded_bytes(), 0);
    let report: Value = serde_json::from_str(decoded.json()).unwrap();
    assert_eq!(report["done"], true);
    assert_eq!(report["error"], Value::Null);
    (plain.json(), report["completion"].clone())
}

fn same_reply(plain: &Value, accumulated: &Value) {
    assert_eq!(plain["usage"], accumulated["usage"]);
    assert_eq!(plain["model"], accumulated["model"]);
    let plain_choices = plain["choices"].as_array().unwrap();
    assert_eq!(
        plain_choices.len(),
        accumulated["choices"].as_array().unwrap().len()
    );
    for (p, a) in plain_choices
        .iter()
        .zip(accumulated["choices"].as_array().unwrap())
    {
        assert_eq!(p["index"], a["index"]);
        assert_eq!(p["finish_reason"], a["finish_reason"]);
        // A tool-call reply has content "" unstreamed and null deltas streamed, as DashScope's.
        assert_eq!(
            p["message"]["content"].as_str().unwrap_or(""),
            a["message"]["content"].as_str().unwrap_or("")
        );
        let calls = |m: &Value| {
            m["tool_calls"]
                .as_array()
                .map(|calls| {
                    calls
                        .iter()
                        .map(|c| {
                            (
                                c["function"]["name"].clone(),
                                c["function"]["arguments"].clone(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(calls(&p["message"]), calls(&a["message"]));
    }
}

#[tokio::test]
async fn text_tools_and_choices_agree_across_modes() {
    let server = MockServer::start().await;
    let tools = json!([{"type": "function", "function": {"name": "get_current_weather",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}]);
    for body in [
        json!({"model": "qwen-plus", "messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Who are you?"}]}),
        json!({"model": "qwen-plus", "messages": [{"role": "user", "content": "Write two lines about rivers."}], "n": 3}),
        json!({"model": "qwen-max", "messages": [{"role": "user", "content": "Summarise the news."}], "max_tokens": 7}),
        json!({"model": "qwen-plus", "messages": [{"role": "user", "content": "What is the weather in Paris and Rome?"}], "tools": tools}),
    ] {
        let (plain, accumulated) = both(&server, body).await;
        same_reply(&plain, &accumulated);
    }
}
