//! [`RawJson`] and [`Extra`]: JSON kept as text, for values chatwire does not interpret
//! (tool parameters, logprobs) and for fields it does not know.

use alloc::borrow::Cow;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::string::ToString;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::types::List;

/// The name serde_json recognises to hand over, and to take, raw JSON text.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON value of any type kept as its text, borrowed from the input.
///
/// Parsing a `RawJson` validates the value and copies nothing; serializing it writes the text
/// back unchanged, so numbers beyond `f64` precision (a `seed` of `7228414683750928000`)
/// and key order survive a round trip.
///
/// # Example
///
/// ```
/// use chatwire::types::RawJson;
///
/// let raw: RawJson<'_> = serde_json::from_str(r#" {"seed": 7228414683750928000} "#).unwrap();
/// assert_eq!(raw.get(), r#"{"seed": 7228414683750928000}"#);
/// assert_eq!(serde_json::to_string(&raw).unwrap(), raw.get());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RawJson<'a>(Cow<'a, str>);

/// A value that is not valid JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidJson {
    message: String,
}

impl fmt::Display for InvalidJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON: {}", self.message)
    }
}

impl core::error::Error for InvalidJson {}

impl<'a> RawJson<'a> {
    /// Checks that `text` is one JSON value and wraps it (surrounding whitespace trimmed).
    ///
    /// # Errors
    ///
    /// [`InvalidJson`] when `text` is not exactly one valid JSON value.
    pub fn from_json(text: &'a str) -> Result<Self, InvalidJson> {
        serde_json::from_str::<de::IgnoredAny>(text).map_err(|e| InvalidJson {
            message: e.to_string(),
        })?;
        Ok(RawJson(Cow::Borrowed(text.trim_matches(is_json_ws))))
    }

    /// Serializes `value` to JSON text.
    ///
    /// # Errors
    ///
    /// [`InvalidJson`] when `value` cannot be represented as JSON (a map with non-string
    /// keys, a float that is not finite).
    pub fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<RawJson<'static>, InvalidJson> {
        serde_json::to_string(value)
            .map(|text| RawJson(Cow::Owned(text)))
            .map_err(|e| InvalidJson {
                message: e.to_string(),
            })
    }

    /// Wraps text already checked to be exactly one JSON value (the chunk fast path).
    pub(crate) const fn from_validated(text: &'a str) -> Self {
        RawJson(Cow::Borrowed(text))
    }

    /// The JSON `null`.
    pub const fn null() -> Self {
        RawJson(Cow::Borrowed("null"))
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// `true` for the JSON `null`.
    pub fn is_null(&self) -> bool {
        &*self.0 == "null"
    }

    /// `true` when the value is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.starts_with('{')
    }

    /// `true` when the value is a JSON string.
    pub fn is_string(&self) -> bool {
        self.0.starts_with('"')
    }

    /// Deserializes the text into `T`.
    ///
    /// # Errors
    ///
    /// [`InvalidJson`] when the value does not have the shape `T` expects.
    pub fn parse<'de, T: Deserialize<'de>>(&'de self) -> Result<T, InvalidJson> {
        serde_json::from_str(&self.0).map_err(|e| InvalidJson {
            message: e.to_string(),
        })
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> RawJson<'static> {
        RawJson(Cow::Owned(self.0.into_owned()))
    }

    /// The text, borrowed from the input when it was parsed from a borrowing deserializer.
    pub(crate) fn into_cow(self) -> Cow<'a, str> {
        self.0
    }

    /// The first byte of the text (`{`, `[`, `"`, `n`, `t`, `f`, `-` or a digit).
    pub(crate) fn first_byte(&self) -> u8 {
        self.0.as_bytes().first().copied().unwrap_or(b' ')
    }
}

fn is_json_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl fmt::Debug for RawJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for RawJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RawJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json's raw-value protocol: the text is written out unchanged.
        let mut s = serializer.serialize_struct(RAW_VALUE_TOKEN, 1)?;
        s.serialize_field(RAW_VALUE_TOKEN, &*self.0)?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for RawJson<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = RawJson<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                if map.next_key::<de::IgnoredAny>()?.is_none() {
                    return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
                }
                Ok(RawJson(map.next_value::<Text<'de>>()?.0))
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                // A deserializer without serde_json's raw-value protocol (sonic-rs, simd-json).
                crate::types::raw_foreign::raw_text(deserializer).map(RawJson)
            }
        }

        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, Visitor)
    }
}

/// A string that borrows from the input when the format allows it.
pub(crate) struct Text<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// The fields of a JSON object that chatwire has no typed field for, kept raw and in order,
/// so that they survive a round trip (`search_info`, `x_groq`, `citations`, `timings`, or a
/// request's `extra_body` parameters).
///
/// The first field is stored inline, so an object with a single unknown field (vLLM's
/// `token_ids`, OpenAI's `obfuscation`) costs no allocation.
///
/// # Example
///
/// ```
/// use chatwire::types::{Extra, RawJson};
///
/// let mut extra = Extra::new();
/// extra.insert("x_trace", RawJson::from_json(r#"{"id":7}"#).unwrap());
/// assert_eq!(extra.get("x_trace").map(RawJson::get), Some(r#"{"id":7}"#));
/// assert_eq!(extra.len(), 1);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Extra<'a> {
    fields: List<(Cow<'a, str>, RawJson<'a>)>,
}

