//! The wire types of the Chat Completions API: requests, responses, streamed chunks and error
//! envelopes, borrowing from the JSON they were parsed from.
//!
//! The building blocks shared by every type:
//! - [`JsonStr`]: a string borrowed raw, escapes intact, unescaped on demand;
//! - [`RawJson`]: any JSON value kept as text (tool parameters, logprobs);
//! - [`Extra`]: the unknown fields of an object, kept raw so they survive a round trip;
//! - [`List`]: a sequence that holds its first element inline (one choice per chunk costs no
//!   allocation).
//!
//! Borrowing values are parsed with `serde_json::from_str` or `serde_json::from_slice`; every
//! type has `into_owned()` for a `'static` copy.

mod json_str;
mod list;
mod raw_json;

pub use json_str::{InvalidJsonString, JsonStr};
pub use list::List;
pub use raw_json::{Extra, InvalidJson, RawJson};
