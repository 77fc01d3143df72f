//! Lenient scalar fields: a number or boolean of an unexpected type is kept raw instead of
//! failing the whole object.

use crate::types::{Maybe, RawJson};

/// A field type that is read from raw JSON text and may refuse it, in which case the
/// containing object keeps the raw value in its `extra` fields under the same key.
///
/// Used for the numeric fields of responses and chunks (`created`, `index`, token counts): a
/// server that sends `"created": 1764196886.04` or `"index": "0"` costs the caller that one
/// typed field, not the whole chunk.
pub(crate) trait Lenient<'a>: Sized {
    /// The typed value for `raw`, or `raw` back when it does not fit.
    fn from_raw(raw: Maybe<RawJson<'a>>) -> Result<Self, RawJson<'a>>;
}

/// A scalar that can be read from the text of a JSON value without allocating.
pub(crate) trait Scalar: Sized {
    /// The value written by `text`, if it is one of this type.
    fn from_json_text(text: &str) -> Option<Self>;
}

impl<'a, T: Scalar> Lenient<'a> for Maybe<T> {
    fn from_raw(raw: Maybe<RawJson<'a>>) -> Result<Self, RawJson<'a>> {
        match raw {
            Maybe::Absent => Ok(Maybe::Absent),
            Maybe::Null => Ok(Maybe::Null),
            Maybe::Value(raw) => match T::from_json_text(raw.get()) {
                Some(value) => Ok(Maybe::Value(value)),
                None => Err(raw),
            },
        }
    }
}

macro_rules! integer_scalar {
    ($($t:ty),*) => {
        $(
            impl Scalar for $t {
                fn from_json_text(text: &str) -> Option<Self> {
                    // JSON integers never carry a `+`, which `parse` would accept.
                    if text.starts_with('+') {
                        return None;
                    }
                    text.parse().ok()
                }
            }
        )*
    };
}

integer_scalar!(u32, u64, i64);

impl Scalar for f64 {
    fn from_json_text(text: &str) -> Option<Self> {
        let first = *text.as_bytes().first()?;
        if !(first == b'-' || first.is_ascii_digit()) {
            return None;
        }
        text.parse::<f64>().ok().filter(|value| value.is_finite())
    }
}

impl Scalar for bool {
    fn from_json_text(text: &str) -> Option<Self> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Maybe<RawJson<'_>> {
        Maybe::Value(RawJson::from_json(text).unwrap())
    }

    #[test]
    fn integers_accept_only_json_integers_in_range() {
        assert_eq!(
            Maybe::<u64>::from_raw(raw("7228414683750928000")),
            Ok(Maybe::Value(7228414683750928000))
        );
        assert_eq!(Maybe::<u32>::from_raw(raw("0")), Ok(Maybe::Value(0)));
        for bad in [
            "1.5",
            "-1",
            "\"3\"",
            "1e3",
            "18446744073709551616",
            "true",
            "[1]",
        ] {
            assert!(Maybe::<u64>::from_raw(raw(bad)).is_err(), "{bad}");
        }
        assert_eq!(Maybe::<i64>::from_raw(raw("-5")), Ok(Maybe::Value(-5)));
        assert!(Maybe::<u32>::from_raw(raw("4294967296")).is_err());
    }

    #[test]
    fn floats_and_booleans() {
        assert_eq!(
            Maybe::<f64>::from_raw(raw("-0.25")),
            Ok(Maybe::Value(-0.25))
        );
        assert_eq!(Maybe::<f64>::from_raw(raw("3")), Ok(Maybe::Value(3.0)));
        assert!(Maybe::<f64>::from_raw(raw("1e400")).is_err());
        assert!(Maybe::<f64>::from_raw(raw("\"NaN\"")).is_err());
        assert_eq!(
            Maybe::<bool>::from_raw(raw("false")),
            Ok(Maybe::Value(false))
        );
        assert!(Maybe::<bool>::from_raw(raw("0")).is_err());
    }

    #[test]
    fn null_and_absent_pass_through() {
        assert_eq!(Maybe::<u64>::from_raw(Maybe::Null), Ok(Maybe::Null));
        assert_eq!(Maybe::<u64>::from_raw(Maybe::Absent), Ok(Maybe::Absent));
    }
}
