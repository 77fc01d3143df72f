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
#![forbid(unsafe_code)]
#![deny(missing_docs)]
