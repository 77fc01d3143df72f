//! [`Finish`]: how a stream ended, as [`Decoder::finish`](super::Decoder::finish) reports it.

/// How the input of a [`Decoder`](super::Decoder) ended.
///
/// The spec discards an event that the stream ends inside of (before its blank line); so does
/// the decoder, and this report says whether that happened and how much was lost, so that a
/// caller can tell a clean end from a truncated one.
///
/// # Example
///
/// ```
/// use chatwire::sse::{Decoder, Finish};
///
/// let mut decoder = Decoder::new();
/// decoder.feed(b"data: one\n\ndata: [DONE]\n");
/// assert_eq!(decoder.next_event().unwrap().unwrap().data(), "one");
/// assert!(decoder.next_event().unwrap().is_none());
/// match decoder.finish() {
///     Finish::Clean => unreachable!("the last event has no blank line"),
///     Finish::Discarded(discarded) => {
///         assert_eq!(discarded.offset(), 11);
///         assert_eq!(discarded.len(), 13);
///         assert!(discarded.has_data());
///         assert!(!discarded.ends_mid_line());
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a truncated stream is only reported here"]
pub enum Finish {
    /// The input ended at an event boundary: every byte fed was consumed, the last line was
    /// terminated, and no field line is waiting for a blank line. (Comment lines after the last
    /// blank line do not count: they belong to no event.)
    Clean,
    /// The input ended inside an event, or inside a line; those bytes were discarded.
    Discarded(Discarded),
}

impl Finish {
    /// `true` for [`Finish::Clean`].
    pub const fn is_clean(&self) -> bool {
        matches!(self, Finish::Clean)
    }

    /// The number of bytes discarded (0 when clean).
    pub const fn discarded_bytes(&self) -> u64 {
        match self {
            Finish::Clean => 0,
            Finish::Discarded(discarded) => discarded.len(),
        }
    }
}

/// What [`Finish::Discarded`] discarded: the bytes from [`offset`](Self::offset) to the end of
/// the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Discarded {
    pub(crate) offset: u64,
    pub(crate) len: u64,
    pub(crate) has_data: bool,
    pub(crate) ends_mid_line: bool,
}

impl Discarded {
    /// The stream offset of the first discarded byte: the start of the first field line of the
    /// unfinished event, or else of the unterminated last line (or of the first byte not yet
    /// consumed, if the caller stopped calling `next_event` before it returned `Ok(None)`).
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// The number of bytes discarded, from [`offset`](Self::offset) to the end of the input.
    #[allow(clippy::len_without_is_empty)] // never empty: a report exists only when bytes were lost
    pub const fn len(&self) -> u64 {
        self.len
    }

    /// `true` when the unfinished event had at least one `data` line, that is, when a blank
    /// line would have dispatched an event. A stream cut just before its final blank line
    /// (for example after `data: [DONE]\n`) reports `true`.
    pub const fn has_data(&self) -> bool {
        self.has_data
    }

    /// `true` when the input ended in the middle of a line (its last byte is not a line end).
    pub const fn ends_mid_line(&self) -> bool {
        self.ends_mid_line
    }
}
