//! [`Event`], the unit of an event stream, its owned form [`OwnedEvent`], and [`Item`], an
//! event or a comment line.

use alloc::borrow::ToOwned;
use alloc::string::String;

/// The event type of an event without an `event` field.
pub const DEFAULT_EVENT_TYPE: &str = "message";

/// One dispatched server-sent event, borrowing its text.
///
/// From [`Decoder`](super::Decoder), the text borrows the decoder (single-line data borrows
/// the input buffer itself; multi-line data is joined in a reused scratch buffer). For
/// [`Encoder`](super::Encoder), build one with [`Event::new`] and the `with_*` methods.
///
/// # Example
///
/// ```
/// use chatwire::sse::Event;
///
/// let event = Event::new("hello").with_event_type("greeting").with_id(Some("7"));
/// assert_eq!(event.data(), "hello");
/// assert_eq!(event.event_type(), "greeting");
/// assert_eq!(event.id(), Some("7"));
/// assert_eq!(event.retry(), None);
/// assert_eq!(Event::new("x").event_type(), "message");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Event<'a> {
    data: &'a str,
    event_type: &'a str,
    id: Option<&'a str>,
    retry: Option<u64>,
}

impl<'a> Event<'a> {
    /// An event of type `message` carrying `data`, without id or retry.
    pub const fn new(data: &'a str) -> Self {
        Self {
            data,
            event_type: DEFAULT_EVENT_TYPE,
            id: None,
            retry: None,
        }
    }

    /// Sets the event type. An empty type means the default, `message`, as in the spec.
    pub const fn with_event_type(mut self, event_type: &'a str) -> Self {
        self.event_type = if event_type.is_empty() {
            DEFAULT_EVENT_TYPE
        } else {
            event_type
        };
        self
    }

    /// Sets the id (`None` for no id).
    pub const fn with_id(mut self, id: Option<&'a str>) -> Self {
        self.id = id;
        self
    }

    /// Sets the retry value, in milliseconds (`None` for no retry field).
    pub const fn with_retry(mut self, retry: Option<u64>) -> Self {
        self.retry = retry;
        self
    }

    /// The data: the values of the event's `data` lines joined with `"\n"`.
    pub const fn data(&self) -> &'a str {
        self.data
    }

    /// The event type: the value of the last `event` field, or `"message"` when there was
    /// none (or it was empty).
    pub const fn event_type(&self) -> &'a str {
        self.event_type
    }

    /// The last event id in effect when the event was dispatched.
    ///
    /// It is sticky, as the spec says: an `id` field sets it for this event *and every later
    /// one* until another `id` field changes it. An `id` field whose value contains NUL is
    /// ignored; an empty `id` field clears it (`None`). On the encoder side, `Some` writes an
    /// `id` line and `None` writes none.
    pub const fn id(&self) -> Option<&'a str> {
        self.id
    }

    /// The value of a `retry` field given in this event's block (the reconnection time in
    /// milliseconds), if any. Only values made of ASCII digits that fit in a `u64` count.
    pub const fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// `true` when the event type is the default, `message`.
    pub fn is_message(&self) -> bool {
        self.event_type == DEFAULT_EVENT_TYPE
    }

    /// An owned copy, for callers who keep events past the next call into the decoder.
    pub fn into_owned(self) -> OwnedEvent {
        OwnedEvent {
            data: self.data.to_owned(),
            event_type: self.event_type.to_owned(),
            id: self.id.map(str::to_owned),
            retry: self.retry,
        }
    }
}

/// An [`Event`] that owns its text.
///
/// # Example
///
/// ```
/// use chatwire::sse::{Event, OwnedEvent};
///
/// let owned: OwnedEvent = Event::new("a\nb").with_id(Some("1")).into_owned();
/// assert_eq!(owned.data(), "a\nb");
/// assert_eq!(owned.as_event(), Event::new("a\nb").with_id(Some("1")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnedEvent {
    data: String,
    event_type: String,
    id: Option<String>,
    retry: Option<u64>,
}

impl OwnedEvent {
    /// The data; see [`Event::data`].
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The event type; see [`Event::event_type`].
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The last event id; see [`Event::id`].
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The retry value; see [`Event::retry`].
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// A borrowing view, for comparing with decoded events or for encoding.
    pub fn as_event(&self) -> Event<'_> {
        Event::new(&self.data)
            .with_event_type(&self.event_type)
            .with_id(self.id.as_deref())
            .with_retry(self.retry)
    }
}

impl From<Event<'_>> for OwnedEvent {
    fn from(event: Event<'_>) -> Self {
        event.into_owned()
    }
}

impl PartialEq<Event<'_>> for OwnedEvent {
    fn eq(&self, other: &Event<'_>) -> bool {
        self.as_event() == *other
    }
}

impl PartialEq<OwnedEvent> for Event<'_> {
    fn eq(&self, other: &OwnedEvent) -> bool {
        *self == other.as_event()
    }
}

/// What [`Decoder::next_item`](super::Decoder::next_item) yields: an event, or a comment line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Item<'a> {
    /// A dispatched event.
    Event(Event<'a>),
    /// A comment line: the text after the leading `:`, as it is (a leading space is kept), so
    /// `: keep-alive` yields `" keep-alive"`. Servers send comments as keep-alives.
    Comment(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_event_type_means_message() {
        assert_eq!(Event::new("x").with_event_type("").event_type(), "message");
        assert!(Event::new("x").with_event_type("").is_message());
        assert!(!Event::new("x").with_event_type("error").is_message());
    }

    #[test]
    fn owned_round_trip() {
        let event = Event::new("d")
            .with_event_type("t")
            .with_id(Some("i"))
            .with_retry(Some(5));
        let owned = event.into_owned();
        assert_eq!(owned, event);
        assert_eq!(event, owned);
        assert_eq!(owned.event_type(), "t");
        assert_eq!(owned.id(), Some("i"));
        assert_eq!(owned.retry(), Some(5));
        assert_eq!(OwnedEvent::from(event), owned);
    }
}
