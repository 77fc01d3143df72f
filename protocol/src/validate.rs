//! Request validation: the rules of the contract's request-parameter table, each broken rule
//! a typed [`ValidationError`] naming the parameter and convertible to the documented 400
//! envelope.
//!
//! Two layers:
//! - [`validate`] / [`validate_all`] (or [`Rules::check`] / [`Rules::check_all`] with
//!   custom [`Rules`]): what holds for every model — `model` and `messages` required, roles
//!   valid, a system message only at `messages[0]`, `temperature` in `[0, 2)`, `top_p` in
//!   `(0, 1.0]`, `presence_penalty` in `[-2.0, 2.0]`, `n` in `1..=4` and 1 with tools,
//!   `stop` arrays not mixing strings and token ids, tool names of letters, digits, `_` and
//!   `-` up to 64 characters, tool parameters a JSON object, `stream_options` only with
//!   `stream: true`, `max_tokens` at least 1;
//! - [`check_model`] with a caller-supplied [`ModelCapabilities`]: what depends on the
//!   model (`n > 1`, tools, thinking, the output limit).
//!
//! # Example
//!
//! ```
//! use chatwire::types::ChatRequest;
//! use chatwire::validate::{check_model, validate, validate_all, ModelCapabilities};
//!
//! let request = ChatRequest::from_json(
//!     r#"{"model":"qwen-plus","temperature":2,"n":5,
//!         "messages":[{"role":"user","content":"Hi"},{"role":"system","content":"Be brief."}]}"#,
//! )
//! .unwrap();
//! let first = validate(&request).unwrap_err();
//! assert_eq!(first.param(), "messages[1].role");
//! let params: Vec<_> = validate_all(&request).iter().map(|e| e.param().to_owned()).collect();
//! assert_eq!(params, ["messages[1].role", "temperature", "n"]);
//!
//! let envelope = first.to_envelope();
//! assert_eq!(envelope.error.code.value().unwrap(), &"invalid_parameter_error".into());
//!
//! let ok = ChatRequest::from_json(r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}]}"#).unwrap();
//! assert!(validate(&ok).is_ok());
//! assert!(check_model(&ok, &ModelCapabilities::documented("qwen-plus")).is_ok());
//! ```

mod error;
mod model;
mod range;
mod rules;

pub use error::{ValidationError, ValidationErrorKind};
pub use model::{check_model, check_model_all, ModelCapabilities, Thinking};
pub use range::{IntRange, Interval};
pub use rules::Rules;

use crate::types::ChatRequest;

/// Checks `request` against the default [`Rules`], stopping at the first broken rule.
///
/// # Errors
///
/// The first [`ValidationError`].
pub fn validate(request: &ChatRequest<'_>) -> Result<(), ValidationError> {
    Rules::default().check(request)
}

/// Checks `request` against the default [`Rules`] and returns every broken rule, in order.
pub fn validate_all(request: &ChatRequest<'_>) -> Vec<ValidationError> {
    Rules::default().check_all(request)
}
