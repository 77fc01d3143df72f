//! A real Rust client, async-openai, against the mock server: non-streaming, streaming with
//! `include_usage`, the tool-calling loop, and the errors it surfaces.

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessageArgs,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestToolMessageArgs, ChatCompletionRequestUserMessage,
    ChatCompletionStreamOptions, ChatCompletionTool, ChatCompletionTools,
    CreateChatCompletionRequestArgs, FinishReason, FunctionObject,
};
use async_openai::Client;
use chatwire_mock::MockServer;
use futures_util::StreamExt;
use serde_json::json;

const SEED_ANSWER: &str = "I am a large language model from Alibaba Cloud. My name is Qwen.";

fn client(server: &MockServer, key: &str) -> Client<OpenAIConfig> {
    Client::with_config(
        OpenAIConfig::new()
            .with_api_base(server.base_url())
            .with_api_key(key),
    )
}

fn seed_messages() -> Vec<ChatCompletionRequestMessage> {
    vec![
        ChatCompletionRequestSystemMessage::from("You are a helpful assistant.").into(),
        ChatCompletionRequestUserMessage::from("Who are you?").into(),
    ]
}

#[tokio::test]
async fn non_streaming() {
    let server = MockServer::start().await;
    let request = CreateChatCompletionRequestArgs::default()
        .model("qwen-plus")
        .messages(seed_messages())
        .build()
        .unwrap();
    let response = client(&server, "sk-test")
        .chat()
        .create(request)
        .await
        .unwrap();
    assert_eq!(response.object, "chat.completion");
    assert_eq!(response.model, "qwen-plus");
    assert!(response.id.starts_with("chatcmpl-"));
    assert_eq!(response.choices.len(), 1);
    assert_eq!(
        response.choices[0].message.content.as_deref(),
        Some(SEED_ANSWER)
    );
    assert_eq!(response.choices[0].finish_reason, Some(FinishReason::Stop));
    let usage = response.usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (22, 16, 38)
    );
}

#[tokio::test]
async fn streaming_with_include_usage() {
    let server = MockServer::start().await;
    let request = CreateChatCompletionRequestArgs::default()
        .model("qwen-plus")
        .messages(seed_messages())
        .stream(true)
        .stream_options(ChatCompletionStreamOptions {
            include_usage: Some(true),
            include_obfuscation: None,
        })
        .build()
        .unwrap();
    let mut stream = client(&server, "sk-test")
        .chat()
        .create_stream(request)
        .await
        .unwrap();
    let mut pieces = Vec::new();
    let mut finish = None;
    let mut usage = None;
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        chunks += 1;
        assert_eq!(chunk.object, "chat.completion.chunk");
        for choice in &chunk.choices {
            if let Some(content) = &choice.delta.content {
                pieces.push(content.clone());
            }
            if choice.finish_reason.is_some() {
                finish = choice.finish_reason;
            }
        }
        if let Some(u) = chunk.usage {
            assert!(chunk.choices.is_empty());
            usage = Some(u);
        }
    }
    assert_eq!(chunks, 8);
    assert_eq!(pieces.concat(), SEED_ANSWER);
    assert_eq!(pieces.first().map(String::as_str), Some(""));
    assert_eq!(finish, Some(FinishReason::Stop));
    let usage = usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (22, 16, 38)
    );
}

fn seed_tools() -> Vec<ChatCompletionTools> {
    vec![
        ChatCompletionTools::Function(ChatCompletionTool {
            function: FunctionObject {
                name: "get_current_time".into(),
                description: Some("Useful for when you want to know the current time.".into()),
                parameters: Some(json!({})),
                strict: None,
            },
        }),
        ChatCompletionTools::Function(ChatCompletionTool {
            function: FunctionObject {
                name: "get_current_weather".into(),
                description: Some("Useful for querying the weather in a specific city.".into()),
                parameters: Some(
                    json!({"type": "object", "properties": {"location": {"type": "string"}}}),
                ),
                strict: None,
            },
        }),
    ]
}

