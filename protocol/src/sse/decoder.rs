//! [`Decoder`]: the sans-IO, incremental `text/event-stream` decoder.

use std::str;

use memchr::{memchr, memchr2};

use super::config::{Config, Utf8Mode};
use super::error::{Error, ErrorKind};
use super::event::{Event, Item, DEFAULT_EVENT_TYPE};
use super::finish::{Discarded, Finish};

/// The UTF-8 byte order mark, stripped once from the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Spare room the input buffer may keep beyond `max_line_length` + twice the current chunk,
/// so that a stream of similar chunks reaches a stable capacity and stops allocating.
const BUFFER_SLACK: usize = 64 * 1024;

/// A sans-IO, incremental decoder of `text/event-stream`, exact to the WHATWG HTML "event
/// stream interpretation" rules.
///
/// The decoder owns no socket and no runtime: you give it bytes as they arrive, in pieces of any
/// size, and pull events out. Events borrow from the decoder, so the borrow checker enforces the
/// call order below.
///
/// # Call order
///
/// 1. Create a decoder with [`Decoder::new`] or [`Decoder::with_config`].
/// 2. Give it the bytes you have with [`feed`](Self::feed) (one byte or megabytes; a line end,
///    a UTF-8 character or the byte order mark may be split anywhere).
/// 3. Call [`next_event`](Self::next_event) (or [`next_item`](Self::next_item) to see comment
///    lines too) until it returns `Ok(None)`, which means "feed more". Use or
///    [`into_owned`](Event::into_owned) each event before the next call. On `Err`, decide
///    whether to stop; the decoder can go on (see [`Error`]).
/// 4. Go back to step 2 while input arrives.
/// 5. At the end of the input, call [`finish`](Self::finish): it reports whether the stream
///    ended cleanly or inside an event that was therefore discarded, and readies the decoder
///    for a reconnection (keeping [`last_event_id`](Self::last_event_id)).
///
/// # Example
///
/// ```
/// use chatwire::sse::Decoder;
///
/// let mut decoder = Decoder::new();
/// let mut received = Vec::new();
/// for chunk in [&b"data: {\"a\":1}\n\nevent: ping\nda"[..], b"ta: x\ndata: y\n\nid: 9\n", b"data: z\r\n\r\n"] {
///     decoder.feed(chunk);
///     while let Some(event) = decoder.next_event()? {
///         received.push((event.event_type().to_owned(), event.data().to_owned(), event.id().map(str::to_owned)));
///     }
/// }
/// assert!(decoder.finish().is_clean());
/// assert_eq!(received, [
///     ("message".to_owned(), "{\"a\":1}".to_owned(), None),
///     ("ping".to_owned(), "x\ny".to_owned(), None),
///     ("message".to_owned(), "z".to_owned(), Some("9".to_owned())),
/// ]);
/// # Ok::<(), chatwire::sse::Error>(())
/// ```
///
/// # Cost
///
/// Line ends are found with `memchr2`, resuming where the previous search stopped, so no byte is
/// searched twice however the input is split; consumed bytes are dropped once per `feed`, not
/// once per line. Time is linear in the input in every shape (one huge line in small pieces,
/// or many small events in one piece). An event whose only `data` line is directly followed by
/// its blank line in the buffer (the usual shape) borrows its data from the input buffer: no
/// copy, and no allocation once the buffers have grown to the stream's chunk size.
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    /// Input not yet dropped; `st.pos..` is not yet consumed.
    buf: Vec<u8>,
    st: State,
}

impl Decoder {
    /// A decoder with the default [`Config`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits and UTF-8 policy.
    pub fn with_config(config: Config) -> Self {
        Self {
            buf: Vec::new(),
            st: State::new(config),
        }
    }

    /// The configuration.
    pub const fn config(&self) -> &Config {
        &self.st.config
    }

    /// Appends input. Call [`next_event`](Self::next_event) until `Ok(None)` afterwards.
    ///
    /// Bytes already consumed are dropped here, once per call. The decoder buffers what it is
    /// given until `next_event` consumes it, so feed chunks of a bounded size (what one read
    /// returns) and drain between feeds; see [`Config`] for the resulting memory bound.
    pub fn feed(&mut self, input: &[u8]) {
        self.compact();
        self.reserve(input.len());
        self.buf.extend_from_slice(input);
    }

