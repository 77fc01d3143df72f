//! [`Decoder`]: the sans-IO, incremental `text/event-stream` decoder.

use alloc::vec::Vec;
use core::fmt;

use super::config::Config;
use super::decode::Decode;
use super::error::Error;
use super::event::{Event, Item};
use super::finish::Finish;
#[cfg(test)]
use super::parser::Stats;
use super::parser::{non_empty, Out, PerLine, State};

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
/// let chunks: [&[u8]; 3] = [
///     b"data: {\"a\":1}\n\nevent: ping\nda",
///     b"ta: x\ndata: y\n\nid: 9\n",
///     b"data: z\r\n\r\n",
/// ];
/// for chunk in chunks {
///     decoder.feed(chunk);
///     while let Some(event) = decoder.next_event()? {
///         received.push(format!("{} {:?} {:?}", event.event_type(), event.data(), event.id()));
///     }
/// }
/// assert!(decoder.finish().is_clean());
/// assert_eq!(received, [
///     r#"message "{\"a\":1}" None"#,
///     r#"ping "x\ny" None"#,
///     r#"message "z" Some("9")"#,
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
#[derive(Clone)]
pub struct Decoder {
    /// Input not yet dropped; `st.pos..` is not yet consumed.
    buf: Vec<u8>,
    st: State,
}

impl Decoder {
    /// A decoder with the default [`Config`].
    pub fn new() -> Self {
        Self::with_config(Config::new())
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
    /// or call [`finish`](Self::finish) at the end of the input. A call that returns an event
    /// or an error has consumed at least one line, so a loop calling `next_event` until
    /// `Ok(None)` terminates, whether it stops on errors or goes on after them.
    ///
    /// # Errors
    ///
    /// - [`LineTooLong`](super::ErrorKind::LineTooLong): a line (complete, or still
    ///   arriving) is longer than [`Config::max_line_length`];
    /// - [`EventTooLarge`](super::ErrorKind::EventTooLarge): an event's data is larger than
    ///   [`Config::max_event_size`];
    /// - [`InvalidUtf8`](super::ErrorKind::InvalidUtf8): a line is not UTF-8
    ///   ([`Utf8Mode::Strict`](super::Utf8Mode::Strict) only).
    ///
    /// Every error is recoverable: the event in progress is discarded, the decoder skips to the
    /// next blank line, and the next call goes on from there (see [`Error`]).
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        let out = self.st.advance(&self.buf, &mut PerLine, false)?;
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
        let out = self.st.advance(&self.buf, &mut PerLine, true)?;
        Ok(self.st.item(out))
    }