#[tokio::test]
async fn the_tool_calling_loop() {
    let server = MockServer::start().await;
    let client = client(&server, "sk-test");
    let mut messages: Vec<ChatCompletionRequestMessage> =
        vec![ChatCompletionRequestUserMessage::from(
            "How is the weather in Singapore? What time is it now?",
        )
        .into()];
    let mut called = Vec::new();
    for _round in 0..5 {
        let request = CreateChatCompletionRequestArgs::default()
            .model("qwen-plus")
            .messages(messages.clone())
            .tools(seed_tools())
            .build()
            .unwrap();
        let response = client.chat().create(request).await.unwrap();
        let choice = &response.choices[0];
        let Some(tool_calls) = choice.message.tool_calls.clone().filter(|c| !c.is_empty()) else {
            assert_eq!(choice.finish_reason, Some(FinishReason::Stop));
            let answer = choice.message.content.clone().unwrap();
            assert!(
                answer.contains("It is rainy in Singapore today."),
                "{answer}"
            );
            assert!(
                answer.contains("Current time: 2024-04-15 17:15:18."),
                "{answer}"
            );
            assert_eq!(
                called,
                [
                    (
                        "get_current_weather".to_owned(),
                        json!({"location": "Singapore"})
                    ),
                    ("get_current_time".to_owned(), json!({})),
                ]
            );
            return;
        };
        assert_eq!(choice.finish_reason, Some(FinishReason::ToolCalls));
        messages.push(
            ChatCompletionRequestAssistantMessageArgs::default()
                .tool_calls(tool_calls.clone())
                .build()
                .unwrap()
                .into(),
        );
        for call in tool_calls {
            let ChatCompletionMessageToolCalls::Function(call) = call else {
                panic!("only function calls are expected");
            };
            let args: serde_json::Value = serde_json::from_str(&call.function.arguments).unwrap();
            let output = match call.function.name.as_str() {
                "get_current_weather" => format!(
                    "It is rainy in {} today. ",
                    args["location"].as_str().unwrap()
                ),
                "get_current_time" => "Current time: 2024-04-15 17:15:18.".to_owned(),
                other => panic!("unexpected tool {other}"),
            };
            called.push((call.function.name.clone(), args));
            messages.push(
                ChatCompletionRequestToolMessageArgs::default()
                    .tool_call_id(call.id)
                    .content(output)
                    .build()
                    .unwrap()
                    .into(),
            );
        }
    }
    panic!("the loop did not end after 5 rounds: {called:?}");
}

#[tokio::test]
async fn streamed_tool_calls_accumulate() {
    let server = MockServer::start().await;
    let request = CreateChatCompletionRequestArgs::default()
        .model("qwen-plus")
        .messages(vec![ChatCompletionRequestUserMessage::from(
            "How is the weather in Singapore?",
        )
        .into()])
        .tools(seed_tools())
        .stream(true)
        .build()
        .unwrap();
    let mut stream = client(&server, "sk-test")
        .chat()
        .create_stream(request)
        .await
        .unwrap();
    let (mut id, mut name, mut arguments, mut finish) =
        (String::new(), String::new(), String::new(), None);
    while let Some(chunk) = stream.next().await {
        for choice in chunk.unwrap().choices {
            for call in choice.delta.tool_calls.unwrap_or_default() {
                id.push_str(call.id.as_deref().unwrap_or(""));
                if let Some(function) = call.function {
                    name.push_str(function.name.as_deref().unwrap_or(""));
                    arguments.push_str(function.arguments.as_deref().unwrap_or(""));
                }
            }
            finish = choice.finish_reason.or(finish);
        }
    }
    assert!(id.starts_with("call_"), "{id}");
    assert_eq!(name, "get_current_weather");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&arguments).unwrap(),
        json!({"location": "Singapore"})
    );
    assert_eq!(finish, Some(FinishReason::ToolCalls));
}

#[tokio::test]
async fn errors_surface_as_api_errors() {
    let server = MockServer::builder()
        .api_key("sk-right")
        .start()
        .await
        .unwrap();
    let request = CreateChatCompletionRequestArgs::default()
        .model("qwen-plus")
        .messages(seed_messages())
        .build()
        .unwrap();
    match client(&server, "sk-wrong")
        .chat()
        .create(request.clone())
        .await
    {
        Err(OpenAIError::ApiError(e)) => {
            assert_eq!(e.status_code.as_u16(), 401);
            assert_eq!(e.api_error.message, "Incorrect API key provided. ");
            assert_eq!(e.api_error.code.as_deref(), Some("invalid_api_key"));
        }
        other => panic!("expected a 401 API error, got {other:?}"),
    }
    let mut bad = request;
    bad.model = "qwen-max".into();
    bad.n = Some(2);
    match client(&server, "sk-right").chat().create(bad).await {
        Err(OpenAIError::ApiError(e)) => {
            assert_eq!(e.status_code.as_u16(), 400);
            assert_eq!(e.api_error.param.as_deref(), Some("n"));
        }
        other => panic!("expected a 400 API error, got {other:?}"),
    }
}
