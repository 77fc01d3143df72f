//! [`StreamItem`]: what the [`ChunkDecoder`](super::ChunkDecoder) yields.

use crate::sse::Event;
use crate::types::{ChatCompletionChunk, ErrorEnvelope};

/// One item of a chat-completion stream.
///
/// # Example
///
/// ```
/// use chatwire::stream::{ChunkDecoder, StreamItem};
///
/// let mut decoder = ChunkDecoder::new();
/// decoder.feed(b": keep-alive\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
/// decoder.feed(b"event: ping\ndata: {}\n\ndata: [DONE]\n\n");
/// assert_eq!(decoder.next_item()?, Some(StreamItem::Comment(" keep-alive")));
/// let Some(StreamItem::Chunk(chunk)) = decoder.next_item()? else { panic!("a chunk") };
/// assert_eq!(chunk.choices()[0].text().unwrap(), "Hi");
/// assert!(matches!(decoder.next_item()?, Some(StreamItem::Other(event)) if event.event_type() == "ping"));
/// assert_eq!(decoder.next_item()?, Some(StreamItem::Done));
/// assert_eq!(decoder.next_item()?, None);
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// A chunk is large (about a kilobyte: its fields are inline so that parsing does not
// allocate); boxing it would cost an allocation per event, and an item lives only while it
// is being used.
#[allow(clippy::large_enum_variant)]
pub enum StreamItem<'a> {
    /// A chat completion chunk: an event whose data is a JSON object with a `choices` key
    /// (even `[]` or `null`: Azure's prompt-filter chunk and the usage-only chunk are
    /// chunks) or with `"object": "chat.completion.chunk"`.
    ///
    /// When the chunk also carries an `error` (OpenRouter), the decoder yields the chunk and
    /// then, from the same event, an [`Error`](Self::Error) item with it.
    Chunk(ChatCompletionChunk<'a>),
    /// The end of the answer: data `[DONE]`, surrounding whitespace allowed. Data that
    /// follows it is an [`AfterDone`](super::StreamErrorKind::AfterDone) error.
    Done,
    /// An error reported by the server: an event whose data is `{"error":{…}}` and has no
    /// `choices`, any event of type `error` (its data read as an envelope, a bare error
    /// object, or else as the message text), or the `error` beside the `choices` of a chunk.
    Error(ErrorEnvelope<'a>),
    /// A comment line (the text after `:`, a leading space kept): a keep-alive, such as
    /// OpenRouter's `: OPENROUTER PROCESSING`.
    Comment(&'a str),
    /// An event that is not part of the chat-completion protocol: an event type other than
    /// `message` and `error`, or data that is JSON but not a chunk (an object without
    /// `choices`, such as Gemini's native `{"candidates":…}`, or another JSON value).
    Other(Event<'a>),
}

impl<'a> StreamItem<'a> {
    /// The chunk, for [`StreamItem::Chunk`].
    pub fn as_chunk(&self) -> Option<&ChatCompletionChunk<'a>> {
        match self {
            StreamItem::Chunk(chunk) => Some(chunk),
            _ => None,
        }
    }

    /// The error, for [`StreamItem::Error`].
    pub fn as_error(&self) -> Option<&ErrorEnvelope<'a>> {
        match self {
            StreamItem::Error(envelope) => Some(envelope),
            _ => None,
        }
    }

    /// `true` for [`StreamItem::Done`].
    pub fn is_done(&self) -> bool {
        matches!(self, StreamItem::Done)
    }
}
