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
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod accumulate;
pub mod sse;
pub mod stream;
pub mod types;
pub mod validate;
