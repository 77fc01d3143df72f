//! [`ChunkStream`]: a `futures_core::Stream` of typed items over a stream of byte chunks.

use core::pin::Pin;
use core::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;

use crate::accumulate::Accumulator;
use crate::sse;
use crate::stream::{ChunkDecoder, OwnedStreamItem, StreamEnd, StreamError, StreamItem};

use super::completion::Completion;
use super::error::Error;

pin_project! {
    /// A [`Stream`] of chat-completion items over any stream of byte chunks: what
    /// `reqwest::Response::bytes_stream()` returns, a hyper body through
    /// `http_body_util::BodyDataStream`, or a test's `futures::stream::iter`.
    ///
    /// It yields `Result<`[`OwnedStreamItem`]`, `[`Error<E>`]`>`, in the order of the stream:
    /// chunks, `[DONE]`, server-reported errors, keep-alive comments, other events. Items are
    /// owned (they leave `poll_next`, so they cannot borrow the decoder): each chunk is copied
    /// once out of the decoder's buffer.
    ///
    /// # Semantics
    ///
    /// - **Back-pressure stays with the caller.** There is no task, channel or buffer of
    ///   items: each `poll_next` first takes the next item from what the decoder holds, and
    ///   polls the inner stream only when the decoder has no complete event left. An inner
    ///   stream that is not polled reads nothing more from the network.
    /// - **Errors do not end the stream.** A transport error is yielded as
    ///   [`Error::Transport`]; polling again polls the inner stream again (most transports
    ///   end after an error). A decoding error is yielded as [`Error::Stream`]; the decoder
    ///   drops that event and goes on with the next one.
    /// - **The end.** When the inner stream ends, the stream yields the items still
    ///   buffered, then `None`; [`end`](Self::end) then tells whether it ended cleanly with
    ///   `[DONE]`, without it, or inside an event. After `None` the stream stays ended
    ///   ([`FusedStream`]).
    /// - **No reconnection.** A cut stream is reported, never retried.
    ///
    /// # Accumulating
    ///
    /// [`with_accumulator`](Self::with_accumulator) also folds every chunk (and every
    /// server-reported error) into an [`Accumulator`] as it passes, so the caller can print
    /// tokens as they arrive and still get the whole completion at the end
    /// ([`accumulator`](Self::accumulator), [`into_accumulator`](Self::into_accumulator)). An
    /// accumulator limit is yielded as an [`Error::Stream`] in place of the chunk that
    /// reached it. [`completion`](Self::completion) does all of it in one future.
    ///
    /// # Example
    ///
    /// ```
    /// use futures::executor::block_on;
    /// use futures::stream::{self, StreamExt};
    ///
    /// use chatwire::adapters::ChunkStream;
    /// use chatwire::stream::OwnedStreamItem;
    ///
    /// // Pieces as a transport gives them: split anywhere.
    /// let pieces: [&[u8]; 3] = [
    ///     b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\nda",
    ///     b"ta: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n",
    ///     b"\ndata: [DONE]\n\n",
    /// ];
    /// let body = stream::iter(pieces.map(Ok::<_, std::io::Error>));
    ///
    /// let mut items = ChunkStream::new(body);
    /// let mut text = String::new();
    /// block_on(async {
    ///     while let Some(item) = items.next().await {
    ///         if let OwnedStreamItem::Chunk(chunk) = item? {
    ///             if let Some(delta) = chunk.choices()[0].text() {
    ///                 delta.unescape_into(&mut text);
    ///             }
    ///         }
    ///     }
    ///     Ok::<_, chatwire::adapters::Error<std::io::Error>>(())
    /// })?;
    /// assert_eq!(text, "Hello");
    /// assert!(items.end().unwrap().is_clean());
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct ChunkStream<S> {
        #[pin]
        inner: S,
        decoder: ChunkDecoder,
        acc: Option<Accumulator>,
        end: Option<StreamEnd>,
    }
}

