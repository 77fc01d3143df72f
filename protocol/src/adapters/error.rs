//! [`Error`]: what the adapters yield when the bytes could not be read or decoded.

use core::fmt;

use crate::stream::{StreamError, StreamErrorKind};

/// An error of an adapter: the byte source failed (`E`, the transport's own error type:
/// `reqwest::Error`, `hyper::Error`, `std::io::Error`…), or the bytes could not be decoded.
///
/// Both are recoverable as far as chatwire is concerned: the decoder drops the offending
/// event and goes on when polled again. Whether the *transport* can go on after its error is
/// the transport's business; most byte streams end after one.
///
/// # Example
///
/// ```
/// use chatwire::adapters::{Error, ErrorKind};
/// use chatwire::stream::{ChunkDecoder, StreamErrorKind};
///
/// let mut decoder = ChunkDecoder::new();
/// decoder.feed(b"data: {oops}\n\n");
/// let err: Error<std::io::Error> = decoder.next_item().unwrap_err().into();
/// assert_eq!(err.kind(), ErrorKind::Stream(StreamErrorKind::MalformedJson));
/// assert!(err.to_string().starts_with("malformed JSON in SSE event 0"));
///
/// let err = Error::<std::io::Error>::Transport(std::io::ErrorKind::ConnectionReset.into());
/// assert_eq!(err.kind(), ErrorKind::Transport);
/// assert!(err.to_string().starts_with("the byte stream failed: "));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The byte source failed.
    Transport(E),
    /// The bytes could not be decoded (or, when accumulating, a limit was reached).
    Stream(StreamError),
}

/// The category of an adapter [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The byte source failed: see [`Error::Transport`].
    Transport,
    /// The bytes could not be decoded: see [`StreamError::kind`].
    Stream(StreamErrorKind),
}

impl<E> Error<E> {
    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Transport(_) => ErrorKind::Transport,
            Error::Stream(err) => ErrorKind::Stream(err.kind()),
        }
    }

    /// `true` for [`Error::Transport`].
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport(_))
    }

    /// The transport's error, for [`Error::Transport`].
    pub fn transport(&self) -> Option<&E> {
        match self {
            Error::Transport(err) => Some(err),
            Error::Stream(_) => None,
        }
    }

    /// The decoding error, for [`Error::Stream`].
    pub fn stream(&self) -> Option<&StreamError> {
        match self {
            Error::Transport(_) => None,
            Error::Stream(err) => Some(err),
        }
    }

    /// The transport's error, for [`Error::Transport`]; the error itself otherwise.
    pub fn into_transport(self) -> Result<E, Self> {
        match self {
            Error::Transport(err) => Ok(err),
            other => Err(other),
        }
    }
}

impl<E> From<StreamError> for Error<E> {
    fn from(err: StreamError) -> Self {
        Error::Stream(err)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(err) => write!(f, "the byte stream failed: {err}"),
            Error::Stream(err) => fmt::Display::fmt(err, f),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Transport(err) => Some(err),
            Error::Stream(err) => Some(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::io;

    use super::*;
    use crate::stream::ChunkDecoder;

    fn stream_error() -> StreamError {
        let mut decoder = ChunkDecoder::new();
        decoder.feed(b"data: {\"choices\":3}\n\n");
        decoder.next_item().unwrap_err()
    }

    #[test]
    fn accessors_match_the_variant() {
        let transport = Error::<io::Error>::Transport(io::ErrorKind::UnexpectedEof.into());
        assert!(transport.is_transport());
        assert_eq!(
            transport.transport().map(io::Error::kind),
            Some(io::ErrorKind::UnexpectedEof)
        );
        assert!(transport.stream().is_none());
        assert!(transport.source().is_some());
        assert!(transport.into_transport().is_ok());

        let stream = Error::<io::Error>::from(stream_error());
        assert!(!stream.is_transport());
        assert!(stream.transport().is_none());
        assert_eq!(
            stream.kind(),
            ErrorKind::Stream(StreamErrorKind::InvalidChunk)
        );
        assert_eq!(stream.stream(), Some(&stream_error()));
        assert!(stream.to_string().contains("not a chat completion chunk"));
        assert!(stream.source().is_some());
        assert!(stream.into_transport().is_err());
    }
}
