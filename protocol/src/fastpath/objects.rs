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
use super::fields::{fields, Key};

fields! {
    /// The fields of a chunk.
    ChunkField {
        Id = "id",
        Object = "object",
        Created = "created",
        Model = "model",
        SystemFingerprint = "system_fingerprint",
        ServiceTier = "service_tier",
        Choices = "choices",
        Usage = "usage",
        Error = "error",
    }
}

fields! {
    /// The fields of a chunk's choice.
    ChoiceField {
        Index = "index",
        Delta = "delta",
        FinishReason = "finish_reason",
        Logprobs = "logprobs",
    }
}

fields! {
    /// The fields of a delta.
    DeltaField {
        Role = "role",
        Content = "content",
        ReasoningContent = "reasoning_content",
        Reasoning = "reasoning",
        Refusal = "refusal",
        ToolCalls = "tool_calls",
        FunctionCall = "function_call",
    }
}

fields! {
    /// The fields of a tool-call piece.
    ToolCallField {
        Index = "index",
        Id = "id",
        Type = "type",
        Function = "function",
    }
}

fields! {
    /// The fields of a function-call piece.
    FunctionField {
        Name = "name",
        Arguments = "arguments",
    }
}

fields! {
    /// The fields of a usage object.
    UsageField {
        PromptTokens = "prompt_tokens",
        CompletionTokens = "completion_tokens",
        TotalTokens = "total_tokens",
        PromptTokensDetails = "prompt_tokens_details",
        CompletionTokensDetails = "completion_tokens_details",
    }
}

fields! {
    /// The fields of `prompt_tokens_details`.
    PromptDetailsField {
        CachedTokens = "cached_tokens",
    }
}

fields! {
    /// The fields of `completion_tokens_details`.
    CompletionDetailsField {
        ReasoningTokens = "reasoning_tokens",
    }
}

/// A whole chunk: one object and nothing but whitespace after it, filled into `chunk` (a
/// default value).
///
/// Values are filled in place (a chunk is about a kilobyte, most of it the inline first
/// choice): moving them through return values would cost more than the parsing.
pub(super) fn chunk<'a>(
    cursor: &mut Cursor<'a>,
    chunk: &mut ChatCompletionChunk<'a>,
) -> Option<()> {
    cursor.fields(&ChunkField::TABLE, |c, key| {
        match key {
            Key::Field(ChunkField::Id) => chunk.id = string(c)?,
            Key::Field(ChunkField::Object) => {
                chunk.object = string(c)?.map(ObjectKind::from_json_str);
            }
            Key::Field(ChunkField::Created) => chunk.created = integer(c)?,
            Key::Field(ChunkField::Model) => chunk.model = string(c)?,
            Key::Field(ChunkField::SystemFingerprint) => chunk.system_fingerprint = string(c)?,
            Key::Field(ChunkField::ServiceTier) => {
                chunk.service_tier = string(c)?.map(ServiceTier::from_json_str);
            }
            Key::Field(ChunkField::Choices) => list(c, &mut chunk.choices, choice)?,
            Key::Field(ChunkField::Usage) => object(c, &mut chunk.usage, usage)?,
            // An error is rare and has its own shapes: left to serde unless `null`.
            Key::Field(ChunkField::Error) => {
                if !c.null()? {
                    return None;
                }
                chunk.error = Maybe::Null;
            }
            Key::Other(key) => extra(c, &mut chunk.extra, key)?,
        }
        Some(())
    })?;
    cursor.at_end().then_some(())
}

fn choice<'a>(cursor: &mut Cursor<'a>, choice: &mut ChunkChoice<'a>) -> Option<()> {
    cursor.fields(&ChoiceField::TABLE, |c, key| {
        match key {
            Key::Field(ChoiceField::Index) => choice.index = small_integer(c)?,
            Key::Field(ChoiceField::Delta) => object(c, &mut choice.delta, delta)?,
            Key::Field(ChoiceField::FinishReason) => {
                choice.finish_reason = string(c)?.map(FinishReason::from_json_str);
            }
            Key::Field(ChoiceField::Logprobs) => choice.logprobs = raw(c)?,
            Key::Other(key) => extra(c, &mut choice.extra, key)?,
        }
        Some(())
    })
}

