//! [`Completion`]: a future of the completion a whole byte stream accumulates to.

use core::future::Future;
use core::pin::Pin;
use core::task::{ready, Context, Poll};

use futures_core::Stream;
use pin_project_lite::pin_project;

use crate::stream::{Collected, StreamEnd};

use super::chunk_stream::ChunkStream;
use super::error::Error;

pin_project! {
    /// A future that drives a [`ChunkStream`] to its end and resolves to what it
    /// accumulated: the completion, the errors the server reported, and how the stream ended
    /// (a [`Collected`], as [`decode_completion`](crate::stream::decode_completion) gives for
    /// a body held in memory).
    ///
    /// Made by [`ChunkStream::completion`]. Like `decode_completion`, it is strict: the
    /// first error, of the transport or of decoding, is its result. Server-reported errors
    /// and a stream cut before `[DONE]` are not failures: they are in the `Collected`. To go
    /// on after a decoding error, or to see the items as they pass, poll a `ChunkStream`
    /// [with an accumulator](ChunkStream::with_accumulator) yourself.
    ///
    /// It polls the inner stream only as fast as the decoder uses its bytes, and spawns
    /// nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use futures::executor::block_on;
    /// use futures::stream;
    ///
    /// use chatwire::adapters::ChunkStream;
    ///
    /// let body = b"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},\"finish_reason\":\"stop\"}]}\n\n\
    ///              data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n\
    ///              data: [DONE]\n\n";
    /// let pieces = body.chunks(7).map(Ok::<_, std::io::Error>);
    /// let collected = block_on(ChunkStream::new(stream::iter(pieces)).completion())?;
    /// assert!(collected.is_complete());
    /// let message = collected.completion.choices()[0].message.value().unwrap();
    /// assert_eq!(message.content_text().unwrap(), "4");
    /// assert_eq!(collected.completion.usage.value().unwrap().total_tokens.value(), Some(&10));
    /// # Ok::<(), chatwire::adapters::Error<std::io::Error>>(())
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct Completion<S> {
        #[pin]
        stream: ChunkStream<S>,
    }
}

impl<S> Completion<S> {
    pub(super) fn new(stream: ChunkStream<S>) -> Self {
        Self { stream }
    }

    /// The stream being driven (for what it has accumulated so far).
    pub fn stream(&self) -> &ChunkStream<S> {
        &self.stream
    }

    /// The stream being driven, to go on by hand (after an error, for example).
    pub fn into_stream(self) -> ChunkStream<S> {
        self.stream
    }
}

impl<S, B, E> Future for Completion<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    type Output = Result<Collected, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut stream = self.project().stream;
        while let Some(item) = ready!(stream.as_mut().poll_next(cx)) {
            item?;
        }
        // Polled again after completing: the accumulator is gone; resolve to an empty
        // completion rather than panic.
        let acc = stream.as_mut().take_accumulator().unwrap_or_default();
        let end = stream.end().unwrap_or(StreamEnd::MissingDone);
        let errors = acc.errors().to_vec();
        Poll::Ready(Ok(Collected {
            completion: acc.into_completion(),
            errors,
            end,
        }))
    }
}
