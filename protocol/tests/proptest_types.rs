//! Round trips for every wire type: generate a value, serialize it, parse the text, and get
//! the same value back (and the same text again); `into_owned` keeps it equal.

use chatwire::types::{
    ApiError, ChatCompletion, ChatCompletionChunk, ChatRequest, Choice, ChunkChoice,
    CompletionTokensDetails, ContentPart, Delta, ErrorCode, ErrorEnvelope, Extra, FinishReason,
    FunctionCall, FunctionCallDelta, FunctionDefinition, FunctionName, ImageUrl, ImageUrlPart,
    JsonStr, List, Maybe, Message, MessageContent, NamedToolChoice, ObjectKind,
    PromptTokensDetails, RawJson, ResponseFormat, ResponseFormatType, ResponseMessage, Role,
    ServiceTier, Stop, StreamOptions, TextPart, ThinkingPart, Tool, ToolCall, ToolCallDelta,
    ToolChoice, ToolType, Usage,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

/// Serializes `value` (of a type that owns its data), parses the text back, and checks both
/// the value and the text.
fn check_round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let parsed: T =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&parsed, value, "{}", text);
    let again = serde_json::to_string(&parsed).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again, text);
    Ok(())
}

/// Declares a proptest that round-trips values of a borrowing type: parsed from the text
/// they were written to (borrowing it), compared, written again, and made owned.
macro_rules! round_trip {
    ($($name:ident: $strategy:expr => $ty:ident;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            $(
                #[test]
                fn $name(value in $strategy) {
                    let text = serde_json::to_string(&value).expect("serializes");
                    let parsed: $ty<'_> = serde_json::from_str(&text)
                        .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                    prop_assert_eq!(&parsed, &value, "{}", text);
                    prop_assert_eq!(serde_json::to_string(&parsed).expect("serializes"), text.clone());
                    let owned: $ty<'static> = parsed.into_owned();
                    prop_assert_eq!(&owned, &value);
                }
            )*
        }
    };
}

// --- leaves ---------------------------------------------------------------------------

/// Text with characters that need escaping in JSON.
fn text() -> impl Strategy<Value = JsonStr<'static>> {
    "[a-zA-Z0-9 _\\-\n\t\"\\\\/\u{0}\u{1f}\u{e9}\u{4f60}\u{1F600}]{0,12}".prop_map(JsonStr::from)
}

/// A name of a field no type knows.
fn unknown_key() -> impl Strategy<Value = String> {
    "x_[a-z]{1,6}"
}

/// Any JSON value, kept raw.
fn raw() -> impl Strategy<Value = RawJson<'static>> {
    prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just(r#"{"a":[1,{"b":null}],"c":"d"}"#.to_owned()),
        Just("7228414683750928000123".to_owned()),
        Just("-0.5e-3".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-z\"\\\\\n]{0,6}".prop_map(|s| serde_json::to_string(&s).expect("string")),
    ]
    .prop_map(|text| RawJson::from_json(&text).expect("valid JSON").into_owned())
}

/// Any JSON value but `null`: a `Maybe<RawJson>` reads `null` as `Maybe::Null`, so a
/// `Maybe::Value` holding a raw `null` comes back as `Maybe::Null` (the same JSON).
fn raw_value() -> impl Strategy<Value = RawJson<'static>> {
    raw().prop_filter("not null", |raw| !raw.is_null())
}

fn extra() -> impl Strategy<Value = Extra<'static>> {
    vec((unknown_key(), raw()), 0..3).prop_map(|fields| {
        let mut extra = Extra::new();
        for (key, value) in fields {
            extra.push(key, value);
        }
        extra
    })
}

fn maybe<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Maybe<T>> {
    prop_oneof![
        Just(Maybe::Absent),
        Just(Maybe::Null),
        value.prop_map(Maybe::Value)
    ]
}

/// Floats with few digits (serde_json reads these back exactly).
fn float() -> impl Strategy<Value = f64> {
    (-400i32..400).prop_map(|n| f64::from(n) / 100.0)
}

