//! The interpretation of an event stream, line by line: the state machine behind
//! [`Decoder`](super::Decoder), kept apart from the buffer it reads so that the buffer can be
//! borrowed while the state changes.

use alloc::string::String;
use core::str;

use memchr::{memchr, memchr2};

use super::config::{Config, Utf8Mode};
use super::error::{Error, ErrorKind};
use super::event::{Event, Item, DEFAULT_EVENT_TYPE};
use super::finish::{Discarded, Finish};

/// The UTF-8 byte order mark, stripped once from the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What [`State::advance`] found in the buffer.
#[derive(Clone, Copy)]
pub(super) enum Out<'b> {
    /// No further complete event or comment in the buffer.
    NeedMore,
    /// An event to dispatch.
    Event {
        data: Text<'b>,
        typed: bool,
        retry: Option<u64>,
    },
    /// A comment line.
    Comment(Text<'b>),
}

/// Text borrowed from the input buffer, or held in the matching scratch buffer of [`State`].
#[derive(Clone, Copy)]
pub(super) enum Text<'b> {
    Borrowed(&'b str),
    Scratch,
}

/// A stretch of the buffer already validated as UTF-8, kept by a reader that reads the same
/// buffer across calls (input read in place: see [`Decode`](super::Decode)).
///
/// Validating a line costs per call as well as per byte: lines of about 250 bytes (the
/// benchmarks' text corpus) validate about half as fast one by one as gathered into blocks
/// of 2 KiB (the `sse/utf8` bench group). So the lines of a stretch are validated together, once: the first line not yet
/// covered validates [`Self::SPAN`] bytes from its start (or to its end, if longer), and the
/// lines inside that stretch are sliced from it.
///
/// A stretch ends before the first invalid byte, and validating it stops there, so invalid
/// input costs about what validating each line on its own costs: the stretch tried from the
/// start of the line holding the invalid byte reads only up to it, and that line is then
/// validated on its own, as without stretches.
#[derive(Debug, Default)]
pub(super) struct Checked<'b> {
    /// Index in the buffer of `text`'s first byte.
    start: usize,
    /// The validated bytes `buf[start..start + text.len()]`.
    text: &'b str,
}

impl<'b> Checked<'b> {
    /// The bytes validated at once from the start of a line not yet covered (or the whole
    /// line, if longer).
    const SPAN: usize = 16 * 1024;

    /// Validates a new stretch from `start`, then slices the line from it. Kept out of line:
    /// it runs about once per [`SPAN`](Self::SPAN) bytes.
    #[inline(never)]
    fn renew(&mut self, buf: &'b [u8], start: usize, end: usize) -> Option<&'b str> {
        let stop = end.max(start.saturating_add(Self::SPAN)).min(buf.len());
        let bytes = &buf[start..stop];
        // `compat` stops at the first invalid byte (`basic` would check the whole span
        // first), so invalid input costs no more than valid input.
        let text = match simdutf8::compat::from_utf8(bytes) {
            Ok(text) => text,
            // The valid prefix, validated again (rare: invalid input, or a character cut at
            // `stop`).
            Err(err) => utf8(&bytes[..err.valid_up_to()]).unwrap_or_default(),
        };
        *self = Checked { start, text };
        self.get(start, end)
    }

    /// `buf[start..end]` when the stretch covers it.
    #[inline]
    fn get(&self, start: usize, end: usize) -> Option<&'b str> {
        let from = start.checked_sub(self.start)?;
        let to = end.checked_sub(self.start)?;
        self.text.get(from..to)
    }
}

impl<'b> Validate<'b> for Checked<'b> {
    /// The line sliced from the stretch, which is first renewed from `start` when it does
    /// not cover the line. `None` when the line holds invalid UTF-8 (or, never in practice,
    /// is not on character boundaries).
    #[inline]
    fn line(&mut self, buf: &'b [u8], start: usize, end: usize) -> Option<&'b str> {
        match self.get(start, end) {
            Some(text) => Some(text),
            None => self.renew(buf, start, end),
        }
    }
}

