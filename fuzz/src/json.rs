//! Checks shared by the JSON targets: the parse -> serialize -> parse round trip, agreement
//! with `serde_json::Value` on what the JSON means, the shape of parse errors, and string
//! unescaping compared with serde_json's.

use chatwire::types::{JsonStr, ParseError, ParseErrorKind};
use serde_json::Value;

/// Checks one wire type on `data`: parsing never panics; an error is typed and points into the
/// input; a parsed value serializes to JSON that parses back to an equal value, serializes to
/// the same text again, means the same JSON value as the input (when serde_json reads the input
/// as a value), and survives `into_owned`. Evaluates to the parsed value, if any.
#[macro_export]
macro_rules! check_json {
    ($ty:ty, $data:expr) => {{
        let data: &[u8] = $data;
        match <$ty>::from_slice(data) {
            Err(err) => {
                $crate::json::check_parse_error(&err, data.len());
                if let Ok(text) = std::str::from_utf8(data) {
                    let again =
                        <$ty>::from_json(text).expect_err("from_json agrees with from_slice");
                    assert_eq!(again.kind(), err.kind());
                }
                None
            }
            Ok(value) => {
                let written = value.to_json();
                let reparsed = <$ty>::from_json(&written)
                    .unwrap_or_else(|err| panic!("{written} does not parse back: {err}"));
                assert_eq!(
                    reparsed, value,
                    "parse -> serialize -> parse changed the value"
                );
                assert_eq!(reparsed.to_json(), written, "serializing is not stable");
                let owned = value.clone().into_owned();
                assert_eq!(owned, value, "into_owned changed the value");
                $crate::json::check_same_json(data, &written);
                Some(value)
            }
        }
    }};
}

/// A parse error is one of the documented kinds, points into the input and says something.
pub fn check_parse_error(err: &ParseError, len: usize) {
    match err.kind() {
        ParseErrorKind::Syntax | ParseErrorKind::Data | ParseErrorKind::Eof => {}
        other => panic!("an undocumented parse error kind {other:?}"),
    }
    assert!(
        err.offset() <= len,
        "error at {} of {len} bytes: {err}",
        err.offset()
    );
    assert!(!err.message().is_empty());
    assert!(!err.to_string().is_empty());
}

/// When serde_json reads `input` as a JSON value, `written` means the same value (numbers
/// compared as numbers: `1`, `1.0` and `1e0` are one value).
pub fn check_same_json(input: &[u8], written: &str) {
    let Ok(original) = serde_json::from_slice::<Value>(input) else {
        return;
    };
    let rewritten: Value = serde_json::from_str(written).expect("written JSON is JSON");
    assert!(
        same_value(&original, &rewritten),
        "the JSON value changed:\n  in:  {original}\n  out: {rewritten}"
    );
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_value(x, y)))
        }
        _ => a == b,
    }
}

/// A string's three ways of decoding (`to_cow`, `unescape_into`, `eq_str`) agree with each
/// other and with serde_json's unescaping of the same raw text.
pub fn check_str(s: &JsonStr<'_>) {
    let text = s.to_cow();
    assert!(s.eq_str(&text), "eq_str disagrees with to_cow on {s:?}");
    let mut out = String::from(">");
    s.unescape_into(&mut out);
    assert_eq!(&out[1..], &*text);
    assert_eq!(s.is_empty(), text.is_empty());
    if let Some(raw) = s.raw() {
        if let Ok(expected) = serde_json::from_str::<String>(&format!("\"{raw}\"")) {
            assert_eq!(text, expected, "unescaping {raw:?}");
        }
    }
}
