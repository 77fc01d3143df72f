//! [`Decode`]: events read straight from the caller's input, without copying it into the
//! decoder first.

use memchr::memchr2;

use super::decoder::Decoder;
use super::error::Error;
use super::event::{Event, Item};
use super::parser::{Checked, Out, PerLine, Text};

/// The events of one piece of input, read in place: see [`Decoder::decode`].
///
/// Call [`next_event`](Self::next_event) until `Ok(None)`. When it is dropped, whatever it
/// has not read (a partial last line, or the rest of the input if you stop early) is kept
/// in the decoder, exactly as [`Decoder::feed`] would have kept it.
#[derive(Debug)]
#[must_use = "events are read by calling `next_event` until `Ok(None)`"]
pub struct Decode<'d> {
    decoder: &'d mut Decoder,
    input: &'d [u8],
    /// Where the part of `input` read in place starts; `input[..start]` went to the buffer.
    start: usize,
    /// Reading `input[start..]` in place (else reading the decoder's buffer).
    in_place: bool,
    /// The stretch of `input[start..]` validated as UTF-8 so far.
    checked: Checked<'d>,
}

impl<'d> Decode<'d> {
    pub(super) fn new(decoder: &'d mut Decoder, input: &'d [u8]) -> Self {
        if decoder.buffered_len() == 0 {
            decoder.drop_consumed();
            return Decode {
                decoder,
                input,
                start: 0,
                in_place: true,
                checked: Checked::default(),
            };
        }
        // A line is in progress in the buffer: complete it there (up to and including the
        // first line end, a CRLF whole), then read the rest in place.
        // A blank line right after it goes too, so that a single-line event is still
        // handed out without copying its data again.
        let start = match memchr2(b'\n', b'\r', input) {
            None => input.len(),
            Some(end) => {
                let line = line_end(input, end);
                if line < input.len() && matches!(input[line], b'\n' | b'\r') {
                    line_end(input, line)
                } else {
                    line
                }
            }
        };
        decoder.feed(&input[..start]);
        Decode {
            decoder,
            input,
            start,
            in_place: false,
            checked: Checked::default(),
        }
    }

    /// The next event, skipping comment lines.
    ///
    /// # Termination
    ///
    /// Returns `Ok(None)` when the input holds no further complete event; drop the `Decode`
    /// and give the decoder the next piece.
    ///
    /// # Errors
    ///
    /// As for [`Decoder::next_event`]; every error is recoverable.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        Ok(self
            .next_item_at::<true>(false, |_| false)?
            .and_then(|(_, item)| match item {
                Item::Event(event) => Some(event),
                Item::Comment(_) => None,
            }))
    }

    /// The next item (comments too when `want_comments`), passing over the items for which
    /// `skip` returns `true`, with the stream offset of its first line (for a comment, where
    /// the decoder began reading): [`Decoder::next_item_at`] for input read in place.
    ///
    /// With `STRETCH`, the lines read in place are sliced from stretches validated at once
    /// (see [`Checked`]); without it each line is validated on its own. Framing alone
    /// measured 10–13 % faster with stretches. The chunk decoder, which parses each event's
    /// JSON right after framing it, measured slower with them (the cause was not found), so
    /// it reads without: `ChunkDecode::next_item` with `::<true>` ran the typed bench's
    /// *tool-calls* row 3–10 % slower, *text* within the noise (BENCHMARKS.md, "Framing").
    pub(crate) fn next_item_at<const STRETCH: bool>(
        &mut self,
        want_comments: bool,
        mut skip: impl FnMut(&Item<'_>) -> bool,
    ) -> Result<Option<(u64, Item<'_>)>, Error> {
        if !self.in_place {
            // Lines in the decoder's buffer come first. An item found there is handed out
            // from the decoder's scratch text, so that no borrow of the buffer outlives this
            // block (the borrow checker cannot see that the branch that goes on holds none).
            // It is rare: only the line completed by this input is usually there, and copying
            // it costs less than validating it again.
            loop {
                let start = self.decoder.total_consumed();
                let found = {
                    let (buf, st) = self.decoder.parts();
                    match st.advance(buf, &mut PerLine, want_comments)? {
                        Out::NeedMore => None,
                        Out::Comment(text) => {
                            if let Text::Borrowed(text) = text {
                                st.comment.clear();
                                st.comment.push_str(text);
                            }
                            Some((Out::Comment(Text::Scratch), start))
                        }
                        Out::Event { data, typed, retry } => {
                            if let Text::Borrowed(text) = data {
                                st.data.clear();
                                st.data.push_str(text);
                            }
                            let data = Text::Scratch;
                            Some((Out::Event { data, typed, retry }, st.dispatched_start))
                        }
                    }
                };
                let Some((out, offset)) = found else {
                    break;
                };
                let (_, st) = self.decoder.parts();
                if st.item(out).is_some_and(|item| skip(&item)) {
                    continue;
                }
                let (_, st) = self.decoder.parts();
                return Ok(st.item(out).map(|item| (offset, item)));
            }
            // The buffer is read: go on in the input, if any is left.
            if self.start == self.input.len() || self.decoder.buffered_len() > 0 {
                return Ok(None);
            }
            self.decoder.drop_consumed();
            self.in_place = true;
        }
        let input: &'d [u8] = self.input;
        let rest = &input[self.start..];
        loop {
            let start = self.decoder.total_consumed();
            let (_, st) = self.decoder.parts();
            let out = if STRETCH {
                st.advance(rest, &mut self.checked, want_comments)?
            } else {
                st.advance(rest, &mut PerLine, want_comments)?
            };
            let offset = match out {
                Out::Event { .. } => st.dispatched_start,
                Out::Comment(_) | Out::NeedMore => start,
            };
            if st.item(out).is_some_and(|item| skip(&item)) {
                continue;
            }
            let (_, st) = self.decoder.parts();
            return Ok(st.item(out).map(|item| (offset, item)));
        }
    }
}

/// The index after the line end that starts at `input[end]` (a CR or an LF; a CRLF whole).
fn line_end(input: &[u8], end: usize) -> usize {
    if input[end] == b'\r' && input.get(end + 1) == Some(&b'\n') {
        end + 2
    } else {
        end + 1
    }
}

impl Drop for Decode<'_> {
    fn drop(&mut self) {
        if self.in_place {
            let input: &[u8] = self.input;
            self.decoder.keep_unread(&input[self.start..]);
        } else {
            let input: &[u8] = self.input;
            self.decoder.feed(&input[self.start..]);
        }
    }
}