    /// The next event, skipping comment lines.
    ///
    /// # Termination
    ///
    /// Returns `Ok(None)` when the buffered input holds no further complete event: feed more,
    /// or call [`finish`](Self::finish) at the end of the input. Each call consumes input, so a
    /// loop calling `next_event` until `Ok(None)` (or an error you stop on) terminates.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::LineTooLong`]: a line (complete, or still arriving) is longer than
    ///   [`Config::max_line_length`];
    /// - [`ErrorKind::EventTooLarge`]: an event's data is larger than
    ///   [`Config::max_event_size`];
    /// - [`ErrorKind::InvalidUtf8`]: a line is not UTF-8 ([`Utf8Mode::Strict`] only).
    ///
    /// Every error is recoverable: the event in progress is discarded, the decoder skips to the
    /// next blank line, and the next call goes on from there (see [`Error`]).
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        let out = self.st.advance(&self.buf, false)?;
        Ok(match self.st.item(out) {
            Some(Item::Event(event)) => Some(event),
            _ => None,
        })
    }

    /// The next event or comment line: [`next_event`](Self::next_event) for callers who want
    /// to see comments, such as keep-alives.
    ///
    /// # Termination
    ///
    /// As for [`next_event`](Self::next_event): `Ok(None)` means "feed more".
    ///
    /// # Errors
    ///
    /// As for [`next_event`](Self::next_event).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::sse::{Decoder, Item};
    ///
    /// let mut decoder = Decoder::new();
    /// decoder.feed(b": keep-alive\n\ndata: hi\n\n");
    /// assert_eq!(decoder.next_item()?, Some(Item::Comment(" keep-alive")));
    /// match decoder.next_item()? {
    ///     Some(Item::Event(event)) => assert_eq!(event.data(), "hi"),
    ///     other => panic!("expected an event, got {other:?}"),
    /// }
    /// assert_eq!(decoder.next_item()?, None);
    /// # Ok::<(), chatwire::sse::Error>(())
    /// ```
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, Error> {
        let out = self.st.advance(&self.buf, true)?;
        Ok(self.st.item(out))
    }

    /// Ends the input: reports whether it ended cleanly, and readies the decoder for the next
    /// stream (a reconnection).
    ///
    /// Drain [`next_event`](Self::next_event) until `Ok(None)` first: bytes it has not
    /// consumed count as discarded. An event the stream ends inside of (no blank line after
    /// it) is discarded, as the spec requires, and reported as [`Finish::Discarded`]; so is an
    /// unterminated last line (which is never processed: an unterminated `id` line does not
    /// set the id).
    ///
    /// Afterwards the decoder is as new (empty buffers, offsets from 0, a byte order mark
    /// expected again), except that it keeps its configuration, its
    /// [`last_event_id`](Self::last_event_id) and its [`retry`](Self::retry), which the spec
    /// carries over to a reconnection.
    ///
    /// # Termination
    ///
    /// Returns at once; it does not look for further events.
    pub fn finish(&mut self) -> Finish {
        let report = self.st.finish_report(self.buf.len());
        self.buf.clear();
        self.st.restart();
        report
    }

    /// Forgets everything but the configuration (and the buffers' capacity): the decoder is as
    /// new, last event id and retry included.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.st.restart();
        self.st.last_event_id.clear();
        self.st.retry = None;
    }

    /// The last event id in effect (what a reconnection sends as `Last-Event-ID`), `None`
    /// when no `id` field has set one or an empty one cleared it. See [`Event::id`].
    pub fn last_event_id(&self) -> Option<&str> {
        non_empty(&self.st.last_event_id)
    }

    /// The reconnection time in milliseconds most recently set by a valid `retry` field, in
    /// any event (dispatched or not), if any.
    pub const fn retry(&self) -> Option<u64> {
        self.st.retry
    }

    /// The number of bytes consumed since the start of the stream: the stream offset of the
    /// first byte not yet part of a processed line.
    pub const fn total_consumed(&self) -> u64 {
        self.st.base + self.st.pos as u64
    }

    /// The number of bytes fed but not yet consumed (a partial line, or lines not yet pulled).
    pub fn buffered_len(&self) -> usize {
        self.buf.len() - self.st.pos
    }

    /// The heap memory the decoder holds, in bytes: the capacity of its input buffer and of
    /// its text buffers. Bounded as [`Config`] describes.
    pub fn heap_capacity(&self) -> usize {
        self.buf.capacity()
            + self.st.data.capacity()
            + self.st.event_type.capacity()
            + self.st.comment.capacity()
            + self.st.last_event_id.capacity()
    }

    /// Drops the consumed prefix of the buffer.
    fn compact(&mut self) {
        let consumed = self.st.pos;
        if consumed == 0 {
            return;
        }
        let len = self.buf.len();
        if consumed >= len {
            self.buf.clear();
        } else {
            self.buf.copy_within(consumed.., 0);
            self.buf.truncate(len - consumed);
            #[cfg(test)]
            {
                self.st.stats.moved += (len - consumed) as u64;
            }
        }
        self.st.base += consumed as u64;
        self.st.scan -= consumed;
        self.st.pos = 0;
    }

    /// Makes room for `additional` bytes: doubling (amortised), but not past what a partial
    /// line of the maximum length plus this chunk needs, so the capacity settles near
    /// `max_line_length` + the chunk size instead of doubling past it. A buffer left far too
    /// large by one huge chunk is shrunk back.
    fn reserve(&mut self, additional: usize) {
        let len = self.buf.len();
        let cap = self.buf.capacity();
        let needed = len.saturating_add(additional);
        let soft_cap = self
            .st
            .config
            .max_line_length()
            .saturating_add(additional.saturating_mul(2))
            .saturating_add(BUFFER_SLACK);
        if needed <= cap {
            if cap / 4 > soft_cap.max(needed) {
                self.buf.shrink_to(soft_cap.max(needed));
            }
            return;
        }
        let doubled = cap.saturating_mul(2);
        let target = if needed <= soft_cap {
            needed.max(doubled.min(soft_cap))
        } else {
            needed.max(doubled)
        };
        self.buf.reserve_exact(target - len);
    }

    /// Bytes searched for line ends and bytes moved by compaction, since creation.
    #[cfg(test)]
    fn stats(&self) -> Stats {
        self.st.stats
    }
}