impl<'a> Extra<'a> {
    /// No fields. Does not allocate.
    pub const fn new() -> Self {
        Extra {
            fields: List::new(),
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// `true` when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The value of the first field named `key`.
    pub fn get(&self, key: &str) -> Option<&RawJson<'a>> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, replacing an existing field of that name in place.
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: RawJson<'a>) {
        let key = key.into();
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key, value)),
        }
    }

    /// Appends a field without looking for an existing one (what a parser does: JSON
    /// objects with a repeated key keep both).
    pub fn push(&mut self, key: impl Into<Cow<'a, str>>, value: RawJson<'a>) {
        self.fields.push((key.into(), value));
    }

    /// Removes and returns the first field named `key`.
    pub fn remove(&mut self, key: &str) -> Option<RawJson<'a>> {
        let pos = self.fields.iter().position(|(k, _)| k == key)?;
        self.fields.remove(pos).map(|(_, v)| v)
    }

    /// Keeps only the fields for which `keep` returns `true`, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &RawJson<'a>) -> bool) {
        self.fields.retain(|(k, v)| keep(k, v));
    }

    /// The fields in input order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &RawJson<'a>)> + '_ {
        self.fields.iter().map(|(k, v)| (&**k, v))
    }

    /// Converts into fields that own their text.
    pub fn into_owned(self) -> Extra<'static> {
        Extra {
            fields: self
                .fields
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())),
        }
    }

    /// Serializes every field into an open map (used by the containing type's `Serialize`).
    pub(crate) fn serialize_into<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        for (k, v) in self.fields.iter() {
            map.serialize_entry(&**k, v)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Extra<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.fields.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<'de> Deserialize<'de> for Extra<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Extra<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut extra = Extra::new();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    extra.push(key, map.next_value()?);
                }
                Ok(extra)
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

impl Serialize for Extra<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        self.serialize_into(&mut map)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_json_round_trips_text_unchanged() {
        for text in [
            "null",
            "true",
            "-0.0",
            "7228414683750928000123",
            r#""a\u0062""#,
            r#"{"b":1,"a":[1,2,{"c":null}]}"#,
        ] {
            let raw: RawJson<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(raw.get(), text);
            assert_eq!(serde_json::to_string(&raw).unwrap(), text);
        }
    }

    #[test]
    fn raw_json_borrows_from_the_input() {
        let text = String::from(r#"{"k": [1, 2]}"#);
        let raw: RawJson<'_> = serde_json::from_str(&text).unwrap();
        assert!(matches!(raw.0, Cow::Borrowed(_)));
    }

    #[test]
    fn raw_json_from_a_value_is_owned() {
        let value = serde_json::json!({"k": 1});
        let raw = RawJson::deserialize(value).unwrap();
        assert_eq!(raw.get(), r#"{"k":1}"#);
    }

    #[test]
    fn raw_json_rejects_invalid_text() {
        assert!(RawJson::from_json("{").is_err());
        assert!(RawJson::from_json("1 2").is_err());
        assert_eq!(RawJson::from_json(" [1] ").unwrap().get(), "[1]");
    }

    #[test]
    fn raw_json_parse_reads_the_value() {
        let raw = RawJson::from_json(r#"{"location":"Singapore"}"#).unwrap();
        let map: std::collections::BTreeMap<String, String> = raw.parse().unwrap();
        assert_eq!(map["location"], "Singapore");
        assert!(raw.parse::<u32>().is_err());
    }

    #[test]
    fn extra_keeps_order_and_repeated_keys() {
        let text = r#"{"z":1,"a":{"n":[true]},"z":2}"#;
        let extra: Extra<'_> = serde_json::from_str(text).unwrap();
        let keys: Vec<_> = extra.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "a", "z"]);
        assert_eq!(serde_json::to_string(&extra).unwrap(), text);
        assert_eq!(extra.get("z").unwrap().get(), "1");
    }

    #[test]
    fn extra_insert_replaces_and_remove_takes() {
        let mut extra = Extra::new();
        extra.insert("a", RawJson::from_json("1").unwrap());
        extra.insert("a", RawJson::from_json("2").unwrap());
        assert_eq!(extra.len(), 1);
        assert_eq!(extra.remove("a").unwrap().get(), "2");
        assert!(extra.is_empty());
    }

    #[test]
    fn extra_into_owned_outlives_the_input() {
        let owned = {
            let text = String::from(r#"{"k\"ey":"v"}"#);
            serde_json::from_str::<Extra<'_>>(&text)
                .unwrap()
                .into_owned()
        };
        assert_eq!(owned.get("k\"ey").unwrap().get(), r#""v""#);
    }
}
