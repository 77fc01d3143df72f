//! [`Stop`]: the stop sequences of a request.

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::types::reparse::Reparse;
use crate::types::{IntoOwned, JsonStr, RawJson};

/// Where generation stops (`"stop"`): a string, or an array of strings, of token ids, or of
/// arrays of token ids.
///
/// An array mixing kinds (`["Hello", 104307]`, which the API rejects) parses as
/// [`Stop::Mixed`] with its elements raw, so that [request validation](crate::validate) can
/// report it instead of the parse failing.
///
/// # Example
///
/// ```
/// use chatwire::types::Stop;
///
/// let stop: Stop<'_> = serde_json::from_str(r#"["\n\n", "END"]"#).unwrap();
/// assert!(matches!(&stop, Stop::Texts(t) if t.len() == 2));
/// let stop: Stop<'_> = serde_json::from_str("[[104307, 3], [9]]").unwrap();
/// assert_eq!(stop, Stop::TokenIdArrays(vec![vec![104307, 3], vec![9]]));
/// let stop: Stop<'_> = serde_json::from_str(r#"["Hello", 104307]"#).unwrap();
/// assert!(stop.mixes_text_and_tokens());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Stop<'a> {
    /// One string.
    Text(JsonStr<'a>),
    /// Strings (also an empty array).
    Texts(Vec<JsonStr<'a>>),
    /// Token ids.
    TokenIds(Vec<u64>),
    /// Arrays of token ids (each a sequence).
    TokenIdArrays(Vec<Vec<u64>>),
    /// Any other array (mixed kinds, or elements of other types), elements kept raw.
    Mixed(Vec<RawJson<'a>>),
}

impl<'a> Stop<'a> {
    /// `true` for an array holding both strings and token ids (or arrays of them), which
    /// the API does not accept.
    pub fn mixes_text_and_tokens(&self) -> bool {
        match self {
            Stop::Mixed(items) => {
                items.iter().any(RawJson::is_string) && items.iter().any(|item| !item.is_string())
            }
            _ => false,
        }
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> Stop<'static> {
        match self {
            Stop::Text(text) => Stop::Text(text.into_owned()),
            Stop::Texts(texts) => Stop::Texts(texts.into_owned()),
            Stop::TokenIds(ids) => Stop::TokenIds(ids),
            Stop::TokenIdArrays(ids) => Stop::TokenIdArrays(ids),
            Stop::Mixed(items) => Stop::Mixed(items.into_owned()),
        }
    }

    fn from_items(items: Vec<RawJson<'a>>) -> Self {
        if items.iter().all(RawJson::is_string) {
            let texts: Option<Vec<_>> = items.iter().cloned().map(JsonStr::from_raw_json).collect();
            if let Some(texts) = texts {
                return Stop::Texts(texts);
            }
        } else if items.iter().all(|item| item.first_byte().is_ascii_digit()) {
            if let Ok(ids) = items.iter().cloned().map(u64::reparse).collect() {
                return Stop::TokenIds(ids);
            }
        } else if items.iter().all(|item| item.first_byte() == b'[') {
            let arrays: Result<Vec<Vec<u64>>, _> = items
                .iter()
                .map(|item| serde_json::from_str(item.get()))
                .collect();
            if let Ok(arrays) = arrays {
                return Stop::TokenIdArrays(arrays);
            }
        }
        Stop::Mixed(items)
    }
}

impl<'a> From<&'a str> for Stop<'a> {
    fn from(text: &'a str) -> Self {
        Stop::Text(JsonStr::new(text))
    }
}

impl IntoOwned for Stop<'_> {
    type Owned = Stop<'static>;

    fn into_owned(self) -> Stop<'static> {
        Stop::into_owned(self)
    }
}

impl Serialize for Stop<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Stop::Text(text) => text.serialize(serializer),
            Stop::Texts(texts) => texts.serialize(serializer),
            Stop::TokenIds(ids) => ids.serialize(serializer),
            Stop::TokenIdArrays(ids) => ids.serialize(serializer),
            Stop::Mixed(items) => items.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Stop<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawJson::deserialize(deserializer)?;
        match raw.first_byte() {
            b'"' => JsonStr::from_raw_json(raw)
                .map(Stop::Text)
                .ok_or_else(|| de::Error::custom("invalid stop string")),
            b'[' => Vec::<RawJson<'de>>::reparse(raw)
                .map(Stop::from_items)
                .map_err(de::Error::custom),
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other(raw.get()),
                &"a string or an array",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Stop<'_> {
        let stop: Stop<'_> = serde_json::from_str(text).unwrap();
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&stop).unwrap()).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap(),
            "{text}"
        );
        stop
    }

    #[test]
    fn every_documented_shape() {
        assert_eq!(parse(r#""END""#), Stop::Text("END".into()));
        assert_eq!(parse(r#"[]"#), Stop::Texts(vec![]));
        assert_eq!(
            parse(r#"["a","b\n"]"#),
            Stop::Texts(vec!["a".into(), "b\n".into()])
        );
        assert_eq!(parse("[104307, 3]"), Stop::TokenIds(vec![104307, 3]));
        assert_eq!(
            parse("[[1,2],[]]"),
            Stop::TokenIdArrays(vec![vec![1, 2], vec![]])
        );
    }

    #[test]
    fn other_arrays_are_mixed() {
        for text in [
            r#"["Hello", 104307]"#,
            r#"[1, [2]]"#,
            "[-1]",
            "[1.5]",
            r#"[["a"]]"#,
            "[null]",
        ] {
            assert!(matches!(parse(text), Stop::Mixed(_)), "{text}");
        }
        assert!(parse(r#"["Hello", 104307]"#).mixes_text_and_tokens());
        assert!(parse(r#"[[1], "x"]"#).mixes_text_and_tokens());
        assert!(!parse(r#"[1, [2]]"#).mixes_text_and_tokens());
        assert!(!parse(r#"["a"]"#).mixes_text_and_tokens());
    }

    #[test]
    fn other_values_are_errors() {
        for text in ["3", "{}", "true"] {
            assert!(serde_json::from_str::<Stop<'_>>(text).is_err(), "{text}");
        }
        assert_eq!(
            serde_json::from_str::<Option<Stop<'_>>>("null").unwrap(),
            None
        );
    }
}
