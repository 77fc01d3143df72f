//! [`ParseError`]: why a JSON text did not parse into a chatwire type, and where.

use alloc::format;
use alloc::string::String;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

/// A JSON text that could not be parsed into the requested type.
///
/// Carries the position of the first problem (line, column and byte offset into the text)
/// and whether the text simply ended too early ([`is_eof`](Self::is_eof): a streaming caller
/// may wait for more input). No type of the underlying JSON library appears in its API.
///
/// # Example
///
/// ```
/// use chatwire::types::{ChatCompletionChunk, ParseErrorKind};
///
/// let err = ChatCompletionChunk::from_json(r#"{"choices": [}"#).unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::Syntax);
/// assert_eq!((err.line(), err.column(), err.offset()), (1, 14, 13));
///
/// let err = ChatCompletionChunk::from_json(r#"{"choices": ["#).unwrap_err();
/// assert!(err.is_eof());
///
/// let err = ChatCompletionChunk::from_json(r#"{"choices": 3}"#).unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::Data);
/// assert!(err.to_string().starts_with("invalid ChatCompletionChunk JSON at line 1 column"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    what: &'static str,
    message: String,
    line: usize,
    column: usize,
    offset: usize,
}

/// The category of a [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text is not valid JSON (or not valid UTF-8).
    Syntax,
    /// The text is valid JSON but a value has the wrong type for its field (a number where
    /// an object is expected, a missing required field).
    Data,
    /// The text ended in the middle of a value.
    Eof,
}

impl ParseError {
    /// The category of the problem.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// `true` when the text ended in the middle of a value (more input may complete it).
    pub fn is_eof(&self) -> bool {
        self.kind == ParseErrorKind::Eof
    }

    /// The one-based line of the problem.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The one-based column (in bytes) of the problem.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte offset of the problem in the text.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The name of the type that was being parsed (`"ChatCompletionChunk"`).
    pub fn target(&self) -> &'static str {
        self.what
    }

    /// What was wrong, without the position (`"expected value"`,
    /// `"invalid type: integer `3`, expected an array"`).
    pub fn message(&self) -> &str {
        &self.message
    }

    fn new(error: &serde_json::Error, what: &'static str, text: &[u8]) -> Self {
        let kind = match error.classify() {
            serde_json::error::Category::Eof => ParseErrorKind::Eof,
            serde_json::error::Category::Data => ParseErrorKind::Data,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                ParseErrorKind::Syntax
            }
        };
        let (line, column) = (error.line(), error.column());
        let mut message = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        if message.ends_with(&suffix) {
            message.truncate(message.len() - suffix.len());
        }
        ParseError {
            kind,
            what,
            message,
            line,
            column,
            offset: byte_offset(text, line, column),
        }
    }
}

/// The constructors the optional JSON back ends use (`crate::backend`).
#[cfg(any(feature = "sonic-rs", feature = "simd-json"))]
impl ParseError {
    /// An error at a one-based line and column of `text`.
    #[cfg(feature = "sonic-rs")]
    pub(crate) fn at_line_column(
        kind: ParseErrorKind,
        what: &'static str,
        message: String,
        text: &[u8],
        (line, column): (usize, usize),
    ) -> Self {
        ParseError {
            kind,
            what,
            message,
            line,
            column,
            offset: byte_offset(text, line, column),
        }
    }

    /// An error at a byte offset of a text that is not read again (simd-json's buffer, bytes
    /// that are not UTF-8): reported as if the text were one line.
    pub(crate) fn at_offset(
        kind: ParseErrorKind,
        what: &'static str,
        message: String,
        offset: usize,
    ) -> Self {
        ParseError {
            kind,
            what,
            message,
            line: 1,
            column: offset.saturating_add(1),
            offset,
        }
    }
}

/// The byte offset of a one-based line and column.
fn byte_offset(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text)
            .nth(line - 2)
            .map_or(text.len(), |newline| newline + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} JSON at line {} column {} (byte {}): {}",
            self.what, self.line, self.column, self.offset, self.message
        )
    }
}

impl core::error::Error for ParseError {}

/// Parses `text` into `T`, describing failures as a [`ParseError`] about `what`.
pub(crate) fn parse_str<'a, T: Deserialize<'a>>(
    text: &'a str,
    what: &'static str,
) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|e| ParseError::new(&e, what, text.as_bytes()))
}

/// Parses `bytes` into `T`, describing failures as a [`ParseError`] about `what`.
pub(crate) fn parse_slice<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    what: &'static str,
) -> Result<T, ParseError> {
    serde_json::from_slice(bytes).map_err(|e| ParseError::new(&e, what, bytes))
}

/// Appends the compact JSON text of `value` to `out`.
pub(crate) fn write_json<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Writing into a `Vec` cannot fail, and no chatwire type's `Serialize` reports an error
    // (non-finite floats are written as `null`), so there is no error to pass on.
    let _ = append_json(value, out);
}

/// Appends the compact JSON text of `value` to `out`: in place with `std`, through a
/// temporary buffer without it (serde_json writes into a `Vec` in place only with `std`).
pub(crate) fn append_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    #[cfg(feature = "std")]
    return serde_json::to_writer(out, value);
    #[cfg(not(feature = "std"))]
    return serde_json::to_vec(value).map(|json| out.extend_from_slice(&json));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RawJson;

    fn error(text: &str) -> ParseError {
        parse_str::<RawJson<'_>>(text, "RawJson").unwrap_err()
    }

    #[test]
    fn positions_point_at_the_problem() {
        let e = error("[1,\n 2,\n x]");
        assert_eq!((e.line(), e.column()), (3, 2));
        assert_eq!(e.offset(), "[1,\n 2,\n ".len());
        assert_eq!(e.kind(), ParseErrorKind::Syntax);
        assert_eq!(e.message(), "expected value");
        assert_eq!(e.target(), "RawJson");
    }

    #[test]
    fn eof_is_reported() {
        let e = error("{\"a\": ");
        assert!(e.is_eof());
        assert!(e.offset() <= 6);
    }

    #[test]
    fn offsets_are_clamped_to_the_text() {
        assert_eq!(byte_offset(b"ab", 9, 9), 2);
        assert_eq!(byte_offset(b"ab\ncd", 2, 2), 4);
        assert_eq!(byte_offset(b"ab", 1, 0), 0);
    }

    #[test]
    fn slices_must_be_utf8() {
        let e = parse_slice::<RawJson<'_>>(b"\"\xff\"", "RawJson").unwrap_err();
        assert_eq!(e.kind(), ParseErrorKind::Syntax);
    }
}
