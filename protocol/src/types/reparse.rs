//! Parsing a value again from raw JSON text, borrowing from that text when it is borrowed.
//!
//! Used where the shape of a value is only known after looking at it (a message content that
//! is a string or an array of parts, a tagged content part, a `stop` that is a string or an
//! array): the value is first taken as [`RawJson`] (validated, not copied), then parsed into
//! the right type. Strings inside stay borrowed from the original input.

use std::borrow::Cow;

use serde::Deserialize;

use crate::types::RawJson;

/// A type that can be parsed from a [`RawJson`] with the raw text's lifetime.
pub(crate) trait Reparse<'a>: Sized {
    /// Parses `raw` (borrowing from it when it is borrowed, copying otherwise).
    fn reparse(raw: RawJson<'a>) -> Result<Self, serde_json::Error>;
}

impl<'a, T: Reparse<'a> + Deserialize<'a>> Reparse<'a> for Vec<T> {
    fn reparse(raw: RawJson<'a>) -> Result<Self, serde_json::Error> {
        match raw.into_cow() {
            Cow::Borrowed(text) => serde_json::from_str(text),
            Cow::Owned(text) => serde_json::from_str::<Vec<RawJson<'_>>>(&text)?
                .into_iter()
                .map(|item| T::reparse(item.into_owned()))
                .collect(),
        }
    }
}

macro_rules! reparse_plain {
    ($($t:ty),*) => {
        $(
            impl<'a> Reparse<'a> for $t {
                fn reparse(raw: RawJson<'a>) -> Result<Self, serde_json::Error> {
                    serde_json::from_str(raw.get())
                }
            }
        )*
    };
}

reparse_plain!(u64);

impl<'a> Reparse<'a> for RawJson<'a> {
    fn reparse(raw: RawJson<'a>) -> Result<Self, serde_json::Error> {
        Ok(raw)
    }
}