/// A value of an open string set: one of the known strings, or anything.
fn open_text(known: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop_oneof![
        proptest::sample::select(known),
        Just(""),
        Just("something-else")
    ]
}

fn role() -> impl Strategy<Value = Role<'static>> {
    open_text(&["system", "user", "assistant", "tool", "developer"]).prop_map(Role::from)
}

fn finish_reason() -> impl Strategy<Value = FinishReason<'static>> {
    open_text(&[
        "stop",
        "length",
        "tool_calls",
        "content_filter",
        "function_call",
    ])
    .prop_map(FinishReason::from)
}

fn object_kind() -> impl Strategy<Value = ObjectKind<'static>> {
    open_text(&[
        "chat.completion",
        "chat.completion.chunk",
        "chat.completion.done",
    ])
    .prop_map(ObjectKind::from)
}

fn service_tier() -> impl Strategy<Value = ServiceTier<'static>> {
    open_text(&["auto", "default", "flex", "scale", "priority", "on_demand"])
        .prop_map(ServiceTier::from)
}

fn tool_type() -> impl Strategy<Value = ToolType<'static>> {
    open_text(&["function"]).prop_map(ToolType::from)
}

fn response_format_type() -> impl Strategy<Value = ResponseFormatType<'static>> {
    open_text(&["text", "json_object", "json_schema"]).prop_map(ResponseFormatType::from)
}

// --- content ---------------------------------------------------------------------------

fn text_part() -> impl Strategy<Value = TextPart<'static>> {
    (maybe(text()), extra()).prop_map(|(text, extra)| TextPart { text, extra })
}

fn image_url() -> impl Strategy<Value = ImageUrl<'static>> {
    (maybe(text()), maybe(text()), extra()).prop_map(|(url, detail, extra)| ImageUrl {
        url,
        detail,
        extra,
    })
}

fn image_url_part() -> impl Strategy<Value = ImageUrlPart<'static>> {
    (maybe(image_url()), extra()).prop_map(|(image_url, extra)| ImageUrlPart { image_url, extra })
}

/// Parts that are not a known part type (another `type`, or not an object).
fn other_part() -> impl Strategy<Value = RawJson<'static>> {
    prop_oneof![
        Just(r#"{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}"#),
        Just(r#"{"type":"video","video":["a.jpg","b.jpg"]}"#),
        Just(r#"{"text":"no type"}"#),
        Just(r#""a bare string""#),
        Just(r#"{"type":"text","text":42}"#),
    ]
    .prop_map(|text| RawJson::from_json(text).expect("valid JSON").into_owned())
}

fn leaf_part() -> impl Strategy<Value = ContentPart<'static>> {
    prop_oneof![
        text_part().prop_map(ContentPart::Text),
        image_url_part().prop_map(ContentPart::ImageUrl),
        other_part().prop_map(ContentPart::Other),
    ]
}

fn thinking_part() -> impl Strategy<Value = ThinkingPart<'static>> {
    (maybe(vec(leaf_part(), 0..3)), extra())
        .prop_map(|(thinking, extra)| ThinkingPart { thinking, extra })
}

fn content_part() -> impl Strategy<Value = ContentPart<'static>> {
    prop_oneof![leaf_part(), thinking_part().prop_map(ContentPart::Thinking)]
}

fn content() -> impl Strategy<Value = MessageContent<'static>> {
    prop_oneof![
        text().prop_map(MessageContent::Text),
        vec(content_part(), 0..4).prop_map(MessageContent::Parts),
    ]
}

// --- tools -------------------------------------------------------------------------------

fn function_call() -> impl Strategy<Value = FunctionCall<'static>> {
    (maybe(text()), maybe(text()), extra()).prop_map(|(name, arguments, extra)| FunctionCall {
        name,
        arguments,
        extra,
    })
}

