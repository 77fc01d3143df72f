//! [`AccumulateError`]: a limit of the [`Accumulator`](super::Accumulator) was reached.

use std::fmt;

/// A chunk would have taken the [`Accumulator`](super::Accumulator) past one of its
/// [`AccumulatorLimits`](super::AccumulatorLimits).
///
/// The piece that would have crossed the limit (a choice, a tool call, one piece of text) is
/// not applied; the pieces of the same chunk before it are. The accumulator stays usable:
/// later chunks are applied as far as the limits allow, and
/// [`completion`](super::Accumulator::completion) returns what was gathered. Whether to go on
/// is the caller's decision; a limit breach usually means a hostile or broken server.
///
/// # Example
///
/// ```
/// use chatwire::accumulate::{AccumulateErrorKind, Accumulator, AccumulatorLimits};
/// use chatwire::types::ChatCompletionChunk;
///
/// let mut acc = Accumulator::with_limits(AccumulatorLimits::new().with_max_choices(1));
/// let chunk = ChatCompletionChunk::from_json(
///     r#"{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}"#,
/// )?;
/// let err = acc.push(&chunk).unwrap_err();
/// assert_eq!(err.kind(), AccumulateErrorKind::TooManyChoices);
/// assert_eq!((err.choice(), err.limit()), (Some(1), 1));
/// assert_eq!(acc.completion().choices().len(), 1, "choice 0 was applied");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccumulateError {
    kind: AccumulateErrorKind,
    choice: Option<u32>,
    limit: usize,
}

impl AccumulateError {
    pub(crate) const fn new(kind: AccumulateErrorKind, choice: Option<u32>, limit: usize) -> Self {
        Self {
            kind,
            choice,
            limit,
        }
    }

    /// Which limit was reached.
    pub const fn kind(&self) -> AccumulateErrorKind {
        self.kind
    }

    /// The index of the choice the rejected piece belonged to (`None` for a piece outside
    /// any choice: a top-level field or an error).
    pub const fn choice(&self) -> Option<u32> {
        self.choice
    }

    /// The limit that was reached (a count of choices or tool calls, or bytes).
    pub const fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for AccumulateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            AccumulateErrorKind::TooManyChoices => write!(
                f,
                "a chunk adds a choice beyond the limit of {} choices",
                self.limit
            )?,
            AccumulateErrorKind::TooManyToolCalls => write!(
                f,
                "a chunk adds a tool call beyond the limit of {} tool calls per choice",
                self.limit
            )?,
            AccumulateErrorKind::TooLarge => write!(
                f,
                "the accumulated completion would exceed the limit of {} bytes",
                self.limit
            )?,
        }
        if let Some(choice) = self.choice {
            write!(f, " (choice {choice})")?;
        }
        f.write_str("; the piece was not applied")
    }
}

impl std::error::Error for AccumulateError {}

/// The category of an [`AccumulateError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccumulateErrorKind {
    /// More distinct choice indexes than
    /// [`AccumulatorLimits::max_choices`](super::AccumulatorLimits::max_choices).
    TooManyChoices,
    /// More tool calls in one choice than
    /// [`AccumulatorLimits::max_tool_calls`](super::AccumulatorLimits::max_tool_calls).
    TooManyToolCalls,
    /// More accumulated bytes than
    /// [`AccumulatorLimits::max_bytes`](super::AccumulatorLimits::max_bytes).
    TooLarge,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        let err = AccumulateError::new(AccumulateErrorKind::TooManyToolCalls, Some(2), 8);
        let text = err.to_string();
        assert!(text.contains("8 tool calls"), "{text}");
        assert!(text.contains("choice 2"), "{text}");
        let err = AccumulateError::new(AccumulateErrorKind::TooLarge, None, 100);
        let text = err.to_string();
        assert!(text.contains("100 bytes"), "{text}");
        assert!(!text.contains("choice"), "{text}");
        let err = AccumulateError::new(AccumulateErrorKind::TooManyChoices, Some(4), 4);
        assert!(err.to_string().contains("4 choices"));
    }
}
