//! [`StreamEnd`]: how a chat-completion stream ended.

use crate::sse::{Discarded, Finish};

/// How the input of a [`ChunkDecoder`](super::ChunkDecoder) ended, as
/// [`finish`](super::ChunkDecoder::finish) reports it.
///
/// A complete answer ends with `data: [DONE]` and a blank line. A stream that stops without
/// `[DONE]` may have been cut (a dropped connection, a server error), and one that stops in
/// the middle of an event has lost that event: both are reported, distinctly.
///
/// # Example
///
/// ```
/// use chatwire::stream::{ChunkDecoder, StreamEnd};
///
/// let mut decoder = ChunkDecoder::new();
/// decoder.feed(b"data: {\"choices\":[]}\n\ndata: [DONE]\n");
/// while decoder.next_item()?.is_some() {}
/// let end = decoder.finish();
/// assert!(!end.is_clean() && !end.saw_done());
/// assert!(matches!(end, StreamEnd::Truncated { .. }));
/// assert!(end.discarded().unwrap().has_data(), "the [DONE] event was never dispatched");
///
/// decoder.feed(b"data: {\"choices\":[]}\n\n");
/// while decoder.next_item()?.is_some() {}
/// assert_eq!(decoder.finish(), StreamEnd::MissingDone);
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a cut stream is only reported here"]
#[non_exhaustive]
pub enum StreamEnd {
    /// `[DONE]` was received and the input ended at an event boundary.
    Clean,
    /// The input ended at an event boundary, but without `[DONE]`.
    MissingDone,
    /// The input ended inside an event (or a line), which was discarded.
    Truncated {
        /// Whether `[DONE]` had been received before.
        saw_done: bool,
        /// What was discarded.
        discarded: Discarded,
    },
}

impl StreamEnd {
    pub(crate) const fn new(saw_done: bool, finish: Finish) -> Self {
        match finish {
            Finish::Clean if saw_done => StreamEnd::Clean,
            Finish::Clean => StreamEnd::MissingDone,
            Finish::Discarded(discarded) => StreamEnd::Truncated {
                saw_done,
                discarded,
            },
        }
    }

    /// `true` for [`StreamEnd::Clean`]: `[DONE]` received, nothing discarded.
    pub const fn is_clean(&self) -> bool {
        matches!(self, StreamEnd::Clean)
    }

    /// `true` when `[DONE]` was received.
    pub const fn saw_done(&self) -> bool {
        match self {
            StreamEnd::Clean => true,
            StreamEnd::MissingDone => false,
            StreamEnd::Truncated { saw_done, .. } => *saw_done,
        }
    }

    /// What was discarded, for [`StreamEnd::Truncated`].
    pub const fn discarded(&self) -> Option<Discarded> {
        match self {
            StreamEnd::Truncated { discarded, .. } => Some(*discarded),
            StreamEnd::Clean | StreamEnd::MissingDone => None,
        }
    }
}
