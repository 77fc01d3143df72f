//! A driver for [`Decoder`] that checks its documented invariants after every call: the byte
//! accounting (nothing consumed beyond what was fed), the bound on what stays buffered, the
//! bound on heap memory, and the shape of every error and event.

use chatwire::sse::{Config, Decoder, ErrorKind, Finish, Item, Utf8Mode};

use crate::support::{End, Got, Outcome};

/// The spare room the decoder's input buffer may keep (its `BUFFER_SLACK`).
const BUFFER_SLACK: usize = 64 * 1024;

/// Runs a decoder with `config` over `pieces`, fed one after the other and drained after each,
/// checking every invariant on the way. Panics on a violation.
pub fn run(config: Config, pieces: &[&[u8]], comments: bool) -> Outcome {
    let mut checked = Checked::new(config);
    let mut items = Vec::new();
    for piece in pieces {
        checked.feed(piece);
        checked.drain(comments, &mut items);
    }
    let last_event_id = checked.decoder.last_event_id().map(str::to_owned);
    let retry = checked.decoder.retry();
    let end = checked.finish();
    Outcome {
        items,
        end,
        last_event_id,
        retry,
    }
}

/// Runs a decoder with `config` over `pieces`, each read in place (`Decoder::decode`) and
/// drained of its events. Comments are not seen (`Decode` hands out events only), so the
/// outcome compares with [`run`] without comments.
pub fn run_in_place(config: Config, pieces: &[&[u8]]) -> Outcome {
    let mut decoder = Decoder::with_config(config);
    let mut items = Vec::new();
    let mut fed = 0u64;
    for piece in pieces {
        fed += piece.len() as u64;
        let mut events = decoder.decode(piece);
        loop {
            match events.next_event() {
                Ok(None) => break,
                Ok(Some(event)) => items.push(Got::Event(event.into_owned())),
                Err(err) => {
                    check_error(&config, &err, fed);
                    items.push(Got::Error(err.kind(), err.offset()));
                }
            }
        }
        drop(events);
        assert_eq!(
            decoder.total_consumed() + decoder.buffered_len() as u64,
            fed,
            "read in place: consumed + buffered != fed"
        );
    }
    let last_event_id = decoder.last_event_id().map(str::to_owned);
    let retry = decoder.retry();
    Outcome {
        items,
        end: decoder.finish().into(),
        last_event_id,
        retry,
    }
}

/// A decoder and what it was fed.
struct Checked {
    decoder: Decoder,
    config: Config,
    /// Bytes fed since the start of the stream.
    fed: u64,
    /// The largest piece fed.
    max_piece: usize,
    /// Errors returned so far.
    errors: u64,
}

impl Checked {
    fn new(config: Config) -> Self {
        Self {
            decoder: Decoder::with_config(config),
            config,
            fed: 0,
            max_piece: 0,
            errors: 0,
        }
    }

    fn feed(&mut self, piece: &[u8]) {
        self.decoder.feed(piece);
        self.fed += piece.len() as u64;
        self.max_piece = self.max_piece.max(piece.len());
        self.check_accounting();
    }

    /// Pulls items until `Ok(None)`, recording errors and going on after them.
    fn drain(&mut self, comments: bool, items: &mut Vec<Got>) {
        loop {
            let before = self.decoder.total_consumed();
            let next = if comments {
                self.decoder.next_item()
            } else {
                self.decoder
                    .next_event()
                    .map(|event| event.map(Item::Event))
            };
            let got = match next {
                Ok(None) => None,
                Ok(Some(Item::Event(event))) => Some(Got::Event(event.into_owned())),
                Ok(Some(Item::Comment(text))) => {
                    assert!(comments, "next_event returned a comment");
                    Some(Got::Comment(text.to_owned()))
                }
                Ok(Some(other)) => panic!("unexpected item {other:?}"),
                Err(err) => {
                    check_error(&self.config, &err, self.fed);
                    self.errors += 1;
                    // Each error consumes at least one line, and the input has at most one
                    // line per byte (plus the unterminated tail).
                    assert!(
                        self.errors <= self.fed + 1,
                        "the decoder keeps failing: {err}"
                    );
                    Some(Got::Error(err.kind(), err.offset()))
                }
            };
            self.check_accounting();
            let Some(got) = got else {
                self.check_drained();
                return;
            };
            if let Got::Event(event) = &got {
                self.check_event_sizes(event.data(), event.event_type());
            }
            // A call that returns an item or an error has consumed at least one line (or the
            // part of a too-long line that had arrived), so draining terminates.
            assert!(
                self.decoder.total_consumed() > before,
                "{got:?} consumed nothing"
            );
            items.push(got);
        }
    }

