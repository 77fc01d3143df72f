//! The wire types of the Chat Completions API: requests, responses, streamed chunks and error
//! envelopes, borrowing from the JSON they were parsed from.
//!
//! # Reading
//!
//! ```
//! use chatwire::types::{ChatCompletionChunk, FinishReason};
//!
//! let data = r#"{"id":"chatcmpl-1","choices":[{"delta":{"content":"Hello"},"index":0,
//!     "finish_reason":"stop","logprobs":null}],"object":"chat.completion.chunk",
//!     "usage":null,"created":1715931028,"model":"qwen-plus","search_info":{"n":2}}"#;
//! let chunk = ChatCompletionChunk::from_json(data).unwrap();
//! assert_eq!(chunk.model.value().unwrap(), "qwen-plus");
//! let choice = &chunk.choices()[0];
//! assert_eq!(choice.text().unwrap(), "Hello");
//! assert_eq!(choice.finish_reason.value(), Some(&FinishReason::Stop));
//! assert_eq!(chunk.extra.get("search_info").unwrap().get(), r#"{"n":2}"#);
//!
//! // Written back, it is the same JSON value (absent stays absent, null stays null).
//! let written = chunk.to_json();
//! assert_eq!(ChatCompletionChunk::from_json(&written).unwrap(), chunk);
//! ```
//!
//! # Design
//!
//! - **Zero-copy.** Strings are [`JsonStr`]s borrowed raw from the input, escapes intact,
//!   decoded only when asked ([`JsonStr::unescape_into`] appends to a caller's buffer).
//!   Values chatwire does not interpret (tool parameters, logprobs, unknown fields) are
//!   [`RawJson`] slices. `choices` and `tool_calls` of a chunk are [`List`]s that hold one
//!   element inline. A one-choice text-delta chunk parses with no heap allocation.
//! - **Absent is not null.** Every optional field is a [`Maybe`] (absent, `null`, or a
//!   value), so a parsed value re-serializes to the same JSON value, and `Option`-like
//!   accessors ([`Maybe::value`]) keep reading easy.
//! - **Lenient.** Everything some real server omits is optional; open sets of strings
//!   ([`Role`], [`FinishReason`], [`ObjectKind`], [`ServiceTier`]…) have an `Other`
//!   variant; integers are `u64` (a `seed` beyond 2^53 survives); a count or index of an
//!   unexpected type in a response is kept raw in the object's `extra` instead of failing
//!   the whole chunk; unknown fields are kept raw, in order, in `extra`.
//! - **Owned when needed.** Every type has `into_owned()` giving a `'static` value (and
//!   implements [`IntoOwned`]).
//!
//! The object types' serde impls are written by one declarative macro (no
//! `#[serde(flatten)]`, which would buffer every object and lose the borrowed slices): each
//! known key fills its typed field (a repeated key: the last one wins), any other key goes
//! to `extra`; serializing writes the known fields in declaration order, skipping absent
//! ones, then the extra fields.

pub(crate) mod fill;
pub(crate) mod lenient;
pub(crate) mod macros;
pub(crate) mod parse_error;
pub(crate) mod raw_foreign;
pub(crate) mod raw_json;
pub(crate) mod reparse;

mod chunk;
mod content;
mod error;
mod finish_reason;
mod json_str;
mod kinds;
mod list;
mod maybe;
mod message;
mod owned;
mod request;
mod response;
mod role;
mod stop;
mod tool;
mod usage;

pub use chunk::{ChatCompletionChunk, Chunk, ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta};
pub use content::{ContentPart, ImageUrl, ImageUrlPart, MessageContent, TextPart, ThinkingPart};
pub use error::{ApiError, ErrorCode, ErrorEnvelope};
pub use finish_reason::FinishReason;
pub use json_str::{InvalidJsonString, JsonStr};
pub use kinds::{ObjectKind, ResponseFormatType, ServiceTier, ToolType};
pub use list::List;
pub use maybe::Maybe;
pub use message::Message;
pub use owned::IntoOwned;
pub use parse_error::{ParseError, ParseErrorKind};
pub use raw_json::{Extra, InvalidJson, RawJson};
pub use request::{ChatRequest, ResponseFormat, StreamOptions};
pub use response::{ChatCompletion, Choice, ResponseMessage};
pub use role::Role;
pub use stop::Stop;
pub use tool::{
    FunctionCall, FunctionDefinition, FunctionName, NamedToolChoice, Tool, ToolCall, ToolChoice,
};
pub use usage::{CompletionTokensDetails, PromptTokensDetails, Usage};
