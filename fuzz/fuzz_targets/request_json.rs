//! `ChatRequest` parsing on arbitrary bytes.
//!
//! Asserts (see `chatwire_fuzz::check_json!`): never panics; errors are typed and point into
//! the input; parse -> serialize -> parse gives an equal value and stable text with the same
//! JSON meaning (unknown fields, what the OpenAI SDK sends as `extra_body`, included);
//! `into_owned` keeps the value.
#![no_main]

use chatwire::types::ChatRequest;
use libfuzzer_sys::fuzz_target;

use chatwire_fuzz::check_json;
use chatwire_fuzz::json::check_str;

fuzz_target!(|data: &[u8]| {
    let Some(request) = check_json!(ChatRequest<'_>, data) else {
        return;
    };
    if let Some(model) = request.model.value() {
        check_str(model);
    }
});
