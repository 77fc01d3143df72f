//! Readers for the objects of a chunk, field by field, building exactly the values the serde
//! impls of [`crate::types`] build: the same `Maybe` (absent, `null`, value), the same
//! borrowed `JsonStr` and `RawJson` slices, unknown fields in `extra` in input order, and the
//! last value of a repeated key. Whatever they do not handle (an escaped key, an integer
//! field holding something else, array content, an `error` object) makes them return `None`.

use crate::types::{
    ChatCompletionChunk, ChunkChoice, Delta, Extra, FinishReason, FunctionCallDelta, JsonStr, List,
    Maybe, MessageContent, ObjectKind, RawJson, Role, ServiceTier, ToolCallDelta, ToolType, Usage,
};

use super::cursor::Cursor;

/// A whole chunk: one object and nothing but whitespace after it.
///
/// Values are filled in place (a chunk is about a kilobyte, most of it the inline first
/// choice): moving them through return values would cost more than the parsing.
pub(super) fn chunk<'a>(cursor: &mut Cursor<'a>) -> Option<ChatCompletionChunk<'a>> {
    let mut chunk = ChatCompletionChunk::default();
    cursor.object(|c, key| {
        match key {
            "id" => chunk.id = string(c)?,
            "object" => chunk.object = string(c)?.map(ObjectKind::from_json_str),
            "created" => chunk.created = integer(c)?,
            "model" => chunk.model = string(c)?,
            "system_fingerprint" => chunk.system_fingerprint = string(c)?,
            "service_tier" => chunk.service_tier = string(c)?.map(ServiceTier::from_json_str),
            "choices" => list(c, &mut chunk.choices, choice)?,
            "usage" => object(c, &mut chunk.usage, usage)?,
            // An error is rare and has its own shapes: left to serde unless `null`.
            "error" => {
                if !c.null()? {
                    return None;
                }
                chunk.error = Maybe::Null;
            }
            _ => extra(c, &mut chunk.extra, key)?,
        }
        Some(())
    })?;
    if !cursor.at_end() {
        return None;
    }
    Some(chunk)
}

fn choice<'a>(cursor: &mut Cursor<'a>, choice: &mut ChunkChoice<'a>) -> Option<()> {
    cursor.object(|c, key| {
        match key {
            "index" => choice.index = small_integer(c)?,
            "delta" => object(c, &mut choice.delta, delta)?,
            "finish_reason" => {
                choice.finish_reason = string(c)?.map(FinishReason::from_json_str);
            }
            "logprobs" => choice.logprobs = raw(c)?,
            _ => extra(c, &mut choice.extra, key)?,
        }
        Some(())
    })
}

fn delta<'a>(cursor: &mut Cursor<'a>, delta: &mut Delta<'a>) -> Option<()> {
    cursor.object(|c, key| {
        match key {
            "role" => delta.role = string(c)?.map(Role::from_json_str),
            // A string (the usual case); an array of parts is left to serde.
            "content" => delta.content = string(c)?.map(MessageContent::Text),
            "reasoning_content" => delta.reasoning_content = string(c)?,
            "reasoning" => delta.reasoning = string(c)?,
            "refusal" => delta.refusal = string(c)?,
            "tool_calls" => list(c, &mut delta.tool_calls, tool_call)?,
            "function_call" => object(c, &mut delta.function_call, function)?,
            _ => extra(c, &mut delta.extra, key)?,
        }
        Some(())
    })
}

fn tool_call<'a>(cursor: &mut Cursor<'a>, call: &mut ToolCallDelta<'a>) -> Option<()> {
    cursor.object(|c, key| {
        match key {
            "index" => call.index = small_integer(c)?,
            "id" => call.id = string(c)?,
            "type" => call.kind = string(c)?.map(ToolType::from_json_str),
            "function" => object(c, &mut call.function, function)?,
            _ => extra(c, &mut call.extra, key)?,
        }
        Some(())
    })
}

