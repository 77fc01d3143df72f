//! [`RawJson`](crate::types::RawJson) from deserializers that do not speak serde_json's
//! raw-value protocol: sonic-rs through its own raw protocol (the one its `LazyValue` uses),
//! any other (simd-json, `serde_json::Value`-like trees) by writing the visited value back
//! out as compact JSON text.
//!
//! serde_json never reaches this code: it answers `RawJson`'s request for raw text itself.

use alloc::borrow::Cow;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use crate::types::parse_error::append_json;

/// The newtype name sonic-rs answers with the raw text of the next value (as
/// `visit_borrowed_str`, or `visit_str` when it saw an escape).
///
/// The name is private to sonic-rs; the `sonic-rs` feature's tests compare what it yields
/// with `sonic_rs::LazyValue::as_raw_str`, so a change of it in sonic-rs fails them.
pub(crate) const SONIC_RAW_TOKEN: &str = "$sonic_rs::LazyValue";

/// How deep [`Transcode`] follows nested arrays and objects (serde_json's own limit), so a
/// deserializer without a nesting limit of its own (simd-json's serde deserializer) cannot
/// make it overflow the stack.
const MAX_DEPTH: usize = 128;

/// The raw text of the next value, from a deserializer that does not speak serde_json's
/// raw-value protocol: asked with sonic-rs's raw protocol first, written back out as JSON
/// text when the deserializer does not know that one either.
pub(crate) fn raw_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_newtype_struct(SONIC_RAW_TOKEN, SonicRaw)
}

/// Takes sonic-rs's raw text, or transcodes a value of any other deserializer.
struct SonicRaw;

impl<'de> Visitor<'de> for SonicRaw {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, raw: &'de str) -> Result<Self::Value, E> {
        check_escapes(raw)?;
        Ok(Cow::Borrowed(raw))
    }

    fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        check_escapes(raw)?;
        Ok(Cow::Owned(raw.to_owned()))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let mut out = Vec::new();
        Transcode {
            out: &mut out,
            depth: 0,
        }
        .deserialize(d)?;
        // Only JSON text (UTF-8) is ever written to `out`.
        Ok(Cow::Owned(String::from_utf8(out).unwrap_or_default()))
    }
}

/// sonic-rs's skipping of a raw value does not check every escape inside it (it let
/// `"\uf60H"` and `"\ud}00"` through), so they are checked here, when there is one.
fn check_escapes<E: de::Error>(raw: &str) -> Result<(), E> {
    if memchr::memchr(b'\\', raw.as_bytes()).is_some() && !escapes_are_valid(raw) {
        return Err(E::custom("invalid escape"));
    }
    Ok(())
}

/// Whether every backslash escape inside the strings of the JSON text `raw` is valid.
fn escapes_are_valid(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                match bytes.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                    Some(b'u') => match bytes.get(i + 2..i + 6) {
                        Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => i += 4,
                        _ => return false,
                    },
                    _ => return false,
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// Writes the value a deserializer visits as compact JSON text: keys in their input order,
/// strings re-escaped the way serde_json escapes them, numbers as the deserializer read them
/// (an integer as an integer, a float in its shortest round-trip form).
struct Transcode<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
}

