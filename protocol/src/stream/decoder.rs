//! [`ChunkDecoder`]: SSE bytes in, typed chat-completion items out.

use serde::de::IgnoredAny;

use crate::accumulate::Accumulator;
use crate::fastpath::{self, Blank, ShapeCache, TEXT_CHUNK, TOOL_CALL_CHUNK};
use crate::sse::{self, Event, Item};
use crate::types::parse_error::parse_str;
use crate::types::{
    ApiError, ChatCompletionChunk, ErrorEnvelope, JsonStr, Maybe, ObjectKind, ParseErrorKind,
};

use super::end::StreamEnd;
use super::error::StreamError;
use super::item::StreamItem;

/// The data that ends a chat-completion stream.
const DONE: &str = "[DONE]";

/// A sans-IO decoder of chat-completion streams: `text/event-stream` bytes in,
/// [`StreamItem`]s out.
///
/// It runs an [`sse::Decoder`] and reads each event's data: `[DONE]`, an error, a
/// [`ChatCompletionChunk`] (parsed without copying: the chunk borrows from the decoder's
/// buffer), a keep-alive comment, or something else. Events with empty (or all-whitespace)
/// data are skipped.
///
/// # Call order
///
/// 1. Create a decoder with [`ChunkDecoder::new`] or [`ChunkDecoder::with_config`].
/// 2. [`feed`](Self::feed) it the bytes you have, in pieces of any size.
/// 3. Call [`next_item`](Self::next_item) until it returns `Ok(None)` ("feed more"); use each
///    item (or [`drain_into`](Self::drain_into) an [`Accumulator`]). On `Err`, decide
///    whether to stop: the decoder can go on with the next event.
/// 4. Go back to step 2 while input arrives.
/// 5. At the end of the input, call [`finish`](Self::finish): it says whether the stream
///    ended with `[DONE]` at an event boundary, and readies the decoder for another stream.
///
/// # Example
///
/// ```
/// use chatwire::stream::{ChunkDecoder, StreamItem};
///
/// let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n\
///              data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n";
/// let mut decoder = ChunkDecoder::new();
/// let mut text = String::new();
/// for piece in body.chunks(10) {
///     decoder.feed(piece);
///     while let Some(item) = decoder.next_item()? {
///         if let StreamItem::Chunk(chunk) = item {
///             chunk.choices()[0].text().unwrap().unescape_into(&mut text);
///         }
///     }
/// }
/// assert!(decoder.finish().is_clean());
/// assert_eq!(text, "Hello");
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
///
/// # Cost
///
/// A text-delta chunk goes through without any heap allocation once the SSE buffers have
/// grown to the stream's chunk size. An error beside a chunk's choices is copied once
/// (it is yielded after the chunk, so it must outlive the chunk's event); errors of this
/// layer copy at most [`ERROR_DATA_LIMIT`](super::ERROR_DATA_LIMIT) bytes of data.
///
/// Consecutive chunks of a stream are usually the same bytes but for their text: the same
/// `id`, `created`, `model`, keys and `null`s. The decoder keeps a copy of the data of the
/// last chunk it parsed (up to 16 KiB) and where its text string lies (and an unknown string
/// field after it, such as OpenAI's `obfuscation` padding, which changes in every chunk).
/// When the next event's data is the same bytes around those strings, only the new strings
/// are scanned (checked as the parser checks them) and the rest of the chunk is rebuilt from
/// the recorded positions, pointing into the new data. The chunk is the one parsing the data
/// alone gives (the [`fastpath`] docs say why). On the DashScope-style text streams of the
/// typed benchmark (BENCHMARKS.md) most events are read this way, and the whole decoding
/// runs about 1.5 to 1.7 times as fast as before it. A chunk that streams mark once (the
/// first, with the `role`; a tool call's first piece, with its `name`; the one with the
/// `finish_reason`) is recorded only when the chunk before it had the same marks, since the
/// chunk after it has another shape. A stream whose chunks never repeat soon stops being
/// recorded, so it costs almost nothing there.
///
/// A [`ChatCompletionChunk`] is about a kilobyte: its first choice, with the delta, is held
/// inline so that it needs no allocation. Match what `next_item` returns by reference
/// (`Ok(Some(StreamItem::Chunk(ref chunk)))`) and the chunk is read where it was built.
/// `?` or `unwrap` and then `if let StreamItem::Chunk(chunk) = item` copy it twice on the
/// way. In the typed benchmark (BENCHMARKS.md) that costs about a fifth of the whole
/// decoding. [`drain_into`](Self::drain_into) reads items by reference.
///
/// ```
/// use chatwire::stream::{ChunkDecoder, StreamItem};
///
/// let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
/// let mut decoder = ChunkDecoder::new();
/// let mut text = String::new();
/// for piece in body.chunks(16) {
///     let mut items = decoder.decode(piece);
///     loop {
///         match items.next_item() {
///             Ok(Some(StreamItem::Chunk(ref chunk))) => {
///                 if let Some(delta) = chunk.choices()[0].text() {
///                     delta.unescape_into(&mut text);
///                 }
///             }
///             Ok(Some(_)) => {}
///             Ok(None) => break,
///             Err(err) => return Err(err),
///         }
///     }
/// }
/// assert!(decoder.finish().is_clean());
/// assert_eq!(text, "Hi");
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChunkDecoder {
    sse: sse::Decoder,
    state: State,
}

