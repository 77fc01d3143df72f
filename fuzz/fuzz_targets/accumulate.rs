//! The accumulator on arbitrary chunk sequences (`arbitrary`): chunks built from structured
//! pieces (choices in any order and index, text, reasoning, refusals, tool-call pieces with or
//! without index, id, type and name, finish reasons, usage, unknown fields), raw chunk JSON,
//! and error envelopes, under small or default limits.
//!
//! Asserts: never panics; the byte count never exceeds `max_bytes`, the completion never has
//! more than `max_choices` choices nor a choice more than `max_tool_calls` calls; errors name
//! the limit they hit; `completion()` equals `into_completion()` and round-trips through JSON;
//! and, for built chunks within the limits, the completion says what the chunks said: per
//! choice index, content, reasoning and refusal concatenated in order, the last finish
//! reason, every argument byte kept exactly once, and ids and names never concatenated.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use chatwire::accumulate::{AccumulateErrorKind, Accumulator, AccumulatorLimits};
use chatwire::types::{ChatCompletion, ChatCompletionChunk, ErrorEnvelope};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// `None`: the default limits.
    limits: Option<(u8, u8, u16)>,
    units: Vec<Unit<'a>>,
}

#[derive(Arbitrary, Debug)]
enum Unit<'a> {
    Built(Built<'a>),
    Raw(&'a str),
    Error(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Built<'a> {
    id: Option<&'a str>,
    model: Option<&'a str>,
    created: Option<u64>,
    usage: Option<(u32, u32)>,
    extra: Option<(&'a str, i64)>,
    choices: Vec<BuiltChoice<'a>>,
}

#[derive(Arbitrary, Debug)]
struct BuiltChoice<'a> {
    /// Small indices mostly; `None` leaves the index out (it counts as 0).
    index: Option<u8>,
    role: bool,
    content: Option<Option<&'a str>>,
    reasoning: Option<&'a str>,
    refusal: Option<&'a str>,
    finish: Option<&'a str>,
    calls: Vec<BuiltCall<'a>>,
}

#[derive(Arbitrary, Debug)]
struct BuiltCall<'a> {
    index: Option<u8>,
    id: Option<&'a str>,
    kind: bool,
    name: Option<&'a str>,
    arguments: Option<&'a str>,
}

/// What the built chunks said about one choice.
#[derive(Default)]
struct Said {
    content: Option<String>,
    reasoning: Option<String>,
    refusal: Option<String>,
    finish: Option<String>,
    argument_bytes: usize,
    ids: Vec<String>,
    names: Vec<String>,
}

fuzz_target!(|input: Input<'_>| {
    let limits = match input.limits {
        Some((choices, calls, bytes)) => AccumulatorLimits::new()
            .with_max_choices(usize::from(choices % 16))
            .with_max_tool_calls(usize::from(calls % 16))
            .with_max_bytes(usize::from(bytes)),
        None => AccumulatorLimits::new(),
    };
    let mut acc = Accumulator::with_limits(limits);
    let mut said: BTreeMap<u32, Said> = BTreeMap::new();
    let mut exact = true;
    let mut pushed = 0u64;
    for unit in &input.units {
        let result = match unit {
            Unit::Built(built) => {
                let text = build(built).to_string();
                let chunk = ChatCompletionChunk::from_json(&text).expect("a built chunk parses");
                record(built, &mut said);
                pushed += 1;
                acc.push(&chunk)
            }
            Unit::Raw(text) => match ChatCompletionChunk::from_json(text) {
                Ok(chunk) => {
                    exact = false;
                    pushed += 1;
                    acc.push(&chunk)
                }
                Err(_) => Ok(()),
            },
            Unit::Error(message) => {
                let envelope = ErrorEnvelope::new(*message, "server_error", "internal_error");
                acc.push_error(&envelope)
            }
        };
        if let Err(err) = result {
            exact = false;
            let limit = match err.kind() {
                AccumulateErrorKind::TooManyChoices => limits.max_choices(),
                AccumulateErrorKind::TooManyToolCalls => limits.max_tool_calls(),
                AccumulateErrorKind::TooLarge => limits.max_bytes(),
                other => panic!("an undocumented error kind {other:?}"),
            };
            assert_eq!(err.limit(), limit, "{err}");
            assert!(!err.to_string().is_empty());
        }
        assert!(
            acc.bytes() <= limits.max_bytes(),
            "{} > {}",
            acc.bytes(),
            limits.max_bytes()
        );
    }
    assert_eq!(acc.chunks(), pushed);

    let completion = acc.completion();
    assert_eq!(acc.clone().into_completion(), completion);
    let text = completion.to_json();
    let again = ChatCompletion::from_json(&text).expect("a completion's JSON parses");
    assert_eq!(again, completion, "{text}");

    let choices = completion.choices();
    assert!(choices.len() <= limits.max_choices());
    let indices: Vec<u32> = choices.iter().map(|c| c.index().unwrap_or(0)).collect();
    assert!(
        indices.windows(2).all(|w| w[0] < w[1]),
        "choices not sorted by index: {indices:?}"
    );
    for choice in choices {
        let message = choice.message.value().expect("every choice has a message");
        assert!(message.calls().len() <= limits.max_tool_calls());
    }
    if exact {
        check_said(&completion, &said);
    }
});

