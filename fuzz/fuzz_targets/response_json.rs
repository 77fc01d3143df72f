//! `ChatCompletion` (the non-streamed response) and `ErrorEnvelope` parsing on arbitrary
//! bytes.
//!
//! Asserts (see `chatwire_fuzz::check_json!`): never panics; errors are typed and point into
//! the input; parse -> serialize -> parse gives an equal value and stable text with the same
//! JSON meaning; `into_owned` keeps the value. Also: the accessors agree with the fields, and
//! borrowed strings unescape as serde_json unescapes them.
#![no_main]

use chatwire::types::{ChatCompletion, ErrorEnvelope};
use libfuzzer_sys::fuzz_target;

use chatwire_fuzz::check_json;
use chatwire_fuzz::json::check_str;

fuzz_target!(|data: &[u8]| {
    if let Some(completion) = check_json!(ChatCompletion<'_>, data) {
        let choices = completion.choices();
        assert_eq!(
            choices.len(),
            completion
                .choices
                .value()
                .map_or(0, |list| list.as_slice().len())
        );
        for choice in choices {
            assert_eq!(choice.index(), choice.index.value().copied());
            let Some(message) = choice.message.value() else {
                continue;
            };
            for s in [message.content_text(), message.reasoning_text()]
                .into_iter()
                .flatten()
            {
                check_str(s);
            }
            for call in message.calls() {
                if let Some(function) = call.function.value() {
                    for s in [function.name.value(), function.arguments.value()]
                        .into_iter()
                        .flatten()
                    {
                        check_str(s);
                    }
                }
            }
        }
    }
    if let Some(envelope) = check_json!(ErrorEnvelope<'_>, data) {
        if let Some(message) = envelope.error.message.value() {
            check_str(message);
        }
    }
});