/// Where the rest of an event comes from after a line is processed.
enum Out<'b> {
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
enum Text<'b> {
    Borrowed(&'b str),
    Scratch,
}

/// How lines are being skipped after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Skip {
    /// Not skipping.
    #[default]
    None,
    /// The rest of a too-long line, then [`Skip::UntilBlank`].
    RestOfLine,
    /// Every line up to and including the next blank line.
    UntilBlank,
}

/// Counters proving the cost model in tests.
#[cfg(test)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stats {
    scanned: u64,
    moved: u64,
}

/// Everything but the input buffer, so that the buffer can be borrowed while the state changes.
#[derive(Debug, Clone, Default)]
struct State {
    config: Config,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Start of the first unconsumed line in `buf`. Invariant: `pos <= scan <= buf.len()`.
    pos: usize,
    /// Where the search for the next line end resumes.
    scan: usize,
    /// The last line ended with a CR at the end of the buffer: an LF starting the next input
    /// belongs to that line end.
    after_cr: bool,
    /// At the start of a stream: a byte order mark may follow.
    bom_pending: bool,
    skip: Skip,

    /// Number of `data` lines in the event in progress (0: none, not dispatched).
    data_lines: usize,
    /// Size of the event's data in input bytes, as [`Config::max_event_size`] counts it.
    data_len: usize,
    /// The event in progress has a non-empty `event` field, held in `event_type`.
    typed: bool,
    /// A valid `retry` field of the event in progress.
    block_retry: Option<u64>,
    /// Stream offset of the first field line of the event in progress.
    block_start: Option<u64>,
    /// Joined data of the event in progress (or lossily decoded data of the current event).
    data: String,
    event_type: String,
    /// A lossily decoded comment.
    comment: String,

    /// The last event id buffer of the spec; empty means none.
    last_event_id: String,
    /// The reconnection time last set by a `retry` field.
    retry: Option<u64>,

    #[cfg(test)]
    stats: Stats,
}

impl State {
    fn new(config: Config) -> Self {
        Self {
            config,
            bom_pending: true,
            ..Self::default()
        }
    }

