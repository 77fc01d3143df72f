//! Decoding a captured chat-completion stream (the `decode` subcommand): its SSE events, its
//! chunks, whether it ended with `[DONE]`, an in-stream error, and the completion the chunks
//! add up to.
//!
//! Events come from chatwire's SSE decoder and chunks are chatwire's
//! [`ChatCompletionChunk`]s; the chunks are folded the way OpenAI-compatible clients fold them:
//! text (`content`, `reasoning_content`, `refusal`) concatenated per choice index, tool calls
//! merged by their `index` (id, type and name from the first non-empty value, arguments
//! concatenated), the last non-null `finish_reason` and `usage`.

use std::collections::BTreeMap;
use std::fmt;

use chatwire::sse::{Decoder, Finish};
use chatwire::types::{
    ChatCompletion, ChatCompletionChunk, Choice, FinishReason, JsonStr, Maybe, MessageContent,
    ObjectKind, ResponseMessage, Role, ToolCall, ToolType, Usage,
};
use serde::Serialize;
use serde_json::value::RawValue;

/// A stream that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    message: String,
}

/// Why a stream could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The bytes break the event-stream format's limits.
    Sse,
    /// An event's data is neither `[DONE]` nor a JSON chunk or error envelope.
    Json,
}

impl DecodeError {
    /// Why the stream could not be decoded.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A decoded stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    json: String,
    discarded: u64,
}

impl Decoded {
    /// The report, one JSON object:
    /// `{"events", "chunks", "done", "error", "completion"}`.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// How many bytes at the end of the input were dropped because the input ended inside an
    /// event (0 for a stream that ends at an event boundary).
    pub fn discarded_bytes(&self) -> u64 {
        self.discarded
    }
}

/// Decodes a captured `text/event-stream` body.
///
/// # Errors
///
/// [`DecodeErrorKind::Sse`] when a line or event exceeds the decoder's limits,
/// [`DecodeErrorKind::Json`] when an event's data is not `[DONE]` and not a JSON chunk or
/// error envelope.
///
/// # Example
///
/// ```
/// let stream = b"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n\
///                data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
///                data: [DONE]\n\n";
/// let decoded = chatwire_mock::decode_stream(stream).unwrap();
/// let report: serde_json::Value = serde_json::from_str(decoded.json()).unwrap();
/// assert_eq!(report["done"], true);
/// assert_eq!(report["events"].as_array().unwrap().len(), 3);
/// assert_eq!(report["completion"]["choices"][0]["message"]["content"], "Hi");
/// assert_eq!(report["completion"]["choices"][0]["finish_reason"], "stop");
/// ```
pub fn decode_stream(input: &[u8]) -> Result<Decoded, DecodeError> {
    let mut decoder = Decoder::new();
    decoder.feed(input);
    let mut report = Report::default();
    let mut fold = Fold::default();
    loop {
        let event = match decoder.next_event() {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(e) => {
                return Err(DecodeError {
                    kind: DecodeErrorKind::Sse,
                    message: format!("malformed event stream at byte {}: {e}", e.offset()),
                })
            }
        };
        let index = report.events.len();
        report.events.push(EventOut {
            event: event.event_type().to_owned(),
            data: event.data().to_owned(),
            id: event.id().map(str::to_owned),
            retry: event.retry(),
        });
        let data = event.data();
        if data.trim() == "[DONE]" {
            report.done = true;
            continue;
        }
        let chunk = ChatCompletionChunk::from_json(data).map_err(|e| DecodeError {
            kind: DecodeErrorKind::Json,
            message: format!("event {index} is not a chat.completion.chunk or an error: {e}"),
        })?;
        if let Some(error) = chunk.error.value() {
            report.error = raw(error);
        }
        if !chunk.is_error_only() {
            report.chunks.extend(raw_text(data));
            fold.add(&chunk);
        }
    }
    let discarded = match decoder.finish() {
        Finish::Clean => 0,
        unclean => unclean.discarded_bytes(),
    };
    let completion = fold.completion();
    // Invariant: every part is already JSON (raw values) or plain strings and numbers.
    let out = ReportOut {
        events: &report.events,
        chunks: &report.chunks,
        done: report.done,
        error: report.error.as_deref(),
        completion: completion.as_deref(),
    };
    Ok(Decoded {
        json: serde_json::to_string(&out).unwrap_or_default(),
        discarded,
    })
}

#[derive(Default)]
struct Report {
    events: Vec<EventOut>,
    chunks: Vec<Box<RawValue>>,
    done: bool,
    error: Option<Box<RawValue>>,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    events: &'a [EventOut],
    chunks: &'a [Box<RawValue>],
    done: bool,
    error: Option<&'a RawValue>,
    completion: Option<&'a RawValue>,
}

