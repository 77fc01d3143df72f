//! Decoding a captured chat-completion stream (the `decode` subcommand): its SSE events, its
//! chunks, whether it ended with `[DONE]`, an in-stream error, and the completion the chunks
//! add up to.
//!
//! The events are what chatwire's SSE decoder dispatches; the chunks, errors and `[DONE]`
//! come from its typed stream decoder ([`ChunkDecoder`]), and the completion from its
//! [`Accumulator`] (text concatenated per choice, tool calls merged by index, the last
//! `finish_reason` and `usage`).

use std::fmt;

use chatwire::accumulate::Accumulator;
use chatwire::sse::Decoder;
use chatwire::stream::{ChunkDecoder, StreamError, StreamItem};
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
    /// An event's data is neither `[DONE]` nor a JSON chunk or error envelope, or an event
    /// follows `[DONE]`.
    Json,
    /// The chunks exceed the accumulator's limits.
    TooLarge,
}

impl DecodeError {
    /// Why the stream could not be decoded.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    fn from_stream(err: &StreamError) -> Self {
        use chatwire::stream::StreamErrorKind as Kind;
        let kind = match err.kind() {
            Kind::Sse(_) => DecodeErrorKind::Sse,
            Kind::Accumulate(_) => DecodeErrorKind::TooLarge,
            _ => DecodeErrorKind::Json,
        };
        DecodeError {
            kind,
            message: err.to_string(),
        }
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
/// error envelope (or comes after `[DONE]`), [`DecodeErrorKind::TooLarge`] when the
/// accumulated completion would exceed the accumulator's limits.
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
    let events = events(input)?;
    let mut decoder = ChunkDecoder::new();
    let mut acc = Accumulator::new();
    let mut chunks = Vec::new();
    let mut error = None;
    decoder.feed(input);
    loop {
        match decoder.next_item() {
            Ok(Some(StreamItem::Chunk(chunk))) => {
                chunks.extend(raw(&chunk));
                acc.push(&chunk).map_err(|e| DecodeError {
                    kind: DecodeErrorKind::TooLarge,
                    message: e.to_string(),
                })?;
            }
            Ok(Some(StreamItem::Error(envelope))) => error = raw(&envelope.error),
            // `[DONE]` (reported by `finish`), keep-alive comments, other events.
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(DecodeError::from_stream(&e)),
        }
    }
    let end = decoder.finish();
    let completion = raw(&acc.into_completion());
    let report = Report {
        events: &events,
        chunks: &chunks,
        done: end.saw_done(),
        error: error.as_deref(),
        completion: completion.as_deref(),
    };
    Ok(Decoded {
        // Invariant: the report is strings, numbers and raw JSON values, which serialize.
        json: serde_json::to_string(&report).unwrap_or_default(),
        discarded: end.discarded().map_or(0, |d| d.len()),
    })
}

/// Every event the SSE layer dispatches, `[DONE]` included.
fn events(input: &[u8]) -> Result<Vec<EventOut>, DecodeError> {
    let mut decoder = Decoder::new();
    decoder.feed(input);
    let mut out = Vec::new();
    loop {
        match decoder.next_event() {
            Ok(Some(event)) => out.push(EventOut {
                event: event.event_type().to_owned(),
                data: event.data().to_owned(),
                id: event.id().map(str::to_owned),
                retry: event.retry(),
            }),
            Ok(None) => return Ok(out),
            Err(e) => {
                return Err(DecodeError {
                    kind: DecodeErrorKind::Sse,
                    message: format!("malformed event stream at byte {}: {e}", e.offset()),
                })
            }
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
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

/// A value serialized to a raw value (`None` only if it cannot be serialized).
fn raw<T: Serialize>(value: &T) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(value).ok()
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
        assert!(err.to_string().contains("event 0"), "{err}");
        let cut = decode_stream(b"data: [DONE]\n\ndata: {\"id\"").unwrap();
        assert_eq!(cut.discarded_bytes(), 11);
        let report: Value = serde_json::from_str(cut.json()).unwrap();
        assert_eq!(report["done"], true);
    }
}
