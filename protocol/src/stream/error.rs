//! [`StreamError`]: an event the [`ChunkDecoder`](super::ChunkDecoder) could not turn into
//! an item.

use std::fmt;

use crate::accumulate::{AccumulateError, AccumulateErrorKind};
use crate::sse;
use crate::types::ParseError;

/// How many bytes of an event's data a [`StreamError`] keeps: enough to see what went
/// wrong, bounded so that a huge malformed event does not make a huge error.
pub const ERROR_DATA_LIMIT: usize = 1024;

/// An error of the typed stream layer: the SSE layer's, or an event whose data could not be
/// read as a chat-completion item, or (from [`ChunkDecoder::drain_into`] and
/// [`decode_completion`]) an accumulator limit.
///
/// Every error says which event it is about ([`event_index`](Self::event_index)), where that
/// event started in the stream ([`offset`](Self::offset)) and, for data errors, a copy of the
/// start of the data ([`data`](Self::data), at most [`ERROR_DATA_LIMIT`] bytes) and the JSON
/// error with its position inside the data ([`parse_error`](Self::parse_error)).
///
/// Errors are recoverable: the offending event is dropped and the next call to
/// [`next_item`](super::ChunkDecoder::next_item) goes on with the next one.
///
/// [`ChunkDecoder::drain_into`]: super::ChunkDecoder::drain_into
/// [`decode_completion`]: super::decode_completion
///
/// # Example
///
/// ```
/// use chatwire::stream::{ChunkDecoder, StreamErrorKind, StreamItem};
///
/// let mut decoder = ChunkDecoder::new();
/// decoder.feed(b"data: {\"choices\": [}\n\ndata: [DONE]\n\n");
/// let err = decoder.next_item().unwrap_err();
/// assert_eq!(err.kind(), StreamErrorKind::MalformedJson);
/// assert_eq!((err.event_index(), err.offset()), (Some(0), 0));
/// assert_eq!(err.data(), Some(r#"{"choices": [}"#));
/// assert_eq!(err.parse_error().unwrap().offset(), 13);
/// assert_eq!(decoder.next_item()?, Some(StreamItem::Done), "the decoder goes on");
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: StreamErrorKind,
    event: Option<u64>,
    offset: u64,
    data: Option<(String, usize)>,
    parse: Option<ParseError>,
    sse: Option<sse::Error>,
    accumulate: Option<AccumulateError>,
}

/// The category of a [`StreamError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamErrorKind {
    /// The SSE layer failed (a line or an event too large, invalid UTF-8 in strict mode).
    Sse(sse::ErrorKind),
    /// The data is neither `[DONE]` nor valid JSON.
    MalformedJson,
    /// The data is a JSON object, but not a valid chunk (a field of the wrong type, such as
    /// `"choices": 3`).
    InvalidChunk,
    /// The event came after `[DONE]`; it is reported, not merged.
    AfterDone,
    /// An accumulator limit was reached.
    Accumulate(AccumulateErrorKind),
}

impl StreamError {
    fn new(kind: StreamErrorKind, event: Option<u64>, offset: u64) -> Self {
        StreamError(Box::new(Inner {
            kind,
            event,
            offset,
            data: None,
            parse: None,
            sse: None,
            accumulate: None,
        }))
    }

    pub(crate) fn sse(err: sse::Error, event: u64) -> Self {
        let mut error = Self::new(StreamErrorKind::Sse(err.kind()), Some(event), err.offset());
        error.0.sse = Some(err);
        error
    }

    pub(crate) fn json(parse: ParseError, event: u64, offset: u64, data: &str) -> Self {
        let kind = match parse.kind() {
            crate::types::ParseErrorKind::Data => StreamErrorKind::InvalidChunk,
            _ => StreamErrorKind::MalformedJson,
        };
        let mut error = Self::new(kind, Some(event), offset).with_data(data);
        error.0.parse = Some(parse);
        error
    }

    pub(crate) fn after_done(event: u64, offset: u64, data: &str) -> Self {
        Self::new(StreamErrorKind::AfterDone, Some(event), offset).with_data(data)
    }

    pub(crate) fn accumulate(err: AccumulateError, event: u64, offset: u64) -> Self {
        let mut error = Self::new(StreamErrorKind::Accumulate(err.kind()), Some(event), offset);
        error.0.accumulate = Some(err);
        error
    }