/// Everything but the SSE decoder, so that an event borrowed from it can be read while the
/// state changes.
#[derive(Debug, Clone, Default)]
struct State {
    /// Events dispatched by the SSE layer since the start of the stream.
    events: u64,
    /// `[DONE]` was seen.
    done: bool,
    /// The error found beside the choices of the chunk yielded last, to yield next.
    pending: Option<ErrorEnvelope<'static>>,
    /// The index and stream offset of the event read last.
    last: (u64, u64),
    /// The shape of the last chunk, to read the next ones that repeat it.
    shapes: ShapeCache,
}

impl ChunkDecoder {
    /// A decoder with the default SSE [`Config`](sse::Config).
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder whose SSE layer has the given limits and UTF-8 policy.
    pub fn with_config(config: sse::Config) -> Self {
        Self {
            sse: sse::Decoder::with_config(config),
            state: State::default(),
        }
    }

    /// Appends input. Call [`next_item`](Self::next_item) until `Ok(None)` afterwards.
    pub fn feed(&mut self, input: &[u8]) {
        self.sse.feed(input);
    }

    /// The next item.
    ///
    /// # Termination
    ///
    /// Returns `Ok(None)` when the buffered input holds no further complete event or comment:
    /// feed more, or call [`finish`](Self::finish) at the end of the input. Every call that
    /// returns an item or an error consumes input (or the error pending from the last
    /// chunk), so a loop calling `next_item` until `Ok(None)` terminates.
    ///
    /// # Errors
    ///
    /// A [`StreamError`] whose [`kind`](StreamError::kind) is
    ///
    /// - [`Sse`](super::StreamErrorKind::Sse): the SSE layer failed (see
    ///   [`sse::Decoder::next_event`]);
    /// - [`MalformedJson`](super::StreamErrorKind::MalformedJson): data that is neither
    ///   `[DONE]` nor JSON;
    /// - [`InvalidChunk`](super::StreamErrorKind::InvalidChunk): a JSON object that is not a
    ///   valid chunk;
    /// - [`AfterDone`](super::StreamErrorKind::AfterDone): an event after `[DONE]` (each
    ///   one is reported, none is read).
    ///
    /// Each error drops one event; the next call goes on with the next one.
    pub fn next_item(&mut self) -> Result<Option<StreamItem<'_>>, StreamError> {
        if let Some(envelope) = self.state.pending.take() {
            return Ok(Some(StreamItem::Error(envelope)));
        }
        let events = &mut self.state.events;
        let found = self.sse.next_item_at(|item| skip_blank(item, events));
        self.state.next(found)
    }

    /// Reads the items of `input` in place, without copying it into the decoder first:
    /// [`next_item`](Self::next_item) for input you own while you read it (the SSE
    /// decoder's [`decode`](sse::Decoder::decode) below).
    ///
    /// Call [`ChunkDecode::next_item`] until `Ok(None)` (or [`ChunkDecode::drain_into`]),
    /// then give the decoder the next piece. Whatever is left unread when the
    /// [`ChunkDecode`] is dropped (a partial last line) is kept, as [`feed`](Self::feed)
    /// would have kept it; `feed` and `decode` may be mixed.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::stream::{ChunkDecoder, StreamItem};
    ///
    /// let pieces: [&[u8]; 3] = [
    ///     b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel",
    ///     b"lo\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"}}]}\n\n",
    ///     b"data: [DONE]\n\n",
    /// ];
    /// let mut decoder = ChunkDecoder::new();
    /// let mut text = String::new();
    /// for piece in pieces {
    ///     let mut items = decoder.decode(piece);
    ///     while let Some(item) = items.next_item()? {
    ///         if let StreamItem::Chunk(chunk) = item {
    ///             text.push_str(&chunk.choices()[0].text().unwrap().to_cow());
    ///         }
    ///     }
    /// }
    /// assert_eq!(text, "Hello!");
    /// assert!(decoder.finish().is_clean());
    /// # Ok::<(), chatwire::stream::StreamError>(())
    /// ```
    pub fn decode<'d>(&'d mut self, input: &'d [u8]) -> ChunkDecode<'d> {
        ChunkDecode {
            sse: self.sse.decode(input),
            state: &mut self.state,
        }
    }

    /// Reads every item available into `acc`: chunks are [pushed](Accumulator::push),
    /// errors [kept](Accumulator::push_error); `[DONE]`, comments and other events are
    /// passed over. Returns when the buffered input is used up ("feed more").
    ///
    /// # Errors
    ///
    /// The first [`StreamError`] met, including an accumulator limit as
    /// [`Accumulate`](super::StreamErrorKind::Accumulate). The items before it were
    /// applied; call again to go on after it.
    pub fn drain_into(&mut self, acc: &mut Accumulator) -> Result<(), StreamError> {
        drain(self, acc)
    }

    /// Ends the input: reports how the stream ended, and readies the decoder for another
    /// stream (the SSE layer keeps its last event id and retry time, as for a reconnection).
    ///
    /// Drain [`next_item`](Self::next_item) until `Ok(None)` first: input not consumed
    /// counts as discarded.
    ///
    /// # Termination
    ///
    /// Returns at once.
    pub fn finish(&mut self) -> StreamEnd {
        let end = StreamEnd::new(self.state.done, self.sse.finish());
        let mut shapes = core::mem::take(&mut self.state.shapes);
        shapes.reset();
        self.state = State {
            shapes,
            ..State::default()
        };
        end
    }

    /// `true` once `[DONE]` has been read.
    pub fn saw_done(&self) -> bool {
        self.state.done
    }

    /// The number of events the SSE layer has dispatched since the start of the stream.
    pub fn events(&self) -> u64 {
        self.state.events
    }

    /// The index and stream offset of the event read last (for errors raised above this
    /// layer about the item it gave).
    #[cfg_attr(not(feature = "futures"), allow(dead_code))]
    pub(crate) fn last_event(&self) -> (u64, u64) {
        self.state.last
    }

    /// The SSE decoder underneath (for its [last event id](sse::Decoder::last_event_id),
    /// [retry time](sse::Decoder::retry) or [offset](sse::Decoder::total_consumed)).
    pub fn sse(&self) -> &sse::Decoder {
        &self.sse
    }
}