impl<S> ChunkStream<S> {
    /// A stream of items over `inner`, with the default SSE limits.
    pub fn new(inner: S) -> Self {
        Self::with_decoder(inner, ChunkDecoder::new())
    }

    /// A stream of items over `inner`, whose SSE layer has the given limits and UTF-8 policy.
    pub fn with_config(inner: S, config: sse::Config) -> Self {
        Self::with_decoder(inner, ChunkDecoder::with_config(config))
    }

    fn with_decoder(inner: S, decoder: ChunkDecoder) -> Self {
        Self {
            inner,
            decoder,
            acc: None,
            end: None,
        }
    }

    /// Also folds every chunk and every server-reported error into `acc` as it passes (see
    /// [Accumulating](Self#accumulating)).
    pub fn with_accumulator(mut self, acc: Accumulator) -> Self {
        self.acc = Some(acc);
        self
    }

    /// Drives the stream to its end and resolves to the accumulated completion (see
    /// [`Completion`]). Uses the accumulator given to
    /// [`with_accumulator`](Self::with_accumulator), or a new one with the default limits.
    pub fn completion(mut self) -> Completion<S> {
        if self.acc.is_none() {
            self.acc = Some(Accumulator::new());
        }
        Completion::new(self)
    }

    /// How the stream ended: `None` until the inner stream has ended.
    pub fn end(&self) -> Option<StreamEnd> {
        self.end
    }

    /// The accumulator, when [`with_accumulator`](Self::with_accumulator) gave one.
    pub fn accumulator(&self) -> Option<&Accumulator> {
        self.acc.as_ref()
    }

    /// The accumulator, when [`with_accumulator`](Self::with_accumulator) gave one.
    pub fn into_accumulator(self) -> Option<Accumulator> {
        self.acc
    }

    /// The decoder (for its event count, or the SSE layer's last event id).
    pub fn decoder(&self) -> &ChunkDecoder {
        &self.decoder
    }

    /// The inner stream.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The inner stream. Bytes the decoder holds are kept.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Takes `acc` out of `self`, for [`Completion`] to return it.
    pub(super) fn take_accumulator(self: Pin<&mut Self>) -> Option<Accumulator> {
        self.project().acc.take()
    }
}

impl<S, B, E> Stream for ChunkStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    type Item = Result<OwnedStreamItem, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if this.end.is_some() {
                return Poll::Ready(None);
            }
            // What the decoder holds first: the inner stream is polled only when it is empty.
            match next_owned(this.decoder, this.acc.as_mut()) {
                Ok(Some(item)) => return Poll::Ready(Some(Ok(item))),
                Err(err) => return Poll::Ready(Some(Err(Error::Stream(err)))),
                Ok(None) => {}
            }
            match ready!(this.inner.as_mut().poll_next(cx)) {
                Some(Ok(bytes)) => this.decoder.feed(bytes.as_ref()),
                Some(Err(err)) => return Poll::Ready(Some(Err(Error::Transport(err)))),
                None => *this.end = Some(this.decoder.finish()),
            }
        }
    }
}

impl<S, B, E> FusedStream for ChunkStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    fn is_terminated(&self) -> bool {
        self.end.is_some()
    }
}

/// The next item the decoder holds, owned, and folded into `acc` when there is one.
fn next_owned(
    decoder: &mut ChunkDecoder,
    acc: Option<&mut Accumulator>,
) -> Result<Option<OwnedStreamItem>, StreamError> {
    let Some(item) = decoder.next_item()? else {
        return Ok(None);
    };
    if let Some(acc) = acc {
        let applied = match &item {
            StreamItem::Chunk(chunk) => acc.push(chunk),
            StreamItem::Error(envelope) => acc.push_error(envelope),
            _ => Ok(()),
        };
        if let Err(err) = applied {
            let (event, offset) = decoder.last_event();
            return Err(StreamError::accumulate(err, event, offset));
        }
    }
    Ok(Some(item.into_owned()))
}
