//! What real OpenAI-compatible servers send, one test per quirk. The chunks are written for
//! these tests after the shapes of captured streams (DashScope, Mistral, Groq, OpenRouter,
//! Azure, Perplexity, vLLM, Together, Copilot, DeepSeek, xAI, Snowflake, Gemini, Ollama):
//! same fields and nesting, other values.

use chatwire::types::{
    ChatCompletion, ChatCompletionChunk, ContentPart, ErrorCode, ErrorEnvelope, FinishReason,
    Maybe, MessageContent, ObjectKind, Role, ServiceTier, ToolType,
};
use serde_json::Value;

/// Parses a chunk and checks that it serializes back to the same JSON value.
fn chunk(text: &str) -> ChatCompletionChunk<'_> {
    let chunk = ChatCompletionChunk::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    same_value(text, &chunk.to_json());
    chunk
}

/// Parses a completion and checks that it serializes back to the same JSON value.
fn completion(text: &str) -> ChatCompletion<'_> {
    let completion = ChatCompletion::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    same_value(text, &completion.to_json());
    completion
}

fn envelope(text: &str) -> ErrorEnvelope<'_> {
    let envelope = ErrorEnvelope::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    same_value(text, &envelope.to_json());
    envelope
}

fn same_value(original: &str, printed: &str) {
    let a: Value = serde_json::from_str(original).expect("test input is JSON");
    let b: Value = serde_json::from_str(printed).expect("output is JSON");
    assert_eq!(a, b, "\noriginal: {original}\nprinted:  {printed}");
}

