//! What real servers stream, one test per quirk the accumulator must merge. The chunks are
//! written for these tests after the shapes of captured streams (DashScope, DeepSeek,
//! Mistral, Gemini, Copilot, Groq, OpenAI, Perplexity, Azure, OpenRouter, Snowflake, xAI,
//! vLLM, Qwen coder): the same fields and nesting, other values.

use chatwire::accumulate::{AccumulateErrorKind, Accumulator, AccumulatorLimits};
use chatwire::types::{
    ChatCompletion, ChatCompletionChunk, ErrorEnvelope, FinishReason, ResponseMessage, ToolCall,
};
use serde_json::{json, Value};

/// Accumulates the chunks (each one JSON text).
fn accumulate(chunks: &[&str]) -> ChatCompletion<'static> {
    let mut acc = Accumulator::new();
    for text in chunks {
        let chunk = ChatCompletionChunk::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        acc.push(&chunk).expect("within the limits");
    }
    let snapshot = acc.completion();
    let completion = acc.into_completion();
    assert_eq!(
        snapshot, completion,
        "completion() and into_completion() agree"
    );
    completion
}

fn message<'c>(
    completion: &'c ChatCompletion<'static>,
    index: u32,
) -> &'c ResponseMessage<'static> {
    completion
        .choices()
        .iter()
        .find(|c| c.index() == Some(index))
        .and_then(|c| c.message.value())
        .unwrap_or_else(|| panic!("no choice {index}"))
}

fn finish(completion: &ChatCompletion<'static>, index: u32) -> Option<String> {
    completion
        .choices()
        .iter()
        .find(|c| c.index() == Some(index))
        .and_then(|c| c.finish_reason.value())
        .map(|f| f.as_str().into_owned())
}

