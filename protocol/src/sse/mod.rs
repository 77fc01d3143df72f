//! Server-Sent Events, sans-IO: [`Decoder`] turns `text/event-stream` bytes into [`Event`]s,
//! [`Encoder`] turns events back into bytes.
//!
//! The decoder follows the WHATWG HTML "event stream interpretation" rules exactly:
//!
//! - lines end with LF, CR or CRLF (a CRLF split between two feeds is one line end);
//! - one leading UTF-8 byte order mark is stripped;
//! - a line starting with `:` is a comment: skipped by [`Decoder::next_event`], returned by
//!   [`Decoder::next_item`] (keep-alive detection);
//! - `field: value` lines, with exactly one leading space stripped from the value; a line
//!   without a colon is a field with an empty value; unknown fields are ignored;
//! - `data` values are joined with `"\n"`; `event` sets the type (default `message`); `id` sets
//!   the last event id, which is sticky across events (an id containing NUL is ignored);
//!   `retry` counts only when it is all ASCII digits;
//! - a blank line dispatches the event, unless it has no `data` line;
//! - an event the stream ends inside of is discarded, and [`Decoder::finish`] reports it.
//!
//! Invalid UTF-8 becomes U+FFFD by default, or is an error in [`Utf8Mode::Strict`]. Lines and
//! events are bounded ([`Config`]); exceeding a limit is an [`Error`] after which the decoder
//! resynchronises at the next blank line.
//!
//! # Example
//!
//! Feed bytes as they arrive, in pieces of any size, and drain events after each piece:
//!
//! ```
//! use chatwire::sse::{Decoder, Encoder, Event};
//!
//! // The server side: encode a few events.
//! let mut encoder = Encoder::new();
//! let mut wire = Vec::new();
//! encoder.write_json(&mut wire, &serde_json::json!({"delta": "Hel"}))?;
//! encoder.write_comment(&mut wire, " keep-alive")?;
//! encoder.write_event(&mut wire, &Event::new("lo\nworld").with_id(Some("2")))?;
//! encoder.write_done(&mut wire)?;
//!
//! // The client side: the bytes arrive in arbitrary pieces.
//! let mut decoder = Decoder::new();
//! let mut data = Vec::new();
//! for piece in wire.chunks(5) {
//!     decoder.feed(piece);
//!     while let Some(event) = decoder.next_event()? {
//!         data.push(event.data().to_owned());
//!     }
//! }
//! assert!(decoder.finish().is_clean());
//! assert_eq!(data, [r#"{"delta":"Hel"}"#, "lo\nworld", "[DONE]"]);
//! assert_eq!(decoder.last_event_id(), Some("2"));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

mod config;
mod decode;
mod decoder;
mod encoder;
mod error;
mod event;
mod finish;
mod parser;

pub use config::{Config, Utf8Mode, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_LENGTH};
pub use decode::Decode;
pub use decoder::Decoder;
pub use encoder::{Encoder, DONE_EVENT};
pub use error::{EncodeError, EncodeErrorKind, Error, ErrorKind};
pub use event::{Event, Item, OwnedEvent, DEFAULT_EVENT_TYPE};
pub use finish::{Discarded, Finish};