fn delta<'a>(cursor: &mut Cursor<'a>, delta: &mut Delta<'a>) -> Option<()> {
    cursor.fields(&DeltaField::TABLE, |c, key| {
        match key {
            Key::Field(DeltaField::Role) => delta.role = string(c)?.map(Role::from_json_str),
            // A string (the usual case); an array of parts is left to serde.
            Key::Field(DeltaField::Content) => {
                delta.content = string(c)?.map(MessageContent::Text);
            }
            Key::Field(DeltaField::ReasoningContent) => delta.reasoning_content = string(c)?,
            Key::Field(DeltaField::Reasoning) => delta.reasoning = string(c)?,
            Key::Field(DeltaField::Refusal) => delta.refusal = string(c)?,
            Key::Field(DeltaField::ToolCalls) => list(c, &mut delta.tool_calls, tool_call)?,
            Key::Field(DeltaField::FunctionCall) => {
                object(c, &mut delta.function_call, function)?;
            }
            Key::Other(key) => extra(c, &mut delta.extra, key)?,
        }
        Some(())
    })
}

fn tool_call<'a>(cursor: &mut Cursor<'a>, call: &mut ToolCallDelta<'a>) -> Option<()> {
    cursor.fields(&ToolCallField::TABLE, |c, key| {
        match key {
            Key::Field(ToolCallField::Index) => call.index = small_integer(c)?,
            Key::Field(ToolCallField::Id) => call.id = string(c)?,
            Key::Field(ToolCallField::Type) => call.kind = string(c)?.map(ToolType::from_json_str),
            Key::Field(ToolCallField::Function) => object(c, &mut call.function, function)?,
            Key::Other(key) => extra(c, &mut call.extra, key)?,
        }
        Some(())
    })
}

fn function<'a>(cursor: &mut Cursor<'a>, function: &mut FunctionCallDelta<'a>) -> Option<()> {
    cursor.fields(&FunctionField::TABLE, |c, key| {
        match key {
            Key::Field(FunctionField::Name) => function.name = string(c)?,
            Key::Field(FunctionField::Arguments) => function.arguments = string(c)?,
            Key::Other(key) => extra(c, &mut function.extra, key)?,
        }
        Some(())
    })
}

fn usage<'a>(cursor: &mut Cursor<'a>, usage: &mut Usage<'a>) -> Option<()> {
    cursor.fields(&UsageField::TABLE, |c, key| {
        match key {
            Key::Field(UsageField::PromptTokens) => usage.prompt_tokens = integer(c)?,
            Key::Field(UsageField::CompletionTokens) => usage.completion_tokens = integer(c)?,
            Key::Field(UsageField::TotalTokens) => usage.total_tokens = integer(c)?,
            Key::Field(UsageField::PromptTokensDetails) => {
                object(c, &mut usage.prompt_tokens_details, |c, d| {
                    c.fields(&PromptDetailsField::TABLE, |c, key| {
                        match key {
                            Key::Field(PromptDetailsField::CachedTokens) => {
                                d.cached_tokens = integer(c)?;
                            }
                            Key::Other(key) => extra(c, &mut d.extra, key)?,
                        }
                        Some(())
                    })
                })?;
            }
            Key::Field(UsageField::CompletionTokensDetails) => {
                object(c, &mut usage.completion_tokens_details, |c, d| {
                    c.fields(&CompletionDetailsField::TABLE, |c, key| {
                        match key {
                            Key::Field(CompletionDetailsField::ReasoningTokens) => {
                                d.reasoning_tokens = integer(c)?;
                            }
                            Key::Other(key) => extra(c, &mut d.extra, key)?,
                        }
                        Some(())
                    })
                })?;
            }
            Key::Other(key) => extra(c, &mut usage.extra, key)?,
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
