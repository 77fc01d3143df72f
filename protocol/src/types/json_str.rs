//! [`JsonStr`]: a JSON string borrowed from the input with its escapes intact, unescaped on
//! demand.

use alloc::borrow::Cow;
use alloc::borrow::ToOwned;
use alloc::string::String;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::types::RawJson;

/// A JSON string value that borrows from the input it was parsed from.
///
/// Text that carries no escape sequence (the common case for streamed deltas) is borrowed
/// as-is. Text that does carry escapes (`\n`, `\"`, `\u4f60`…) is kept *raw*, escapes intact,
/// and unescaped only when asked: [`JsonStr::to_cow`] allocates once, and
/// [`JsonStr::unescape_into`] appends to a caller's buffer without allocating anything of its
/// own. Parsing a `JsonStr` therefore never allocates.
///
/// Values built by hand ([`JsonStr::new`], `From<String>`) hold plain, unescaped text.
///
/// Equality compares the decoded text, so `"a\u0062"` equals `"ab"`.
///
/// # Example
///
/// ```
/// use chatwire::types::JsonStr;
///
/// let s: JsonStr<'_> = serde_json::from_str(r#""line one\nline two""#).unwrap();
/// assert!(s.is_escaped());
/// assert_eq!(s.raw(), Some(r"line one\nline two"));
/// assert_eq!(s.to_cow(), "line one\nline two");
///
/// let mut buf = String::from("> ");
/// s.unescape_into(&mut buf);
/// assert_eq!(buf, "> line one\nline two");
/// ```
#[derive(Clone)]
pub struct JsonStr<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    /// The text between the quotes of a JSON string that contains at least one escape.
    Escaped(&'a str),
    /// Decoded text.
    Plain(Cow<'a, str>),
}

impl<'a> JsonStr<'a> {
    /// A string holding `text` as it is (no escapes are interpreted).
    pub const fn new(text: &'a str) -> Self {
        JsonStr(Repr::Plain(Cow::Borrowed(text)))
    }

    /// An empty string.
    pub const fn empty() -> Self {
        Self::new("")
    }

    /// Wraps the text between the quotes of a JSON string, escapes intact.
    ///
    /// # Errors
    ///
    /// Returns an error when `raw` is not the inside of a valid JSON string literal (an
    /// unescaped `"` or control character, or a malformed escape).
    pub fn from_raw(raw: &'a str) -> Result<Self, InvalidJsonString> {
        validate_raw(raw)?;
        Ok(Self::from_validated_raw(raw))
    }

    /// Wraps already-validated string contents.
    pub(crate) fn from_validated_raw(raw: &'a str) -> Self {
        Self::from_scanned_raw(raw, memchr::memchr(b'\\', raw.as_bytes()).is_some())
    }

    /// Wraps already-validated string contents whose scan found whether they hold an escape.
    pub(crate) fn from_scanned_raw(raw: &'a str, escaped: bool) -> Self {
        if escaped {
            JsonStr(Repr::Escaped(raw))
        } else {
            JsonStr(Repr::Plain(Cow::Borrowed(raw)))
        }
    }

    /// `true` when the value holds escape sequences that [`to_cow`](Self::to_cow) would have
    /// to decode (and allocate for).
    pub fn is_escaped(&self) -> bool {
        matches!(self.0, Repr::Escaped(_))
    }

    /// The escaped text between the quotes, when the value was parsed with escapes; `None`
    /// for plain text.
    pub fn raw(&self) -> Option<&'a str> {
        match self.0 {
            Repr::Escaped(raw) => Some(raw),
            Repr::Plain(_) => None,
        }
    }

    /// The text between the quotes as it was scanned, and whether it holds an escape: the
    /// inverse of [`from_scanned_raw`](Self::from_scanned_raw). `None` for owned text.
    pub(crate) fn scanned(&self) -> Option<(&'a str, bool)> {
        match self.0 {
            Repr::Escaped(raw) => Some((raw, true)),
            Repr::Plain(Cow::Borrowed(text)) => Some((text, false)),
            Repr::Plain(Cow::Owned(_)) => None,
        }
    }

    /// The decoded text, borrowed when it carries no escapes.
    pub fn to_cow(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Escaped(raw) => {
                let mut out = String::with_capacity(raw.len());
                unescape_into(raw, &mut out);
                Cow::Owned(out)
            }
            Repr::Plain(text) => Cow::Borrowed(text),
        }
    }

    /// The plain text, when no decoding is needed (no escapes).
    pub fn as_plain(&self) -> Option<&str> {
        match &self.0 {
            Repr::Escaped(_) => None,
            Repr::Plain(text) => Some(text),
        }
    }

    /// Appends the decoded text to `out`. Allocates only if `out` must grow.
    pub fn unescape_into(&self, out: &mut String) {
        match &self.0 {
            Repr::Escaped(raw) => unescape_into(raw, out),
            Repr::Plain(text) => out.push_str(text),
        }
    }

    /// `true` when the decoded text is empty.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Escaped(raw) => raw.is_empty(),
            Repr::Plain(text) => text.is_empty(),
        }
    }

    /// Compares the decoded text with `other` without allocating.
    pub fn eq_str(&self, other: &str) -> bool {
        match &self.0 {
            Repr::Plain(text) => text == other,
            Repr::Escaped(raw) => {
                let mut rest = other.as_bytes();
                let mut ok = true;
                for_each_piece(raw, |piece| {
                    if ok {
                        match rest.strip_prefix(piece.as_bytes()) {
                            Some(tail) => rest = tail,
                            None => ok = false,
                        }
                    }
                });
                ok && rest.is_empty()
            }
        }
    }

    /// The string held by a raw JSON value, when it is a string (no allocation when the raw
    /// text is borrowed).
    pub(crate) fn from_raw_json(raw: RawJson<'a>) -> Option<Self> {
        if !raw.is_string() {
            return None;
        }
        match raw.into_cow() {
            Cow::Borrowed(text) => {
                let inner = text.strip_prefix('"')?.strip_suffix('"')?;
                Some(Self::from_validated_raw(inner))
            }
            Cow::Owned(text) => serde_json::from_str::<String>(&text)
                .ok()
                .map(JsonStr::from),
        }
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> JsonStr<'static> {
        match self.0 {
            Repr::Escaped(raw) => JsonStr(Repr::Plain(Cow::Owned(decode(raw)))),
            Repr::Plain(text) => JsonStr(Repr::Plain(Cow::Owned(text.into_owned()))),
        }
    }
}

fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    unescape_into(raw, &mut out);
    out
}

impl Default for JsonStr<'_> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<'a> From<&'a str> for JsonStr<'a> {
    fn from(text: &'a str) -> Self {
        Self::new(text)
    }
}

impl From<String> for JsonStr<'_> {
    fn from(text: String) -> Self {
        JsonStr(Repr::Plain(Cow::Owned(text)))
    }
}

impl<'a> From<Cow<'a, str>> for JsonStr<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        JsonStr(Repr::Plain(text))
    }
}

impl PartialEq for JsonStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (_, Repr::Plain(text)) => self.eq_str(text),
            (Repr::Plain(text), _) => other.eq_str(text),
            (Repr::Escaped(_), Repr::Escaped(_)) => self.to_cow() == other.to_cow(),
        }
    }
}

impl Eq for JsonStr<'_> {}

impl PartialEq<str> for JsonStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq<&str> for JsonStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.to_cow(), f)
    }
}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Plain(text) => f.write_str(text),
            Repr::Escaped(raw) => {
                let mut result = Ok(());
                for_each_piece(raw, |piece| {
                    if result.is_ok() {
                        result = f.write_str(piece);
                    }
                });
                result
            }
        }
    }
}

impl Serialize for JsonStr<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Plain(text) => serializer.serialize_str(text),
            // Decoded piece by piece through `Display`: serde_json escapes the pieces as it
            // writes them, without building the decoded string first.
            Repr::Escaped(_) => serializer.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for JsonStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = JsonStr<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(JsonStr::new(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(JsonStr::from(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(JsonStr::from(text))
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                // A deserializer without serde_json's raw-value protocol (sonic-rs, simd-json)
                // hands over the decoded string: borrowed when it can be, owned otherwise.
                deserializer.deserialize_str(self)
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // serde_json answers a request for raw text (the `RawValue` protocol) with a
                // one-entry map whose value is the raw JSON text: borrowed when parsing from
                // a slice, owned when deserializing from a `Value`.
                if map.next_key::<de::IgnoredAny>()?.is_none() {
                    return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
                }
                let raw: RawText<'de> = map.next_value()?;
                let not_a_string =
                    |raw: &str| de::Error::invalid_type(de::Unexpected::Other(raw), &self);
                match raw {
                    RawText::Borrowed(raw) => {
                        let inner = raw
                            .strip_prefix('"')
                            .and_then(|r| r.strip_suffix('"'))
                            .ok_or_else(|| not_a_string(raw))?;
                        Ok(JsonStr::from_validated_raw(inner))
                    }
                    RawText::Owned(raw) => match serde_json::from_str::<String>(&raw) {
                        Ok(text) => Ok(JsonStr::from(text)),
                        Err(_) => Err(not_a_string(&raw)),
                    },
                }
            }
        }

        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, Visitor)
    }
}

