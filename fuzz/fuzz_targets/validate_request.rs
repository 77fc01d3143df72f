//! Request validation on arbitrary request JSON.
//!
//! Asserts: never panics; `check` reports exactly the first error of `check_all`, for both rule
//! profiles and for the model-dependent checks; every error names a parameter and converts to
//! the documented 400 envelope, which round-trips; validation gives the same errors after a
//! parse -> serialize -> parse round trip; and the numeric range rules agree with an
//! independent reading of the same JSON through `serde_json::Value` (a value in the documented
//! range is never reported out of range, a value outside always is).
#![no_main]

use chatwire::types::{ChatRequest, ErrorEnvelope};
use chatwire::validate::{
    check_model, check_model_all, validate, ModelCapabilities, Rules, ValidationError,
    ValidationErrorKind,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = ChatRequest::from_slice(data) else {
        return;
    };
    let all = Rules::default().check_all(&request);
    assert_eq!(validate(&request).err().as_ref(), all.first());
    check_errors(&all);

    let documented = Rules::documented();
    let all_documented = documented.check_all(&request);
    assert_eq!(
        documented.check(&request).err().as_ref(),
        all_documented.first()
    );
    check_errors(&all_documented);

    let model = request
        .model
        .value()
        .map(|m| m.to_cow().into_owned())
        .unwrap_or_default();
    for capabilities in [
        ModelCapabilities::documented(&model),
        ModelCapabilities::default(),
    ] {
        let all = check_model_all(&request, &capabilities);
        assert_eq!(
            check_model(&request, &capabilities).err().as_ref(),
            all.first()
        );
        check_errors(&all);
    }

    let written = request.to_json();
    let reparsed = ChatRequest::from_json(&written).expect("a written request parses");
    assert_eq!(
        Rules::default().check_all(&reparsed),
        all,
        "validation changed: {written}"
    );

    if let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(data) {
        check_ranges(&fields, &all);
    }
});

/// Every error names a parameter, says something, and becomes the documented envelope.
fn check_errors(errors: &[ValidationError]) {
    for err in errors {
        assert!(!err.param().is_empty(), "{err:?}");
        assert!(!err.message().is_empty(), "{err:?}");
        let envelope = err.to_envelope();
        let text = envelope.to_json();
        let parsed = ErrorEnvelope::from_json(&text).expect("an envelope parses");
        assert_eq!(parsed, envelope);
        let value: Value = serde_json::from_str(&text).expect("an envelope is JSON");
        assert_eq!(value["error"]["type"], "invalid_request_error", "{text}");
        assert_eq!(value["error"]["param"], err.param(), "{text}");
    }
}

/// A numeric parameter and whether a value is within its documented range.
type Range = (&'static str, fn(f64) -> bool);

/// The ranges of the default rules, read independently from the JSON value.
fn check_ranges(fields: &serde_json::Map<String, Value>, errors: &[ValidationError]) {
    let reals: [Range; 4] = [
        ("temperature", |x| (0.0..2.0).contains(&x)),
        ("top_p", |x| x > 0.0 && x <= 1.0),
        ("presence_penalty", |x| (-2.0..=2.0).contains(&x)),
        ("frequency_penalty", |x| (-2.0..=2.0).contains(&x)),
    ];
    let ints: [Range; 2] = [
        ("n", |x| (1.0..=4.0).contains(&x)),
        ("max_tokens", |x| x >= 1.0),
    ];
    for (param, in_range) in reals.into_iter().chain(ints) {
        let Some(x) = fields.get(param).and_then(Value::as_f64) else {
            continue;
        };
        let reported = errors
            .iter()
            .any(|e| e.param() == param && e.kind() == ValidationErrorKind::OutOfRange);
        assert_eq!(
            reported,
            !in_range(x),
            "{param} = {x}: reported out of range {reported}; errors {errors:?}"
        );
    }
}
