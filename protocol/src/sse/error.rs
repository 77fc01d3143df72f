//! The errors of the SSE layer: [`Error`] for decoding, [`EncodeError`] for encoding.

use core::fmt;

/// An error from [`Decoder`](super::Decoder): a limit was exceeded or, in
/// [`Utf8Mode::Strict`](super::Utf8Mode::Strict), the input was not UTF-8.
///
/// Every decoding error is recoverable and leaves the decoder in a defined state: the event in
/// progress (the lines since the last blank line, including the offending one) is discarded,
/// and every line up to and including the next blank line is skipped without effect. Fields
/// processed *before* the error keep the effect the spec gives them at once (an `id` line has
/// already set the last event id, a `retry` line the reconnection time). Call
/// [`next_event`](super::Decoder::next_event) again to go on with the next event.
///
/// # Example
///
/// ```
/// use chatwire::sse::{Config, Decoder, ErrorKind};
///
/// let mut decoder = Decoder::with_config(Config::new().with_max_line_length(8));
/// decoder.feed(b"data: far too long\n\ndata: ok\n\n");
/// let err = decoder.next_event().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::LineTooLong);
/// assert_eq!(err.offset(), 0);
/// assert!(err.is_recoverable());
/// assert_eq!(decoder.next_event().unwrap().unwrap().data(), "ok");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    offset: u64,
    limit: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind, offset: u64, limit: usize) -> Self {
        Self {
            kind,
            offset,
            limit,
        }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where it went wrong: a byte offset from the start of the stream (counting a stripped
    /// byte order mark, and every byte ever fed since [`Decoder::new`](super::Decoder::new),
    /// [`finish`](super::Decoder::finish) or [`reset`](super::Decoder::reset)).
    ///
    /// - [`ErrorKind::LineTooLong`]: the first byte of the line that is too long;
    /// - [`ErrorKind::EventTooLarge`]: the first byte of the `data` line that made the event
    ///   too large;
    /// - [`ErrorKind::InvalidUtf8`]: the first byte of the invalid sequence.
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// The limit that was exceeded, in bytes; 0 for [`ErrorKind::InvalidUtf8`].
    pub const fn limit(&self) -> usize {
        self.limit
    }

    /// `true` when the decoder can go on after this error (it resynchronises at the next blank
    /// line; see the type's documentation). Every error the decoder returns today is
    /// recoverable; the method exists so that callers do not have to assume so.
    pub const fn is_recoverable(&self) -> bool {
        match self.kind {
            ErrorKind::LineTooLong | ErrorKind::EventTooLarge | ErrorKind::InvalidUtf8 => true,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::LineTooLong => write!(
                f,
                "SSE line starting at byte {} is longer than the limit of {} bytes",
                self.offset, self.limit
            )?,
            ErrorKind::EventTooLarge => write!(
                f,
                "SSE event data exceeds the limit of {} bytes at the data line starting at byte {}",
                self.limit, self.offset
            )?,
            ErrorKind::InvalidUtf8 => {
                write!(f, "invalid UTF-8 in the SSE stream at byte {}", self.offset)?
            }
        }
        f.write_str("; the event is discarded up to the next blank line")
    }
}

impl core::error::Error for Error {}

/// The category of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A line is longer than [`Config::max_line_length`](super::Config::max_line_length).
    LineTooLong,
    /// The data of an event is larger than
    /// [`Config::max_event_size`](super::Config::max_event_size).
    EventTooLarge,
    /// The stream is not valid UTF-8 ([`Utf8Mode::Strict`](super::Utf8Mode::Strict) only).
    InvalidUtf8,
}

/// An error from [`Encoder`](super::Encoder). Nothing was written to the buffer.
#[derive(Debug)]
pub struct EncodeError {
    kind: EncodeErrorKind,
    detail: Option<serde_json::Error>,
}

impl EncodeError {
    pub(crate) const fn new(kind: EncodeErrorKind) -> Self {
        Self { kind, detail: None }
    }

    pub(crate) const fn json(err: serde_json::Error) -> Self {
        Self {
            kind: EncodeErrorKind::Json,
            detail: Some(err),
        }
    }

    /// What went wrong.
    pub const fn kind(&self) -> EncodeErrorKind {
        self.kind
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            EncodeErrorKind::InvalidEventType => {
                f.write_str("SSE event type contains a line break (CR or LF)")
            }
            EncodeErrorKind::InvalidId => {
                f.write_str("SSE event id contains a line break (CR or LF) or a NUL character")
            }
            EncodeErrorKind::Json => match &self.detail {
                Some(err) => write!(f, "could not serialize the SSE event data as JSON: {err}"),
                None => f.write_str("could not serialize the SSE event data as JSON"),
            },
            EncodeErrorKind::BufferFull => {
                f.write_str("the output buffer has no room for the SSE event")
            }
        }
    }
}

impl core::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.detail
            .as_ref()
            .map(|err| err as &(dyn core::error::Error + 'static))
    }
}

/// The category of an [`EncodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// The event type contains CR or LF, which would end its line early and inject a field.
    InvalidEventType,
    /// The id contains CR or LF (which would inject a line), or NUL (which makes every
    /// decoder ignore the id).
    InvalidId,
    /// The value given to [`Encoder::write_json`](super::Encoder::write_json) could not be
    /// serialized.
    Json,
    /// The buffer (a fixed-size `BufMut` such as `&mut [u8]`) has less room than the event
    /// needs.
    BufferFull,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        let err = Error::new(ErrorKind::LineTooLong, 42, 16);
        let text = err.to_string();
        assert!(text.contains("byte 42"), "{text}");
        assert!(text.contains("16 bytes"), "{text}");
        let err = Error::new(ErrorKind::InvalidUtf8, 7, 0);
        assert!(err.to_string().contains("byte 7"));
        let err = Error::new(ErrorKind::EventTooLarge, 9, 100);
        assert!(err.to_string().contains("100 bytes"));
        assert!(err.to_string().contains("byte 9"));
    }

    #[test]
    fn encode_error_exposes_json_source() {
        use std::error::Error as _;

        let json_err = serde_json::from_str::<u8>("x").unwrap_err();
        let err = EncodeError::json(json_err);
        assert_eq!(err.kind(), EncodeErrorKind::Json);
        assert!(err.source().is_some());
        assert!(EncodeError::new(EncodeErrorKind::InvalidId)
            .source()
            .is_none());
    }
}