/// One dispatched event.
#[derive(Serialize)]
struct EventOut {
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<u64>,
}

/// `text`, already checked to be one JSON value, as a raw value (`None` only if it was not).
fn raw_text(text: &str) -> Option<Box<RawValue>> {
    RawValue::from_string(text.trim().to_owned()).ok()
}

/// A value serialized to a raw value (`None` only if it cannot be serialized).
fn raw<T: Serialize>(value: &T) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(value).ok()
}

/// The running sum of a stream's chunks.
#[derive(Default)]
struct Fold {
    id: Option<String>,
    created: Option<u64>,
    model: Option<String>,
    choices: BTreeMap<u32, ChoiceFold>,
    usage: Option<Usage<'static>>,
}

#[derive(Default)]
struct ChoiceFold {
    role: Option<String>,
    content: Option<String>,
    reasoning: Option<String>,
    refusal: Option<String>,
    calls: BTreeMap<u32, CallFold>,
    finish: Option<FinishReason<'static>>,
}

#[derive(Default)]
struct CallFold {
    id: String,
    kind: String,
    name: String,
    arguments: String,
}

/// Appends `text` to `slot`, making it present.
fn append(slot: &mut Option<String>, text: &JsonStr<'_>) {
    text.unescape_into(slot.get_or_insert_with(String::new));
}

/// Sets `slot` from `text` unless it already holds something non-empty.
fn first_non_empty(slot: &mut String, text: Option<&JsonStr<'_>>) {
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        if slot.is_empty() {
            text.unescape_into(slot);
        }
    }
}

impl Fold {
    fn add(&mut self, chunk: &ChatCompletionChunk<'_>) {
        let text = |s: &JsonStr<'_>| s.to_cow().into_owned();
        if self.id.is_none() {
            self.id = chunk.id.value().map(text);
        }
        if self.created.is_none() {
            self.created = chunk.created.value().copied();
        }
        if self.model.is_none() {
            self.model = chunk.model.value().map(text);
        }
        if let Some(usage) = chunk.usage.value() {
            self.usage = Some(usage.clone().into_owned());
        }
        for choice in chunk.choices() {
            let slot = self.choices.entry(choice.index().unwrap_or(0)).or_default();
            if let Some(reason) = choice.finish_reason.value() {
                slot.finish = Some(reason.clone().into_owned());
            }
            let Some(delta) = choice.delta.value() else {
                continue;
            };
            if slot.role.is_none() {
                slot.role = delta.role.value().map(|r| r.as_str().into_owned());
            }
            match delta.content.value() {
                Some(MessageContent::Text(t)) => append(&mut slot.content, t),
                Some(parts @ MessageContent::Parts(_)) => {
                    parts.text_into(slot.content.get_or_insert_with(String::new));
                    let mut thinking = String::new();
                    parts.thinking_into(&mut thinking);
                    if !thinking.is_empty() {
                        slot.reasoning
                            .get_or_insert_with(String::new)
                            .push_str(&thinking);
                    }
                }
                _ => {}
            }
            for reasoning in [delta.reasoning_content.value(), delta.reasoning.value()]
                .into_iter()
                .flatten()
            {
                append(&mut slot.reasoning, reasoning);
            }
            if let Some(refusal) = delta.refusal.value() {
                append(&mut slot.refusal, refusal);
            }
            for call in choice.tool_calls() {
                let fold = slot.calls.entry(call.index().unwrap_or(0)).or_default();
                first_non_empty(&mut fold.id, call.id.value());
                if fold.kind.is_empty() {
                    if let Some(kind) = call.kind.value() {
                        fold.kind = kind.as_str().into_owned();
                    }
                }
                if let Some(function) = call.function.value() {
                    first_non_empty(&mut fold.name, function.name.value());
                    if let Some(arguments) = function.arguments.value() {
                        arguments.unescape_into(&mut fold.arguments);
                    }
                }
            }
        }
    }