fn tool_call() -> impl Strategy<Value = ToolCall<'static>> {
    (
        maybe(text()),
        maybe(tool_type()),
        maybe(function_call()),
        extra(),
    )
        .prop_map(|(id, kind, function, extra)| ToolCall {
            id,
            kind,
            function,
            extra,
        })
}

fn function_definition() -> impl Strategy<Value = FunctionDefinition<'static>> {
    (
        maybe(text()),
        maybe(text()),
        maybe(raw_value()),
        maybe(any::<bool>()),
        extra(),
    )
        .prop_map(
            |(name, description, parameters, strict, extra)| FunctionDefinition {
                name,
                description,
                parameters,
                strict,
                extra,
            },
        )
}

fn tool() -> impl Strategy<Value = Tool<'static>> {
    (maybe(tool_type()), maybe(function_definition()), extra()).prop_map(
        |(kind, function, extra)| Tool {
            kind,
            function,
            extra,
        },
    )
}

fn named_tool_choice() -> impl Strategy<Value = NamedToolChoice<'static>> {
    (maybe(tool_type()), maybe((maybe(text()), extra())), extra()).prop_map(
        |(kind, function, extra)| NamedToolChoice {
            kind,
            function: function.map(|(name, extra)| FunctionName { name, extra }),
            extra,
        },
    )
}

fn tool_choice() -> impl Strategy<Value = ToolChoice<'static>> {
    prop_oneof![
        Just(ToolChoice::None),
        Just(ToolChoice::Auto),
        Just(ToolChoice::Required),
        named_tool_choice().prop_map(ToolChoice::Named),
        prop_oneof![Just(r#""any""#), Just("0"), Just("[]")].prop_map(|text| ToolChoice::Other(
            RawJson::from_json(text).expect("valid").into_owned()
        )),
    ]
}

// --- request -------------------------------------------------------------------------------

fn message() -> impl Strategy<Value = Message<'static>> {
    (
        maybe(role()),
        maybe(content()),
        maybe(text()),
        maybe(vec(tool_call(), 0..3)),
        maybe(text()),
        maybe(any::<bool>()),
        maybe(text()),
        extra(),
    )
        .prop_map(
            |(role, content, name, tool_calls, tool_call_id, partial, reasoning_content, extra)| {
                Message {
                    role,
                    content,
                    name,
                    tool_calls,
                    tool_call_id,
                    partial,
                    reasoning_content,
                    extra,
                }
            },
        )
}

fn stop() -> impl Strategy<Value = Stop<'static>> {
    let string = || text().prop_map(|t| RawJson::from_value(&t).expect("string"));
    let number = || any::<u32>().prop_map(|n| RawJson::from_value(&n).expect("number"));
    prop_oneof![
        text().prop_map(Stop::Text),
        vec(text(), 0..4).prop_map(Stop::Texts),
        vec(any::<u64>(), 1..4).prop_map(Stop::TokenIds),
        vec(vec(any::<u64>(), 0..3), 1..3).prop_map(Stop::TokenIdArrays),
        (
            string(),
            number(),
            vec(prop_oneof![string(), number()], 0..3)
        )
            .prop_map(|(s, n, rest)| {
                let mut items = vec![s, n];
                items.extend(rest);
                Stop::Mixed(items)
            }),
    ]
}

fn stream_options() -> impl Strategy<Value = StreamOptions<'static>> {
    (maybe(any::<bool>()), extra()).prop_map(|(include_usage, extra)| StreamOptions {
        include_usage,
        extra,
    })
}

fn response_format() -> impl Strategy<Value = ResponseFormat<'static>> {
    (maybe(response_format_type()), maybe(raw_value()), extra()).prop_map(
        |(kind, json_schema, extra)| ResponseFormat {
            kind,
            json_schema,
            extra,
        },
    )
}

