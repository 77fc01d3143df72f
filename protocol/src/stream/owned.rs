//! [`OwnedStreamItem`]: a [`StreamItem`] that owns its data.

use alloc::borrow::ToOwned;
use alloc::string::String;

use crate::sse::OwnedEvent;
use crate::types::{ChatCompletionChunk, ErrorEnvelope};

use super::item::StreamItem;

/// A [`StreamItem`] that owns its data, for callers who keep items past the next call into
/// the decoder: an async stream that hands items out of `poll_next`, a channel, a `Vec`.
///
/// Made by [`StreamItem::into_owned`], which copies the borrowed text (a text-delta chunk:
/// a few small allocations).
///
/// # Example
///
/// ```
/// use chatwire::stream::{ChunkDecoder, OwnedStreamItem};
///
/// let mut decoder = ChunkDecoder::new();
/// let mut kept = Vec::new();
/// decoder.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n: ping\n\ndata: [DONE]\n\n");
/// while let Some(item) = decoder.next_item()? {
///     kept.push(item.into_owned());
/// }
/// decoder.feed(b"data: more"); // the items kept do not borrow the decoder
/// assert_eq!(kept.len(), 3);
/// assert_eq!(kept[0].as_chunk().unwrap().choices()[0].text().unwrap(), "Hi");
/// assert_eq!(kept[1], OwnedStreamItem::Comment(" ping".to_owned()));
/// assert!(kept[2].is_done());
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// As for `StreamItem`: a chunk keeps its fields inline.
#[allow(clippy::large_enum_variant)]
pub enum OwnedStreamItem {
    /// A chat completion chunk; see [`StreamItem::Chunk`].
    Chunk(ChatCompletionChunk<'static>),
    /// `[DONE]`; see [`StreamItem::Done`].
    Done,
    /// An error reported by the server; see [`StreamItem::Error`].
    Error(ErrorEnvelope<'static>),
    /// A comment line (a keep-alive); see [`StreamItem::Comment`].
    Comment(String),
    /// An event that is not part of the chat-completion protocol; see [`StreamItem::Other`].
    Other(OwnedEvent),
}

impl OwnedStreamItem {
    /// The chunk, for [`OwnedStreamItem::Chunk`].
    pub fn as_chunk(&self) -> Option<&ChatCompletionChunk<'static>> {
        match self {
            OwnedStreamItem::Chunk(chunk) => Some(chunk),
            _ => None,
        }
    }

    /// The error, for [`OwnedStreamItem::Error`].
    pub fn as_error(&self) -> Option<&ErrorEnvelope<'static>> {
        match self {
            OwnedStreamItem::Error(envelope) => Some(envelope),
            _ => None,
        }
    }

    /// `true` for [`OwnedStreamItem::Done`].
    pub fn is_done(&self) -> bool {
        matches!(self, OwnedStreamItem::Done)
    }

    /// A borrowing view, to handle owned and borrowed items with the same code.
    pub fn as_item(&self) -> StreamItem<'_> {
        match self {
            OwnedStreamItem::Chunk(chunk) => StreamItem::Chunk(chunk.clone()),
            OwnedStreamItem::Done => StreamItem::Done,
            OwnedStreamItem::Error(envelope) => StreamItem::Error(envelope.clone()),
            OwnedStreamItem::Comment(text) => StreamItem::Comment(text),
            OwnedStreamItem::Other(event) => StreamItem::Other(event.as_event()),
        }
    }
}

impl StreamItem<'_> {
    /// An owned copy, for callers who keep items past the next call into the decoder.
    pub fn into_owned(self) -> OwnedStreamItem {
        match self {
            StreamItem::Chunk(chunk) => OwnedStreamItem::Chunk(chunk.into_owned()),
            StreamItem::Done => OwnedStreamItem::Done,
            StreamItem::Error(envelope) => OwnedStreamItem::Error(envelope.into_owned()),
            StreamItem::Comment(text) => OwnedStreamItem::Comment(text.to_owned()),
            StreamItem::Other(event) => OwnedStreamItem::Other(event.into_owned()),
        }
    }
}

impl From<StreamItem<'_>> for OwnedStreamItem {
    fn from(item: StreamItem<'_>) -> Self {
        item.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::Event;

    #[test]
    fn every_variant_round_trips_through_the_owned_form() {
        let chunk = ChatCompletionChunk::from_json(
            r#"{"id":"c","choices":[{"index":0,"delta":{"content":"a\"b"}}]}"#,
        )
        .unwrap();
        let envelope = ErrorEnvelope::from_json(r#"{"error":{"message":"m"}}"#).unwrap();
        let items = [
            StreamItem::Chunk(chunk),
            StreamItem::Done,
            StreamItem::Error(envelope),
            StreamItem::Comment(" keep-alive"),
            StreamItem::Other(Event::new("x").with_event_type("ping").with_id(Some("1"))),
        ];
        for item in items {
            let owned = item.clone().into_owned();
            assert_eq!(owned.as_item(), item);
            assert_eq!(OwnedStreamItem::from(item.clone()), owned);
            assert_eq!(owned.as_chunk().is_some(), item.as_chunk().is_some());
            assert_eq!(owned.as_error().is_some(), item.as_error().is_some());
            assert_eq!(owned.is_done(), item.is_done());
        }
    }
}