    fn with_data(mut self, data: &str) -> Self {
        let mut end = data.len().min(ERROR_DATA_LIMIT);
        while !data.is_char_boundary(end) {
            end -= 1;
        }
        self.0.data = Some((data[..end].to_owned(), data.len()));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> StreamErrorKind {
        self.0.kind
    }

    /// The index of the event, counting every event the SSE layer dispatched since the
    /// start of the stream from 0 (`[DONE]`, errors and skipped empty events included);
    /// for an SSE error, the index the event being read would have had.
    pub fn event_index(&self) -> Option<u64> {
        self.0.event
    }

    /// The stream offset of the event: where its first field line starts (counting every
    /// byte fed since the start of the stream); for an SSE error, the offset the SSE layer
    /// reports (see [`sse::Error::offset`]).
    pub fn offset(&self) -> u64 {
        self.0.offset
    }

    /// The start of the event's data (at most [`ERROR_DATA_LIMIT`] bytes, cut at a character
    /// boundary), for data errors.
    pub fn data(&self) -> Option<&str> {
        self.0.data.as_ref().map(|(text, _)| text.as_str())
    }

    /// The full length of the event's data in bytes, for data errors.
    pub fn data_len(&self) -> Option<usize> {
        self.0.data.as_ref().map(|&(_, len)| len)
    }

    /// `true` when [`data`](Self::data) holds only the start of the data.
    pub fn is_data_truncated(&self) -> bool {
        self.0
            .data
            .as_ref()
            .is_some_and(|(text, len)| text.len() < *len)
    }

    /// The JSON error, with its position inside the data, for
    /// [`MalformedJson`](StreamErrorKind::MalformedJson) and
    /// [`InvalidChunk`](StreamErrorKind::InvalidChunk).
    pub fn parse_error(&self) -> Option<&ParseError> {
        self.0.parse.as_ref()
    }

    /// The SSE layer's error, for [`Sse`](StreamErrorKind::Sse).
    pub fn sse_error(&self) -> Option<&sse::Error> {
        self.0.sse.as_ref()
    }

    /// The accumulator's error, for [`Accumulate`](StreamErrorKind::Accumulate).
    pub fn accumulate_error(&self) -> Option<&AccumulateError> {
        self.0.accumulate.as_ref()
    }

    /// `true` when the decoder can go on after this error. Every error the stream layer
    /// returns today is recoverable; the method exists so that callers need not assume so.
    pub fn is_recoverable(&self) -> bool {
        match &self.0.sse {
            Some(err) => err.is_recoverable(),
            None => true,
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        let event = inner.event.unwrap_or_default();
        match (inner.kind, &inner.sse, &inner.parse, &inner.accumulate) {
            (StreamErrorKind::Sse(_), Some(err), _, _) => {
                write!(f, "SSE error while reading event {event}: {err}")?
            }
            (StreamErrorKind::MalformedJson, _, Some(err), _) => write!(
                f,
                "malformed JSON in SSE event {event} (starting at byte {}): {err}",
                inner.offset
            )?,
            (StreamErrorKind::InvalidChunk, _, Some(err), _) => write!(
                f,
                "SSE event {event} (starting at byte {}) is JSON but not a chat completion chunk: {err}",
                inner.offset
            )?,
            (StreamErrorKind::Accumulate(_), _, _, Some(err)) => write!(
                f,
                "cannot accumulate SSE event {event} (starting at byte {}): {err}",
                inner.offset
            )?,
            _ => write!(
                f,
                "SSE event {event} (starting at byte {}) comes after [DONE]; it is not merged",
                inner.offset
            )?,
        }
        if let Some((data, len)) = &inner.data {
            write!(f, "; data: {data:?}")?;
            if data.len() < *len {
                write!(f, " (first {} of {len} bytes)", data.len())?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let inner = &*self.0;
        if let Some(err) = &inner.sse {
            return Some(err);
        }
        if let Some(err) = &inner.parse {
            return Some(err);
        }
        inner
            .accumulate
            .as_ref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ChatCompletionChunk;

    #[test]
    fn data_is_bounded_at_a_character_boundary() {
        let data = format!("{}{}", "x".repeat(ERROR_DATA_LIMIT - 1), "é".repeat(10));
        let err = StreamError::after_done(3, 99, &data);
        assert_eq!(err.data().unwrap().len(), ERROR_DATA_LIMIT - 1);
        assert_eq!(err.data_len(), Some(data.len()));
        assert!(err.is_data_truncated());
        let text = err.to_string();
        assert!(
            text.contains("event 3") && text.contains("byte 99"),
            "{text}"
        );
        assert!(text.contains(&format!("of {} bytes", data.len())), "{text}");
    }

    #[test]
    fn json_errors_keep_their_position_and_category() {
        use std::error::Error as _;

        let parse = ChatCompletionChunk::from_json(r#"{"choices":3}"#).unwrap_err();
        let err = StreamError::json(parse, 1, 10, r#"{"choices":3}"#);
        assert_eq!(err.kind(), StreamErrorKind::InvalidChunk);
        assert!(!err.is_data_truncated());
        assert!(err.source().is_some());
        assert!(err.to_string().contains("not a chat completion chunk"));
        let parse = ChatCompletionChunk::from_json("{").unwrap_err();
        let err = StreamError::json(parse, 1, 10, "{");
        assert_eq!(err.kind(), StreamErrorKind::MalformedJson);
        assert!(err.to_string().starts_with("malformed JSON in SSE event 1"));
    }
}