/// The items of one piece of input, read in place: see [`ChunkDecoder::decode`].
#[derive(Debug)]
#[must_use = "items are read by calling `next_item` until `Ok(None)`"]
pub struct ChunkDecode<'d> {
    sse: sse::Decode<'d>,
    state: &'d mut State,
}

impl ChunkDecode<'_> {
    /// The next item: [`ChunkDecoder::next_item`], for input read in place.
    ///
    /// # Termination
    ///
    /// Returns `Ok(None)` when the input holds no further complete event or comment: drop
    /// the `ChunkDecode` and give the decoder the next piece.
    ///
    /// # Errors
    ///
    /// As [`ChunkDecoder::next_item`]; each error drops one event.
    pub fn next_item(&mut self) -> Result<Option<StreamItem<'_>>, StreamError> {
        if let Some(envelope) = self.state.pending.take() {
            return Ok(Some(StreamItem::Error(envelope)));
        }
        let events = &mut self.state.events;
        let found = self
            .sse
            .next_item_at::<false>(true, |item| skip_blank(item, events));
        self.state.next(found)
    }

    /// Applies every item of the input to `acc`: [`ChunkDecoder::drain_into`], for input
    /// read in place.
    ///
    /// # Errors
    ///
    /// As [`ChunkDecoder::drain_into`].
    pub fn drain_into(&mut self, acc: &mut Accumulator) -> Result<(), StreamError> {
        drain(self, acc)
    }
}

/// A source of items read one at a time, each borrowing the source until the next:
/// [`ChunkDecoder`] and [`ChunkDecode`], for [`drain`].
trait Items {
    fn next_item(&mut self) -> Result<Option<StreamItem<'_>>, StreamError>;