    /// Ends the stream and checks the report against what was fed.
    fn finish(&mut self) -> End {
        let finish = self.decoder.finish();
        if let Finish::Discarded(discarded) = finish {
            assert!(
                discarded.len() > 0,
                "an empty discard report: {discarded:?}"
            );
            assert_eq!(
                discarded.offset() + discarded.len(),
                self.fed,
                "the discarded bytes run to the end of the input: {discarded:?}"
            );
        }
        // Ready for a reconnection: nothing buffered, offsets from 0.
        assert_eq!(self.decoder.total_consumed(), 0);
        assert_eq!(self.decoder.buffered_len(), 0);
        self.check_heap();
        self.fed = 0;
        finish.into()
    }

    /// Consumed plus buffered is exactly what was fed: nothing is consumed that was not fed,
    /// and nothing fed is lost.
    fn check_accounting(&self) {
        let consumed = self.decoder.total_consumed();
        assert!(
            consumed <= self.fed,
            "consumed {consumed} of {} bytes fed",
            self.fed
        );
        assert_eq!(
            consumed + self.decoder.buffered_len() as u64,
            self.fed,
            "consumed + buffered != fed"
        );
    }

    /// After `Ok(None)`, at most a partial line within the limit (or part of a byte order
    /// mark) stays buffered, and the heap stays within its bound.
    fn check_drained(&self) {
        let buffered = self.decoder.buffered_len();
        let bound = self.config.max_line_length().max(2);
        assert!(
            buffered <= bound,
            "{buffered} bytes buffered after draining, the line limit is {}",
            self.config.max_line_length()
        );
        self.check_heap();
    }

    /// The heap bound the `Config` documentation gives, with the factors of amortised growth
    /// made explicit: the input buffer holds at most a partial line plus the piece being fed
    /// (capacity settling within 4x of `max_line_length` + twice the largest piece + slack);
    /// the data buffer at most `max_event_size` input bytes, each up to 3 bytes of text in
    /// `Replace` mode, at twice that capacity; the event type, comment and id buffers at most
    /// one line each, likewise.
    fn check_heap(&self) {
        let line = self.config.max_line_length();
        let event = self.config.max_event_size();
        let input = line
            .saturating_add(self.max_piece.saturating_mul(2))
            .saturating_add(BUFFER_SLACK)
            .saturating_mul(4);
        let data = event.saturating_mul(6).saturating_add(16);
        let text = line.saturating_mul(6).saturating_add(16).saturating_mul(3);
        let bound = input.saturating_add(data).saturating_add(text);
        let held = self.decoder.heap_capacity();
        assert!(
            held <= bound,
            "the decoder holds {held} bytes; bound {bound} for {:?} and pieces of up to {}",
            self.config,
            self.max_piece
        );
    }

    fn check_event_sizes(&self, data: &str, event_type: &str) {
        let expansion = match self.config.utf8_mode() {
            Utf8Mode::Strict => 1,
            _ => 3,
        };
        let max_data = self.config.max_event_size().saturating_mul(expansion);
        assert!(
            data.len() <= max_data,
            "{} bytes of data with an event limit of {}",
            data.len(),
            self.config.max_event_size()
        );
        let max_type = self.config.max_line_length().saturating_mul(expansion);
        assert!(event_type.len() <= max_type.max("message".len()));
    }
}

/// An error is one of the documented kinds, carries the limit it names, points into the input
/// fed so far, is recoverable, and says where in its message.
fn check_error(config: &Config, err: &chatwire::sse::Error, fed: u64) {
    match err.kind() {
        ErrorKind::LineTooLong => assert_eq!(err.limit(), config.max_line_length()),
        ErrorKind::EventTooLarge => assert_eq!(err.limit(), config.max_event_size()),
        ErrorKind::InvalidUtf8 => {
            assert_eq!(config.utf8_mode(), Utf8Mode::Strict, "{err}");
            assert_eq!(err.limit(), 0);
        }
        other => panic!("an undocumented error kind {other:?}"),
    }
    assert!(
        err.offset() < fed,
        "error at {} of {fed} bytes fed",
        err.offset()
    );
    assert!(err.is_recoverable());
    let message = err.to_string();
    assert!(
        message.contains(&err.offset().to_string()),
        "the message does not say where: {message}"
    );
}