fn function<'a>(cursor: &mut Cursor<'a>, function: &mut FunctionCallDelta<'a>) -> Option<()> {
    cursor.object(|c, key| {
        match key {
            "name" => function.name = string(c)?,
            "arguments" => function.arguments = string(c)?,
            _ => extra(c, &mut function.extra, key)?,
        }
        Some(())
    })
}

fn usage<'a>(cursor: &mut Cursor<'a>, usage: &mut Usage<'a>) -> Option<()> {
    cursor.object(|c, key| {
        match key {
            "prompt_tokens" => usage.prompt_tokens = integer(c)?,
            "completion_tokens" => usage.completion_tokens = integer(c)?,
            "total_tokens" => usage.total_tokens = integer(c)?,
            "prompt_tokens_details" => object(c, &mut usage.prompt_tokens_details, |c, d| {
                c.object(|c, key| {
                    match key {
                        "cached_tokens" => d.cached_tokens = integer(c)?,
                        _ => extra(c, &mut d.extra, key)?,
                    }
                    Some(())
                })
            })?,
            "completion_tokens_details" => {
                object(c, &mut usage.completion_tokens_details, |c, d| {
                    c.object(|c, key| {
                        match key {
                            "reasoning_tokens" => d.reasoning_tokens = integer(c)?,
                            _ => extra(c, &mut d.extra, key)?,
                        }
                        Some(())
                    })
                })?;
            }
            _ => extra(c, &mut usage.extra, key)?,
        }
        Some(())
    })
}

/// `null`, or a string kept raw with its escapes.
fn string<'a>(c: &mut Cursor<'a>) -> Option<Maybe<JsonStr<'a>>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    c.string()
        .map(|(raw, escaped)| Maybe::Value(JsonStr::from_scanned_raw(raw, escaped)))
}

/// `null`, or a plain integer (a lenient `u64` field).
fn integer(c: &mut Cursor<'_>) -> Option<Maybe<u64>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    c.integer().map(Maybe::Value)
}

/// `null`, or a plain integer that fits in a `u32` (a lenient index).
fn small_integer(c: &mut Cursor<'_>) -> Option<Maybe<u32>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    c.integer()
        .and_then(|n| u32::try_from(n).ok())
        .map(Maybe::Value)
}

/// `null`, or any value kept raw.
fn raw<'a>(c: &mut Cursor<'a>) -> Option<Maybe<RawJson<'a>>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    c.raw_value()
        .map(|text| Maybe::Value(RawJson::from_validated(text)))
}

/// `null`, or an object filled in place by `fill` (a repeated key starts afresh, as with
/// serde).
fn object<'a, T: Default>(
    c: &mut Cursor<'a>,
    slot: &mut Maybe<T>,
    fill: impl FnOnce(&mut Cursor<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if c.null()? {
        *slot = Maybe::Null;
        return Some(());
    }
    if c.peek()? != b'{' {
        return None;
    }
    *slot = Maybe::Value(T::default());
    match slot {
        Maybe::Value(value) => fill(c, value),
        Maybe::Absent | Maybe::Null => None,
    }
}

/// `null`, or an array of objects, each filled in place by `fill`.
fn list<'a, T: Default>(
    c: &mut Cursor<'a>,
    slot: &mut Maybe<List<T>>,
    mut fill: impl FnMut(&mut Cursor<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if c.null()? {
        *slot = Maybe::Null;
        return Some(());
    }
    *slot = Maybe::Value(List::new());
    let Maybe::Value(list) = slot else {
        return None;
    };
    c.array(|c| {
        if c.peek()? != b'{' {
            return None;
        }
        fill(c, list.push_default()?)
    })
}

/// An unknown field, kept raw (`null` included) in input order.
fn extra<'a>(c: &mut Cursor<'a>, extra: &mut Extra<'a>, key: &'a str) -> Option<()> {
    let value = c.raw_value()?;
    extra.push(key, RawJson::from_validated(value));
    Some(())
}
