//! `ChatCompletionChunk` parsing on arbitrary bytes.
//!
//! Asserts (see `chatwire_fuzz::check_json!`): never panics; errors are typed and point into
//! the input; parse -> serialize -> parse gives an equal value and stable text with the same
//! JSON meaning; `into_owned` keeps the value. Also: the accessors agree with the fields, and
//! every borrowed string unescapes as serde_json unescapes it.
#![no_main]

use chatwire::types::ChatCompletionChunk;
use libfuzzer_sys::fuzz_target;

use chatwire_fuzz::check_json;
use chatwire_fuzz::json::check_str;

fuzz_target!(|data: &[u8]| {
    let Some(chunk) = check_json!(ChatCompletionChunk<'_>, data) else {
        return;
    };
    for s in [&chunk.id, &chunk.model, &chunk.system_fingerprint] {
        if let Some(s) = s.value() {
            check_str(s);
        }
    }
    let choices = chunk.choices();
    assert_eq!(
        choices.len(),
        chunk
            .choices
            .value()
            .map_or(0, |list| list.as_slice().len())
    );
    if chunk.is_usage_only() {
        assert!(choices.is_empty() && chunk.usage.is_value());
    }
    for choice in choices {
        assert_eq!(choice.index(), choice.index.value().copied());
        if let Some(text) = choice.text() {
            check_str(text);
        }
        let Some(delta) = choice.delta.value() else {
            assert!(choice.tool_calls().is_empty());
            continue;
        };
        for s in [&delta.reasoning_content, &delta.reasoning, &delta.refusal] {
            if let Some(s) = s.value() {
                check_str(s);
            }
        }
        assert_eq!(choice.tool_calls().len(), delta.calls().len());
        for call in delta.calls() {
            assert_eq!(call.index(), call.index.value().copied());
            for s in [call.name(), call.arguments_text(), call.id.value()]
                .into_iter()
                .flatten()
            {
                check_str(s);
            }
        }
    }
});