#[test]
fn dashscope_tool_call_continuations_send_empty_id_and_repeat_type() {
    let first = chunk(
        r#"{"choices":[{"delta":{"content":null,"tool_calls":[{"index":0,"id":"call_0f1e2d3c","type":"function","function":{"name":"get_weather","arguments":""}}],"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1770000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-5a6b"}"#,
    );
    let next = chunk(
        r#"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{\"city\": \"Hangzhou\"}"},"index":0,"id":"","type":"function"}]},"index":0}],"object":"chat.completion.chunk","usage":null,"created":1770000000,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-5a6b"}"#,
    );
    let start = &first.choices()[0].tool_calls()[0];
    assert_eq!(start.id.value().unwrap(), "call_0f1e2d3c");
    assert_eq!(start.name().unwrap(), "get_weather");
    assert!(first.choices()[0].delta.value().unwrap().content.is_null());
    let piece = &next.choices()[0].tool_calls()[0];
    assert_eq!(
        piece.id.value().unwrap(),
        "",
        "the empty id is kept as sent"
    );
    assert_eq!(piece.kind.value(), Some(&ToolType::Function));
    assert_eq!(piece.index(), Some(0));
    assert!(piece.name().is_none());
    assert_eq!(piece.arguments_text().unwrap(), r#"{"city": "Hangzhou"}"#);
    // The continuation chunk has no finish_reason and no logprobs key at all.
    assert!(next.choices()[0].finish_reason.is_absent());
    assert!(next.choices()[0].logprobs.is_absent());
}

#[test]
fn dashscope_usage_only_chunk_with_cached_and_reasoning_tokens() {
    let last = chunk(
        r#"{"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":40,"completion_tokens":120,"total_tokens":160,"completion_tokens_details":{"reasoning_tokens":100},"prompt_tokens_details":{"cached_tokens":32}},"created":1770000001,"system_fingerprint":null,"model":"qwen3-max","id":"chatcmpl-7c8d"}"#,
    );
    assert!(last.is_usage_only());
    let usage = last.usage.value().unwrap();
    assert_eq!(
        (usage.cached_tokens(), usage.reasoning_tokens()),
        (Some(32), Some(100))
    );
}

#[test]
fn qwen_coder_sends_an_empty_finish_reason() {
    let last = chunk(
        r#"{"choices":[{"delta":{"content":""},"finish_reason":"","index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1770000002,"system_fingerprint":null,"model":"qwen3-coder-plus","id":"chatcmpl-9e0f"}"#,
    );
    let reason = last.choices()[0].finish_reason.value().unwrap();
    assert!(matches!(reason, FinishReason::Other(text) if text.is_empty()));
}

#[test]
fn mistral_streams_content_as_an_array_of_typed_parts() {
    let thinking = chunk(
        r#"{"id":"0c1d2e3f","object":"chat.completion.chunk","created":1769000000,"model":"magistral-small-2507","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Three times three"}]}]},"finish_reason":null}]}"#,
    );
    let answer = chunk(
        r#"{"id":"0c1d2e3f","object":"chat.completion.chunk","created":1769000000,"model":"magistral-small-2507","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"9"}]},"finish_reason":null}]}"#,
    );
    let content = thinking.choices()[0]
        .delta
        .value()
        .unwrap()
        .content
        .value()
        .unwrap();
    assert!(matches!(content.parts()[0], ContentPart::Thinking(_)));
    let mut reasoning = String::new();
    content.thinking_into(&mut reasoning);
    assert_eq!(reasoning, "Three times three");
    let mut text = String::new();
    answer.choices()[0]
        .delta
        .value()
        .unwrap()
        .content
        .value()
        .unwrap()
        .text_into(&mut text);
    assert_eq!(text, "9");
    assert!(answer.choices()[0].text().is_none(), "not a string delta");
}

#[test]
fn mistral_tool_calls_have_no_index_and_no_type() {
    let call = chunk(
        r#"{"id":"4a5b6c7d","object":"chat.completion.chunk","created":1769000001,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"Xq3TzP0aB","function":{"name":"lookup","arguments":"{\"q\": \"rust\"}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":90,"total_tokens":105,"completion_tokens":15}}"#,
    );
    let piece = &call.choices()[0].tool_calls()[0];
    assert_eq!(piece.index(), None);
    assert!(piece.index.is_absent() && piece.kind.is_absent());
    assert_eq!(piece.id.value().unwrap(), "Xq3TzP0aB");
    assert_eq!(
        call.choices()[0].finish_reason.value(),
        Some(&FinishReason::ToolCalls)
    );
}

#[test]
fn mistral_whole_response_with_content_parts() {
    let completion = completion(
        r#"{"id":"8e9f0a1b","created":1769000002,"model":"magistral-medium-2507","usage":{"prompt_tokens":12,"total_tokens":40,"completion_tokens":28},"object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Simple."}]},{"type":"text","text":"Yes."}]}}]}"#,
    );
    let content = completion.choices()[0]
        .message
        .value()
        .unwrap()
        .content
        .value()
        .unwrap();
    let mut text = String::new();
    content.text_into(&mut text);
    assert_eq!(text, "Yes.");
}

#[test]
fn groq_sends_x_groq_and_timing_fields_in_usage() {
    let first = chunk(
        r#"{"id":"chatcmpl-00aa11bb","object":"chat.completion.chunk","created":1770000100,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_0a1b2c3d4e","choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01abcdefgh","seed":123456789}}"#,
    );
    assert_eq!(
        first.extra.get("x_groq").unwrap().get(),
        r#"{"id":"req_01abcdefgh","seed":123456789}"#
    );
    let whole_call = chunk(
        r#"{"id":"chatcmpl-00aa11bb","object":"chat.completion.chunk","created":1770000100,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_0a1b2c3d4e","choices":[{"index":0,"delta":{"tool_calls":[{"id":"k7m2p9q1r","type":"function","function":{"name":"lookup","arguments":"{}"},"index":0}]},"logprobs":null,"finish_reason":null}]}"#,
    );
    assert_eq!(
        whole_call.choices()[0].tool_calls()[0]
            .arguments_text()
            .unwrap(),
        "{}"
    );
    let last = chunk(
        r#"{"id":"chatcmpl-00aa11bb","object":"chat.completion.chunk","created":1770000100,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_0a1b2c3d4e","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01abcdefgh","usage":{"queue_time":0.0312,"prompt_tokens":200,"prompt_time":0.0101,"completion_tokens":12,"completion_time":0.0402,"total_tokens":212,"total_time":0.0503}},"usage":{"queue_time":0.0312,"prompt_tokens":200,"prompt_time":0.0101,"completion_tokens":12,"completion_time":0.0402,"total_tokens":212,"total_time":0.0503}}"#,
    );
    let usage = last.usage.value().unwrap();
    assert_eq!(usage.total_tokens.value(), Some(&212));
    assert_eq!(usage.extra.get("queue_time").unwrap().get(), "0.0312");
    assert!(last.extra.get("x_groq").is_some());
}

#[test]
fn groq_response_service_tier_on_demand() {
    let completion = completion(
        r#"{"id":"chatcmpl-22cc33dd","object":"chat.completion","created":1770000200,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"p0o9i8u7","type":"function","function":{"name":"lookup","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"queue_time":0.1,"prompt_tokens":100,"prompt_time":0.01,"completion_tokens":10,"completion_time":0.04,"total_tokens":110,"total_time":0.05},"usage_breakdown":null,"system_fingerprint":"fp_0a1b2c3d4e","x_groq":{"id":"req_02","seed":42},"service_tier":"on_demand"}"#,
    );
    assert!(
        matches!(completion.service_tier.value(), Some(ServiceTier::Other(t)) if *t == "on_demand")
    );
    let message = completion.choices()[0].message.value().unwrap();
    assert!(message.content.is_absent());
    assert_eq!(message.calls()[0].name().unwrap(), "lookup");
}

#[test]
fn groq_error_event_payload_is_an_envelope_with_extras() {
    let envelope = envelope(
        r#"{"error":{"message":"Tool call validation failed: parameters did not match schema","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"{\"name\": \"lookup\", \"arguments\": {}}","status_code":400}}"#,
    );
    assert!(envelope.error.has_code("tool_use_failed"));
    assert!(envelope.error.param.is_absent());
    assert_eq!(
        envelope.error.extra.get("status_code").unwrap().get(),
        "400"
    );
}

#[test]
fn openrouter_chunk_carries_an_error_beside_its_choices() {
    let chunk = chunk(
        r#"{"id":"gen-1770000300-abcdef","provider":"SomeProvider","error":{"code":400,"message":"Token limit reached"},"model":"vendor/model:free","object":"chat.completion.chunk","created":1770000300,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25,"cost":0,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"cost_details":{"upstream_inference_cost":null},"completion_tokens_details":{"reasoning_tokens":4,"image_tokens":0}}}"#,
    );
    let error = chunk.error.value().unwrap();
    assert_eq!(error.code.value(), Some(&ErrorCode::Number(400)));
    assert_eq!(error.message.value().unwrap(), "Token limit reached");
    assert_eq!(chunk.choices().len(), 1);
    assert!(chunk.choices()[0]
        .extra
        .get("native_finish_reason")
        .unwrap()
        .is_null());
    assert_eq!(
        chunk
            .usage
            .value()
            .unwrap()
            .extra
            .get("is_byok")
            .unwrap()
            .get(),
        "false"
    );
}

#[test]
fn openrouter_reasoning_field_and_reasoning_details() {
    let chunk = chunk(
        r#"{"id":"gen-1770000301-ghijk","provider":"SomeProvider","model":"vendor/model","object":"chat.completion.chunk","created":1770000301,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Let me see","reasoning_details":[{"type":"reasoning.text","text":"Let me see","index":0,"format":null}]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
    );
    let delta = chunk.choices()[0].delta.value().unwrap();
    assert_eq!(delta.reasoning_text().unwrap(), "Let me see");
    assert!(delta.reasoning_content.is_absent());
    assert!(delta.extra.get("reasoning_details").is_some());
}

#[test]
fn openrouter_error_envelope_with_numeric_code_and_user_id() {
    let envelope = envelope(
        r#"{"error":{"code":429,"message":"Provider returned error","metadata":{"provider_name":"Example","raw":"rate-limited upstream"}},"user_id":"user_0123456789"}"#,
    );
    assert_eq!(envelope.error.code.value(), Some(&ErrorCode::Number(429)));
    assert!(envelope.error.kind.is_absent());
    assert!(envelope.extra.get("user_id").is_some());
}

#[test]
fn azure_prompt_filter_chunk_has_empty_object_and_no_choices() {
    let filter = chunk(
        r#"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false}}}]}"#,
    );
    assert!(filter.choices().is_empty());
    assert_eq!(filter.object.value(), Some(&ObjectKind::Other("".into())));
    assert_eq!(filter.id.value().unwrap(), "");
    assert_eq!(filter.created.value(), Some(&0));
    assert!(!filter.is_usage_only());
    let delta = chunk(
        r#"{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hej"},"finish_reason":null,"index":0,"logprobs":null}],"created":1762000000,"id":"chatcmpl-AzUrE1","model":"gpt-4o-2024-11-20","obfuscation":"q9W","object":"chat.completion.chunk","system_fingerprint":null,"usage":null}"#,
    );
    assert_eq!(delta.choices()[0].text().unwrap(), "Hej");
    assert!(delta.choices()[0]
        .extra
        .get("content_filter_results")
        .is_some());
}

#[test]
fn perplexity_last_chunk_is_chat_completion_done_with_citations() {
    let last = chunk(
        r#"{"id":"1f2e3d4c-0000-4000-8000-abcdefabcdef","model":"sonar","created":1770000400,"usage":{"prompt_tokens":8,"completion_tokens":50,"total_tokens":58},"citations":["https://example.com/a","https://example.org/b"],"object":"chat.completion.done","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Answer [1]."},"delta":{"role":"assistant","content":""}}]}"#,
    );
    assert!(
        matches!(last.object.value(), Some(ObjectKind::Other(o)) if *o == "chat.completion.done")
    );
    assert_eq!(
        last.choices()[0].finish_reason.value(),
        Some(&FinishReason::Stop)
    );
    assert!(last.choices()[0].extra.get("message").is_some());
    assert_eq!(last.usage.value().unwrap().total_tokens.value(), Some(&58));
    assert!(last.extra.get("citations").is_some());
}

#[test]
fn vllm_adds_prompt_and_token_fields() {
    let first = chunk(
        r#"{"id":"chatcmpl-0123abcd","object":"chat.completion.chunk","created":1786000000,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"prompt_token_ids":null,"prompt_text":null}"#,
    );
    assert!(first.extra.get("prompt_token_ids").unwrap().is_null());
    let last = chunk(
        r#"{"id":"chatcmpl-0123abcd","object":"chat.completion.chunk","created":1786000000,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":null,"token_ids":null}]}"#,
    );
    let choice = &last.choices()[0];
    assert_eq!(choice.extra.len(), 2);
    assert!(choice.extra.get("stop_reason").unwrap().is_null());
}

#[test]
fn together_seed_beyond_f64_precision_survives() {
    let seed = "9007199254740993123";
    let text = format!(
        r#"{{"id":"oA1bC2d-3eF4gH-5i6j","object":"chat.completion.chunk","created":1769000500,"choices":[{{"index":0,"text":"","logprobs":null,"finish_reason":"stop","seed":{seed},"delta":{{"token_id":2,"role":"assistant","content":""}}}}],"model":"deepseek-ai/DeepSeek-R1","usage":{{"prompt_tokens":9,"completion_tokens":30,"total_tokens":39,"cached_tokens":0}}}}"#
    );
    let last = chunk(&text);
    let choice = &last.choices()[0];
    assert_eq!(choice.extra.get("seed").unwrap().get(), seed);
    assert!(
        last.to_json().contains(&format!(r#""seed":{seed}"#)),
        "written back digit for digit"
    );
    assert_eq!(
        choice
            .delta
            .value()
            .unwrap()
            .extra
            .get("token_id")
            .unwrap()
            .get(),
        "2"
    );
}

#[test]
fn copilot_chunks_have_no_object_and_use_legacy_function_calls() {
    let filter = chunk(
        r#"{"choices":[],"created":0,"id":"","prompt_filter_results":[{"content_filter_results":{"error":{"code":"","message":""},"hate":{"filtered":false,"severity":"safe"}},"prompt_index":0}]}"#,
    );
    assert!(filter.object.is_absent() && filter.model.is_absent());
    let start = chunk(
        r#"{"choices":[{"index":0,"delta":{"content":null,"role":"assistant","function_call":{"arguments":"","name":"get_time"}}}],"created":1717000000,"id":"chatcmpl-CoPiLoT1"}"#,
    );
    let call = start.choices()[0]
        .delta
        .value()
        .unwrap()
        .function_call
        .value()
        .unwrap();
    assert_eq!(call.name.value().unwrap(), "get_time");
    let piece = chunk(
        r#"{"choices":[{"index":0,"delta":{"content":null,"role":null,"function_call":{"arguments":"{\n  \"tz\""}}}],"created":1717000000,"id":"chatcmpl-CoPiLoT1"}"#,
    );
    let call = piece.choices()[0]
        .delta
        .value()
        .unwrap()
        .function_call
        .value()
        .unwrap();
    assert_eq!(call.arguments.value().unwrap(), "{\n  \"tz\"");
    let last = chunk(
        r#"{"choices":[{"finish_reason":"function_call","index":0,"delta":{"content":null,"role":null}}],"created":1717000000,"id":"chatcmpl-CoPiLoT1"}"#,
    );
    assert_eq!(
        last.choices()[0].finish_reason.value(),
        Some(&FinishReason::FunctionCall)
    );
}

#[test]
fn copilot_reuses_a_tool_call_index_for_a_new_call() {
    let a = chunk(
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"name":"edit_file"},"id":"tooluse_AAAA","index":0,"type":"function"}]}}],"created":1730000000,"id":"msg_1","model":"claude-3.5-sonnet"}"#,
    );
    let b = chunk(
        r#"{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"name":"edit_file"},"id":"tooluse_BBBB","index":0,"type":"function"}]}}],"created":1730000000,"id":"msg_1","model":"claude-3.5-sonnet"}"#,
    );
    let (a, b) = (
        &a.choices()[0].tool_calls()[0],
        &b.choices()[0].tool_calls()[0],
    );
    assert_eq!(a.index(), b.index());
    assert_ne!(a.id, b.id);
    assert!(a.arguments_text().is_none());
}

