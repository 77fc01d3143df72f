//! Other JSON back ends for the general (serde) path, behind optional features.
//!
//! | feature | module | input |
//! | --- | --- | --- |
//! | `sonic-rs` | `backend::sonic` | `&str` or `&[u8]`, read only |
//! | `simd-json` | `backend::simd` | `&mut [u8]`: strings are unescaped in place |
//!
//! Both parse any chatwire type that implements [`serde::Deserialize`] and report failures
//! as a [`ParseError`](crate::types::ParseError), like `from_json`. They are measured against
//! the default path in BENCHMARKS.md ("JSON back ends"); the default stays serde_json behind
//! the hand-written chunk fast path.
//!
//! The parsed values are equal (`==`) to what serde_json yields for the same text, and what
//! serde_json rejects they reject, with these differences in *how* a value is held:
//!
//! - [`JsonStr`](crate::types::JsonStr): serde_json keeps escapes raw
//!   ([`is_escaped`](crate::types::JsonStr::is_escaped)); the other back ends hand over the
//!   decoded text, so `is_escaped()` is `false` and [`raw`](crate::types::JsonStr::raw) is
//!   `None`. sonic-rs copies a string with escapes into an owned `String`; simd-json borrows
//!   it from the buffer it decoded it into.
//! - [`RawJson`](crate::types::RawJson) (tool parameters, logprobs, unknown fields, the
//!   lenient numeric fields, message content): sonic-rs hands over the raw text, borrowed
//!   unless it holds an escape (then copied). simd-json cannot (its in-place unescaping
//!   overwrites the text), so the value is written back out as compact JSON: an owned
//!   `String`, keys in input order, whitespace dropped, strings re-escaped, numbers as
//!   simd-json read them (`1.0e2` becomes `100.0`). Nesting deeper than 128 arrays or
//!   objects inside such a value is an error (simd-json has no nesting limit of its own).
//! - Errors: the same [`ParseErrorKind`](crate::types::ParseErrorKind)s, with each library's
//!   own message. sonic-rs reports a line and column like serde_json; simd-json reports a
//!   byte offset for syntax errors and none (offset 0) for errors raised by the types (a
//!   wrong type, a missing field), its line is always 1 (the buffer cannot be read again to
//!   count lines), and it calls most texts that end too early syntax errors, not
//!   [`is_eof`](crate::types::ParseError::is_eof).
//!
//! And these differences in what is accepted, all checked by the differential tests:
//!
//! - An unpaired surrogate escape (`"\ud800"`): chatwire's serde path accepts it and decodes
//!   it as U+FFFD; sonic-rs rejects the text; simd-json rejects a lone low surrogate and a
//!   high one followed by another `\u` escape, but decodes a high one followed by anything
//!   else as U+0000.
//! - A number beyond the range of `f64` (`1e400`) or an integer beyond 64 bits
//!   (`7228414683750928000123`): serde_json keeps it raw (in `extra`, or as the raw text of a
//!   lenient field); simd-json rejects the text.
//! - An integer of 19 or more digits followed by other bytes (`1234567890123456789x`):
//!   simd-json 0.15 accepts it and drops what follows the digits (a defect of simd-json; it
//!   rejects shorter integers followed by other bytes, and serde_json rejects both).
//! - A number with 20 or more significant digits (`7.28414683750928000123`): simd-json 0.15
//!   may misread it, depending on where it sits in the input (its mantissa wrapped around:
//!   0.0899... in one generated chunk), a defect of simd-json; serde_json reads the nearest
//!   double.
//! - `-0`: simd-json reads it as the integer 0, so a lenient integer field (`created`) that
//!   serde_json leaves in `extra` as `-0` is typed `0`.
//! - Nesting: simd-json's rewriting of a raw value refuses more than 128 nested arrays or
//!   objects inside it, where serde_json skips a raw value of any depth.
//! - Invalid UTF-8 inside a value kept raw: sonic-rs's own `from_slice` lets it through into a
//!   `&str` (a `debug_assert` in sonic-rs 0.5.10 catches it in debug builds only), so
//!   `backend::sonic::from_slice` validates the bytes itself first and rejects them, like
//!   serde_json and simd-json.
//! - sonic-rs skips raw values recursively: in a debug build, about 40 nested arrays
//!   overflow a 2 MiB thread stack (`sonic_rs::LazyValue` alone does the same).

#[cfg(feature = "simd-json")]
pub mod simd;
#[cfg(feature = "sonic-rs")]
pub mod sonic;

/// The last path segment of `T`'s name, without generics (`"ChatCompletionChunk"`).
fn short_type_name<T: ?Sized>() -> &'static str {
    let full = core::any::type_name::<T>();
    let path = full.split('<').next().unwrap_or(full);
    path.rsplit("::").next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ChatCompletionChunk, List};

    #[test]
    fn type_names_are_short() {
        assert_eq!(
            short_type_name::<ChatCompletionChunk<'_>>(),
            "ChatCompletionChunk"
        );
        assert_eq!(short_type_name::<List<u8>>(), "List");
        assert_eq!(short_type_name::<u8>(), "u8");
    }
}