fn request() -> impl Strategy<Value = ChatRequest<'static>> {
    let head = (
        maybe(text()),
        maybe(vec(message(), 0..3)),
        maybe(float()),
        maybe(float()),
        maybe(float()),
        maybe(float()),
        maybe(any::<i64>()),
        maybe(any::<i64>()),
        maybe(any::<u64>()),
        maybe(any::<bool>()),
    );
    let middle = (
        maybe(stream_options()),
        maybe(stop()),
        maybe(vec(tool(), 0..2)),
        maybe(tool_choice()),
        maybe(any::<bool>()),
        maybe(response_format()),
        maybe(any::<bool>()),
        maybe(any::<i64>()),
        maybe(text()),
    );
    let tail = (
        maybe(any::<bool>()),
        maybe(any::<i64>()),
        maybe(any::<bool>()),
        maybe(raw_value()),
        maybe(any::<i64>()),
        maybe(float()),
        maybe(any::<bool>()),
        extra(),
    );
    (head, middle, tail).prop_map(|(head, middle, tail)| {
        let (
            model,
            messages,
            temperature,
            top_p,
            presence_penalty,
            frequency_penalty,
            n,
            max_tokens,
            seed,
            stream,
        ) = head;
        let (
            stream_options,
            stop,
            tools,
            tool_choice,
            parallel_tool_calls,
            response_format,
            logprobs,
            top_logprobs,
            user,
        ) = middle;
        let (
            enable_thinking,
            thinking_budget,
            enable_search,
            search_options,
            top_k,
            repetition_penalty,
            vl_high_resolution_images,
            extra,
        ) = tail;
        ChatRequest {
            model,
            messages,
            temperature,
            top_p,
            presence_penalty,
            frequency_penalty,
            n,
            max_tokens,
            seed,
            stream,
            stream_options,
            stop,
            tools,
            tool_choice,
            parallel_tool_calls,
            response_format,
            logprobs,
            top_logprobs,
            user,
            enable_thinking,
            thinking_budget,
            enable_search,
            search_options,
            top_k,
            repetition_penalty,
            vl_high_resolution_images,
            extra,
        }
    })
}

// --- response ------------------------------------------------------------------------------

fn usage() -> impl Strategy<Value = Usage<'static>> {
    (
        maybe(any::<u64>()),
        maybe(any::<u64>()),
        maybe(any::<u64>()),
        maybe((maybe(any::<u64>()), extra())),
        maybe((maybe(any::<u64>()), extra())),
        extra(),
    )
        .prop_map(
            |(prompt_tokens, completion_tokens, total_tokens, prompt, completion, extra)| Usage {
                prompt_tokens,
                completion_tokens,
                total_tokens,
                prompt_tokens_details: prompt.map(|(cached_tokens, extra)| PromptTokensDetails {
                    cached_tokens,
                    extra,
                }),
                completion_tokens_details: completion.map(|(reasoning_tokens, extra)| {
                    CompletionTokensDetails {
                        reasoning_tokens,
                        extra,
                    }
                }),
                extra,
            },
        )
}

fn response_message() -> impl Strategy<Value = ResponseMessage<'static>> {
    (
        maybe(role()),
        maybe(content()),
        maybe(text()),
        maybe(text()),
        maybe(text()),
        maybe(vec(tool_call(), 0..3)),
        maybe(function_call()),
        extra(),
    )
        .prop_map(
            |(
                role,
                content,
                reasoning_content,
                reasoning,
                refusal,
                tool_calls,
                function_call,
                extra,
            )| {
                ResponseMessage {
                    role,
                    content,
                    reasoning_content,
                    reasoning,
                    refusal,
                    tool_calls,
                    function_call,
                    extra,
                }
            },
        )
}

fn choice() -> impl Strategy<Value = Choice<'static>> {
    (
        maybe(any::<u32>()),
        maybe(response_message()),
        maybe(finish_reason()),
        maybe(raw_value()),
        extra(),
    )
        .prop_map(|(index, message, finish_reason, logprobs, extra)| Choice {
            index,
            message,
            finish_reason,
            logprobs,
            extra,
        })
}