#[test]
fn deepseek_reasoning_content_then_content() {
    let thinking = chunk(
        r#"{"id":"0a1b2c3d-4e5f-6789-abcd-ef0123456789","object":"chat.completion.chunk","created":1760000000,"model":"deepseek-reasoner","system_fingerprint":"fp_abc123_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Count the r"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
    );
    let delta = thinking.choices()[0].delta.value().unwrap();
    assert!(delta.content.is_null());
    assert_eq!(delta.reasoning_text().unwrap(), "Count the r");
    let last = chunk(
        r#"{"id":"0a1b2c3d-4e5f-6789-abcd-ef0123456789","object":"chat.completion.chunk","created":1760000000,"model":"deepseek-reasoner","system_fingerprint":"fp_abc123_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":100,"total_tokens":110,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":90},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":10}}"#,
    );
    assert_eq!(last.usage.value().unwrap().reasoning_tokens(), Some(90));
}

#[test]
fn xai_omits_finish_reason_until_the_end() {
    let middle = chunk(
        r#"{"id":"aaaa-bbbb","object":"chat.completion.chunk","created":1750000000,"model":"grok-3-mini","choices":[{"index":0,"delta":{"reasoning_content":" the user"}}],"system_fingerprint":"fp_0123456789"}"#,
    );
    assert!(middle.choices()[0].finish_reason.is_absent());
    assert!(middle.usage.is_absent());
}

