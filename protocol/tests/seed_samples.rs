//! Every JSON sample of the contract (the Model Studio "OpenAI compatible - Chat" document)
//! parses into the chatwire types and serializes back to the same JSON value.
//!
//! The LangChain sample outputs are not included: they are LangChain message dumps printed
//! by the SDK, not bodies of the HTTP API.

mod seed;

use chatwire::types::{
    ChatCompletion, ChatCompletionChunk, ChatRequest, ErrorCode, ErrorEnvelope, FinishReason,
    Maybe, Role, ToolChoice,
};
use serde_json::Value;

use seed::{
    CURL_COMPLETION, CURL_REQUESTS, CURL_STREAM, ERROR, SDK_CHUNKS, SDK_COMPLETION,
    SDK_STREAM_REQUEST, TOOL_REQUEST,
};

/// Parses `text` with `parse`, serializes the result and checks that both texts are the same
/// JSON value.
fn round_trip<'a, T>(
    text: &'a str,
    parse: impl Fn(&'a str) -> Result<T, chatwire::types::ParseError>,
    print: impl Fn(&T) -> String,
) -> T {
    let value = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let printed = print(&value);
    let original: Value = serde_json::from_str(text).expect("sample is JSON");
    let back: Value = serde_json::from_str(&printed).expect("output is JSON");
    assert_eq!(original, back, "\noriginal: {text}\nprinted:  {printed}");
    value
}

fn completion(text: &str) -> ChatCompletion<'_> {
    round_trip(text, ChatCompletion::from_json, ChatCompletion::to_json)
}

fn chunk(text: &str) -> ChatCompletionChunk<'_> {
    round_trip(
        text,
        ChatCompletionChunk::from_json,
        ChatCompletionChunk::to_json,
    )
}

fn request(text: &str) -> ChatRequest<'_> {
    round_trip(text, ChatRequest::from_json, ChatRequest::to_json)
}

#[test]
fn sdk_non_streaming_sample() {
    let completion = completion(SDK_COMPLETION);
    assert_eq!(completion.id.value().unwrap(), "chatcmpl-xxx");
    assert_eq!(completion.created.value(), Some(&1716430652));
    assert!(completion.system_fingerprint.is_null());
    let choice = &completion.choices()[0];
    assert_eq!(choice.finish_reason.value(), Some(&FinishReason::Stop));
    let message = choice.message.value().unwrap();
    assert_eq!(message.role.value(), Some(&Role::Assistant));
    assert!(message.function_call.is_null() && message.tool_calls.is_null());
    assert!(message.refusal.is_absent());
    let usage = completion.usage.value().unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (Maybe::Value(22), Maybe::Value(18), Maybe::Value(40))
    );
}

#[test]
fn sdk_streaming_sample() {
    let mut text = String::new();
    let chunks: Vec<_> = SDK_CHUNKS.iter().copied().map(chunk).collect();
    assert_eq!(chunks.len(), 8);
    for chunk in &chunks {
        for choice in chunk.choices() {
            choice.text().unwrap().unescape_into(&mut text);
        }
    }
    assert_eq!(
        text,
        "I am a large language model from Alibaba Cloud. My name is Qwen."
    );
    let first = chunks[0].choices()[0].delta.value().unwrap();
    assert_eq!(first.role.value(), Some(&Role::Assistant));
    assert!(chunks[1].choices()[0].delta.value().unwrap().role.is_null());
    assert_eq!(
        chunks[6].choices()[0].finish_reason.value(),
        Some(&FinishReason::Stop)
    );
    assert!(chunks[7].is_usage_only());
    assert_eq!(
        chunks[7].usage.value().unwrap().total_tokens.value(),
        Some(&38)
    );
}