fn api_error() -> impl Strategy<Value = ApiError<'static>> {
    let code = prop_oneof![
        text().prop_map(ErrorCode::Text),
        any::<i64>().prop_map(ErrorCode::Number),
        prop_oneof![Just("4.5"), Just("true"), Just(r#"{"http":429}"#)].prop_map(|text| {
            ErrorCode::Other(RawJson::from_json(text).expect("valid").into_owned())
        }),
    ];
    (
        maybe(text()),
        maybe(text()),
        maybe(text()),
        maybe(code),
        extra(),
    )
        .prop_map(|(message, kind, param, code, extra)| ApiError {
            message,
            kind,
            param,
            code,
            extra,
        })
}

fn completion() -> impl Strategy<Value = ChatCompletion<'static>> {
    (
        maybe(text()),
        maybe(object_kind()),
        maybe(any::<u64>()),
        maybe(text()),
        maybe(text()),
        maybe(service_tier()),
        maybe(vec(choice(), 0..3)),
        maybe(usage()),
        extra(),
    )
        .prop_map(
            |(
                id,
                object,
                created,
                model,
                system_fingerprint,
                service_tier,
                choices,
                usage,
                extra,
            )| ChatCompletion {
                id,
                object,
                created,
                model,
                system_fingerprint,
                service_tier,
                choices,
                usage,
                extra,
            },
        )
}

// --- chunk -------------------------------------------------------------------------------

fn function_call_delta() -> impl Strategy<Value = FunctionCallDelta<'static>> {
    (maybe(text()), maybe(text()), extra()).prop_map(|(name, arguments, extra)| FunctionCallDelta {
        name,
        arguments,
        extra,
    })
}

fn tool_call_delta() -> impl Strategy<Value = ToolCallDelta<'static>> {
    (
        maybe(any::<u32>()),
        maybe(text()),
        maybe(tool_type()),
        maybe(function_call_delta()),
        extra(),
    )
        .prop_map(|(index, id, kind, function, extra)| ToolCallDelta {
            index,
            id,
            kind,
            function,
            extra,
        })
}

fn delta() -> impl Strategy<Value = Delta<'static>> {
    (
        maybe(role()),
        maybe(content()),
        maybe(text()),
        maybe(text()),
        maybe(text()),
        maybe(vec(tool_call_delta(), 0..3).prop_map(List::from)),
        maybe(function_call_delta()),
        extra(),
    )
        .prop_map(
            |(
                role,
                content,
                reasoning_content,
                reasoning,
                refusal,
                tool_calls,
                function_call,
                extra,
            )| Delta {
                role,
                content,
                reasoning_content,
                reasoning,
                refusal,
                tool_calls,
                function_call,
                extra,
            },
        )
}

fn chunk_choice() -> impl Strategy<Value = ChunkChoice<'static>> {
    (
        maybe(any::<u32>()),
        maybe(delta()),
        maybe(finish_reason()),
        maybe(raw_value()),
        extra(),
    )
        .prop_map(
            |(index, delta, finish_reason, logprobs, extra)| ChunkChoice {
                index,
                delta,
                finish_reason,
                logprobs,
                extra,
            },
        )
}

fn chunk() -> impl Strategy<Value = ChatCompletionChunk<'static>> {
    (
        maybe(text()),
        maybe(object_kind()),
        maybe(any::<u64>()),
        maybe(text()),
        maybe(text()),
        maybe(service_tier()),
        maybe(vec(chunk_choice(), 0..3).prop_map(List::from)),
        maybe(usage()),
        maybe(api_error()),
        extra(),
    )
        .prop_map(
            |(
                id,
                object,
                created,
                model,
                system_fingerprint,
                service_tier,
                choices,
                usage,
                error,
                extra,
            )| {
                ChatCompletionChunk {
                    id,
                    object,
                    created,
                    model,
                    system_fingerprint,
                    service_tier,
                    choices,
                    usage,
                    error: error.map(Box::new),
                    extra,
                }
            },
        )
}