#[test]
fn snowflake_sends_empty_strings_and_logprobs_objects() {
    let first = chunk(
        r#"{"choices":[{"delta":{"content":"7","refusal":"","role":"assistant","tool_calls":null},"index":0,"logprobs":{"content":null,"refusal":null}}],"created":0,"id":"","model":"claude-sonnet-4-6","object":"chat.completion.chunk","service_tier":"","system_fingerprint":""}"#,
    );
    let choice = &first.choices()[0];
    assert_eq!(
        choice.logprobs.value().unwrap().get(),
        r#"{"content":null,"refusal":null}"#
    );
    assert_eq!(choice.delta.value().unwrap().refusal.value().unwrap(), "");
    assert!(choice.delta.value().unwrap().tool_calls.is_null());
    assert_eq!(
        first.service_tier.value(),
        Some(&ServiceTier::Other("".into()))
    );
}

#[test]
fn gemini_tool_call_with_empty_id_and_extra_content() {
    let completion = completion(
        r#"{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"extra_content":{"google":{"thought":true,"thought_signature":"c2lnbmF0dXJl"}},"role":"assistant","tool_calls":[{"function":{"arguments":"{}","name":"now"},"id":"","type":"function"}]}}],"created":1748000000,"id":"AbCdEfGhIjKlMnOp","model":"gemini-2.5-pro","object":"chat.completion","usage":{"completion_tokens":10,"prompt_tokens":30,"total_tokens":90}}"#,
    );
    let message = completion.choices()[0].message.value().unwrap();
    assert_eq!(message.calls()[0].id.value().unwrap(), "");
    assert!(message.extra.get("extra_content").is_some());
}