#[test]
fn curl_non_streaming_sample() {
    let completion = completion(CURL_COMPLETION);
    assert_eq!(completion.system_fingerprint.value().unwrap(), "");
    assert_eq!(
        completion.usage.value().unwrap().prompt_tokens.value(),
        Some(&11)
    );
    let message = completion.choices()[0].message.value().unwrap();
    assert!(message.function_call.is_absent());
    assert_eq!(
        message.content_text().unwrap(),
        "I am a large language model from Alibaba Cloud. My name is Qwen."
    );
}

#[test]
fn curl_streaming_sample() {
    let mut text = String::new();
    let mut data_lines = 0;
    for line in CURL_STREAM.lines() {
        let Some(data) = line.strip_prefix("data: ") else {
            assert!(line.is_empty(), "{line}");
            continue;
        };
        data_lines += 1;
        if data == "[DONE]" {
            continue;
        }
        let chunk = chunk(data);
        assert_eq!(
            chunk.id.value().unwrap(),
            "chatcmpl-3bb05cf5cd819fbca5f0b8d67a025022"
        );
        assert!(chunk.usage.is_null());
        chunk.choices()[0].text().unwrap().unescape_into(&mut text);
    }
    assert_eq!(data_lines, 8);
    assert_eq!(
        text,
        "I am a large-scale language model from Alibaba Cloud, and my name is Qwen."
    );
}

#[test]
fn error_envelope_sample() {
    let envelope = round_trip(ERROR, ErrorEnvelope::from_json, ErrorEnvelope::to_json);
    assert_eq!(
        envelope.error.kind.value().unwrap(),
        "invalid_request_error"
    );
    assert!(envelope.error.param.is_null());
    assert_eq!(
        envelope.error.code.value(),
        Some(&ErrorCode::Text("invalid_api_key".into()))
    );
    // The server-side constructor writes exactly the documented envelope.
    let built = ErrorEnvelope::new(
        "Incorrect API key provided. ",
        "invalid_request_error",
        "invalid_api_key",
    );
    assert_eq!(built, envelope);
    let a: Value = serde_json::from_str(&built.to_json()).unwrap();
    let b: Value = serde_json::from_str(ERROR).unwrap();
    assert_eq!(a, b);
}

#[test]
fn request_samples() {
    for text in CURL_REQUESTS {
        let request = request(text);
        assert_eq!(request.model.value().unwrap(), "qwen-plus");
        assert_eq!(request.messages().len(), 2);
        assert_eq!(request.messages()[0].role(), Some(&Role::System));
    }
    assert!(request(CURL_REQUESTS[1]).is_stream());
    let streaming = request(SDK_STREAM_REQUEST);
    assert!(streaming.is_stream() && streaming.include_usage());
}

#[test]
fn tool_calling_request_sample() {
    let request = request(TOOL_REQUEST);
    let tools = request.tools();
    assert_eq!(tools.len(), 2);
    let time = tools[0].function.value().unwrap();
    assert_eq!(time.name.value().unwrap(), "get_current_time");
    assert_eq!(time.parameters.value().unwrap().get(), "{}");
    let weather = tools[1].function.value().unwrap();
    assert!(weather.parameters.value().unwrap().is_object());
    assert_eq!(
        weather
            .extra
            .get("required")
            .unwrap()
            .get()
            .split_whitespace()
            .collect::<String>(),
        r#"["location"]"#
    );
    assert!(request.tool_choice.is_absent());

    let messages = request.messages();
    let assistant = &messages[1];
    let call = &assistant.tool_calls.value().unwrap()[0];
    assert_eq!(call.name().unwrap(), "get_current_weather");
    assert_eq!(call.arguments().unwrap(), r#"{"location": "Singapore"}"#);
    assert_eq!(call.extra.get("index").unwrap().get(), "0");
    assert!(assistant.extra.get("refusal").unwrap().is_null());
    let tool = &messages[2];
    assert_eq!(tool.role(), Some(&Role::Tool));
    assert_eq!(tool.name.value().unwrap(), "get_current_weather");

    let choice: ToolChoice<'_> = serde_json::from_str(r#""auto""#).unwrap();
    assert_eq!(choice, ToolChoice::Auto);
}