fn envelope() -> impl Strategy<Value = ErrorEnvelope<'static>> {
    (api_error(), maybe(text()), maybe(text()), extra()).prop_map(
        |(error, request_id, id, extra)| ErrorEnvelope {
            error,
            request_id,
            id,
            extra,
        },
    )
}

round_trip! {
    chat_request: request() => ChatRequest;
    message_round_trips: message() => Message;
    message_content: content() => MessageContent;
    content_parts: content_part() => ContentPart;
    text_parts: text_part() => TextPart;
    image_url_parts: image_url_part() => ImageUrlPart;
    thinking_parts: thinking_part() => ThinkingPart;
    roles: role() => Role;
    tools: tool() => Tool;
    function_definitions: function_definition() => FunctionDefinition;
    tool_choices: tool_choice() => ToolChoice;
    named_tool_choices: named_tool_choice() => NamedToolChoice;
    response_formats: response_format() => ResponseFormat;
    stops: stop() => Stop;
    stream_options_round_trip: stream_options() => StreamOptions;
    completions: completion() => ChatCompletion;
    choices: choice() => Choice;
    response_messages: response_message() => ResponseMessage;
    tool_calls: tool_call() => ToolCall;
    function_calls: function_call() => FunctionCall;
    finish_reasons: finish_reason() => FinishReason;
    usages: usage() => Usage;
    chunks: chunk() => ChatCompletionChunk;
    chunk_choices: chunk_choice() => ChunkChoice;
    deltas: delta() => Delta;
    tool_call_deltas: tool_call_delta() => ToolCallDelta;
    function_call_deltas: function_call_delta() => FunctionCallDelta;
    envelopes: envelope() => ErrorEnvelope;
    api_errors: api_error() => ApiError;
    object_kinds: object_kind() => ObjectKind;
    service_tiers: service_tier() => ServiceTier;
    tool_types: tool_type() => ToolType;
    response_format_types: response_format_type() => ResponseFormatType;
    json_strs: text() => JsonStr;
    raw_values: raw() => RawJson;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn maybe_keeps_absent_null_and_values(value in maybe(any::<u64>())) {
        let usage = Usage { total_tokens: value, ..Usage::default() };
        let text = serde_json::to_string(&usage).expect("serializes");
        prop_assert_eq!(text.contains("total_tokens"), !value.is_absent());
        let parsed: Usage<'_> = serde_json::from_str(&text).expect("parses");
        prop_assert_eq!(parsed.total_tokens, value);
        // On its own (outside an object), only absent cannot be written.
        if !value.is_absent() {
            check_round_trip(&value)?;
        }
    }

    #[test]
    fn lists_of_any_length(values in vec(any::<u32>(), 0..5)) {
        let list = List::from(values.clone());
        check_round_trip(&list)?;
        prop_assert_eq!(list.as_slice(), values.as_slice());
    }

    #[test]
    fn error_codes(code in prop_oneof![text().prop_map(ErrorCode::Text), any::<i64>().prop_map(ErrorCode::Number)]) {
        let text = serde_json::to_string(&code).expect("serializes");
        let parsed: ErrorCode<'_> = serde_json::from_str(&text).expect("parses");
        prop_assert_eq!(parsed.into_owned(), code);
    }

    #[test]
    fn parsing_never_panics_on_mutated_chunks(bytes in vec(any::<u8>(), 0..64), at in 0usize..200) {
        // Splice arbitrary bytes into a valid chunk: parsing may fail, never panic.
        let base = br#"{"id":"c","choices":[{"index":0,"delta":{"content":"a\nb","tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":null}],"usage":{"total_tokens":3}}"#;
        let at = at.min(base.len());
        let mut data = base[..at].to_vec();
        data.extend_from_slice(&bytes);
        data.extend_from_slice(&base[at..]);
        if let Ok(chunk) = ChatCompletionChunk::from_slice(&data) {
            let again = chunk.to_json();
            prop_assert!(ChatCompletionChunk::from_json(&again).is_ok(), "{}", again);
        }
    }
}
