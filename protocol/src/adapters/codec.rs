//! `tokio_util::codec::Decoder`s: [`SseCodec`] (events) and [`ChunkCodec`] (typed items).

use std::io;

use bytes::BytesMut;
use tokio_util::codec::Decoder;

use crate::sse::{self, Finish, OwnedEvent};
use crate::stream::{ChunkDecoder, OwnedStreamItem, StreamEnd, StreamError};

use super::error::Error;

/// A [`tokio_util::codec::Decoder`] of server-sent events, for `FramedRead` over any
/// `AsyncRead`: yields each event as an [`OwnedEvent`] (comment lines are skipped).
///
/// Use it for event streams that are not chat completions; for chat completions,
/// [`ChunkCodec`] gives typed items.
///
/// Items are owned because a codec's items leave `decode`. Errors are
/// [`Error::Stream`] with an [SSE kind](crate::stream::StreamErrorKind::Sse) (a limit, or
/// invalid UTF-8 in strict mode), or [`Error::Transport`] for the reader's `io::Error`.
/// Note that `FramedRead` yields `None` once after an error, as it does for every codec;
/// the codec itself can go on, and polling the `FramedRead` again does.
///
/// # Back-pressure
///
/// The codec takes the bytes `FramedRead` has read only when it has no complete event left,
/// so `FramedRead` reads only when the caller asks for an item the codec cannot give.
///
/// # Example
///
/// ```
/// use futures::StreamExt;
/// use tokio_util::codec::FramedRead;
///
/// use chatwire::adapters::SseCodec;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn core::error::Error>> {
/// let body: &[u8] = b"event: ping\ndata: 1\n\n: keep-alive\n\ndata: a\ndata: b\n\n";
/// let mut events = FramedRead::new(body, SseCodec::new());
/// let first = events.next().await.unwrap()?;
/// assert_eq!((first.event_type(), first.data()), ("ping", "1"));
/// assert_eq!(events.next().await.unwrap()?.data(), "a\nb");
/// assert!(events.next().await.is_none());
/// assert!(events.decoder().end().unwrap().is_clean());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct SseCodec {
    decoder: sse::Decoder,
    events: u64,
    end: Option<Finish>,
}

impl SseCodec {
    /// A codec with the default SSE [`Config`](sse::Config).
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec with the given limits and UTF-8 policy.
    pub fn with_config(config: sse::Config) -> Self {
        Self {
            decoder: sse::Decoder::with_config(config),
            ..Self::default()
        }
    }

    /// How the input ended, once `FramedRead` has reached its end (`None` before).
    pub fn end(&self) -> Option<Finish> {
        self.end
    }

    /// The SSE decoder (for its last event id and retry time).
    pub fn decoder(&self) -> &sse::Decoder {
        &self.decoder
    }

    fn next(&mut self) -> Result<Option<OwnedEvent>, Error<io::Error>> {
        match self.decoder.next_event() {
            Ok(Some(event)) => {
                self.events += 1;
                Ok(Some(event.into_owned()))
            }
            Ok(None) => Ok(None),
            Err(err) => Err(Error::Stream(StreamError::sse(err, self.events))),
        }
    }
}

impl Decoder for SseCodec {
    type Item = OwnedEvent;
    type Error = Error<io::Error>;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<OwnedEvent>, Self::Error> {
        if let Some(event) = self.next()? {
            return Ok(Some(event));
        }
        if take(src, |bytes| self.decoder.feed(bytes)) {
            self.end = None;
            return self.next();
        }
        Ok(None)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<OwnedEvent>, Self::Error> {
        if let Some(event) = self.decode(src)? {
            return Ok(Some(event));
        }
        self.end = Some(self.decoder.finish());
        self.events = 0;
        Ok(None)
    }
}

/// A [`tokio_util::codec::Decoder`] of chat-completion streams, for `FramedRead` over any
/// `AsyncRead`: yields [`OwnedStreamItem`]s, as a [`ChunkDecoder`] reads them.
///
/// Errors are [`Error::Stream`] (a malformed event, data after `[DONE]`, an SSE limit) or
/// [`Error::Transport`] for the reader's `io::Error`. `FramedRead` yields `None` once after
/// an error, as it does for every codec; the codec itself has dropped only the offending
/// event, and polling the `FramedRead` again goes on with the next one.
///
/// # Back-pressure
///
/// As for [`SseCodec`]: the codec takes the bytes `FramedRead` has read only when it has no
/// complete event left.
///
/// # Example
///
/// ```
/// use futures::StreamExt;
/// use tokio_util::codec::FramedRead;
///
/// use chatwire::adapters::ChunkCodec;
/// use chatwire::stream::OwnedStreamItem;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn core::error::Error>> {
/// let body: &[u8] = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n\
///                     : keep-alive\n\ndata: [DONE]\n\n";
/// let mut items = FramedRead::new(body, ChunkCodec::new());
/// let Some(OwnedStreamItem::Chunk(chunk)) = items.next().await.transpose()? else {
///     panic!("a chunk first");
/// };
/// assert_eq!(chunk.choices()[0].text().unwrap(), "Hi");
/// assert!(matches!(items.next().await.transpose()?, Some(OwnedStreamItem::Comment(_))));
/// assert!(items.next().await.transpose()?.unwrap().is_done());
/// assert!(items.next().await.is_none());
/// assert!(items.decoder().end().unwrap().is_clean());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChunkCodec {
    decoder: ChunkDecoder,
    end: Option<StreamEnd>,
}

impl ChunkCodec {
    /// A codec with the default SSE [`Config`](sse::Config).
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec whose SSE layer has the given limits and UTF-8 policy.
    pub fn with_config(config: sse::Config) -> Self {
        Self {
            decoder: ChunkDecoder::with_config(config),
            end: None,
        }
    }

    /// How the stream ended, once `FramedRead` has reached its end (`None` before).
    pub fn end(&self) -> Option<StreamEnd> {
        self.end
    }

    /// The decoder (for its event count, or the SSE layer's last event id).
    pub fn decoder(&self) -> &ChunkDecoder {
        &self.decoder
    }

    fn next(&mut self) -> Result<Option<OwnedStreamItem>, Error<io::Error>> {
        Ok(self.decoder.next_item()?.map(|item| item.into_owned()))
    }
}

impl Decoder for ChunkCodec {
    type Item = OwnedStreamItem;
    type Error = Error<io::Error>;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<OwnedStreamItem>, Self::Error> {
        if let Some(item) = self.next()? {
            return Ok(Some(item));
        }
        if take(src, |bytes| self.decoder.feed(bytes)) {
            self.end = None;
            return self.next();
        }
        Ok(None)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<OwnedStreamItem>, Self::Error> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        self.end = Some(self.decoder.finish());
        Ok(None)
    }
}

impl From<io::Error> for Error<io::Error> {
    fn from(err: io::Error) -> Self {
        Error::Transport(err)
    }
}

/// Hands the bytes of `src` to `feed` and empties it; `false` when it was empty.
fn take(src: &mut BytesMut, feed: impl FnOnce(&[u8])) -> bool {
    if src.is_empty() {
        return false;
    }
    feed(src);
    src.clear();
    true
}
