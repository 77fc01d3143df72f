//! Runnable examples of `chatwire`, kept as files beside this crate's manifest and run end to
//! end by its tests. This library is empty: it exists because a package needs a target.
//!
//! | example | what it shows |
//! | --- | --- |
//! | `stream_hyper` | a streamed completion over a hyper client, tokens printed as they arrive |
//! | `stream_reqwest` | the same over reqwest |
//! | `accumulate` | a streamed completion folded into the completion a non-streamed call returns |
//! | `validate` | request validation, and the 400 envelope a server would answer with |
//! | `tool_calling` | the contract's weather-and-time tool-calling loop |
//!
//! Run one with `cargo run -p chatwire-examples --example stream_hyper`.
//!
//! # The README's example
//!
//! The `chatwire` section of the workspace README shows this code; a test keeps the two the
//! same, so the README's example compiles and runs as this doctest.
//!
//! ```
//! use chatwire::stream::{ChunkDecoder, StreamItem};
//!
//! let body: [&[u8]; 2] = [b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel", b"lo\"}}]}\n\ndata: [DONE]\n\n"];
//! let (mut decoder, mut answer) = (ChunkDecoder::new(), String::new());
//! for piece in body {
//!     decoder.feed(piece);
//!     while let Some(item) = decoder.next_item()? {
//!         if let StreamItem::Chunk(chunk) = item {
//!             chunk.choices()[0].text().unwrap().unescape_into(&mut answer);
//!         }
//!     }
//! }
//! assert!(decoder.finish().is_clean());
//! assert_eq!(answer, "Hello");
//! # Ok::<(), chatwire::stream::StreamError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