/// The name serde_json recognises to hand over raw, unparsed text.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Raw JSON text as serde_json hands it over: borrowed from the input, or owned.
enum RawText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = RawText<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("raw JSON text")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(RawText::Borrowed(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(RawText::Owned(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(RawText::Owned(text))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// The inside of a JSON string literal was not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidJsonString {
    offset: usize,
}

impl InvalidJsonString {
    /// Byte offset of the first invalid byte.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for InvalidJsonString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON string contents at byte {}", self.offset)
    }
}

impl core::error::Error for InvalidJsonString {}

fn validate_raw(raw: &str) -> Result<(), InvalidJsonString> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | 0x00..=0x1f => return Err(InvalidJsonString { offset: i }),
            b'\\' => {
                let esc = *bytes.get(i + 1).ok_or(InvalidJsonString { offset: i })?;
                match esc {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                    b'u' => {
                        let hex = bytes
                            .get(i + 2..i + 6)
                            .ok_or(InvalidJsonString { offset: i })?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(InvalidJsonString { offset: i });
                        }
                        i += 6;
                    }
                    _ => return Err(InvalidJsonString { offset: i }),
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Appends the decoding of validated string contents to `out`.
pub(crate) fn unescape_into(raw: &str, out: &mut String) {
    out.reserve(raw.len());
    for_each_piece(raw, |piece| out.push_str(piece));
}

/// Calls `f` with the decoded text of `raw`, piece by piece, without allocating. Lone
/// surrogates (which JSON allows in `\u` escapes but Unicode text cannot hold) become U+FFFD.
fn for_each_piece(raw: &str, mut f: impl FnMut(&str)) {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'\\', &bytes[i..]) {
        let at = i + pos;
        if start < at {
            f(&raw[start..at]);
        }
        let Some(&esc) = bytes.get(at + 1) else {
            // A trailing lone backslash: only reachable through unvalidated input.
            f("\u{fffd}");
            return;
        };
        i = at + 2;
        let ch = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (ch, used) = decode_unicode_escape(&bytes[at + 2..]);
                i = at + 2 + used;
                ch
            }
            _ => '\u{fffd}',
        };
        let mut buf = [0u8; 4];
        f(ch.encode_utf8(&mut buf));
        start = i;
    }
    if start < bytes.len() {
        f(&raw[start..]);
    }
}

/// Decodes the `XXXX` (and a following `\uXXXX` low surrogate) after a `\u`; returns the
/// character and how many bytes after `\u` it used.
fn decode_unicode_escape(rest: &[u8]) -> (char, usize) {
    let Some(hi) = hex4(rest) else {
        return ('\u{fffd}', rest.len().min(4));
    };
    if (0xD800..0xDC00).contains(&hi) {
        if let (Some(b"\\u"), Some(lo)) = (rest.get(4..6), rest.get(6..).and_then(hex4)) {
            if (0xDC00..0xE000).contains(&lo) {
                let code = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                return (char::from_u32(code).unwrap_or('\u{fffd}'), 10);
            }
        }
        return ('\u{fffd}', 4);
    }
    (char::from_u32(u32::from(hi)).unwrap_or('\u{fffd}'), 4)
}

