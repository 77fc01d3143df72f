//! The chunk fast path: a hand-written, fully validating scanner for `chat.completion.chunk`
//! JSON that builds the very same [`ChatCompletionChunk`] values as the serde path, about
//! twice as fast (BENCHMARKS.md, "JSON alone") and without allocating.
//!
//! [`ChatCompletionChunk::from_json`] and [`ChatCompletionChunk::from_slice`] use it first;
//! you rarely need this module directly. It is public so that tests, fuzzers and benchmarks
//! can compare the two paths.
//!
//! # How it stays equal to the serde path
//!
//! The scanner handles the shapes streams are made of (strings, `null`s, plain integers,
//! choices, deltas, tool-call pieces, usage, unknown fields kept raw) and checks every byte
//! exactly as serde_json does. On anything else — an escaped object key, an integer field
//! holding a float, array content, an `error` object, deep nesting, and every malformed
//! text — it gives up, and the text is parsed by the serde path, which then decides. So:
//!
//! - when [`try_parse_chunk`] returns `Some`, the serde path accepts the text and yields an
//!   equal value (the differential tests and the `chunk_fastpath` fuzz target check this,
//!   on valid, mutated and malformed inputs);
//! - [`parse_chunk`] therefore accepts and rejects exactly what the serde path does, with
//!   the serde path's error.
//!
//! # Repeated shapes
//!
//! The [`ChunkDecoder`](crate::stream::ChunkDecoder) goes one step further within a stream:
//! a chunk that repeats the previous one's bytes except for its text (`content`,
//! `reasoning_content`, `reasoning`, `refusal`, or one tool call's `arguments`), and for an
//! unknown string field after it (OpenAI's `obfuscation`), is read by comparing it with a
//! copy of that chunk and scanning only the new strings. The scanner is a
//! function of the bytes it reads, and no reader depends on what those strings hold, only on
//! where they end: so the chunk rebuilt from the recorded positions is the one this module
//! gives for the same data. Tests compare the two on every byte changed, added or removed
//! around a recorded chunk, and so does the `chunk_repeat` fuzz target on arbitrary input.
//!
//! # Example
//!
//! ```
//! use chatwire::fastpath;
//! use chatwire::types::ChatCompletionChunk;
//!
//! let data = r#"{"choices":[{"delta":{"content":"\u4f60好"},"index":0,"finish_reason":null}],
//!     "object":"chat.completion.chunk","created":1715931028,"model":"qwen-plus","id":"c-1"}"#;
//! let fast = fastpath::try_parse_chunk(data).expect("a stream chunk takes the fast path");
//! let serde: ChatCompletionChunk<'_> = serde_json::from_str(data).unwrap();
//! assert_eq!(fast, serde);
//! assert_eq!(fast.choices()[0].text().unwrap().to_cow(), "你好");
//!
//! // Array content is not handled here: the serde path parses it.
//! let parts = r#"{"choices":[{"delta":{"content":[{"type":"text","text":"4"}]}}]}"#;
//! assert!(fastpath::try_parse_chunk(parts).is_none());
//! assert!(fastpath::parse_chunk(parts).is_ok());
//!
//! // Malformed text gets the serde path's error.
//! let bad = r#"{"choices":[}"#;
//! assert!(fastpath::try_parse_chunk(bad).is_none());
//! assert!(serde_json::from_str::<ChatCompletionChunk<'_>>(bad).is_err());
//! assert_eq!(fastpath::parse_chunk(bad).unwrap_err().offset(), 12);
//! ```

mod cursor;
mod fields;
mod objects;
mod shape;

pub(crate) use shape::{Blank, ShapeCache, TEXT_CHUNK, TOOL_CALL_CHUNK};

use crate::types::{ChatCompletionChunk, ParseError};

use cursor::Cursor;

/// Parses a chunk: the fast path when it handles the text, the serde path otherwise (with
/// the serde path's verdict and error). The same as [`ChatCompletionChunk::from_json`].
///
/// # Errors
///
/// A [`ParseError`] when the text is not a valid chunk, exactly as the serde path reports it.
pub fn parse_chunk(text: &str) -> Result<ChatCompletionChunk<'_>, ParseError> {
    ChatCompletionChunk::from_json(text)
}

/// [`parse_chunk`] for bytes: UTF-8 is checked first (with SIMD), then as for text. The same
/// as [`ChatCompletionChunk::from_slice`].
///
/// # Errors
///
/// A [`ParseError`] when the bytes are not a valid chunk, exactly as the serde path reports
/// it.
pub fn parse_chunk_slice(bytes: &[u8]) -> Result<ChatCompletionChunk<'_>, ParseError> {
    ChatCompletionChunk::from_slice(bytes)
}

/// The fast path alone: `Some` with the chunk the serde path would give, or `None` when the
/// text is malformed or of a shape left to the serde path.
///
/// Never allocates for a chunk with one choice, at most one tool-call piece, and at most one
/// unknown field per object.
pub fn try_parse_chunk(text: &str) -> Option<ChatCompletionChunk<'_>> {
    let mut chunk = ChatCompletionChunk::default();
    fill_chunk(text, &mut chunk)?;
    Some(chunk)
}

/// The fast path, filling `chunk` (a default value) in place so that the caller's result is
/// never moved: `None` when the text is left to the serde path (`chunk` then holds a partial
/// value, to be dropped).
pub(crate) fn fill_chunk<'a>(text: &'a str, chunk: &mut ChatCompletionChunk<'a>) -> Option<()> {
    objects::chunk(&mut Cursor::new(text), chunk)
}