    /// The index and stream offset of the event read last.
    fn last(&self) -> (u64, u64);
}

impl Items for ChunkDecoder {
    fn next_item(&mut self) -> Result<Option<StreamItem<'_>>, StreamError> {
        ChunkDecoder::next_item(self)
    }

    fn last(&self) -> (u64, u64) {
        self.state.last
    }
}

impl Items for ChunkDecode<'_> {
    fn next_item(&mut self) -> Result<Option<StreamItem<'_>>, StreamError> {
        ChunkDecode::next_item(self)
    }

    fn last(&self) -> (u64, u64) {
        self.state.last
    }
}

/// Applies every item of `items` to `acc` (`drain_into` of both sources).
#[inline]
fn drain(items: &mut impl Items, acc: &mut Accumulator) -> Result<(), StreamError> {
    loop {
        // Matched by reference: a chunk is large, and is read where it was built.
        let item = items.next_item();
        let applied = match &item {
            Ok(None) => return Ok(()),
            Ok(Some(StreamItem::Chunk(chunk))) => acc.push(chunk),
            Ok(Some(StreamItem::Error(envelope))) => acc.push_error(envelope),
            Ok(Some(_)) => Ok(()),
            Err(_) => return item.map(drop),
        };
        drop(item);
        let (event, offset) = items.last();
        applied.map_err(|err| StreamError::accumulate(err, event, offset))?;
    }
}

/// Passes over (and counts) an event whose data is blank.
fn skip_blank(item: &Item<'_>, events: &mut u64) -> bool {
    match item {
        Item::Event(event) if is_blank(event.data()) => {
            *events += 1;
            true
        }
        _ => false,
    }
}

impl State {
    /// The item for what the SSE layer found.
    fn next<'a>(
        &mut self,
        found: Result<Option<(u64, Item<'a>)>, sse::Error>,
    ) -> Result<Option<StreamItem<'a>>, StreamError> {
        match found {
            Ok(Some((_, Item::Comment(text)))) => Ok(Some(StreamItem::Comment(text))),
            Ok(Some((offset, Item::Event(event)))) => self.read(event, offset),
            Ok(None) => Ok(None),
            Err(err) => Err(StreamError::sse(err, self.events)),
        }
    }

    /// Reads one (non-blank) event.
    fn read<'a>(
        &mut self,
        event: Event<'a>,
        offset: u64,
    ) -> Result<Option<StreamItem<'a>>, StreamError> {
        let index = self.events;
        self.events += 1;
        self.last = (index, offset);
        let data = event.data();
        if self.done {
            return Err(StreamError::after_done(index, offset, data));
        }
        if is_done(data) {
            self.done = true;
            return Ok(Some(StreamItem::Done));
        }
        match event.event_type() {
            "error" => return Ok(Some(StreamItem::Error(error_event(data)))),
            sse::DEFAULT_EVENT_TYPE => {}
            _ => return Ok(Some(StreamItem::Other(event))),
        }
        // The usual case, built where the caller receives it (a chunk is large: moving it
        // through the layers below would cost more than parsing it). The fast path accepts
        // only a `null` error, so such a chunk is never an error.
        if let Some((hit, blank)) = self.shapes.matching(data) {
            let mut out = match blank {
                Blank::Text => Ok(Some(StreamItem::Chunk(TEXT_CHUNK))),
                Blank::ToolCall => Ok(Some(StreamItem::Chunk(TOOL_CALL_CHUNK))),
            };
            if let Ok(Some(StreamItem::Chunk(chunk))) = &mut out {
                if self.shapes.patch(data, hit, chunk).is_some() {
                    return out;
                }
            }
        }
        let mut out = Ok(Some(StreamItem::Chunk(ChatCompletionChunk::default())));
        if let Ok(Some(StreamItem::Chunk(chunk))) = &mut out {
            if fastpath::fill_chunk(data, chunk).is_some() {
                if is_chunk(chunk) {
                    self.shapes.learn(data, chunk);
                    return out;
                }
                return Ok(Some(StreamItem::Other(event)));
            }
        }
        self.read_slow(event, index, offset).map(Some)
    }

    /// [`read`](Self::read) for a chunk the fast path leaves to serde, and for what is not a
    /// chunk.
    fn read_slow<'a>(
        &mut self,
        event: Event<'a>,
        index: u64,
        offset: u64,
    ) -> Result<StreamItem<'a>, StreamError> {
        let data = event.data();
        // The fast path has declined: the serde path decides.
        match parse_str::<ChatCompletionChunk<'_>>(data, "ChatCompletionChunk") {
            Ok(chunk) if chunk.is_error_only() => Ok(StreamItem::Error(bare_error(data, chunk))),
            Ok(chunk) if is_chunk(&chunk) => {
                if let Some(error) = chunk.error.value() {
                    self.pending = Some(ErrorEnvelope {
                        error: error.clone().into_owned(),
                        ..ErrorEnvelope::default()
                    });
                }
                Ok(StreamItem::Chunk(chunk))
            }
            Ok(_) => Ok(StreamItem::Other(event)),
            Err(err) if err.kind() != ParseErrorKind::Data => {
                Err(StreamError::json(err, index, offset, data))
            }
            // Not a chunk: malformed JSON, a JSON object of another shape, or another JSON
            // value (not malformed, and not ours).
            Err(err) => match parse_str::<IgnoredAny>(data, "JSON value") {
                Err(syntax) => Err(StreamError::json(syntax, index, offset, data)),
                Ok(_) if data.trim_start().starts_with('{') => {
                    Err(StreamError::json(err, index, offset, data))
                }
                Ok(_) => Ok(StreamItem::Other(event)),
            },
        }
    }
}

