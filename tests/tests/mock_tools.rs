//! Tool calling from the conversation's state: the seed's weather/time example end to end, the
//! streamed tool-call delta shape, and no call repeated once its result is present.

mod common;

use chatwire_mock::MockServer;
use common::chat;
use serde_json::{json, Value};

const QUERY: &str = "How is the weather in Singapore? What time is it now?";

/// The seed's two tools, as its example defines them.
fn seed_tools() -> Value {
    json!([
        {"type": "function", "function": {
            "name": "get_current_time",
            "description": "Useful for when you want to know the current time.",
            "parameters": {}}},
        {"type": "function", "function": {
            "name": "get_current_weather",
            "description": "Useful for querying the weather in a specific city.",
            "parameters": {"type": "object", "properties": {"location": {"type": "string",
                "description": "A city or county, such as Beijing, Hangzhou, or Yuhang District."}}},
            "required": ["location"]}}
    ])
}

async fn ask(base: &str, messages: &Value, extra: Value) -> Value {
    let mut body = json!({"model": "qwen-plus", "messages": messages, "tools": seed_tools()});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let answer = chat(base, &body.to_string()).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

#[tokio::test]
async fn the_seed_weather_and_time_example_runs_end_to_end() {
    let server = MockServer::start().await;
    let base = server.base_url();
    let mut messages = json!([{"content": QUERY, "role": "user"}]);
    let mut calls = Vec::new();
    let mut rounds = 0;
    // The seed's loop: handle tool_calls[0], append a tool message with only a name, repeat.
    let final_answer = loop {
        rounds += 1;
        assert!(rounds <= 5, "the loop does not end: {messages}");
        let response = ask(&base, &messages, json!({})).await;
        let message = response["choices"][0]["message"].clone();
        let finish = response["choices"][0]["finish_reason"].clone();
        messages.as_array_mut().unwrap().push(message.clone());
        let Some(tool_calls) = message.get("tool_calls").filter(|t| !t.is_null()) else {
            assert_eq!(finish, "stop");
            break message["content"].as_str().unwrap().to_owned();
        };
        assert_eq!(finish, "tool_calls");
        assert_eq!(message["content"], "");
        let call = &tool_calls[0];
        assert!(call["id"].as_str().unwrap().starts_with("call_"));
        assert_eq!(call["type"], "function");
        let name = call["function"]["name"].as_str().unwrap().to_owned();
        let args: Value =
            serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
        let content = match name.as_str() {
            "get_current_weather" => format!(
                "It is rainy in {} today. ",
                args["location"].as_str().unwrap()
            ),
            "get_current_time" => "Current time: 2024-04-15 17:15:18.".to_owned(),
            other => panic!("unexpected tool {other}"),
        };
        calls.push((name.clone(), args));
        messages
            .as_array_mut()
            .unwrap()
            .push(json!({"name": name, "role": "tool", "content": content}));
    };
    assert_eq!(
        calls,
        [
            (
                "get_current_weather".to_owned(),
                json!({"location": "Singapore"})
            ),
            ("get_current_time".to_owned(), json!({})),
        ]
    );
    assert!(
        final_answer.contains("It is rainy in Singapore today."),
        "{final_answer}"
    );
    assert!(
        final_answer.contains("Current time: 2024-04-15 17:15:18."),
        "{final_answer}"
    );
}

#[tokio::test]
async fn a_tool_result_never_triggers_the_same_call() {
    let server = MockServer::start().await;
    // The result of the weather call is present (found by tool_call_id), and the question
    // still mentions the weather: the model must move on to the time, then answer.
    let messages = json!([
        {"role": "user", "content": QUERY},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call_w", "type": "function",
            "function": {"name": "get_current_weather", "arguments": "{\"location\": \"Singapore\"}"}}]},
        {"role": "tool", "tool_call_id": "call_w", "content": "Sunny, 31 C."}
    ]);
    let next = ask(&server.base_url(), &messages, json!({})).await;
    assert_eq!(
        next["choices"][0]["message"]["tool_calls"][0]["function"]["name"],
        "get_current_time"
    );
    let mut done = messages.clone();
    done.as_array_mut().unwrap().extend([
        json!({"role": "assistant", "content": "", "tool_calls": [{"id": "call_t", "type": "function",
            "function": {"name": "get_current_time", "arguments": "{}"}}]}),
        json!({"role": "tool", "tool_call_id": "call_t", "content": "Noon."}),
    ]);
    let last = ask(&server.base_url(), &done, json!({})).await;
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert!(last["choices"][0]["message"].get("tool_calls").is_none());
    assert_eq!(
        last["choices"][0]["message"]["content"],
        "Based on the tool results: Sunny, 31 C. Noon."
    );
}