#[test]
fn ollama_reasoning_field_in_a_whole_response() {
    let completion = completion(
        r#"{"id":"chatcmpl-77","object":"chat.completion","created":1750000100,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"{\"a\": 1}","reasoning":"They want JSON."},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}"#,
    );
    let message = completion.choices()[0].message.value().unwrap();
    assert_eq!(message.reasoning_text().unwrap(), "They want JSON.");
    assert_eq!(message.content_text().unwrap(), r#"{"a": 1}"#);
}

#[test]
fn openai_refusal_with_null_content() {
    let completion = completion(
        r#"{"id":"chatcmpl-R3fU5aL","object":"chat.completion","created":1727000000,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59,"completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_0123"}"#,
    );
    let message = completion.choices()[0].message.value().unwrap();
    assert!(message.content.is_null());
    assert_eq!(message.refusal.value().unwrap(), "I can't help with that.");
}

#[test]
fn numbers_of_unexpected_types_cost_one_field_not_the_chunk() {
    // A float `created` (Cerebras writes floats in its `time_info`) and a string index.
    let odd = chunk(
        r#"{"id":"x","object":"chat.completion.chunk","created":1764196886.043911,"model":"m","choices":[{"index":"0","delta":{"content":"ok","tool_calls":[{"index":1.0,"id":"c","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}"#,
    );
    assert!(odd.created.is_absent());
    assert_eq!(odd.extra.get("created").unwrap().get(), "1764196886.043911");
    let choice = &odd.choices()[0];
    assert!(choice.index.is_absent());
    assert_eq!(choice.extra.get("index").unwrap().get(), r#""0""#);
    assert_eq!(choice.text().unwrap(), "ok");
    assert_eq!(choice.tool_calls()[0].index(), None);
    // A seed beyond u64 in a response's `created` is kept too.
    let huge = chunk(r#"{"created":184467440737095516160,"choices":[]}"#);
    assert_eq!(
        huge.extra.get("created").unwrap().get(),
        "184467440737095516160"
    );
}

#[test]
fn unknown_roles_are_kept() {
    let chunk = chunk(r#"{"choices":[{"index":0,"delta":{"role":"model","content":"hi"}}]}"#);
    let role = chunk.choices()[0]
        .delta
        .value()
        .unwrap()
        .role
        .value()
        .unwrap();
    assert!(matches!(role, Role::Other(r) if *r == "model"));
    assert_eq!(role.as_str(), "model");
}

#[test]
fn gemini_native_payloads_parse_as_chunks_without_choices() {
    // A Gemini-native event (not an OpenAI chunk) still parses: everything is optional and
    // its fields are kept raw; a caller tells it apart by its missing `choices`.
    let native = chunk(
        r#"{"candidates": [{"content": {"parts": [{"text": "Bonjour"}],"role": "model"}}],"modelVersion": "gemini-2.0-flash"}"#,
    );
    assert!(native.choices.is_absent());
    assert_eq!(native.extra.len(), 2);
}

#[test]
fn content_strings_with_escapes_stay_raw() {
    let chunk = chunk(
        r#"{"choices":[{"index":0,"delta":{"content":"{\n  \"city\": \"Z\u00fcrich\"\n}"}}]}"#,
    );
    let text = chunk.choices()[0].text().unwrap();
    assert!(text.is_escaped());
    assert_eq!(text.raw(), Some(r#"{\n  \"city\": \"Z\u00fcrich\"\n}"#));
    assert_eq!(text.to_cow(), "{\n  \"city\": \"Zürich\"\n}");
    assert!(matches!(
        chunk.choices()[0].delta.value().unwrap().content,
        Maybe::Value(MessageContent::Text(_))
    ));
}