    /// [`next_item`](Self::next_item), passing over the items for which `skip` returns
    /// `true`, and giving with each event the stream offset of its first field line (with a
    /// comment, the offset where the decoder began reading).
    ///
    /// For a layer above that drops some items: the borrow checker cannot see that a loop
    /// calling `next_item` again after dropping an item is sound, so the loop lives here.
    pub(crate) fn next_item_at(
        &mut self,
        mut skip: impl FnMut(&Item<'_>) -> bool,
    ) -> Result<Option<(u64, Item<'_>)>, Error> {
        loop {
            let start = self.total_consumed();
            let out = self.st.advance(&self.buf, &mut PerLine, true)?;
            if self.st.item(out).is_some_and(|item| skip(&item)) {
                continue;
            }
            let start = match out {
                Out::Event { .. } => self.st.dispatched_start,
                Out::Comment(_) | Out::NeedMore => start,
            };
            return Ok(self.st.item(out).map(|item| (start, item)));
        }
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

    /// Reads the events of `input` in place, without copying it into the decoder first: the
    /// same events, errors and state as [`feed`](Self::feed) followed by
    /// [`next_event`](Self::next_event) until `Ok(None)`, minus one copy of the input.
    ///
    /// Only what the input leaves unread (a partial last line) is copied into the decoder,
    /// when the returned [`Decode`] is dropped. A line already in progress in the decoder is
    /// completed there first. Events borrow the input or the decoder.
    ///
    /// It is also the faster way to frame: the input does not change while it is read, so
    /// its lines are checked for UTF-8 in stretches of up to 16 KiB at a time rather than
    /// one by one (see `BENCHMARKS.md`). The result is the same: a line holding invalid
    /// UTF-8 is handled exactly as [`feed`](Self::feed) handles it.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::sse::Decoder;
    ///
    /// let mut decoder = Decoder::new();
    /// let mut data = Vec::new();
    /// for piece in [&b"data: a\n\nda"[..], b"ta: b\n", b"\ndata: c\n\n"] {
    ///     let mut events = decoder.decode(piece);
    ///     while let Some(event) = events.next_event()? {
    ///         data.push(event.data().to_owned());
    ///     }
    /// }
    /// assert_eq!(data, ["a", "b", "c"]);
    /// assert!(decoder.finish().is_clean());
    /// # Ok::<(), chatwire::sse::Error>(())
    /// ```
    pub fn decode<'d>(&'d mut self, input: &'d [u8]) -> Decode<'d> {
        Decode::new(self, input)
    }

    /// The buffer and the state, borrowed apart.
    pub(super) fn parts(&mut self) -> (&[u8], &mut State) {
        (&self.buf, &mut self.st)
    }

    /// Drops the consumed prefix of the buffer (all of it, when everything was read).
    pub(super) fn drop_consumed(&mut self) {
        self.compact();
    }

    /// After reading `input` in place (the buffer empty, the state's offsets relative to
    /// `input`): keeps what was not read, as `feed` would have.
    pub(super) fn keep_unread(&mut self, input: &[u8]) {
        let consumed = self.st.pos.min(input.len());
        self.st.base += consumed as u64;
        self.st.scan -= consumed.min(self.st.scan);
        self.st.pos = 0;
        let rest = &input[consumed..];
        self.reserve(rest.len());
        self.buf.extend_from_slice(rest);
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

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("config", &self.st.config)
            .field("total_consumed", &self.total_consumed())
            .field("buffered_len", &self.buffered_len())
            .field("last_event_id", &self.last_event_id())
            .field("retry", &self.st.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::parser::Skip;
    use crate::sse::ErrorKind;

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
    fn every_constructor_strips_a_bom() {
        let input = b"\xEF\xBB\xBFdata: a\n\n";
        for mut decoder in [
            Decoder::new(),
            Decoder::default(),
            Decoder::with_config(Config::new()),
        ] {
            decoder.feed(input);
            assert_eq!(drain(&mut decoder), ["a"]);
            // And again after `finish` and `reset`: each is a new stream.
            assert!(decoder.finish().is_clean());
            decoder.feed(input);
            assert_eq!(drain(&mut decoder), ["a"]);
            decoder.reset();
            decoder.feed(input);
            assert_eq!(drain(&mut decoder), ["a"]);
        }
    }

    #[test]
    fn debug_does_not_dump_the_buffer() {
        let mut decoder = Decoder::new();
        decoder.feed(b"id: 3\ndata: secret-payload");
        assert!(decoder.next_event().unwrap().is_none());
        let text = format!("{decoder:?}");
        assert!(text.contains("buffered_len: 20"), "{text}");
        assert!(!text.contains("secret-payload"), "{text}");
    }

    #[test]
    fn finish_keeps_the_id_and_retry_and_reset_forgets_them() {
        let mut decoder = Decoder::new();
        decoder.feed(b"id: 5\nretry: 100\ndata: a\n\n");
        assert_eq!(drain(&mut decoder), ["a"]);
        assert!(decoder.finish().is_clean());
        assert_eq!(decoder.last_event_id(), Some("5"));
        assert_eq!(decoder.retry(), Some(100));
        assert_eq!(decoder.total_consumed(), 0);
        decoder.feed(b"data: b\n\n");
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!(event.id(), Some("5"));
        assert_eq!(event.retry(), None);
        decoder.reset();
        assert_eq!(decoder.last_event_id(), None);
        assert_eq!(decoder.retry(), None);
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
