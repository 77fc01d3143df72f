//! Properties of request validation, over generated values rather than the table's edge
//! cases: the numeric ranges are exactly the documented intervals (every float, including the
//! neighbours of each bound), tool names follow their character rule, `check` is the first
//! error of `check_all`, and validation is unchanged by a parse -> serialize -> parse round
//! trip.
//!
//! The number of cases comes from `PROPTEST_CASES` (256 by default; CI runs more).

use chatwire::types::ChatRequest;
use chatwire::validate::{validate, validate_all, Rules, ValidationErrorKind as Kind};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A float parameter, whether a value is in its range, and the bounds of the range.
type Real = (&'static str, fn(f64) -> bool, [f64; 2]);

/// The float parameters.
const REALS: [Real; 4] = [
    ("temperature", |x| (0.0..2.0).contains(&x), [0.0, 2.0]),
    ("top_p", |x| x > 0.0 && x <= 1.0, [0.0, 1.0]),
    (
        "presence_penalty",
        |x| (-2.0..=2.0).contains(&x),
        [-2.0, 2.0],
    ),
    (
        "frequency_penalty",
        |x| (-2.0..=2.0).contains(&x),
        [-2.0, 2.0],
    ),
];

/// The adjacent float above `x` (for finite `x`).
fn above(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// The adjacent float below `x` (for finite `x`).
fn below(x: f64) -> f64 {
    -above(-x)
}

/// Floats near the bounds, small floats, and any finite float.
fn real(bounds: [f64; 2]) -> impl Strategy<Value = f64> {
    let edges: Vec<f64> = bounds
        .iter()
        .flat_map(|&b| [b, above(b), below(b)])
        .collect();
    prop_oneof![
        3 => prop::sample::select(edges),
        3 => -3.0f64..3.0,
        1 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

fn integer() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -2i64..8,
        1 => any::<i64>(),
    ]
}

fn request(patch: Value) -> String {
    let mut base = json!({"model": "qwen-plus", "messages": [{"role": "user", "content": "Hi"}]});
    if let (Some(base), Some(patch)) = (base.as_object_mut(), patch.as_object()) {
        base.extend(patch.clone());
    }
    base.to_string()
}

fn out_of_range(text: &str, param: &str) -> bool {
    let request = ChatRequest::from_json(text).expect("the request parses");
    validate_all(&request)
        .iter()
        .any(|err| err.param() == param && err.kind() == Kind::OutOfRange)
}

fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => prop::sample::select(
            "abcxyzABCXYZ0189_-".chars().collect::<Vec<_>>()
        ),
        1 => prop::sample::select(vec![' ', '.', '/', 'é', '你', '\u{0}', '$']),
    ]
}

proptest! {
    #[test]
    fn float_ranges_are_the_documented_intervals(
        (which, x) in (0usize..REALS.len()).prop_flat_map(|which| (Just(which), real(REALS[which].2))),
    ) {
        let (param, in_range, _) = REALS[which];
        let text = request(json!({ param: x }));
        prop_assert_eq!(out_of_range(&text, param), !in_range(x), "{} = {:e}", param, x);
    }

    #[test]
    fn n_is_one_to_four_and_max_tokens_at_least_one(n in integer(), max_tokens in integer()) {
        let text = request(json!({"n": n, "max_tokens": max_tokens}));
        prop_assert_eq!(out_of_range(&text, "n"), !(1..=4).contains(&n));
        prop_assert_eq!(out_of_range(&text, "max_tokens"), max_tokens < 1);
    }

    #[test]
    fn tool_names_are_letters_digits_underscore_and_dash_up_to_64(
        name in prop::collection::vec(name_char(), 0..70).prop_map(String::from_iter),
    ) {
        let text = request(json!({"tools": [{"type": "function", "function": {
            "name": name, "parameters": {"type": "object"}}}]}));
        let request = ChatRequest::from_json(&text).expect("the request parses");
        let rejected = validate_all(&request)
            .iter()
            .any(|err| err.kind() == Kind::InvalidToolName);
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        prop_assert_eq!(rejected, !valid, "{:?}", name);
    }

    /// Any mix of the parameters: `check` stops at the first error `check_all` lists, under
    /// both profiles, and a round trip through the wire format changes no verdict.
    #[test]
    fn check_is_the_first_of_check_all_and_survives_a_round_trip(
        temperature in prop::option::of(real([0.0, 2.0])),
        top_p in prop::option::of(real([0.0, 1.0])),
        n in prop::option::of(integer()),
        max_tokens in prop::option::of(integer()),
        system_last in any::<bool>(),
        stream in prop::option::of(any::<bool>()),
        include_usage in any::<bool>(),
        model in prop::sample::select(vec!["qwen-plus", "", "qwen-max"]),
    ) {
        let mut messages = vec![json!({"role": "user", "content": "Hi"})];
        if system_last {
            messages.push(json!({"role": "system", "content": "late"}));
        }
        let mut patch = json!({"model": model, "messages": messages});
        let fields = patch.as_object_mut().expect("an object");
        for (key, value) in [
            ("temperature", temperature.map(Value::from)),
            ("top_p", top_p.map(Value::from)),
            ("n", n.map(Value::from)),
            ("max_tokens", max_tokens.map(Value::from)),
            ("stream", stream.map(Value::from)),
        ] {
            if let Some(value) = value {
                fields.insert(key.to_owned(), value);
            }
        }
        if include_usage {
            fields.insert("stream_options".to_owned(), json!({"include_usage": true}));
        }
        let text = request(patch);
        let request = ChatRequest::from_json(&text).expect("the request parses");
        for rules in [Rules::default(), Rules::documented()] {
            let all = rules.check_all(&request);
            let first = rules.check(&request).err();
            prop_assert_eq!(first.as_ref(), all.first());
            let written = request.to_json();
            let again = ChatRequest::from_json(&written).expect("the written request parses");
            prop_assert_eq!(rules.check_all(&again), all);
        }
        prop_assert_eq!(validate(&request).is_ok(), validate_all(&request).is_empty());
    }
}

/// Found by `float_ranges_are_the_documented_intervals`: serde_json's default float parser read
/// `1.9999999999999998` (the largest double below 2) as `2.0`, so a valid temperature was
/// reported out of range. Floats now parse to the nearest double.
#[test]
fn temperature_just_below_two_is_in_range() {
    let x = below(2.0);
    assert_eq!(x.to_string(), "1.9999999999999998");
    let text = request(json!({ "temperature": x }));
    let request = ChatRequest::from_json(&text).unwrap();
    assert_eq!(request.temperature.value(), Some(&x));
    assert!(validate(&request).is_ok(), "{text}");
}

/// Every float in a request parses to the double that `str::parse` gives (the nearest one).
#[test]
fn floats_parse_to_the_nearest_double() {
    for text in [
        "1.9999999999999998",
        "0.30000000000000004",
        "2.2250738585072014e-308",
        "4.9e-324",
        "1.7976931348623157e308",
        "0.1000000000000000055511151231257827",
        "9007199254740993",
    ] {
        let json = format!(r#"{{"model":"m","messages":[],"top_p":{text}}}"#);
        let request = ChatRequest::from_json(&json).unwrap();
        let expected: f64 = text.parse().unwrap();
        assert_eq!(request.top_p.value(), Some(&expected), "{text}");
    }
}
