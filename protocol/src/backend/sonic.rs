//! Parsing through [sonic-rs](https://docs.rs/sonic-rs) (feature `sonic-rs`).
//!
//! The input is only read: values borrow from it as they do with serde_json, except that a
//! string with escapes is decoded into an owned `String` (see [the module
//! docs](crate::backend) for every difference).

use alloc::string::{String, ToString};

use serde::Deserialize;

use crate::backend::short_type_name;
use crate::types::{ParseError, ParseErrorKind};

/// Parses `text` into `T` with sonic-rs, borrowing from it.
///
/// # Errors
///
/// A [`ParseError`] with the line and column of the first problem when the text is not one
/// JSON value of the shape `T` expects.
///
/// # Example
///
/// ```
/// use chatwire::backend::sonic;
/// use chatwire::types::{ChatCompletionChunk, ParseErrorKind};
///
/// let data = r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi\n"}}]}"#;
/// let chunk: ChatCompletionChunk<'_> = sonic::from_str(data)?;
/// assert_eq!(chunk, ChatCompletionChunk::from_json(data)?);
/// assert_eq!(chunk.choices()[0].text().unwrap(), "Hi\n");
///
/// let err = sonic::from_str::<ChatCompletionChunk<'_>>(r#"{"choices": 3}"#).unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::Data);
/// assert_eq!(err.target(), "ChatCompletionChunk");
/// # Ok::<(), chatwire::types::ParseError>(())
/// ```
pub fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, ParseError> {
    sonic_rs::from_str(text).map_err(|e| error::<T>(&e, text.as_bytes()))
}

/// Parses `bytes` (UTF-8 JSON) into `T` with sonic-rs, borrowing from them.
///
/// # Errors
///
/// A [`ParseError`] when the bytes are not UTF-8, or not one JSON value of the shape `T`
/// expects.
///
/// # Example
///
/// ```
/// use chatwire::backend::sonic;
/// use chatwire::types::{ParseErrorKind, Usage};
///
/// let usage: Usage<'_> = sonic::from_slice(br#"{"prompt_tokens":3,"completion_tokens":4}"#)?;
/// assert_eq!(usage.prompt_tokens.value(), Some(&3));
/// let err = sonic::from_slice::<Usage<'_>>(b"{\"a\":\"\xff\"}").unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::Syntax);
/// # Ok::<(), chatwire::types::ParseError>(())
/// ```
pub fn from_slice<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, ParseError> {
    // Validated here, not left to sonic-rs: its `from_slice` does not check the UTF-8 of a
    // value it hands over raw (`RawJson`), and makes a `&str` of it regardless (sonic-rs
    // 0.5.10; a debug build stops on its `debug_assert`).
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => from_str(text),
        Err(e) => Err(ParseError::at_offset(
            ParseErrorKind::Syntax,
            short_type_name::<T>(),
            String::from("invalid UTF-8"),
            e.valid_up_to(),
        )),
    }
}

/// Describes a sonic-rs error as a [`ParseError`] about `T`.
fn error<T>(e: &sonic_rs::Error, text: &[u8]) -> ParseError {
    let kind = match e.classify() {
        sonic_rs::error::Category::Eof => ParseErrorKind::Eof,
        sonic_rs::error::Category::TypeUnmatched | sonic_rs::error::Category::NotFound => {
            ParseErrorKind::Data
        }
        _ => ParseErrorKind::Syntax,
    };
    // sonic-rs appends the position and a snippet of the input: both are kept apart.
    let mut message = e.to_string();
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    ParseError::at_line_column(
        kind,
        short_type_name::<T>(),
        message,
        text,
        (e.line(), e.column()),
    )
}