/// How [`State::advance`] gets a line's text: each line validated on its own
/// ([`PerLine`]), or sliced from a longer stretch validated at once ([`Checked`]).
pub(super) trait Validate<'b> {
    /// The line `buf[start..end]` as text, or `None` for "validate it on its own".
    fn line(&mut self, buf: &'b [u8], start: usize, end: usize) -> Option<&'b str>;
}

/// Each line validated on its own: for a buffer that changes between calls.
pub(super) struct PerLine;

impl<'b> Validate<'b> for PerLine {
    #[inline]
    fn line(&mut self, _: &'b [u8], _: usize, _: usize) -> Option<&'b str> {
        None
    }
}

/// How lines are being skipped after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Skip {
    /// Not skipping.
    None,
    /// The rest of a too-long line, then [`Skip::UntilBlank`].
    RestOfLine,
    /// Every line up to and including the next blank line.
    UntilBlank,
}

/// Counters proving the cost model in tests.
#[cfg(test)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Stats {
    pub(super) scanned: u64,
    pub(super) moved: u64,
}

/// Everything but the input buffer, so that the buffer can be borrowed while the state changes.
#[derive(Debug, Clone)]
pub(super) struct State {
    pub(super) config: Config,
    /// Stream offset of `buf[0]`.
    pub(super) base: u64,
    /// Start of the first unconsumed line in `buf`. Invariant: `pos <= scan <= buf.len()`.
    pub(super) pos: usize,
    /// Where the search for the next line end resumes.
    pub(super) scan: usize,
    /// The last line ended with a CR at the end of the buffer: an LF starting the next input
    /// belongs to that line end.
    pub(super) after_cr: bool,
    /// At the start of a stream: a byte order mark may follow.
    pub(super) bom_pending: bool,
    pub(super) skip: Skip,

    /// Number of `data` lines in the event in progress (0: none, not dispatched).
    pub(super) data_lines: usize,
    /// Size of the event's data in input bytes, as [`Config::max_event_size`] counts it.
    pub(super) data_len: usize,
    /// The event in progress has a non-empty `event` field, held in `event_type`.
    pub(super) typed: bool,
    /// A valid `retry` field of the event in progress.
    pub(super) block_retry: Option<u64>,
    /// Stream offset of the first field line of the event in progress.
    pub(super) block_start: Option<u64>,
    /// Stream offset of the first field line of the event dispatched last.
    pub(super) dispatched_start: u64,
    /// Joined data of the event in progress (or lossily decoded data of the current event).
    pub(super) data: String,
    pub(super) event_type: String,
    /// A lossily decoded comment.
    pub(super) comment: String,

    /// The last event id buffer of the spec; empty means none.
    pub(super) last_event_id: String,
    /// The reconnection time last set by a `retry` field.
    pub(super) retry: Option<u64>,

    #[cfg(test)]
    pub(super) stats: Stats,
}

impl State {
    pub(super) fn new(config: Config) -> Self {
        Self {
            config,
            base: 0,
            pos: 0,
            scan: 0,
            after_cr: false,
            bom_pending: true,
            skip: Skip::None,
            data_lines: 0,
            data_len: 0,
            typed: false,
            block_retry: None,
            block_start: None,
            dispatched_start: 0,
            data: String::new(),
            event_type: String::new(),
            comment: String::new(),
            last_event_id: String::new(),
            retry: None,
            #[cfg(test)]
            stats: Stats::default(),
        }
    }

    /// Everything but configuration, last event id, retry and the buffers' capacity back to
    /// the start of a stream.
    pub(super) fn restart(&mut self) {
        self.base = 0;
        self.pos = 0;
        self.scan = 0;
        self.after_cr = false;
        self.bom_pending = true;
        self.skip = Skip::None;
        self.end_block();
    }

