//! [`Config`]: the limits and the UTF-8 policy of a [`Decoder`](super::Decoder).

/// The default [`Config::max_line_length`]: 1 MiB.
pub const DEFAULT_MAX_LINE_LENGTH: usize = 1 << 20;

/// The default [`Config::max_event_size`]: 8 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 8 << 20;

/// How a [`Decoder`](super::Decoder) treats bytes that are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Utf8Mode {
    /// What the WHATWG spec requires: every maximal invalid sequence becomes U+FFFD
    /// (REPLACEMENT CHARACTER), exactly as `String::from_utf8_lossy` does; never an error.
    /// Only text the decoder hands out (data, event type, id, comments) is decoded.
    #[default]
    Replace,
    /// Any invalid UTF-8 in a line is an [`ErrorKind::InvalidUtf8`](super::ErrorKind) error
    /// naming the byte offset of the first invalid byte. Every complete line is checked, even
    /// comments and unknown fields. A trailing line that the stream never terminates is
    /// discarded unchecked.
    Strict,
}

/// Limits and policies of a [`Decoder`](super::Decoder). Build one with [`Config::new`] (the
/// defaults) and the `with_*` methods.
///
/// # Limits, and the attack each one stops
///
/// The limits are finite by default so that a hostile or broken server cannot make a client run
/// out of memory. Everything else a stream can send costs no memory: comment lines, blank lines
/// and unknown fields are skipped as they are read, and repeated `event` or `id` lines
/// overwrite each other (each is bounded by the line limit).
///
/// - [`max_line_length`](Self::max_line_length) (default 1 MiB) stops a stream that never sends
///   a line end (100 MiB of `a`, or an endless `data:` value) from growing the input buffer
///   without bound: the decoder must hold a partial line until its end arrives. Once a partial
///   line is longer than the limit it is dropped, and the rest of it is skipped as it arrives.
/// - [`max_event_size`](Self::max_event_size) (default 8 MiB) stops a stream of short `data`
///   lines that never sends the blank line ending the event: every line is within the line
///   limit, but the joined data of the event would grow without bound.
///
/// With both, a decoder holds at most about `max_line_length` plus twice the largest chunk
/// given to one [`feed`](super::Decoder::feed) in its input buffer (if each chunk is drained
/// before the next is fed), and `max_event_size` bytes of text in its data buffer (up to three
/// times that in [`Utf8Mode::Replace`], where each invalid byte becomes the three bytes of
/// U+FFFD), whose capacity grows by doubling.
///
/// # Example
///
/// ```
/// use chatwire::sse::{Config, Utf8Mode};
///
/// let config = Config::new()
///     .with_max_line_length(64 * 1024)
///     .with_max_event_size(256 * 1024)
///     .with_utf8_mode(Utf8Mode::Strict);
/// assert_eq!(config.max_line_length(), 64 * 1024);
/// assert_eq!(config.max_event_size(), 256 * 1024);
/// assert_eq!(config.utf8_mode(), Utf8Mode::Strict);
/// assert_eq!(Config::default().max_line_length(), 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    max_line_length: usize,
    max_event_size: usize,
    utf8_mode: Utf8Mode,
}

impl Config {
    /// The defaults: 1 MiB lines, 8 MiB events, [`Utf8Mode::Replace`].
    pub const fn new() -> Self {
        Self {
            max_line_length: DEFAULT_MAX_LINE_LENGTH,
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            utf8_mode: Utf8Mode::Replace,
        }
    }

    /// Sets the maximum length of a line, in bytes, not counting its line end. A longer line
    /// is an [`ErrorKind::LineTooLong`](super::ErrorKind) error, whatever the line is
    /// (a field, a comment, an unknown field).
    pub const fn with_max_line_length(mut self, bytes: usize) -> Self {
        self.max_line_length = bytes;
        self
    }

    /// Sets the maximum size of an event's data, in input bytes: the lengths of the values of
    /// its `data` lines plus one byte for each `"\n"` joining them. A larger event is an
    /// [`ErrorKind::EventTooLarge`](super::ErrorKind) error.
    pub const fn with_max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes;
        self
    }

    /// Sets how invalid UTF-8 is handled.
    pub const fn with_utf8_mode(mut self, mode: Utf8Mode) -> Self {
        self.utf8_mode = mode;
        self
    }

    /// The maximum length of a line, in bytes.
    pub const fn max_line_length(&self) -> usize {
        self.max_line_length
    }

    /// The maximum size of an event's data, in bytes.
    pub const fn max_event_size(&self) -> usize {
        self.max_event_size
    }

    /// How invalid UTF-8 is handled.
    pub const fn utf8_mode(&self) -> Utf8Mode {
        self.utf8_mode
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}