/// `true` for data that is empty or only whitespace.
fn is_blank(data: &str) -> bool {
    data.trim_ascii().is_empty()
}

/// `true` for `[DONE]`, surrounding whitespace allowed.
fn is_done(data: &str) -> bool {
    data.trim_ascii() == DONE
}

/// `true` for a parsed object that is a chunk: it has `choices` (even `[]` or `null`), or
/// says it is one.
fn is_chunk(chunk: &ChatCompletionChunk<'_>) -> bool {
    !chunk.choices.is_absent()
        || chunk
            .object
            .value()
            .is_some_and(|object| *object == ObjectKind::ChatCompletionChunk)
}

/// The envelope of a `{"error":{…}}` event without choices.
fn bare_error<'a>(data: &'a str, chunk: ChatCompletionChunk<'a>) -> ErrorEnvelope<'a> {
    ErrorEnvelope::from_json(data).unwrap_or_else(|_| ErrorEnvelope {
        error: chunk
            .error
            .into_value()
            .map(|error| *error)
            .unwrap_or_default(),
        id: chunk.id,
        ..ErrorEnvelope::default()
    })
}

/// The envelope of an `event: error` event: its data as an envelope, as a bare error object,
/// or else as the message.
fn error_event(data: &str) -> ErrorEnvelope<'_> {
    if let Ok(envelope) = ErrorEnvelope::from_json(data) {
        return envelope;
    }
    let error = match serde_json::from_str::<ApiError<'_>>(data) {
        Ok(error) => error,
        Err(_) => ApiError {
            message: Maybe::Value(JsonStr::new(data)),
            ..ApiError::default()
        },
    };
    ErrorEnvelope {
        error,
        ..ErrorEnvelope::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_and_blank_data() {
        assert!(is_done("[DONE]") && is_done(" [DONE]\n") && !is_done("[done]"));
        assert!(!is_done("[DONE] x"));
        assert!(is_blank("") && is_blank(" \n\t") && !is_blank(" x"));
    }

    #[test]
    fn error_events_of_every_shape() {
        let envelope = error_event(r#"{"error":{"message":"m","code":"c"}}"#);
        assert_eq!(envelope.error.message.value().unwrap(), "m");
        let bare = error_event(r#"{"message":"overloaded","code":503}"#);
        assert!(bare.error.has_code("503"));
        let text = error_event("upstream \"closed\"");
        assert_eq!(text.error.message.value().unwrap(), "upstream \"closed\"");
        let number = error_event("42");
        assert_eq!(number.error.message.value().unwrap(), "42");
    }

    #[test]
    fn a_pending_error_is_yielded_before_any_further_input() {
        let mut decoder = ChunkDecoder::new();
        decoder.feed(b"data: {\"error\":{\"code\":400},\"choices\":[]}\n\n");
        assert!(matches!(
            decoder.next_item(),
            Ok(Some(StreamItem::Chunk(_)))
        ));
        let Ok(Some(StreamItem::Error(envelope))) = decoder.next_item() else {
            panic!("the error beside the choices comes next");
        };
        assert!(envelope.error.has_code("400"));
        assert_eq!(decoder.next_item(), Ok(None));
        assert_eq!(decoder.events(), 1);
    }
}