    /// The completion the chunks add up to, as JSON.
    fn completion(self) -> Option<Box<RawValue>> {
        let mut completion = ChatCompletion {
            id: Maybe::from_option(self.id.map(JsonStr::from)).or_null(),
            object: Maybe::Value(ObjectKind::ChatCompletion),
            created: Maybe::from_option(self.created).or_null(),
            model: Maybe::from_option(self.model.map(JsonStr::from)).or_null(),
            choices: Maybe::Value(Vec::new()),
            usage: Maybe::from_option(self.usage).or_null(),
            ..ChatCompletion::default()
        };
        for (index, choice) in self.choices {
            let mut message = ResponseMessage {
                role: Maybe::Value(match choice.role {
                    Some(role) => Role::from_json_str(JsonStr::from(role)),
                    None => Role::Assistant,
                }),
                content: match choice.content {
                    Some(text) => Maybe::Value(MessageContent::text(text)),
                    None => Maybe::Null,
                },
                ..ResponseMessage::default()
            };
            if let Some(reasoning) = choice.reasoning {
                message.reasoning_content = Maybe::Value(reasoning.into());
            }
            if let Some(refusal) = choice.refusal {
                message.refusal = Maybe::Value(refusal.into());
            }
            if !choice.calls.is_empty() {
                let calls = choice
                    .calls
                    .into_values()
                    .map(|call| {
                        let mut wire = ToolCall::function(call.id, call.name, call.arguments);
                        if !call.kind.is_empty() {
                            wire.kind = Maybe::Value(ToolType::from_json_str(call.kind.into()));
                        }
                        wire
                    })
                    .collect();
                message.tool_calls = Maybe::Value(calls);
            }
            let mut wire = Choice::new(index, message);
            wire.finish_reason = Maybe::from_option(choice.finish).or_null();
            completion = completion.with_choice(wire);
        }
        raw_text(&completion.to_json())
    }
}

/// `Maybe` helpers for building the report.
trait OrNull {
    /// An absent value becomes `null`.
    fn or_null(self) -> Self;
}

impl<T> OrNull for Maybe<T> {
    fn or_null(self) -> Self {
        if self.is_absent() {
            Maybe::Null
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn report(input: &str) -> Value {
        serde_json::from_str(decode_stream(input.as_bytes()).unwrap().json()).unwrap()
    }

    #[test]
    fn a_dashscope_tool_call_stream() {
        let stream = concat!(
            "data: {\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}],\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0}],\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"qwen3-max\",\"id\":\"chatcmpl-1\"}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"\",\"type\":\"function\",\"function\":{\"arguments\":\"{\\\"location\\\": \\\"SF\\\"}\"}}]},\"index\":0}],\"id\":\"chatcmpl-1\"}\n\n",
            "data: {\"choices\":[{\"finish_reason\":\"tool_calls\",\"delta\":{},\"index\":0}],\"id\":\"chatcmpl-1\"}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8},\"id\":\"chatcmpl-1\"}\n\n",
            "data: [DONE]\n\n",
        );
        let report = report(stream);
        assert_eq!(report["done"], true);
        assert_eq!(report["error"], Value::Null);
        assert_eq!(report["events"].as_array().unwrap().len(), 5);
        assert_eq!(
            report["events"][4],
            json!({"event":"message","data":"[DONE]","id":null,"retry":null})
        );
        assert_eq!(report["chunks"].as_array().unwrap().len(), 4);
        let completion = &report["completion"];
        assert_eq!(completion["id"], "chatcmpl-1");
        assert_eq!(completion["created"], 7);
        assert_eq!(completion["model"], "qwen3-max");
        assert_eq!(completion["object"], "chat.completion");
        let choice = &completion["choices"][0];
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(choice["message"]["role"], "assistant");
        assert_eq!(choice["message"]["content"], Value::Null);
        assert_eq!(
            choice["message"]["tool_calls"],
            json!([{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"location\": \"SF\"}"}}])
        );
        assert_eq!(completion["usage"]["total_tokens"], 8);
    }

    #[test]
    fn reasoning_then_content_and_an_error_without_done() {
        let stream = concat!(
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Hm\"}}]}\n\n",
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Yes\"}}]}\n\n",
            "data: {\"error\":{\"message\":\"Output data may contain inappropriate content.\",\"type\":\"data_inspection_failed\",\"code\":\"data_inspection_failed\"}}\n\n",
        );
        let report = report(stream);
        assert_eq!(report["done"], false);
        assert_eq!(report["error"]["code"], "data_inspection_failed");
        assert_eq!(report["chunks"].as_array().unwrap().len(), 2);
        let message = &report["completion"]["choices"][0]["message"];
        assert_eq!(message["reasoning_content"], "Hm");
        assert_eq!(message["content"], "Yes");
        assert_eq!(
            report["completion"]["choices"][0]["finish_reason"],
            Value::Null
        );
        assert_eq!(report["completion"]["usage"], Value::Null);
    }

    #[test]
    fn malformed_and_truncated_input() {
        let err = decode_stream(b"data: {\"choices\": [}\n\n").unwrap_err();
        assert_eq!(err.kind(), DecodeErrorKind::Json);
        assert!(err.to_string().starts_with("event 0 is not"), "{err}");
        let cut = decode_stream(b"data: [DONE]\n\ndata: {\"id\"").unwrap();
        assert_eq!(cut.discarded_bytes(), 11);
        let report: Value = serde_json::from_str(cut.json()).unwrap();
        assert_eq!(report["done"], true);
    }
}