    /// Everything but configuration, last event id, retry and the buffers' capacity back to
    /// the start of a stream.
    fn restart(&mut self) {
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
    fn advance<'b>(&mut self, buf: &'b [u8], want_comments: bool) -> Result<Out<'b>, Error> {
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
            if let Some(out) = self.line(buf, start, end, want_comments)? {
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
    fn line<'b>(
        &mut self,
        buf: &'b [u8],
        start: usize,
        end: usize,
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
        let checked = match self.config.utf8_mode() {
            Utf8Mode::Replace => None,
            Utf8Mode::Strict => match str::from_utf8(line) {
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
    fn item<'a>(&'a self, out: Out<'a>) -> Option<Item<'a>> {
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

    /// What [`Decoder::finish`] reports for a buffer of `len` bytes.
    fn finish_report(&self, len: usize) -> Finish {
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
    match str::from_utf8(bytes) {
        Ok(text) => Text::Borrowed(text),
        Err(_) => {
            scratch.clear();
            push_lossy(scratch, bytes);
            Text::Scratch
        }
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

fn non_empty(text: &str) -> Option<&str> {
    if text.is_empty() {
        None
    } else {
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(decoder: &mut Decoder) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(event) = decoder.next_event().unwrap() {
            out.push(event.data().to_owned());
        }
        out
    }

    #[test]
    fn huge_line_in_small_pieces_is_scanned_and_moved_once() {
        let line_len = 8 << 20;
        let config = Config::new()
            .with_max_line_length(line_len + 16)
            .with_max_event_size(line_len + 16);
        let mut input = b"data: ".to_vec();
        input.resize(line_len, b'x');
        input.extend_from_slice(b"\n\n");
        let total = input.len() as u64;

        let mut decoder = Decoder::with_config(config);
        let mut events = 0;
        for piece in input.chunks(1460) {
            decoder.feed(piece);
            while let Some(event) = decoder.next_event().unwrap() {
                assert_eq!(event.data().len(), line_len - 6);
                events += 1;
            }
        }
        assert_eq!(events, 1);
        let stats = decoder.stats();
        assert!(stats.scanned <= total, "{stats:?} for {total} bytes");
        // The partial line is compacted to the front once; afterwards it stays there.
        assert!(stats.moved <= 1460, "{stats:?}");
        assert!(decoder.finish().is_clean());
    }

    #[test]
    fn many_small_events_in_one_piece_or_one_at_a_time() {
        let one = b"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";
        let count = 100_000;
        let input = one.repeat(count);
        let total = input.len() as u64;

        let mut whole = Decoder::new();
        whole.feed(&input);
        assert_eq!(drain(&mut whole).len(), count);
        let stats = whole.stats();
        assert!(stats.scanned <= total, "{stats:?}");
        assert_eq!(stats.moved, 0);

        let mut piecewise = Decoder::new();
        for event in input.chunks(one.len()) {
            piecewise.feed(event);
            assert_eq!(drain(&mut piecewise).len(), 1);
        }
        let stats = piecewise.stats();
        assert!(stats.scanned <= total, "{stats:?}");
        assert_eq!(stats.moved, 0);
    }

    #[test]
    fn odd_pieces_never_rescan() {
        let input = b"event: a\r\ndata: 1\rdata: 2\n\r\n: c\n\nid: 7\ndata\n\n".repeat(1000);
        let total = input.len() as u64;
        for size in [1, 2, 3, 7, 64, 1460] {
            let mut decoder = Decoder::new();
            let mut events = 0;
            for piece in input.chunks(size) {
                decoder.feed(piece);
                while decoder.next_item().unwrap().is_some() {
                    events += 1;
                }
            }
            assert_eq!(events, 3000, "piece size {size}");
            let stats = decoder.stats();
            assert!(stats.scanned <= total, "piece size {size}: {stats:?}");
            assert!(stats.moved <= total, "piece size {size}: {stats:?}");
        }
    }

    #[test]
    fn state_after_line_too_long_in_pieces() {
        let config = Config::new().with_max_line_length(10);
        let mut decoder = Decoder::with_config(config);
        decoder.feed(b"id: 1\ndata: a\ndata: 0123");
        assert!(decoder.next_event().unwrap().is_none());
        decoder.feed(b"4");
        let err = decoder.next_event().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LineTooLong);
        assert_eq!(err.offset(), 14);
        assert_eq!(err.limit(), 10);
        // The partial line was dropped: nothing of it stays buffered.
        assert_eq!(decoder.buffered_len(), 0);
        assert_eq!(decoder.st.skip, Skip::RestOfLine);
        decoder.feed(&[b'x'; 100]);
        assert!(decoder.next_event().unwrap().is_none());
        assert_eq!(decoder.buffered_len(), 0);
        // The end of the long line, then a line of the discarded event, then its blank line.
        decoder.feed(b"\ndata: lost\n\ndata: next\n\n");
        assert_eq!(drain(&mut decoder), ["next"]);
        // The id line before the error had already taken effect.
        assert_eq!(decoder.last_event_id(), Some("1"));
        assert!(decoder.finish().is_clean());
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

    #[test]
    fn buffer_capacity_settles() {
        let mut decoder = Decoder::new();
        let chunk = b"data: 0123456789\n\n".repeat(100);
        for _ in 0..1000 {
            decoder.feed(&chunk);
            drain(&mut decoder);
        }
        let cap = decoder.buf.capacity();
        for _ in 0..1000 {
            decoder.feed(&chunk);
            drain(&mut decoder);
            assert_eq!(decoder.buf.capacity(), cap);
        }
    }

    #[test]
    fn one_huge_feed_does_not_pin_its_capacity() {
        let mut decoder = Decoder::new();
        decoder.feed(&b"data: x\n\n".repeat(1 << 20));
        assert_eq!(drain(&mut decoder).len(), 1 << 20);
        decoder.feed(b"data: y\n\n");
        assert!(
            decoder.buf.capacity() < 4 << 20,
            "{}",
            decoder.buf.capacity()
        );
        assert_eq!(drain(&mut decoder), ["y"]);
    }
}