impl Transcode<'_> {
    fn scalar<T: serde::Serialize + ?Sized, E: de::Error>(self, value: &T) -> Result<(), E> {
        append_json(value, self.out).map_err(E::custom)
    }

    fn nested(&mut self) -> Transcode<'_> {
        Transcode {
            out: self.out,
            depth: self.depth + 1,
        }
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom("recursion limit exceeded"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Transcode<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Transcode<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(&v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(&v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(&v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if !v.is_finite() {
            return Err(E::custom("a number out of range"));
        }
        self.scalar(&v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.enter()?;
        self.out.push(b'[');
        let mut first = true;
        loop {
            let comma = self.out.len();
            if !first {
                self.out.push(b',');
            }
            if seq.next_element_seed(self.nested())?.is_none() {
                self.out.truncate(comma);
                break;
            }
            first = false;
        }
        self.out.push(b']');
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.enter()?;
        self.out.push(b'{');
        let mut first = true;
        loop {
            let comma = self.out.len();
            if !first {
                self.out.push(b',');
            }
            if map.next_key_seed(Key(self.out))?.is_none() {
                self.out.truncate(comma);
                break;
            }
            self.out.push(b':');
            map.next_value_seed(self.nested())?;
            first = false;
        }
        self.out.push(b'}');
        Ok(())
    }
}

/// Writes an object key (a JSON string).
struct Key<'o>(&'o mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        append_json(v, self.0).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde::de::value::{Error, MapDeserializer, SeqDeserializer, StrDeserializer};
    use serde::de::IntoDeserializer;

    use super::*;

    /// A deserializer that, like simd-json's, answers every newtype name with
    /// `visit_newtype_struct` (serde's value deserializers skip the newtype).
    struct Foreign<D>(D);

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for Foreign<D> {
        type Error = D::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            visitor.visit_newtype_struct(self.0)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct seq tuple tuple_struct map struct enum
            identifier ignored_any
        }
    }

    fn transcode<'de, D: Deserializer<'de, Error = Error>>(d: D) -> Result<String, Error> {
        raw_text(Foreign(d)).map(Cow::into_owned)
    }

    #[test]
    fn scalars_are_written_as_json() {
        assert_eq!(transcode(true.into_deserializer()).unwrap(), "true");
        assert_eq!(transcode((-7i64).into_deserializer()).unwrap(), "-7");
        assert_eq!(
            transcode(u64::MAX.into_deserializer()).unwrap(),
            "18446744073709551615"
        );
        assert_eq!(transcode(0.5f64.into_deserializer()).unwrap(), "0.5");
        assert_eq!(transcode(1e300f64.into_deserializer()).unwrap(), "1e+300");
        assert_eq!(transcode(().into_deserializer()).unwrap(), "null");
        let text = StrDeserializer::<Error>::new("a\"b\n\u{1}é");
        assert_eq!(transcode(text).unwrap(), r#""a\"b\n\u0001é""#);
        assert!(transcode(f64::NAN.into_deserializer()).is_err());
    }

    #[test]
    fn containers_keep_their_order() {
        let seq = SeqDeserializer::<_, Error>::new([3u64, 1, 2].into_iter());
        assert_eq!(transcode(seq).unwrap(), "[3,1,2]");
        let empty = SeqDeserializer::<_, Error>::new(core::iter::empty::<u64>());
        assert_eq!(transcode(empty).unwrap(), "[]");
        let map = MapDeserializer::<_, Error>::new([("z", 1u64), ("a", 2)].into_iter());
        assert_eq!(transcode(map).unwrap(), r#"{"z":1,"a":2}"#);
        let empty = MapDeserializer::<_, Error>::new(core::iter::empty::<(&str, u64)>());
        assert_eq!(transcode(empty).unwrap(), "{}");
    }

    #[test]
    fn escapes_are_checked() {
        for good in [r#""a\n\u4f60\\""#, r#"{"k\"":["\/\b\f\r\t"]}"#, "1"] {
            assert!(escapes_are_valid(good), "{good}");
        }
        for bad in [r#""\uf60H""#, r#""\x""#, r#"["\u12"]"#, r#""\"#] {
            assert!(!escapes_are_valid(bad), "{bad}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        // serde_json's `Value` deserializer answers a foreign newtype name with
        // `visit_newtype_struct` and has no nesting limit of its own.
        let mut deep = serde_json::Value::Null;
        for _ in 0..MAX_DEPTH {
            deep = serde_json::Value::Array(alloc::vec![deep]);
        }
        let text = raw_text(&deep).unwrap();
        assert_eq!(text.len(), 2 * MAX_DEPTH + 4);
        let deeper = serde_json::Value::Array(alloc::vec![deep]);
        let err = raw_text(&deeper).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }
}
