//! Readers for the objects of a chunk, field by field, building exactly the values the serde
//! impls of [`crate::types`] build: the same `Maybe` (absent, `null`, value), the same
//! borrowed `JsonStr` and `RawJson` slices, unknown fields in `extra` in input order, and the
//! last value of a repeated key. Whatever they do not handle (an escaped key, an integer
//! field holding something else, array content, an `error` object) makes them return `None`.

use crate::types::{
    ChatCompletionChunk, ChunkChoice, CompletionTokensDetails, Delta, Extra, FinishReason,
    FunctionCallDelta, JsonStr, List, Maybe, MessageContent, ObjectKind, PromptTokensDetails,
    RawJson, Role, ServiceTier, ToolCallDelta, ToolType, Usage,
};

use super::cursor::Cursor;

/// A whole chunk: one object and nothing but whitespace after it.
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
            "choices" => chunk.choices = list(c, choice)?,
            "usage" => chunk.usage = object(c, usage)?,
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

fn choice<'a>(cursor: &mut Cursor<'a>) -> Option<ChunkChoice<'a>> {
    let mut choice = ChunkChoice::default();
    cursor.object(|c, key| {
        match key {
            "index" => choice.index = small_integer(c)?,
            "delta" => choice.delta = object(c, delta)?,
            "finish_reason" => {
                choice.finish_reason = string(c)?.map(FinishReason::from_json_str);
            }
            "logprobs" => choice.logprobs = raw(c)?,
            _ => extra(c, &mut choice.extra, key)?,
        }
        Some(())
    })?;
    Some(choice)
}

fn delta<'a>(cursor: &mut Cursor<'a>) -> Option<Delta<'a>> {
    let mut delta = Delta::default();
    cursor.object(|c, key| {
        match key {
            "role" => delta.role = string(c)?.map(Role::from_json_str),
            // A string (the usual case); an array of parts is left to serde.
            "content" => delta.content = string(c)?.map(MessageContent::Text),
            "reasoning_content" => delta.reasoning_content = string(c)?,
            "reasoning" => delta.reasoning = string(c)?,
            "refusal" => delta.refusal = string(c)?,
            "tool_calls" => delta.tool_calls = list(c, tool_call)?,
            "function_call" => delta.function_call = object(c, function)?,
            _ => extra(c, &mut delta.extra, key)?,
        }
        Some(())
    })?;
    Some(delta)
}

fn tool_call<'a>(cursor: &mut Cursor<'a>) -> Option<ToolCallDelta<'a>> {
    let mut call = ToolCallDelta::default();
    cursor.object(|c, key| {
        match key {
            "index" => call.index = small_integer(c)?,
            "id" => call.id = string(c)?,
            "type" => call.kind = string(c)?.map(ToolType::from_json_str),
            "function" => call.function = object(c, function)?,
            _ => extra(c, &mut call.extra, key)?,
        }
        Some(())
    })?;
    Some(call)
}

fn function<'a>(cursor: &mut Cursor<'a>) -> Option<FunctionCallDelta<'a>> {
    let mut function = FunctionCallDelta::default();
    cursor.object(|c, key| {
        match key {
            "name" => function.name = string(c)?,
            "arguments" => function.arguments = string(c)?,
            _ => extra(c, &mut function.extra, key)?,
        }
        Some(())
    })?;
    Some(function)
}

fn usage<'a>(cursor: &mut Cursor<'a>) -> Option<Usage<'a>> {
    let mut usage = Usage::default();
    cursor.object(|c, key| {
        match key {
            "prompt_tokens" => usage.prompt_tokens = integer(c)?,
            "completion_tokens" => usage.completion_tokens = integer(c)?,
            "total_tokens" => usage.total_tokens = integer(c)?,
            "prompt_tokens_details" => {
                usage.prompt_tokens_details = object(c, |c| {
                    let mut details = PromptTokensDetails::default();
                    c.object(|c, key| {
                        match key {
                            "cached_tokens" => details.cached_tokens = integer(c)?,
                            _ => extra(c, &mut details.extra, key)?,
                        }
                        Some(())
                    })?;
                    Some(details)
                })?;
            }
            "completion_tokens_details" => {
                usage.completion_tokens_details = object(c, |c| {
                    let mut details = CompletionTokensDetails::default();
                    c.object(|c, key| {
                        match key {
                            "reasoning_tokens" => details.reasoning_tokens = integer(c)?,
                            _ => extra(c, &mut details.extra, key)?,
                        }
                        Some(())
                    })?;
                    Some(details)
                })?;
            }
            _ => extra(c, &mut usage.extra, key)?,
        }
        Some(())
    })?;
    Some(usage)
}

/// `null`, or a string kept raw with its escapes.
fn string<'a>(c: &mut Cursor<'a>) -> Option<Maybe<JsonStr<'a>>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    c.string()
        .map(|raw| Maybe::Value(JsonStr::from_validated_raw(raw)))
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

/// `null`, or an object read by `read`.
fn object<'a, T>(
    c: &mut Cursor<'a>,
    read: impl FnOnce(&mut Cursor<'a>) -> Option<T>,
) -> Option<Maybe<T>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    if c.peek()? != b'{' {
        return None;
    }
    read(c).map(Maybe::Value)
}

/// `null`, or an array of objects read by `read`.
fn list<'a, T>(
    c: &mut Cursor<'a>,
    mut read: impl FnMut(&mut Cursor<'a>) -> Option<T>,
) -> Option<Maybe<List<T>>> {
    if c.null()? {
        return Some(Maybe::Null);
    }
    let mut list = List::new();
    c.array(|c| {
        if c.peek()? != b'{' {
            return None;
        }
        list.push(read(c)?);
        Some(())
    })?;
    Some(Maybe::Value(list))
}

/// An unknown field, kept raw (`null` included) in input order.
fn extra<'a>(c: &mut Cursor<'a>, extra: &mut Extra<'a>, key: &'a str) -> Option<()> {
    let value = c.raw_value()?;
    extra.push(key, RawJson::from_validated(value));
    Some(())
}