fn hex4(bytes: &[u8]) -> Option<u16> {
    let digits = bytes.get(..4)?;
    let mut value = 0u16;
    for &d in digits {
        value = value << 4 | u16::from(char::from(d).to_digit(16)? as u8);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> JsonStr<'_> {
        serde_json::from_str(json).expect("valid JSON string")
    }

    #[test]
    fn plain_text_is_borrowed() {
        let json = r#""hello world""#;
        let s = parse(json);
        assert!(!s.is_escaped());
        assert!(matches!(s.to_cow(), Cow::Borrowed("hello world")));
    }

    #[test]
    fn escapes_are_kept_raw_and_decoded_on_demand() {
        let s = parse(r#""a\"b\\c\/d\b\f\n\r\t\u4f60\ud83d\ude00""#);
        assert!(s.is_escaped());
        assert_eq!(s.to_cow(), "a\"b\\c/d\u{8}\u{c}\n\r\t你😀");
    }

    #[test]
    fn decoding_agrees_with_serde_json() {
        let cases = [
            r#""""#,
            r#""\u0000""#,
            r#""x\u00e9y""#,
            r#""\ud83d\ude00\ud83d\ude00""#,
            r#""tail\\""#,
            r#""{\"a\": [1, 2]}""#,
        ];
        for case in cases {
            let expected: String = serde_json::from_str(case).unwrap();
            let s = parse(case);
            assert_eq!(s.to_cow(), expected, "{case}");
            assert!(s.eq_str(&expected), "{case}");
            assert_eq!(s.to_string(), expected, "{case}");
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let s = JsonStr::from_raw(r"a\ud800b\udc00c\ud800\u0041").unwrap();
        assert_eq!(s.to_cow(), "a\u{fffd}b\u{fffd}c\u{fffd}A");
    }

    #[test]
    fn from_raw_rejects_invalid_contents() {
        for (raw, offset) in [
            (r#"a"b"#, 1),
            ("a\nb", 1),
            (r"ab\", 2),
            (r"\x", 0),
            (r"\u12", 0),
        ] {
            assert_eq!(
                JsonStr::from_raw(raw).unwrap_err().offset(),
                offset,
                "{raw}"
            );
        }
    }

    #[test]
    fn eq_str_detects_prefixes_and_mismatches() {
        let s = parse(r#""a\nb""#);
        assert!(s.eq_str("a\nb"));
        assert!(!s.eq_str("a\n"));
        assert!(!s.eq_str("a\nbc"));
        assert!(!s.eq_str("a b"));
        assert_eq!(s, JsonStr::new("a\nb"));
        assert_ne!(s, JsonStr::new("a\\nb"));
    }

    #[test]
    fn serializes_to_the_same_json_value() {
        let json = r#""q\"\u4f60\n""#;
        let s = parse(json);
        let back = serde_json::to_string(&s).unwrap();
        let a: String = serde_json::from_str(json).unwrap();
        let b: String = serde_json::from_str(&back).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn into_owned_outlives_the_input() {
        let owned = {
            let input = String::from(r#""x\ty""#);
            parse(&input).into_owned()
        };
        assert_eq!(owned, "x\ty");
    }

    #[test]
    fn rejects_non_strings() {
        assert!(serde_json::from_str::<JsonStr<'_>>("12").is_err());
        assert!(serde_json::from_str::<JsonStr<'_>>("null").is_err());
        assert!(serde_json::from_str::<Option<JsonStr<'_>>>("null")
            .unwrap()
            .is_none());
    }

    #[test]
    fn deserializes_from_owned_values_too() {
        let value = serde_json::json!("owned\ntext");
        let s = JsonStr::deserialize(value).unwrap();
        assert_eq!(s, "owned\ntext");
    }
}
