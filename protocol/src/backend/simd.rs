//! Parsing through [simd-json](https://docs.rs/simd-json) (feature `simd-json`), which
//! unescapes strings in place.
//!
//! # Borrowing
//!
//! simd-json needs the input as `&mut [u8]`: it writes each decoded string over the input,
//! where the escaped string was, and the values it yields borrow from that buffer. So:
//!
//! - the parsed value borrows the buffer mutably for as long as it lives, and the buffer is
//!   no longer the JSON text it was, whether parsing succeeds or fails: keep a copy if the
//!   text is needed again (a caller reading framed events copies each event's data into a
//!   reused buffer, as the benches do);
//! - a [`JsonStr`](crate::types::JsonStr) field holds decoded text borrowed from the buffer,
//!   with no allocation even when the input had escapes (`is_escaped()` is `false`);
//! - a [`RawJson`](crate::types::RawJson) cannot borrow (its text was overwritten): it is
//!   written back out as owned compact JSON. The lenient numeric fields (`created`, `index`,
//!   token counts) and message content pass through `RawJson`, so a chunk costs an allocation
//!   or more here where the other paths allocate nothing.
//!
//! See [the module docs](crate::backend) for every difference from serde_json.

use alloc::format;
use alloc::string::String;
use core::fmt;

use serde::Deserialize;

use crate::backend::short_type_name;
use crate::types::{ParseError, ParseErrorKind};

/// Parses the JSON in `bytes` into `T` with simd-json, unescaping strings in place.
///
/// Allocates simd-json's working buffers for each call; [`from_slice_with_buffers`] reuses
/// them.
///
/// # Errors
///
/// A [`ParseError`] when the bytes are not UTF-8, or not one JSON value of the shape `T`
/// expects. Syntax errors carry the byte offset simd-json reports; errors raised by `T`'s
/// `Deserialize` (a wrong type, a missing field) carry offset 0. As the buffer is still
/// borrowed when the error is made, the line is always 1 and the column the offset plus one.
///
/// # Example
///
/// ```
/// use chatwire::backend::simd;
/// use chatwire::types::ChatCompletionChunk;
///
/// let data = r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"reasoning_content":"Hi\n"}}]}"#;
/// let expected = ChatCompletionChunk::from_json(data)?;
///
/// let mut buffer = data.as_bytes().to_vec();
/// let chunk: ChatCompletionChunk<'_> = simd::from_slice(&mut buffer)?;
/// assert_eq!(chunk, expected);
/// let delta = chunk.choices()[0].delta.value().unwrap();
/// // Decoded in place: plain text borrowed from `buffer`, no escape left.
/// assert_eq!(delta.reasoning_content.value().unwrap().as_plain(), Some("Hi\n"));
/// drop(chunk);
/// assert_ne!(buffer, data.as_bytes()); // the buffer was written to
/// # Ok::<(), chatwire::types::ParseError>(())
/// ```
pub fn from_slice<'a, T: Deserialize<'a>>(bytes: &'a mut [u8]) -> Result<T, ParseError> {
    let len = bytes.len();
    from_slice_with_buffers(bytes, &mut Buffers::new(len))
}

/// Parses like [`from_slice`], with working buffers kept from earlier calls.
///
/// # Errors
///
/// As [`from_slice`].
///
/// # Example
///
/// ```
/// use chatwire::backend::simd::{self, Buffers};
/// use chatwire::types::{ChatCompletionChunk, ParseErrorKind};
///
/// let (mut buffers, mut data) = (Buffers::default(), Vec::new());
/// for (i, event) in [r#"{"choices":[{"delta":{"content":"a"}}]}"#, r#"{"choices":[]}"#]
///     .into_iter()
///     .enumerate()
/// {
///     data.clear();
///     data.extend_from_slice(event.as_bytes());
///     let chunk: ChatCompletionChunk<'_> = simd::from_slice_with_buffers(&mut data, &mut buffers)?;
///     assert_eq!(chunk.choices().len(), 1 - i);
/// }
///
/// data.clear();
/// data.extend_from_slice(br#"{"choices": [}"#);
/// let err = simd::from_slice_with_buffers::<ChatCompletionChunk<'_>>(&mut data, &mut buffers)
///     .unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::Syntax);
/// # Ok::<(), chatwire::types::ParseError>(())
/// ```
pub fn from_slice_with_buffers<'a, T: Deserialize<'a>>(
    bytes: &'a mut [u8],
    buffers: &mut Buffers,
) -> Result<T, ParseError> {
    // The buffer stays borrowed (for `'a`) after a failure, so an error's position cannot be
    // turned into a line and column: it is reported as an offset into a one-line text.
    let len = bytes.len();
    let mut deserializer = simd_json::Deserializer::from_slice_with_buffers(bytes, &mut buffers.0)
        .map_err(|e| error::<T>(&e, len))?;
    T::deserialize(&mut deserializer).map_err(|e| error::<T>(&e, len))
}

/// simd-json's working buffers (structural indexes, a padded copy of the input, its string
/// buffer), kept between calls to [`from_slice_with_buffers`]. `default()` sizes them for
/// small inputs.
#[derive(Default)]
pub struct Buffers(simd_json::Buffers);

impl Buffers {
    /// Buffers sized for inputs of about `input_len` bytes (they grow when needed).
    pub fn new(input_len: usize) -> Self {
        Buffers(simd_json::Buffers::new(input_len))
    }
}

impl fmt::Debug for Buffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Buffers")
    }
}

/// Describes a simd-json error as a [`ParseError`] about `T`.
fn error<T>(e: &simd_json::Error, len: usize) -> ParseError {
    use simd_json::ErrorType as E;
    let (kind, message) = match e.error() {
        E::Eof => (
            ParseErrorKind::Eof,
            String::from("EOF while parsing a value"),
        ),
        E::Serde(message) => (ParseErrorKind::Data, message.clone()),
        other @ (E::Unexpected(..)
        | E::ExpectedArray
        | E::ExpectedBoolean
        | E::ExpectedEnum
        | E::ExpectedFloat
        | E::ExpectedInteger
        | E::ExpectedMap
        | E::ExpectedNull
        | E::ExpectedTrue
        | E::ExpectedFalse
        | E::ExpectedNumber
        | E::ExpectedSigned
        | E::ExpectedString
        | E::ExpectedUnsigned
        | E::BadKeyType) => (ParseErrorKind::Data, format!("{other:?}")),
        other => (ParseErrorKind::Syntax, format!("{other:?}")),
    };
    ParseError::at_offset(kind, short_type_name::<T>(), message, e.index().min(len))
}