fn build(built: &Built<'_>) -> Value {
    let mut chunk = Map::new();
    if let Some(id) = built.id {
        chunk.insert("id".into(), id.into());
    }
    if let Some(model) = built.model {
        chunk.insert("model".into(), model.into());
    }
    if let Some(created) = built.created {
        chunk.insert("created".into(), created.into());
    }
    chunk.insert("object".into(), "chat.completion.chunk".into());
    let choices: Vec<Value> = built.choices.iter().map(build_choice).collect();
    chunk.insert("choices".into(), choices.into());
    if let Some((prompt, completion)) = built.usage {
        let total = u64::from(prompt) + u64::from(completion);
        chunk.insert(
            "usage".into(),
            json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}),
        );
    }
    if let Some((key, value)) = built.extra {
        if ![
            "id",
            "model",
            "created",
            "object",
            "choices",
            "usage",
            "error",
            "system_fingerprint",
            "service_tier",
        ]
        .contains(&key)
        {
            chunk.insert(format!("x_{key}"), value.into());
        }
    }
    Value::Object(chunk)
}

fn build_choice(choice: &BuiltChoice<'_>) -> Value {
    let mut delta = Map::new();
    if choice.role {
        delta.insert("role".into(), "assistant".into());
    }
    if let Some(content) = choice.content {
        delta.insert("content".into(), content.map_or(Value::Null, Value::from));
    }
    if let Some(reasoning) = choice.reasoning {
        delta.insert("reasoning_content".into(), reasoning.into());
    }
    if let Some(refusal) = choice.refusal {
        delta.insert("refusal".into(), refusal.into());
    }
    if !choice.calls.is_empty() {
        let calls: Vec<Value> = choice.calls.iter().map(build_call).collect();
        delta.insert("tool_calls".into(), calls.into());
    }
    let mut out = Map::new();
    if let Some(index) = choice.index {
        out.insert("index".into(), (index % 8).into());
    }
    out.insert("delta".into(), Value::Object(delta));
    out.insert(
        "finish_reason".into(),
        choice.finish.map_or(Value::Null, Value::from),
    );
    Value::Object(out)
}

fn build_call(call: &BuiltCall<'_>) -> Value {
    let mut out = Map::new();
    if let Some(index) = call.index {
        out.insert("index".into(), (index % 8).into());
    }
    if let Some(id) = call.id {
        out.insert("id".into(), id.into());
    }
    if call.kind {
        out.insert("type".into(), "function".into());
    }
    let mut function = Map::new();
    if let Some(name) = call.name {
        function.insert("name".into(), name.into());
    }
    if let Some(arguments) = call.arguments {
        function.insert("arguments".into(), arguments.into());
    }
    if !function.is_empty() {
        out.insert("function".into(), Value::Object(function));
    }
    Value::Object(out)
}

fn record(built: &Built<'_>, said: &mut BTreeMap<u32, Said>) {
    for choice in &built.choices {
        let index = choice.index.map_or(0, |i| u32::from(i % 8));
        let entry = said.entry(index).or_default();
        if let Some(Some(text)) = choice.content {
            entry.content.get_or_insert_with(String::new).push_str(text);
        }
        if let Some(text) = choice.reasoning {
            entry
                .reasoning
                .get_or_insert_with(String::new)
                .push_str(text);
        }
        if let Some(text) = choice.refusal {
            entry.refusal.get_or_insert_with(String::new).push_str(text);
        }
        if let Some(finish) = choice.finish {
            entry.finish = Some(finish.to_owned());
        }
        for call in &choice.calls {
            entry.argument_bytes += call.arguments.map_or(0, str::len);
            entry.ids.extend(call.id.map(str::to_owned));
            entry.names.extend(call.name.map(str::to_owned));
        }
    }
}

fn check_said(completion: &ChatCompletion<'_>, said: &BTreeMap<u32, Said>) {
    let choices = completion.choices();
    assert_eq!(
        choices
            .iter()
            .map(|c| c.index().unwrap_or(0))
            .collect::<Vec<_>>(),
        said.keys().copied().collect::<Vec<_>>()
    );
    for (choice, (index, said)) in choices.iter().zip(said) {
        let message = choice.message.value().expect("a message");
        let text = |s: Option<&chatwire::types::JsonStr<'_>>| s.map(|s| s.to_cow().into_owned());
        assert_eq!(
            text(message.content_text()),
            said.content,
            "content of choice {index}"
        );
        assert_eq!(
            text(message.reasoning_text()),
            said.reasoning,
            "reasoning of choice {index}"
        );
        assert_eq!(
            text(message.refusal.value()),
            said.refusal,
            "refusal of choice {index}"
        );
        let finish = choice
            .finish_reason
            .value()
            .map(|f| serde_json::to_value(f).expect("serializes"));
        assert_eq!(
            finish,
            said.finish.clone().map(Value::from),
            "finish_reason of choice {index}"
        );
        let mut argument_bytes = 0;
        for call in message.calls() {
            if let Some(id) = call.id.value() {
                let id = id.to_cow();
                assert!(
                    said.ids.iter().any(|s| *s == id),
                    "id {id:?} was never sent: {:?}",
                    said.ids
                );
            }
            if let Some(function) = call.function.value() {
                if let Some(name) = function.name.value() {
                    let name = name.to_cow();
                    assert!(
                        said.names.iter().any(|s| *s == name),
                        "name {name:?} was never sent"
                    );
                }
                argument_bytes += function.arguments.value().map_or(0, |a| a.to_cow().len());
            }
        }
        assert_eq!(
            argument_bytes, said.argument_bytes,
            "argument bytes of choice {index}"
        );
    }
}
