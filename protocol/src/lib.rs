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
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod sse;
pub mod types;
pub mod validate;