#[tokio::test]
async fn parallel_tool_calls_come_together() {
    let server = MockServer::start().await;
    let response = ask(
        &server.base_url(),
        &json!([{"role": "user", "content": QUERY}]),
        json!({"parallel_tool_calls": true}),
    )
    .await;
    let calls = response["choices"][0]["message"]["tool_calls"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = calls
        .iter()
        .map(|c| c["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["get_current_weather", "get_current_time"]);
    assert_ne!(calls[0]["id"], calls[1]["id"]);
}

#[tokio::test]
async fn tool_calls_stream_in_dashscope_s_delta_shape() {
    let server = MockServer::start().await;
    let body = json!({"model": "qwen-plus", "messages": [{"role": "user", "content": QUERY}],
        "tools": seed_tools(), "stream": true, "stream_options": {"include_usage": true}});
    let answer = chat(&server.base_url(), &body.to_string()).await;
    assert_eq!(answer.status, 200);
    let events = answer.sse_data();
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let calls: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"].get("tool_calls"))
        .map(|t| &t[0])
        .collect();
    assert!(calls.len() >= 2, "{events:?}");
    // First fragment: id, type, name and the start of the arguments; with the role.
    let first = &chunks[0]["choices"][0]["delta"];
    assert_eq!(first["role"], "assistant");
    assert!(calls[0]["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(calls[0]["type"], "function");
    assert_eq!(calls[0]["function"]["name"], "get_current_weather");
    assert!(calls[0]["function"]["arguments"]
        .as_str()
        .unwrap()
        .starts_with('{'));
    // Continuations: id "" and type repeated, no name.
    for more in &calls[1..] {
        assert_eq!(more["index"], 0);
        assert_eq!(more["id"], "");
        assert_eq!(more["type"], "function");
        assert!(more["function"].get("name").is_none());
    }
    let arguments: String = calls
        .iter()
        .map(|c| c["function"]["arguments"].as_str().unwrap())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&arguments).unwrap(),
        json!({"location": "Singapore"})
    );
    // The finish chunk: an empty delta and tool_calls.
    let finish = &chunks[chunks.len() - 2]["choices"][0];
    assert_eq!(finish["delta"], json!({}));
    assert_eq!(finish["finish_reason"], "tool_calls");
    assert_eq!(chunks.last().unwrap()["choices"], json!([]));
    assert!(
        chunks.last().unwrap()["usage"]["completion_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn unrelated_questions_and_tool_choice_none_get_text() {
    let server = MockServer::start().await;
    let joke = ask(
        &server.base_url(),
        &json!([{"role": "user", "content": "Tell me a joke."}]),
        json!({}),
    )
    .await;
    assert_eq!(joke["choices"][0]["finish_reason"], "stop");
    assert!(joke["choices"][0]["message"].get("tool_calls").is_none());
    let none = ask(
        &server.base_url(),
        &json!([{"role": "user", "content": QUERY}]),
        json!({"tool_choice": "none"}),
    )
    .await;
    assert_eq!(none["choices"][0]["finish_reason"], "stop");
    let forced = ask(
        &server.base_url(),
        &json!([{"role": "user", "content": "Hello"}]),
        json!({"tool_choice": {"type": "function", "function": {"name": "get_current_time"}}}),
    )
    .await;
    assert_eq!(
        forced["choices"][0]["message"]["tool_calls"][0]["function"]["name"],
        "get_current_time"
    );
}

#[tokio::test]
async fn n_with_tools_is_400() {
    let server = MockServer::start().await;
    let body = json!({"model": "qwen-plus", "messages": [{"role": "user", "content": QUERY}],
        "tools": seed_tools(), "n": 2});
    let answer = chat(&server.base_url(), &body.to_string()).await;
    assert_eq!(
        answer.assert_error(400, "invalid_parameter_error")["error"]["param"],
        "n"
    );
}
