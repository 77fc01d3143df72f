//! The typed stream decoder: server-sent events in, chat-completion items out.
//!
//! A [`ChunkDecoder`] runs the [SSE decoder](crate::sse) and reads each event as a
//! [`StreamItem`]:
//!
//! | the event | the item |
//! | --- | --- |
//! | data `[DONE]` (whitespace around it allowed) | [`StreamItem::Done`] |
//! | data `{"error":{…}}` without `choices`, or any `event: error` | [`StreamItem::Error`] |
//! | a JSON object with `choices` (even `[]`), or `"object":"chat.completion.chunk"` | [`StreamItem::Chunk`] |
//! | the same, also carrying `error` (OpenRouter) | [`StreamItem::Chunk`], then [`StreamItem::Error`] |
//! | a comment line (`: keep-alive`) | [`StreamItem::Comment`] |
//! | another event type, or JSON that is not a chunk (Gemini's native payloads) | [`StreamItem::Other`] |
//! | empty or all-whitespace data | nothing: skipped |
//! | anything else | a [`StreamError`] ([`MalformedJson`](StreamErrorKind::MalformedJson), [`InvalidChunk`](StreamErrorKind::InvalidChunk)), and the decoder goes on |
//! | any event after `[DONE]` | a [`StreamError`] ([`AfterDone`](StreamErrorKind::AfterDone)): reported, never merged |
//!
//! [`ChunkDecoder::finish`] tells how the stream ended ([`StreamEnd`]): cleanly after
//! `[DONE]`, without `[DONE]`, or inside an event that was discarded.
//!
//! Chunks borrow from the decoder's buffer: a text-delta chunk passes through this layer
//! without any heap allocation. Fold them into an owned completion with an
//! [`Accumulator`](crate::accumulate::Accumulator).
//!
//! # Example
//!
//! Parse one chunk:
//!
//! ```
//! use chatwire::types::ChatCompletionChunk;
//!
//! let chunk = ChatCompletionChunk::from_json(
//!     r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"I am\n"},"finish_reason":null}]}"#,
//! )?;
//! assert_eq!(chunk.choices()[0].text().unwrap(), "I am\n");
//! # Ok::<(), chatwire::types::ParseError>(())
//! ```
//!
//! Decode a byte stream, arriving in pieces, into a completion:
//!
//! ```
//! use chatwire::accumulate::Accumulator;
//! use chatwire::stream::{ChunkDecoder, StreamItem};
//!
//! let body = b"data: {\"id\":\"c1\",\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"I am\"}}]}\n\n\
//!     : keep-alive\n\n\
//!     data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" Qwen.\"},\"finish_reason\":\"stop\"}]}\n\n\
//!     data: [DONE]\n\n";
//!
//! let (mut decoder, mut acc) = (ChunkDecoder::new(), Accumulator::new());
//! for piece in body.chunks(16) {
//!     decoder.feed(piece);
//!     while let Some(item) = decoder.next_item()? {
//!         match item {
//!             StreamItem::Chunk(chunk) => acc.push(&chunk)?,
//!             StreamItem::Error(envelope) => return Err(envelope.to_json().into()),
//!             _ => {} // [DONE], keep-alives, other events
//!         }
//!     }
//! }
//! assert!(decoder.finish().is_clean());
//! let completion = acc.into_completion();
//! let message = completion.choices()[0].message.value().unwrap();
//! assert_eq!(message.content_text().unwrap(), "I am Qwen.");
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! Or in one call, with [`decode_completion`].

mod collect;
mod decoder;
mod end;
mod error;
mod item;
mod owned;

pub use self::collect::{decode_completion, Collected};
pub use self::decoder::{ChunkDecode, ChunkDecoder};
pub use self::end::StreamEnd;
pub use self::error::{StreamError, StreamErrorKind, ERROR_DATA_LIMIT};
pub use self::item::StreamItem;
pub use self::owned::OwnedStreamItem;