    /// Processes lines until an event (or a comment, when wanted) is complete, or until the
    /// buffer holds no further complete line.
    ///
    /// `checked` gives each line's text: sliced from a stretch of `buf` validated at once,
    /// kept by a caller that reads the same `buf` across calls ([`Checked`]), or validated on
    /// its own ([`PerLine`]).
    ///
    /// `advance`, `line` and `data_line` are inlined into each caller, so that what they
    /// find (`Out`, the largest value here) is not written to memory and read back at each
    /// return: framing read in place measured about 14 % faster so (with a harness outside
    /// the repository; BENCHMARKS.md, "Framing").
    #[inline(always)]
    pub(super) fn advance<'b>(
        &mut self,
        buf: &'b [u8],
        checked: &mut impl Validate<'b>,
        want_comments: bool,
    ) -> Result<Out<'b>, Error> {
        loop {
            if self.after_cr {
                match buf.get(self.pos) {
                    None => return Ok(Out::NeedMore),
                    Some(&byte) => {
                        if byte == b'\n' {
                            self.pos += 1;
                            self.scan = self.scan.max(self.pos);
                        }
                        self.after_cr = false;
                    }
                }
            }
            if self.bom_pending {
                let available = &buf[self.pos..];
                if available.len() < BOM.len() && BOM.starts_with(available) {
                    return Ok(Out::NeedMore);
                }
                if available.starts_with(BOM) {
                    self.pos += BOM.len();
                    self.scan = self.scan.max(self.pos);
                }
                self.bom_pending = false;
            }

            let Some(found) = memchr2(b'\n', b'\r', &buf[self.scan..]) else {
                #[cfg(test)]
                {
                    self.stats.scanned += (buf.len() - self.scan) as u64;
                }
                self.scan = buf.len();
                self.partial_line(buf.len())?;
                return Ok(Out::NeedMore);
            };
            #[cfg(test)]
            {
                self.stats.scanned += found as u64 + 1;
            }
            let end = self.scan + found;
            let start = self.pos;
            self.pos = self.line_end(buf, end);
            self.scan = self.pos;
            if let Some(out) = self.line(buf, start, end, checked, want_comments)? {
                return Ok(out);
            }
        }
    }

    /// The index after the line end starting at `buf[end]` (a CR or an LF).
    fn line_end(&mut self, buf: &[u8], end: usize) -> usize {
        if buf[end] != b'\r' {
            return end + 1;
        }
        match buf.get(end + 1) {
            Some(b'\n') => end + 2,
            Some(_) => end + 1,
            None => {
                self.after_cr = true;
                end + 1
            }
        }
    }

    /// Enforces the line limit on the unterminated line `buf[pos..len]`.
    fn partial_line(&mut self, len: usize) -> Result<(), Error> {
        let max = self.config.max_line_length();
        let too_long = len - self.pos > max;
        match self.skip {
            Skip::RestOfLine => {
                self.pos = len;
                Ok(())
            }
            _ if !too_long => Ok(()),
            Skip::UntilBlank => {
                self.pos = len;
                self.skip = Skip::RestOfLine;
                Ok(())
            }
            Skip::None => {
                let line_start = self.offset(self.pos);
                self.pos = len;
                Err(self.fail(
                    ErrorKind::LineTooLong,
                    line_start,
                    line_start,
                    max,
                    Skip::RestOfLine,
                ))
            }
        }
    }

    /// Processes the complete line `buf[start..end]`; `self.pos` is already past its line end.
    #[inline(always)]
    fn line<'b>(
        &mut self,
        buf: &'b [u8],
        start: usize,
        end: usize,
        checked: &mut impl Validate<'b>,
        want_comments: bool,
    ) -> Result<Option<Out<'b>>, Error> {
        match self.skip {
            Skip::None => {}
            Skip::RestOfLine => {
                self.skip = Skip::UntilBlank;
                return Ok(None);
            }
            Skip::UntilBlank => {
                if start == end {
                    self.skip = Skip::None;
                    self.end_block();
                }
                return Ok(None);
            }
        }
        if start == end {
            return Ok(self.blank_line());
        }

        let line = &buf[start..end];
        let line_start = self.offset(start);
        let max = self.config.max_line_length();
        if line.len() > max {
            return Err(self.fail(
                ErrorKind::LineTooLong,
                line_start,
                line_start,
                max,
                Skip::UntilBlank,
            ));
        }
        let checked = match (checked.line(buf, start, end), self.config.utf8_mode()) {
            (Some(text), _) => Some(text),
            (None, Utf8Mode::Replace) => None,
            (None, Utf8Mode::Strict) => match utf8(line) {
                Ok(text) => Some(text),
                Err(err) => {
                    let at = line_start + err.valid_up_to() as u64;
                    return Err(self.fail(
                        ErrorKind::InvalidUtf8,
                        at,
                        line_start,
                        0,
                        Skip::UntilBlank,
                    ));
                }
            },
        };

        if line[0] == b':' {
            if !want_comments {
                return Ok(None);
            }
            let text = decode(&line[1..], value_str(checked, 1), &mut self.comment);
            return Ok(Some(Out::Comment(text)));
        }

        self.block_start.get_or_insert(line_start);
        if line.starts_with(b"data:") {
            let vstart = value_start(line, 5);
            return self.data_line(buf, line_start, &line[vstart..], value_str(checked, vstart));
        }
        let (name, vstart) = match memchr(b':', line) {
            Some(colon) => (&line[..colon], value_start(line, colon + 1)),
            None => (line, line.len()),
        };
        let value = &line[vstart..];
        match name {
            b"data" => return self.data_line(buf, line_start, value, value_str(checked, vstart)),
            b"event" => {
                self.typed = !value.is_empty();
                store(&mut self.event_type, value, value_str(checked, vstart));
            }
            // An id containing NUL is ignored.
            b"id" if memchr(0, value).is_none() => {
                store(&mut self.last_event_id, value, value_str(checked, vstart));
            }
            b"retry" => {
                if let Some(millis) = parse_retry(value) {
                    self.block_retry = Some(millis);
                    self.retry = Some(millis);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// Processes a `data` line whose value is `value`. Dispatches at once, borrowing the value,
    /// when it is the event's only data line and its blank line follows in the buffer.
    #[inline(always)]
    fn data_line<'b>(
        &mut self,
        buf: &'b [u8],
        line_start: u64,
        value: &'b [u8],
        checked: Option<&'b str>,
    ) -> Result<Option<Out<'b>>, Error> {
        let size = if self.data_lines == 0 {
            value.len()
        } else {
            self.data_len.saturating_add(1).saturating_add(value.len())
        };
        let max = self.config.max_event_size();
        if size > max {
            return Err(self.fail(
                ErrorKind::EventTooLarge,
                line_start,
                line_start,
                max,
                Skip::UntilBlank,
            ));
        }
        if self.data_lines == 0 {
            if let Some(next) = self.blank_line_at_pos(buf) {
                self.pos = next;
                self.scan = next;
                let text = decode(value, checked, &mut self.data);
                return Ok(Some(self.dispatch(text)));
            }
            self.data.clear();
        } else {
            self.data.push('\n');
        }
        match checked {
            Some(text) => self.data.push_str(text),
            None => push_lossy(&mut self.data, value),
        }
        self.data_lines += 1;
        self.data_len = size;
        Ok(None)
    }

    /// When a blank line starts at `pos`, the index after it. (After a CR that ended the
    /// buffer, `pos` is the buffer's end, so a pending LF is never mistaken for a blank line.)
    fn blank_line_at_pos(&mut self, buf: &[u8]) -> Option<usize> {
        match buf.get(self.pos)? {
            b'\n' => Some(self.pos + 1),
            b'\r' => Some(self.line_end(buf, self.pos)),
            _ => None,
        }
    }

    /// A blank line: dispatch the event in progress if it has data.
    fn blank_line<'b>(&mut self) -> Option<Out<'b>> {
        if self.data_lines > 0 {
            Some(self.dispatch(Text::Scratch))
        } else {
            self.end_block();
            None
        }
    }

    fn dispatch<'b>(&mut self, data: Text<'b>) -> Out<'b> {
        self.dispatched_start = self.block_start.unwrap_or(self.base + self.pos as u64);
        let out = Out::Event {
            data,
            typed: self.typed,
            retry: self.block_retry,
        };
        self.end_block();
        out
    }

    /// Forgets the event in progress (its text stays in the scratch buffers, where a dispatched
    /// event may still borrow it).
    fn end_block(&mut self) {
        self.data_lines = 0;
        self.data_len = 0;
        self.typed = false;
        self.block_retry = None;
        self.block_start = None;
    }

    /// Discards the event in progress and starts skipping; `line_start` is where the offending
    /// line starts, `offset` where the error is.
    fn fail(
        &mut self,
        kind: ErrorKind,
        offset: u64,
        line_start: u64,
        limit: usize,
        skip: Skip,
    ) -> Error {
        let block_start = self.block_start.unwrap_or(line_start);
        self.end_block();
        self.block_start = Some(block_start);
        self.skip = skip;
        Error::new(kind, offset, limit)
    }

    /// Turns what [`advance`](Self::advance) found into an item borrowing the buffers.
    pub(super) fn item<'a>(&'a self, out: Out<'a>) -> Option<Item<'a>> {
        match out {
            Out::NeedMore => None,
            Out::Event { data, typed, retry } => {
                let data = match data {
                    Text::Borrowed(text) => text,
                    Text::Scratch => &self.data,
                };
                let event_type = if typed {
                    &self.event_type
                } else {
                    DEFAULT_EVENT_TYPE
                };
                Some(Item::Event(
                    Event::new(data)
                        .with_event_type(event_type)
                        .with_id(non_empty(&self.last_event_id))
                        .with_retry(retry),
                ))
            }
            Out::Comment(text) => Some(Item::Comment(match text {
                Text::Borrowed(text) => text,
                Text::Scratch => &self.comment,
            })),
        }
    }

    /// What [`Decoder::finish`](super::Decoder::finish) reports for a buffer of `len` bytes.
    pub(super) fn finish_report(&self, len: usize) -> Finish {
        let total = self.base + len as u64;
        let unconsumed = len > self.pos;
        let start = match self.block_start {
            Some(start) => start,
            None if unconsumed => self.offset(self.pos),
            None => return Finish::Clean,
        };
        Finish::Discarded(Discarded {
            offset: start,
            len: total - start,
            has_data: self.data_lines > 0,
            ends_mid_line: unconsumed || self.skip == Skip::RestOfLine,
        })
    }

    /// The stream offset of `buf[index]`.
    const fn offset(&self, index: usize) -> u64 {
        self.base + index as u64
    }
}