/// `(id, name, arguments)` of each tool call.
fn calls(message: &ResponseMessage<'static>) -> Vec<(Option<String>, String, String)> {
    message
        .calls()
        .iter()
        .map(|call: &ToolCall<'static>| {
            (
                call.id.value().map(ToString::to_string),
                call.name().map(ToString::to_string).unwrap_or_default(),
                call.arguments()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn call(id: Option<&str>, name: &str, arguments: &str) -> (Option<String>, String, String) {
    (id.map(str::to_owned), name.to_owned(), arguments.to_owned())
}

fn value(completion: &ChatCompletion<'static>) -> Value {
    serde_json::from_str(&completion.to_json()).expect("JSON")
}

#[test]
fn dashscope_continuations_send_an_empty_id_and_repeat_the_type() {
    let completion = accumulate(&[
        r#"{"choices":[{"delta":{"content":null,"tool_calls":[{"index":0,"id":"call_7d2c","type":"function","function":{"name":"get_weather","arguments":""}}],"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1771000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-91e0"}"#,
        r#"{"choices":[{"delta":{"content":null,"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":"{\"city\": \"Hang"}}]},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1771000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-91e0"}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"zhou\"}"},"index":0,"id":"","type":"function"}]},"index":0}],"object":"chat.completion.chunk","usage":null,"created":1771000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-91e0"}"#,
        r#"{"choices":[{"finish_reason":"tool_calls","delta":{},"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1771000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-91e0"}"#,
        r#"{"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":280,"completion_tokens":20,"total_tokens":300,"prompt_tokens_details":{"cached_tokens":0}},"created":1771000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-91e0"}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(
        calls(message),
        [call(
            Some("call_7d2c"),
            "get_weather",
            r#"{"city": "Hangzhou"}"#
        )]
    );
    assert_eq!(finish(&completion, 0).as_deref(), Some("tool_calls"));
    // The documented shape: content null when the answer is only tool calls; the usage of
    // the usage-only chunk; the fingerprint DashScope sends as null.
    assert_eq!(
        value(&completion),
        json!({
            "id": "chatcmpl-91e0", "object": "chat.completion", "created": 1771000000,
            "model": "qwen3-max", "system_fingerprint": null,
            "choices": [{
                "index": 0,
                "message": {
                    "role": "assistant", "content": null,
                    "tool_calls": [{"id": "call_7d2c", "type": "function",
                        "function": {"name": "get_weather", "arguments": "{\"city\": \"Hangzhou\"}"}}]
                },
                "finish_reason": "tool_calls", "logprobs": null
            }],
            "usage": {"prompt_tokens": 280, "completion_tokens": 20, "total_tokens": 300,
                "prompt_tokens_details": {"cached_tokens": 0}}
        })
    );
}

#[test]
fn deepseek_repeats_the_id_on_every_piece() {
    let completion = accumulate(&[
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Need the "},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"weather tool."},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_00_q1","type":"function","function":{"name":"weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_00_q1","function":{"arguments":"{\"location\": "}}]},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"5f1a","object":"chat.completion.chunk","created":1771000100,"model":"deepseek-reasoner","system_fingerprint":"fp_ds_1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_00_q1","function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":300,"completion_tokens":60,"total_tokens":360,"prompt_cache_hit_tokens":256,"prompt_cache_miss_tokens":44}}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(
        calls(message),
        [call(
            Some("call_00_q1"),
            "weather",
            r#"{"location": "Paris"}"#
        )]
    );
    assert_eq!(
        message.content_text().unwrap(),
        "",
        "content sent as \"\" stays \"\""
    );
    assert_eq!(
        message.reasoning_content.value().unwrap(),
        "Need the weather tool."
    );
    let usage = completion.usage.value().unwrap();
    assert_eq!(
        usage.extra.get("prompt_cache_hit_tokens").unwrap().get(),
        "256"
    );
    assert_eq!(completion.system_fingerprint.value().unwrap(), "fp_ds_1");
}

#[test]
fn mistral_calls_without_index_or_type() {
    let completion = accumulate(&[
        r#"{"id":"0c9e","object":"chat.completion.chunk","created":1771000200,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"logprobs":null}]}"#,
        r#"{"id":"0c9e","object":"chat.completion.chunk","created":1771000200,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"Xk2pQ9","function":{"name":"weather","arguments":"{\"location\": \"Lyon\"}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":120,"total_tokens":140,"completion_tokens":20}}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(
        calls(message),
        [call(Some("Xk2pQ9"), "weather", r#"{"location": "Lyon"}"#)]
    );
    assert_eq!(
        message.calls()[0].kind.value().unwrap().as_str(),
        "function",
        "the only type there is"
    );
}

#[test]
fn an_empty_name_on_a_continuation_does_not_clobber_the_name() {
    let completion = accumulate(&[
        r#"{"id":"77aa","object":"chat.completion.chunk","created":1771000300,"model":"glm","choices":[{"index":0,"delta":{"tool_calls":[{"id":"chatcmpl-tool-1f","type":"function","function":{"name":"webSearch","arguments":""},"index":0}],"content":""},"finish_reason":null,"logprobs":null}]}"#,
        r#"{"id":"77aa","object":"chat.completion.chunk","created":1771000300,"model":"glm","choices":[{"index":0,"delta":{"tool_calls":[{"type":"function","function":{"name":"","arguments":"{\"query\": \"Oslo weather\"}"},"index":0}],"content":""},"finish_reason":null,"logprobs":null}]}"#,
        r#"{"id":"77aa","object":"chat.completion.chunk","created":1771000300,"model":"glm","choices":[{"index":0,"delta":{"content":""},"finish_reason":"tool_calls","logprobs":null}]}"#,
    ]);
    assert_eq!(
        calls(message(&completion, 0)),
        [call(
            Some("chatcmpl-tool-1f"),
            "webSearch",
            r#"{"query": "Oslo weather"}"#
        )]
    );
}

#[test]
fn mistral_content_arrays_split_into_content_and_reasoning() {
    let completion = accumulate(&[
        r#"{"id":"b1","object":"chat.completion.chunk","created":1771000400,"model":"magistral-medium","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"3 times 3"}]}]},"finish_reason":null}]}"#,
        r#"{"id":"b1","object":"chat.completion.chunk","created":1771000400,"model":"magistral-medium","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":" is nine."}]}]},"finish_reason":null}]}"#,
        r#"{"id":"b1","object":"chat.completion.chunk","created":1771000400,"model":"magistral-medium","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"3 × 3 = 9"}]},"finish_reason":null}]}"#,
        r#"{"id":"b1","object":"chat.completion.chunk","created":1771000400,"model":"magistral-medium","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"total_tokens":40,"completion_tokens":32}}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.content_text().unwrap(), "3 × 3 = 9");
    assert_eq!(
        message.reasoning_content.value().unwrap(),
        "3 times 3 is nine."
    );
}

#[test]
fn gemini_whole_calls_without_index_and_with_empty_ids() {
    let completion = accumulate(&[
        r#"{"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"tz\":\"UTC\"}","name":"get_time"},"id":"","type":"function"},{"function":{"arguments":"{}","name":"get_date"},"id":"","type":"function"}]},"finish_reason":"tool_calls","index":0}],"created":1771000500,"id":"Qx9-aB","model":"gemini-2.5-flash","object":"chat.completion.chunk","usage":{"completion_tokens":10,"prompt_tokens":30,"total_tokens":40}}"#,
    ]);
    assert_eq!(
        calls(message(&completion, 0)),
        [
            call(Some(""), "get_time", r#"{"tz":"UTC"}"#),
            call(Some(""), "get_date", "{}")
        ]
    );
}

#[test]
fn copilot_reuses_index_zero_with_a_new_id() {
    let completion = accumulate(&[
        r#"{"choices":[{"index":0,"delta":{"content":"Two edits.","role":"assistant"}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"name":"edit_file"},"id":"tooluse_AAA","index":0,"type":"function"}]}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"arguments":""},"index":0,"type":"function"}]}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"arguments":"{\"path\":\"a.js\"}"},"index":0,"type":"function"}]}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"name":"edit_file"},"id":"tooluse_BBB","index":0,"type":"function"}]}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"arguments":"{\"path\":\"b.js\"}"},"index":0,"type":"function"}]}}],"created":1771000600,"id":"msg_01","model":"claude-3.5-sonnet"}"#,
        r#"{"choices":[{"finish_reason":"tool_calls","index":0,"delta":{"content":null}}],"created":1771000600,"id":"msg_01","usage":{"completion_tokens":50,"prompt_tokens":900,"total_tokens":950},"model":"claude-3.5-sonnet"}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.content_text().unwrap(), "Two edits.");
    assert_eq!(
        calls(message),
        [
            call(Some("tooluse_AAA"), "edit_file", r#"{"path":"a.js"}"#),
            call(Some("tooluse_BBB"), "edit_file", r#"{"path":"b.js"}"#),
        ]
    );
    assert_eq!(
        completion.object.value().unwrap().as_str(),
        "chat.completion",
        "Copilot sends no object; the completion says what it is"
    );
}

#[test]
fn copilot_legacy_function_call_is_merged() {
    let completion = accumulate(&[
        r#"{"choices":[],"created":0,"id":"","prompt_filter_results":[{"content_filter_results":{},"prompt_index":0}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"role":"assistant","function_call":{"arguments":"","name":"lookup"}}}],"created":1771000700,"id":"chatcmpl-L1"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"role":null,"function_call":{"arguments":"{\n  \"q\""}}}],"created":1771000700,"id":"chatcmpl-L1"}"#,
        r#"{"choices":[{"index":0,"delta":{"content":null,"role":null,"function_call":{"arguments":": 1\n}"}}}],"created":1771000700,"id":"chatcmpl-L1"}"#,
        r#"{"choices":[{"finish_reason":"function_call","index":0,"delta":{"content":null}}],"created":1771000700,"id":"chatcmpl-L1"}"#,
    ]);
    let message = message(&completion, 0);
    let legacy = message.function_call.value().expect("function_call");
    assert_eq!(legacy.name.value().unwrap(), "lookup");
    assert_eq!(legacy.arguments.value().unwrap(), "{\n  \"q\": 1\n}");
    assert!(message.tool_calls.is_absent() && message.content.is_null());
    assert_eq!(finish(&completion, 0).as_deref(), Some("function_call"));
    assert_eq!(completion.id.value().unwrap(), "chatcmpl-L1");
    assert_eq!(completion.created.value(), Some(&1771000700));
}

#[test]
fn groq_whole_call_and_x_groq_usage() {
    let completion = accumulate(&[
        r#"{"id":"chatcmpl-g1","object":"chat.completion.chunk","created":1771000800,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_g","choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01"}}"#,
        r#"{"id":"chatcmpl-g1","object":"chat.completion.chunk","created":1771000800,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_g","choices":[{"index":0,"delta":{"tool_calls":[{"id":"t9","type":"function","function":{"name":"weather","arguments":"{}"},"index":0}]},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"chatcmpl-g1","object":"chat.completion.chunk","created":1771000800,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_g","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.03,"prompt_tokens":200,"completion_tokens":12,"total_tokens":212}},"usage":{"queue_time":0.03,"prompt_tokens":200,"completion_tokens":12,"total_tokens":212}}"#,
    ]);
    assert_eq!(
        calls(message(&completion, 0)),
        [call(Some("t9"), "weather", "{}")]
    );
    let x_groq: Value =
        serde_json::from_str(completion.extra.get("x_groq").unwrap().get()).unwrap();
    assert_eq!(x_groq["usage"]["total_tokens"], 212, "the last value wins");
    let usage = completion.usage.value().unwrap();
    assert_eq!(usage.extra.get("queue_time").unwrap().get(), "0.03");
}

#[test]
fn openai_interleaved_choices_refusal_and_logprobs() {
    let head = r#""id":"chatcmpl-n3","object":"chat.completion.chunk","created":1771000900,"model":"gpt-4o","system_fingerprint":"fp_x""#;
    let chunk = |choice: &str| format!("{{{head},\"choices\":[{choice}]}}");
    let chunks = [
        chunk(
            r#"{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":2,"delta":{"role":"assistant","content":null,"refusal":""},"logprobs":{"content":null,"refusal":[]},"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":1,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":0,"delta":{"content":"{\"t\":"},"logprobs":{"content":[{"token":"{\"","logprob":-0.5,"bytes":[123,34],"top_logprobs":[]},{"token":"t\":","logprob":-1e-6,"bytes":[116,34,58],"top_logprobs":[]}],"refusal":null},"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":2,"delta":{"refusal":"I can't"},"logprobs":{"content":null,"refusal":[{"token":"I","logprob":-0.1,"bytes":[73],"top_logprobs":[]}]},"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":1,"delta":{"content":"{\"t\":2}"},"logprobs":null,"finish_reason":null}"#,
        ),
        chunk(
            r#"{"index":2,"delta":{"refusal":" help."},"logprobs":{"content":null,"refusal":[{"token":" help.","logprob":-0.2,"bytes":[32],"top_logprobs":[]}]},"finish_reason":null}"#,
        ),
        chunk(r#"{"index":0,"delta":{"content":"1}"},"logprobs":null,"finish_reason":null}"#),
        chunk(r#"{"index":1,"delta":{},"logprobs":null,"finish_reason":"stop"}"#),
        chunk(r#"{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}"#),
        chunk(r#"{"index":2,"delta":{},"logprobs":null,"finish_reason":"stop"}"#),
        format!(
            r#"{{{head},"choices":[],"usage":{{"prompt_tokens":17,"completion_tokens":30,"total_tokens":47}}}}"#
        ),
    ];
    let texts: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let completion = accumulate(&texts);
    let indexes: Vec<_> = completion.choices().iter().map(|c| c.index()).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)], "listed by index");
    assert_eq!(message(&completion, 0).content_text().unwrap(), "{\"t\":1}");
    assert_eq!(message(&completion, 1).content_text().unwrap(), "{\"t\":2}");
    let refused = message(&completion, 2);
    assert!(
        refused.content.is_null(),
        "no string content delta: content null"
    );
    assert_eq!(refused.refusal.value().unwrap(), "I can't help.");
    assert!(message(&completion, 0).refusal.is_absent());
    let json = value(&completion);
    assert_eq!(
        json["choices"][0]["logprobs"]["content"][1]["logprob"],
        -1e-6
    );
    assert_eq!(
        json["choices"][0]["logprobs"]["content"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(json["choices"][0]["logprobs"]["refusal"].is_null());
    assert_eq!(
        json["choices"][2]["logprobs"]["refusal"],
        json!([{"token":"I","logprob":-0.1,"bytes":[73],"top_logprobs":[]},
               {"token":" help.","logprob":-0.2,"bytes":[32],"top_logprobs":[]}])
    );
    assert!(json["choices"][1]["logprobs"].is_null());
    assert_eq!(
        completion.usage.value().unwrap().total_tokens.value(),
        Some(&47)
    );
}

#[test]
fn perplexity_sends_a_growing_usage_on_every_chunk() {
    let completion = accumulate(&[
        r#"{"id":"pp-1","model":"sonar","created":1771001000,"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10},"citations":["https://a.example"],"object":"chat.completion.chunk","choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":"The"},"delta":{"role":"assistant","content":"The"}}]}"#,
        r#"{"id":"pp-1","model":"sonar","created":1771001000,"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11},"citations":["https://a.example"],"object":"chat.completion.chunk","choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":"The answer"},"delta":{"role":"assistant","content":" answer"}}]}"#,
        r#"{"id":"pp-1","model":"sonar","created":1771001000,"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12},"citations":["https://a.example","https://b.example"],"object":"chat.completion.done","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"The answer."},"delta":{"role":"assistant","content":"."}}]}"#,
    ]);
    assert_eq!(
        message(&completion, 0).content_text().unwrap(),
        "The answer."
    );
    assert_eq!(
        completion.usage.value().unwrap().total_tokens.value(),
        Some(&12)
    );
    assert_eq!(
        completion.extra.get("citations").unwrap().get(),
        r#"["https://a.example","https://b.example"]"#
    );
}

#[test]
fn azure_prompt_filter_chunk_comes_first_with_empty_fields() {
    let completion = accumulate(&[
        r#"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}"#,
        r#"{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1771001100,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","obfuscation":"k3","object":"chat.completion.chunk","system_fingerprint":"fp_az","usage":null}"#,
        r#"{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hej"},"finish_reason":null,"index":0,"logprobs":null}],"created":1771001100,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","obfuscation":"q","object":"chat.completion.chunk","system_fingerprint":"fp_az","usage":null}"#,
        r#"{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1771001100,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","obfuscation":"zz1","object":"chat.completion.chunk","system_fingerprint":"fp_az","usage":null}"#,
    ]);
    assert_eq!(completion.id.value().unwrap(), "chatcmpl-az");
    assert_eq!(completion.model.value().unwrap(), "gpt-4o-2024-11-20");
    assert_eq!(completion.created.value(), Some(&1771001100));
    assert!(completion.extra.get("prompt_filter_results").is_some());
    assert!(
        completion.extra.get("obfuscation").is_none(),
        "padding is dropped"
    );
    assert_eq!(message(&completion, 0).content_text().unwrap(), "Hej");
    assert!(completion.usage.is_absent(), "no usage was sent");
}

#[test]
fn openrouter_reasoning_alias_and_last_non_null_finish_reason() {
    let completion = accumulate(&[
        r#"{"id":"gen-9","provider":"Minimax","model":"minimax/minimax-m2","object":"chat.completion.chunk","created":1771001200,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Say","reasoning_details":[{"type":"reasoning.text","text":"Say","index":0,"format":null}]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
        r#"{"id":"gen-9","provider":"Minimax","model":"minimax/minimax-m2","object":"chat.completion.chunk","created":1771001200,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":" hello.","reasoning_details":[{"type":"reasoning.text","text":" hello.","index":0,"format":null}]},"finish_reason":"length","native_finish_reason":"length","logprobs":null}]}"#,
        r#"{"id":"gen-9","provider":"Minimax","error":{"code":400,"message":"Token limit reached"},"model":"minimax/minimax-m2","object":"chat.completion.chunk","created":1771001200,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":40,"completion_tokens":8,"total_tokens":48,"cost":0}}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.reasoning.value().unwrap(), "Say hello.");
    assert!(message.reasoning_content.is_absent());
    assert_eq!(message.reasoning_text().unwrap(), "Say hello.");
    assert_eq!(finish(&completion, 0).as_deref(), Some("length"));
    assert_eq!(
        completion.extra.get("provider").unwrap().get(),
        r#""Minimax""#
    );
    assert!(
        completion.extra.get("error").is_none(),
        "a chunk's error is the stream decoder's to report"
    );
}

#[test]
fn vllm_sending_reasoning_under_both_names_is_not_doubled() {
    let completion = accumulate(&[
        r#"{"id":"cmpl-v","object":"chat.completion.chunk","created":1771001300,"model":"qwen3","choices":[{"index":0,"delta":{"reasoning_content":"Think","reasoning":"Think"},"logprobs":null,"finish_reason":null,"token_ids":null}],"prompt_token_ids":null}"#,
        r#"{"id":"cmpl-v","object":"chat.completion.chunk","created":1771001300,"model":"qwen3","choices":[{"index":0,"delta":{"reasoning_content":"ing.","reasoning":"ing."},"logprobs":null,"finish_reason":null,"token_ids":null}]}"#,
        r#"{"id":"cmpl-v","object":"chat.completion.chunk","created":1771001300,"model":"qwen3","choices":[{"index":0,"delta":{"content":"Done"},"logprobs":null,"finish_reason":"stop","stop_reason":null,"token_ids":null}]}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.reasoning_content.value().unwrap(), "Thinking.");
    assert_eq!(message.reasoning.value().unwrap(), "Thinking.");
    assert_eq!(message.content_text().unwrap(), "Done");
    let json = value(&completion);
    assert!(
        json["choices"][0].get("token_ids").is_none(),
        "per-chunk fields are not kept"
    );
    assert!(
        json.get("prompt_token_ids").is_some(),
        "top-level unknown fields are"
    );
}

#[test]
fn snowflake_without_finish_reason_and_with_empty_refusal() {
    let completion = accumulate(&[
        r#"{"choices":[{"delta":{"content":"7","refusal":"","role":"assistant","tool_calls":null},"index":0,"logprobs":{"content":null,"refusal":null}}],"created":0,"id":"","model":"claude-sonnet","object":"chat.completion.chunk","service_tier":"","system_fingerprint":""}"#,
        r#"{"choices":[],"created":0,"id":"","model":"claude-sonnet","object":"chat.completion.chunk","service_tier":"","system_fingerprint":"","usage":{"completion_tokens":3,"prompt_tokens":20,"total_tokens":23}}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.content_text().unwrap(), "7");
    assert_eq!(message.refusal.value().unwrap(), "");
    assert_eq!(finish(&completion, 0), None);
    let json = value(&completion);
    assert!(json["choices"][0]["finish_reason"].is_null());
    assert_eq!(json["id"], "", "only empty ids were sent");
    assert_eq!(json["created"], 0);
    assert_eq!(json["service_tier"], "");
    assert_eq!(
        json["choices"][0]["logprobs"],
        json!({"content": null, "refusal": null})
    );
}

#[test]
fn xai_omits_finish_reason_until_the_end() {
    let completion = accumulate(&[
        r#"{"id":"x-1","object":"chat.completion.chunk","created":1771001400,"model":"grok-3-mini","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Check"}}],"system_fingerprint":"fp_x"}"#,
        r#"{"id":"x-1","object":"chat.completion.chunk","created":1771001400,"model":"grok-3-mini","choices":[{"index":0,"delta":{"reasoning_content":" it."}}],"system_fingerprint":"fp_x"}"#,
        r#"{"id":"x-1","object":"chat.completion.chunk","created":1771001400,"model":"grok-3-mini","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_5","function":{"name":"weather","arguments":"{\"c\":1}"},"index":0,"type":"function"}]}}],"system_fingerprint":"fp_x"}"#,
        r#"{"id":"x-1","object":"chat.completion.chunk","created":1771001400,"model":"grok-3-mini","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"system_fingerprint":"fp_x"}"#,
    ]);
    let message = message(&completion, 0);
    assert_eq!(message.reasoning_content.value().unwrap(), "Check it.");
    assert!(message.content.is_null());
    assert_eq!(
        calls(message),
        [call(Some("call_5"), "weather", "{\"c\":1}")]
    );
    assert_eq!(finish(&completion, 0).as_deref(), Some("tool_calls"));
}

#[test]
fn qwen_coder_empty_finish_reason_is_kept() {
    let completion = accumulate(&[
        r#"{"choices":[{"delta":{"content":"ok"},"finish_reason":"","index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1771001500,"system_fingerprint":null,"model":"qwen3-coder-plus","id":"chatcmpl-qc"}"#,
    ]);
    let choice = &completion.choices()[0];
    assert_eq!(
        choice.finish_reason.value(),
        Some(&FinishReason::Other("".into()))
    );
}

#[test]
fn a_missing_choice_index_is_zero() {
    let completion = accumulate(&[
        r#"{"choices":[{"delta":{"content":"a"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"b"}}]}"#,
    ]);
    assert_eq!(completion.choices().len(), 1);
    assert_eq!(message(&completion, 0).content_text().unwrap(), "ab");
    assert!(completion.id.is_absent() && completion.created.is_absent());
}

#[test]
fn errors_are_kept_only_when_pushed() {
    let mut acc = Accumulator::new();
    let chunk = ChatCompletionChunk::from_json(
        r#"{"error":{"code":400,"message":"Token limit reached"},"choices":[{"index":0,"delta":{"content":"x"}}]}"#,
    )
    .unwrap();
    acc.push(&chunk).unwrap();
    assert!(
        acc.errors().is_empty(),
        "push does not read the chunk's error"
    );
    let envelope =
        ErrorEnvelope::from_json(r#"{"error":{"message":"overloaded","code":503}}"#).unwrap();
    acc.push_error(&envelope).unwrap();
    assert_eq!(acc.errors().len(), 1);
    assert_eq!(acc.errors()[0].error.message.value().unwrap(), "overloaded");
    assert_eq!(acc.chunks(), 1);
}

#[test]
fn the_choice_limit_is_enforced() {
    let mut acc = Accumulator::with_limits(AccumulatorLimits::new().with_max_choices(2));
    for index in [5u32, 1, 5, 9] {
        let text =
            format!(r#"{{"choices":[{{"index":{index},"delta":{{"content":"{index}"}}}}]}}"#);
        let result = acc.push(&ChatCompletionChunk::from_json(&text).unwrap());
        if index == 9 {
            let err = result.unwrap_err();
            assert_eq!(err.kind(), AccumulateErrorKind::TooManyChoices);
            assert_eq!((err.choice(), err.limit()), (Some(9), 2));
        } else {
            result.unwrap();
        }
    }
    let completion = acc.into_completion();
    assert_eq!(completion.choices().len(), 2);
    assert_eq!(message(&completion, 5).content_text().unwrap(), "55");
}

#[test]
fn the_tool_call_limit_is_per_choice() {
    let mut acc = Accumulator::with_limits(AccumulatorLimits::new().with_max_tool_calls(1));
    let chunk = |choice: u32, id: &str| {
        format!(
            r#"{{"choices":[{{"index":{choice},"delta":{{"tool_calls":[{{"index":0,"id":"{id}","function":{{"name":"f","arguments":"{{}}"}}}}]}}}}]}}"#
        )
    };
    acc.push(&ChatCompletionChunk::from_json(&chunk(0, "a")).unwrap())
        .unwrap();
    acc.push(&ChatCompletionChunk::from_json(&chunk(1, "b")).unwrap())
        .unwrap();
    let err = acc
        .push(&ChatCompletionChunk::from_json(&chunk(0, "c")).unwrap())
        .unwrap_err();
    assert_eq!(err.kind(), AccumulateErrorKind::TooManyToolCalls);
    assert_eq!(err.choice(), Some(0));
    let completion = acc.into_completion();
    assert_eq!(calls(message(&completion, 0)), [call(Some("a"), "f", "{}")]);
}

#[test]
fn the_byte_limit_is_enforced_and_the_accumulator_goes_on() {
    let mut acc = Accumulator::with_limits(AccumulatorLimits::new().with_max_bytes(10));
    let push = |acc: &mut Accumulator, text: &str| {
        let data = format!(r#"{{"choices":[{{"index":0,"delta":{{"content":"{text}"}}}}]}}"#);
        acc.push(&ChatCompletionChunk::from_json(&data).unwrap())
    };
    push(&mut acc, "12345678").unwrap();
    let err = push(&mut acc, "abc").unwrap_err();
    assert_eq!(err.kind(), AccumulateErrorKind::TooLarge);
    assert_eq!((err.choice(), err.limit()), (Some(0), 10));
    assert!(err.to_string().contains("10 bytes"));
    push(&mut acc, "9\\u00e9").unwrap_err();
    push(&mut acc, "9").unwrap();
    assert_eq!(acc.bytes(), 9);
    assert_eq!(
        message(&acc.completion(), 0).content_text().unwrap(),
        "123456789"
    );
    let big = ErrorEnvelope::new("a long message", "t", "c");
    assert_eq!(
        acc.push_error(&big).unwrap_err().kind(),
        AccumulateErrorKind::TooLarge
    );
    assert!(acc.errors().is_empty());
}

#[test]
fn hostile_chunks_never_panic() {
    let mut acc = Accumulator::with_limits(
        AccumulatorLimits::new()
            .with_max_choices(3)
            .with_max_tool_calls(3)
            .with_max_bytes(1 << 12),
    );
    let shapes = [
        r#"{"choices":[{"index":4294967295,"delta":{"tool_calls":[{"index":4294967295}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{},{},{},{},{}]}}]}"#,
        r#"{"choices":[{"index":1,"delta":{"content":[{"type":"thinking","thinking":[{"type":"image_url"}]},{"type":"text"},7]},"logprobs":[1,2]}]}"#,
        r#"{"choices":[{"index":2,"delta":{"function_call":{}},"logprobs":{"content":7}}]}"#,
        r#"{"choices":null,"usage":{"prompt_tokens":"x"},"created":-1,"id":null}"#,
        r#"{"choices":[{"index":"7","delta":null,"finish_reason":null}]}"#,
    ];
    let mut failures = 0;
    for _ in 0..3 {
        for text in shapes {
            let chunk =
                ChatCompletionChunk::from_json(text).unwrap_or_else(|e| panic!("{e}: {text}"));
            failures += usize::from(acc.push(&chunk).is_err());
        }
    }
    assert!(failures > 0, "the limits were reached");
    let completion = acc.into_completion();
    assert!(completion.choices().len() <= 3);
    assert!(completion
        .choices()
        .iter()
        .all(|c| { c.message.value().is_some_and(|m| m.calls().len() <= 3) }));
    let _ = completion.to_json();
}

/// Found by the `accumulate` fuzz target: a `created` that does not fit a `u64` is kept raw
/// under `created` in the chunk's unknown fields. Beside a typed `created` from another
/// chunk, the completion once carried both and wrote the key twice. Now the JSON has each
/// key once and reads back equal.
#[test]
fn a_created_that_does_not_fit_gives_way_to_a_typed_one() {
    for chunks in [
        [
            r#"{"created":18446744073709551615,"model":"m","choices":[]}"#,
            r#"{"created":1714.31028,"x_":1,"choices":[]}"#,
        ],
        [
            r#"{"created":1714.31028,"x_":1,"choices":[]}"#,
            r#"{"created":18446744073709551615,"model":"m","choices":[]}"#,
        ],
    ] {
        let completion = accumulate(&chunks);
        assert_eq!(completion.created.value(), Some(&u64::MAX));
        let text = completion.to_json();
        assert_eq!(text.matches("\"created\"").count(), 1, "{text}");
        assert_eq!(
            ChatCompletion::from_json(&text).unwrap(),
            completion,
            "{text}"
        );
        assert_eq!(value(&completion)["x_"], json!(1));
    }
    // With no typed value anywhere, the raw one is what the stream said, and is kept.
    let completion = accumulate(&[r#"{"created":1714.31028,"choices":[]}"#]);
    assert!(completion.created.is_absent());
    assert_eq!(value(&completion)["created"], json!(1714.31028));
}
