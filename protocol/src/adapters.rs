//! Thin async adapters over the sans-IO decoders, behind optional features.
//!
//! | feature | what | for |
//! | --- | --- | --- |
//! | `futures` | `ChunkStream`: a `futures_core::Stream` of [`OwnedStreamItem`]s over any `Stream<Item = Result<B, E>>` with `B: AsRef<[u8]>`; `Completion`: a future of the accumulated completion | `reqwest::Response::bytes_stream()`, a hyper body through `http_body_util::BodyDataStream`, any other byte stream |
//! | `tokio-util` | `SseCodec` ([`OwnedEvent`]s) and `ChunkCodec` ([`OwnedStreamItem`]s): `tokio_util::codec::Decoder`s | `FramedRead` over any `AsyncRead` |
//!
//! Both kinds of adapter are the [`ChunkDecoder`] and nothing more: no spawned task, no
//! channel, no reconnection, no timer. Bytes are read from the source only when the caller
//! asks for an item that the bytes already read do not hold, so back-pressure stays with the
//! caller. Items are owned ([`into_owned`](crate::stream::StreamItem::into_owned)), since
//! they leave the poll that decoded them.
//!
//! The codecs offer both levels: `SseCodec` for any event stream, `ChunkCodec` for chat
//! completions. The stream adapter offers typed items only: an SSE-level stream would be
//! `SseCodec`'s job, and a byte stream can become an `AsyncRead` with
//! `tokio_util::io::StreamReader`.
//!
//! Errors are one type, [`Error<E>`], where `E` is the transport's error (`std::io::Error`
//! for the codecs).
//!
//! [`OwnedStreamItem`]: crate::stream::OwnedStreamItem
//! [`OwnedEvent`]: crate::sse::OwnedEvent
//! [`ChunkDecoder`]: crate::stream::ChunkDecoder

#[cfg(feature = "futures")]
mod chunk_stream;
#[cfg(feature = "tokio-util")]
mod codec;
#[cfg(feature = "futures")]
mod completion;
mod error;

#[cfg(feature = "futures")]
pub use self::chunk_stream::ChunkStream;
#[cfg(feature = "tokio-util")]
pub use self::codec::{ChunkCodec, SseCodec};
#[cfg(feature = "futures")]
pub use self::completion::Completion;
pub use self::error::{Error, ErrorKind};