/// The index of a field value that starts at `index`: one leading space is stripped.
fn value_start(line: &[u8], index: usize) -> usize {
    if line.get(index) == Some(&b' ') {
        index + 1
    } else {
        index
    }
}

/// The value of an already validated line, from byte `index` on.
fn value_str(checked: Option<&str>, index: usize) -> Option<&str> {
    // `index` follows an ASCII byte (':' or ' ') or is the line's end, so it is a character
    // boundary and `get` always succeeds; the fallback is never taken.
    checked.map(|line| line.get(index..).unwrap_or_default())
}

/// Borrows `bytes` as text when valid, else decodes them lossily into `scratch`.
fn decode<'b>(bytes: &'b [u8], checked: Option<&'b str>, scratch: &mut String) -> Text<'b> {
    if let Some(text) = checked {
        return Text::Borrowed(text);
    }
    match utf8(bytes) {
        Ok(text) => Text::Borrowed(text),
        Err(_) => {
            scratch.clear();
            push_lossy(scratch, bytes);
            Text::Scratch
        }
    }
}

/// `bytes` as text when they are valid UTF-8, else the standard error (with the position of the
/// first invalid byte). Validation is the decoder's largest per-byte cost, so valid input (the
/// common case) is checked with SIMD; only invalid input is checked again, to find the position.
pub(super) fn utf8(bytes: &[u8]) -> Result<&str, str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => str::from_utf8(bytes),
    }
}

