//! [`AccumulatorLimits`]: how much an [`Accumulator`](super::Accumulator) may hold, and the
//! byte budget that enforces it.

use crate::types::JsonStr;

use super::error::{AccumulateError, AccumulateErrorKind};

/// The default [`AccumulatorLimits::max_choices`]: 128 (OpenAI's maximum `n`; DashScope
/// allows 4).
pub const DEFAULT_MAX_CHOICES: usize = 128;

/// The default [`AccumulatorLimits::max_tool_calls`]: 128 tool calls per choice (OpenAI's
/// maximum number of tools in a request).
pub const DEFAULT_MAX_TOOL_CALLS: usize = 128;

/// The default [`AccumulatorLimits::max_bytes`]: 16 MiB, far above what any model generates
/// in one answer (128k tokens of text is about half a megabyte).
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

/// The limits of an [`Accumulator`](super::Accumulator).
///
/// An accumulator keeps everything a stream sends, so a hostile or broken server could make
/// it grow without end: a choice index per chunk, a new tool call per chunk, or text forever.
/// These limits bound its memory; reaching one is an
/// [`AccumulateError`](super::AccumulateError).
///
/// # Example
///
/// ```
/// use chatwire::accumulate::{AccumulatorLimits, DEFAULT_MAX_BYTES};
///
/// let limits = AccumulatorLimits::new().with_max_choices(4).with_max_tool_calls(16);
/// assert_eq!((limits.max_choices(), limits.max_tool_calls()), (4, 16));
/// assert_eq!(limits.max_bytes(), DEFAULT_MAX_BYTES);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccumulatorLimits {
    max_choices: usize,
    max_tool_calls: usize,
    max_bytes: usize,
}

impl AccumulatorLimits {
    /// The default limits ([`DEFAULT_MAX_CHOICES`], [`DEFAULT_MAX_TOOL_CALLS`],
    /// [`DEFAULT_MAX_BYTES`]).
    pub const fn new() -> Self {
        Self {
            max_choices: DEFAULT_MAX_CHOICES,
            max_tool_calls: DEFAULT_MAX_TOOL_CALLS,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// Sets the maximum number of distinct choices (choice indexes).
    #[must_use]
    pub const fn with_max_choices(mut self, max: usize) -> Self {
        self.max_choices = max;
        self
    }

    /// Sets the maximum number of tool calls in one choice (a legacy `function_call` does
    /// not count).
    #[must_use]
    pub const fn with_max_tool_calls(mut self, max: usize) -> Self {
        self.max_tool_calls = max;
        self
    }

    /// Sets the maximum number of bytes held: the decoded text of every content, reasoning,
    /// refusal, tool-call id, name and arguments, plus the raw JSON of kept log probabilities,
    /// unknown top-level fields and errors.
    #[must_use]
    pub const fn with_max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max;
        self
    }

    /// The maximum number of distinct choices.
    pub const fn max_choices(&self) -> usize {
        self.max_choices
    }

    /// The maximum number of tool calls in one choice.
    pub const fn max_tool_calls(&self) -> usize {
        self.max_tool_calls
    }

    /// The maximum number of bytes held.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

impl Default for AccumulatorLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// The bytes held so far, against [`AccumulatorLimits::max_bytes`].
#[derive(Debug, Clone)]
pub(super) struct Budget {
    used: usize,
    max: usize,
}

impl Budget {
    pub(super) const fn new(max: usize) -> Self {
        Self { used: 0, max }
    }

    /// The bytes held so far.
    pub(super) const fn used(&self) -> usize {
        self.used
    }

    /// Counts `bytes` more, or fails (counting nothing) when that would pass the limit.
    pub(super) fn charge(
        &mut self,
        bytes: usize,
        choice: Option<u32>,
    ) -> Result<(), AccumulateError> {
        match self.used.checked_add(bytes) {
            Some(total) if total <= self.max => {
                self.used = total;
                Ok(())
            }
            _ => Err(AccumulateError::new(
                AccumulateErrorKind::TooLarge,
                choice,
                self.max,
            )),
        }
    }

    /// Counts `bytes` fewer (bytes that are no longer held).
    pub(super) fn release(&mut self, bytes: usize) {
        self.used = self.used.saturating_sub(bytes);
    }

    /// Appends the decoded `text` to `dst`, or leaves `dst` as it was when that would pass
    /// the limit.
    pub(super) fn append(
        &mut self,
        dst: &mut String,
        text: &JsonStr<'_>,
        choice: Option<u32>,
    ) -> Result<(), AccumulateError> {
        let before = dst.len();
        text.unescape_into(dst);
        let added = dst.len() - before;
        if let Err(err) = self.charge(added, choice) {
            // `before` was the length of the string, so it is a character boundary.
            dst.truncate(before);
            return Err(err);
        }
        Ok(())
    }

    /// Appends `text` to the string in `slot`, creating it (empty) first when absent.
    pub(super) fn append_to(
        &mut self,
        slot: &mut Option<String>,
        text: &JsonStr<'_>,
        choice: Option<u32>,
    ) -> Result<(), AccumulateError> {
        self.append(slot.get_or_insert_with(String::new), text, choice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_append_leaves_the_text_unchanged() {
        let mut budget = Budget::new(5);
        let mut text = String::from("ab");
        budget.append(&mut text, &JsonStr::new("cd"), None).unwrap();
        assert_eq!((text.as_str(), budget.used()), ("abcd", 2));
        let err = budget
            .append(&mut text, &JsonStr::new("\u{e9}\u{e9}"), Some(3))
            .unwrap_err();
        assert_eq!(err.kind(), AccumulateErrorKind::TooLarge);
        assert_eq!(err.choice(), Some(3));
        assert_eq!((text.as_str(), budget.used()), ("abcd", 2));
        budget
            .append(&mut text, &JsonStr::new("\u{e9}"), None)
            .unwrap();
        assert_eq!(budget.used(), 4);
        assert!(budget.charge(usize::MAX, None).is_err(), "no overflow");
        assert_eq!(budget.used(), 4);
    }

    #[test]
    fn append_to_creates_the_string() {
        let mut budget = Budget::new(10);
        let mut slot = None;
        budget
            .append_to(&mut slot, &JsonStr::empty(), None)
            .unwrap();
        assert_eq!(slot.as_deref(), Some(""));
    }
}
