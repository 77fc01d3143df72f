//! # chatwire
//!
//! The parsing core for the OpenAI-compatible Chat Completions API, as Alibaba Cloud Model
//! Studio (DashScope "compatible-mode") documents it, tolerant of what real OpenAI-compatible
//! servers send.
//!
//! Bytes in, values out: no async runtime and no I/O. Each stage of the data path is usable on
//! its own:
//!
//! ```text
//! bytes (any split) -> sse::Decoder -> Event{data,event,id,retry}
//!                   -> stream::ChunkDecoder -> Chunk<'a> | Done | ApiError
//!                   -> Accumulator -> ChatCompletion (owned)
//! server side:  ChatCompletion / Chunk -> serde -> sse::Encoder -> bytes
//! ```
//!
//! # Example
//!
//! The whole path: a server streams chunks, a client decodes the bytes (in pieces of any
//! size) into typed items and accumulates them into the completion.
//!
//! ```
//! use chatwire::accumulate::Accumulator;
//! use chatwire::sse::Encoder;
//! use chatwire::stream::{ChunkDecoder, StreamItem};
//! use chatwire::types::{ChatCompletionChunk, ChunkChoice, Delta, FinishReason, Maybe, Usage};
//!
//! // Server side: chunks to bytes.
//! let (mut encoder, mut wire) = (Encoder::new(), Vec::new());
//! for (text, finish) in [("I am ", None), ("Qwen.", Some(FinishReason::Stop))] {
//!     let mut choice = ChunkChoice::new(0, Delta::content(text));
//!     choice.finish_reason = Maybe::from_option(finish);
//!     let chunk = ChatCompletionChunk::new("chatcmpl-1", "qwen-plus", 1715931028).with_choice(choice);
//!     encoder.write_json(&mut wire, &chunk)?;
//! }
//! let usage = ChatCompletionChunk::new("chatcmpl-1", "qwen-plus", 1715931028).with_usage(Usage::new(22, 16));
//! encoder.write_json(&mut wire, &usage)?;
//! encoder.write_done(&mut wire)?;
//!
//! // Client side: bytes to items to a completion.
//! let (mut decoder, mut acc) = (ChunkDecoder::new(), Accumulator::new());
//! for piece in wire.chunks(7) {
//!     decoder.feed(piece);
//!     while let Some(item) = decoder.next_item()? {
//!         if let StreamItem::Chunk(chunk) = item {
//!             acc.push(&chunk)?;
//!         }
//!     }
//! }
//! assert!(decoder.finish().is_clean());
//! let completion = acc.into_completion();
//! assert_eq!(
//!     completion.to_json(),
//!     r#"{"id":"chatcmpl-1","object":"chat.completion","created":1715931028,"model":"qwen-plus","choices":[{"index":0,"message":{"role":"assistant","content":"I am Qwen."},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":22,"completion_tokens":16,"total_tokens":38}}"#
//! );
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! Over a real connection, the `adapters` do the feeding: with the
//! `futures` feature, `ChunkStream::new(response.bytes_stream())` is a stream of typed items
//! and `.completion().await` the accumulated answer.
//!
//! # Why
//!
//! An OpenAI-compatible stream is easy to read badly. Lines split across reads, `\r\n`
//! split between two reads, comments used as keep-alives, an error sent as an event in the
//! middle of an answer, a provider's extra fields, tool-call arguments in pieces, a stream
//! cut before `[DONE]`: each is a bug in some client. chatwire reads all of them the way
//! the WHATWG event-stream rules and the servers' real behaviour say, and reports what it
//! cannot read with a typed error that says where.
//!
//! - **Sans-IO.** Bytes in, values out: no runtime, no socket, no timer. The same decoder
//!   runs under tokio, async-std, a blocking reader, a fuzzer or a test feeding one byte at
//!   a time; the optional adapters are a thin layer over it.
//! - **Zero-copy.** Events and chunks borrow from the decoder's buffer, strings keep their
//!   escapes until asked: a text-delta chunk is decoded without any heap allocation.
//!   `into_owned()` gives `'static` values when they must be kept.
//! - **Bounded.** Lines, events and accumulated answers have finite limits by default;
//!   a hostile stream gets a typed error, not unbounded memory.
//! - **Both directions.** The types serialize to exactly the documented wire shape, so the
//!   same crate serves a mock server (`chatwire-mock`) and a client.
//!
//! # Crate features
//!
//! - **`std`** (on by default): the standard library, through the std features of `bytes`,
//!   `memchr`, `serde`, `serde_json` and `simdutf8` (which then picks its SIMD code at run
//!   time rather than from the compile-time target features). Without it chatwire is `#![no_std]` and needs only
//!   `alloc`: `cargo build -p chatwire --no-default-features` builds, every module included
//!   (errors implement `core::error::Error` either way). JSON is then written through a
//!   temporary buffer, as `serde_json` has no in-place writer without `std`.
//! - **`futures`**: the `adapters` `ChunkStream`, a `futures_core::Stream` of owned items
//!   over any `Stream<Item = Result<B, E>>` of byte chunks (`reqwest`'s `bytes_stream()`, a
//!   hyper body through `http_body_util::BodyDataStream`), and `Completion`, a future of the
//!   accumulated completion. No task, no channel, no reconnection: the inner stream is polled
//!   only when the decoder has no complete event left. Depends on `futures-core` and
//!   `pin-project-lite` only, and works without `std`.
//! - **`tokio-util`** (implies `std`): the `adapters` `SseCodec` (owned events) and
//!   `ChunkCodec` (owned typed items), `tokio_util::codec::Decoder`s for `FramedRead` over
//!   any `AsyncRead`.
//! - **`sonic-rs`**, **`simd-json`** (each implies `std`): `backend::sonic` and
//!   `backend::simd`, the general (serde) path's parsing through those libraries instead of
//!   serde_json, for any chatwire type. Measured, not faster here (BENCHMARKS.md, "JSON back
//!   ends"); the `backend` module lists how their values differ.
//!
//! chatwire's public API names no type of its dependencies but `bytes` (the encoder writes
//! into any `bytes::BufMut`, the codecs read a `BytesMut`), `serde`'s traits, and the traits
//! the adapters implement; a test keeps it so.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod accumulate;
#[cfg(any(feature = "futures", feature = "tokio-util"))]
pub mod adapters;
#[cfg(any(feature = "sonic-rs", feature = "simd-json"))]
pub mod backend;
pub mod fastpath;
pub mod sse;
pub mod stream;
pub mod types;
pub mod validate;