/// Replaces the contents of `dst` by the text of `bytes`.
fn store(dst: &mut String, bytes: &[u8], checked: Option<&str>) {
    dst.clear();
    match checked {
        Some(text) => dst.push_str(text),
        None => push_lossy(dst, bytes),
    }
}

/// Appends `bytes` to `dst`, each maximal invalid UTF-8 sequence replaced by U+FFFD.
fn push_lossy(dst: &mut String, bytes: &[u8]) {
    if let Ok(text) = utf8(bytes) {
        dst.push_str(text);
        return;
    }
    for chunk in bytes.utf8_chunks() {
        dst.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            dst.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// A `retry` value: ASCII digits only (at least one), fitting in a `u64`.
fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |acc, &byte| {
        if !byte.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(byte - b'0'))
    })
}

pub(super) fn non_empty(text: &str) -> Option<&str> {
    if text.is_empty() {
        None
    } else {
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of `len` bytes (line end included) starting at every multiple of `len`.
    fn lines(count: usize, len: usize, fill: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..count {
            let mut line = String::new();
            while line.len() + fill.len() < len {
                line.push_str(fill);
            }
            while line.len() < len - 1 {
                line.push('.');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    #[test]
    fn a_stretch_serves_the_lines_after_the_first() {
        let buf = lines(100, 100, "你好");
        let mut checked = Checked::default();
        let first = checked.line(&buf, 0, 99).unwrap();
        assert_eq!(first.as_bytes(), &buf[..99]);
        assert_eq!(
            checked.text.len(),
            buf.len(),
            "the whole buffer in one stretch"
        );
        let stretch = checked.text.as_ptr();
        for i in 1..100 {
            let line = checked.line(&buf, i * 100, i * 100 + 99).unwrap();
            assert_eq!(line.as_bytes(), &buf[i * 100..i * 100 + 99]);
        }
        assert_eq!(checked.text.as_ptr(), stretch, "no stretch renewed");
    }

    #[test]
    fn a_stretch_spans_at_most_its_size_or_the_line() {
        let buf = lines(3, Checked::SPAN * 2, "a");
        let mut checked = Checked::default();
        let end = Checked::SPAN * 2 - 1;
        assert!(checked.line(&buf, 0, end).is_some());
        assert_eq!(
            checked.text.len(),
            end.max(Checked::SPAN),
            "a line longer than SPAN"
        );
        let buf = lines(400, 100, "a");
        let mut checked = Checked::default();
        assert!(checked.line(&buf, 0, 99).is_some());
        assert_eq!(checked.text.len(), Checked::SPAN);
    }

    #[test]
    fn a_character_cut_at_the_stretch_end_is_read_from_the_next_stretch() {
        // A two-byte line, then three-byte characters from byte 3 on: the stretch ends in
        // the middle of one, as SPAN - 3 is not a multiple of 3.
        assert_ne!((Checked::SPAN - 3) % 3, 0);
        let mut buf = b"ab\n".to_vec();
        let line = "你".repeat(Checked::SPAN / 3 + 100);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        let mut checked = Checked::default();
        assert_eq!(checked.line(&buf, 0, 2), Some("ab"));
        assert!(
            checked.text.len() < Checked::SPAN,
            "the cut character is left out"
        );
        assert!(checked.text.len() > Checked::SPAN - 4);
        let end = buf.len() - 1;
        assert_eq!(checked.line(&buf, 3, end), Some(line.as_str()));
        assert_eq!(checked.start, 3, "renewed from the line's start");
    }

    #[test]
    fn a_stretch_ends_before_an_invalid_byte() {
        let mut buf = lines(10, 100, "é");
        buf[550] = 0xFF;
        let mut checked = Checked::default();
        for i in 0..5 {
            assert!(checked.line(&buf, i * 100, i * 100 + 99).is_some());
        }
        assert_eq!(checked.text.len(), 550);
        // The line holding the invalid byte is not text; the lines after it are.
        assert_eq!(checked.line(&buf, 500, 599), None);
        for i in 6..10 {
            let line = checked.line(&buf, i * 100, i * 100 + 99).unwrap();
            assert_eq!(line.as_bytes(), &buf[i * 100..i * 100 + 99]);
        }
        assert_eq!(checked.start, 600);
    }

    #[test]
    fn per_line_leaves_validation_to_the_line() {
        assert_eq!(PerLine.line(b"data: x\n", 0, 7), None);
    }

    #[test]
    fn retry_parsing() {
        assert_eq!(parse_retry(b"0"), Some(0));
        assert_eq!(parse_retry(b"1500"), Some(1500));
        assert_eq!(parse_retry(b""), None);
        assert_eq!(parse_retry(b" 1"), None);
        assert_eq!(parse_retry(b"1a"), None);
        assert_eq!(parse_retry(b"-1"), None);
        assert_eq!(parse_retry(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_retry(b"18446744073709551616"), None);
    }
}
