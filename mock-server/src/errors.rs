//! The error envelopes the server answers with, in DashScope's shape:
//! `{"error":{"message","type","param","code"},"request_id"}`, written with chatwire's
//! [`ErrorEnvelope`].

use chatwire::types::{ErrorEnvelope, ParseError, ParseErrorKind};
use chatwire::validate::ValidationError;

/// One error answer: an HTTP status and its envelope (without the `request_id`, which is added
/// when the answer is sent).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    status: u16,
    envelope: Box<ErrorEnvelope<'static>>,
    allow: Option<&'static str>,
}

/// The `type` of every client error DashScope sends.
const INVALID_REQUEST: &str = "invalid_request_error";

/// DashScope's code for a 400.
const INVALID_PARAMETER: &str = "invalid_parameter_error";

impl ApiError {
    /// 401: a missing, malformed or rejected API key. The message, trailing space included, is
    /// the seed's.
    pub(crate) fn invalid_api_key() -> Self {
        Self::new(401, "Incorrect API key provided. ", "invalid_api_key")
    }

    /// 404: a model the catalogue does not list.
    pub(crate) fn model_not_found(model: &str) -> Self {
        Self::new(
            404,
            format!("The model `{model}` does not exist or you do not have access to it."),
            "model_not_found",
        )
    }

    /// 404: a path the server does not serve.
    pub(crate) fn unknown_path(method: &str, path: &str) -> Self {
        Self::new(404, format!("Invalid URL ({method} {path})"), "not_found")
    }

    /// 405: a known path with the wrong method; `allow` lists the right one.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allow: &'static str) -> Self {
        let mut err = Self::new(
            405,
            format!("Method {method} is not allowed for {path}; use {allow}."),
            "method_not_allowed",
        );
        err.allow = Some(allow);
        err
    }

    /// 413: a body over `limit` bytes.
    pub(crate) fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            format!("The request body is larger than the limit of {limit} bytes."),
            "request_too_large",
        )
    }

    /// 400: a body that is not JSON, or not JSON of a request's shape.
    pub(crate) fn malformed_json(err: &ParseError) -> Self {
        let what = match err.kind() {
            ParseErrorKind::Data => "a valid chat request",
            _ => "valid JSON",
        };
        Self::new(
            400,
            format!("The request body is not {what}: {err}"),
            INVALID_PARAMETER,
        )
    }

    /// 400: a body that could not be read off the connection.
    pub(crate) fn unreadable_body(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            format!("The request body could not be read: {detail}"),
            INVALID_PARAMETER,
        )
    }

    /// 400: a broken parameter rule, with chatwire's envelope (message, `param`).
    pub(crate) fn invalid(err: &ValidationError) -> Self {
        ApiError {
            status: 400,
            envelope: Box::new(err.to_envelope()),
            allow: None,
        }
    }

    /// 400: thinking requested on a non-streaming call, with DashScope's message.
    pub(crate) fn thinking_needs_stream() -> Self {
        Self::new(
            400,
            "parameter.enable_thinking must be set to false for non-streaming calls",
            INVALID_PARAMETER,
        )
    }

    fn new(status: u16, message: impl Into<String>, code: &'static str) -> Self {
        ApiError {
            status,
            envelope: Box::new(ErrorEnvelope::new(message.into(), INVALID_REQUEST, code)),
            allow: None,
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// The `param` the error names.
    #[cfg(test)]
    pub(crate) fn param(&self) -> Option<String> {
        self.envelope
            .error
            .param
            .value()
            .map(|p| p.to_cow().into_owned())
    }

    /// The `error.message`.
    pub(crate) fn message(&self) -> String {
        self.envelope
            .error
            .message
            .value()
            .map(|m| m.to_cow().into_owned())
            .unwrap_or_default()
    }

    /// The value of the `Allow` header a 405 carries.
    pub(crate) fn allow(&self) -> Option<&'static str> {
        self.allow
    }

    /// The envelope, with `request_id` beside `error`.
    pub(crate) fn body(&self, request_id: &str) -> Vec<u8> {
        let mut out = Vec::new();
        (*self.envelope)
            .clone()
            .with_request_id(request_id.to_owned())
            .write_json(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_401_envelope() {
        let body = ApiError::invalid_api_key().body("rid");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"error":{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"rid"}"#
        );
    }

    #[test]
    fn model_not_found_names_the_model() {
        let err = ApiError::model_not_found("gpt-x");
        assert_eq!(err.status(), 404);
        assert_eq!(
            err.message(),
            "The model `gpt-x` does not exist or you do not have access to it."
        );
    }

    #[test]
    fn invalid_parameter_carries_param() {
        let request = chatwire::types::ChatRequest::from_json(
            r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}],"n":7}"#,
        )
        .unwrap();
        let invalid = chatwire::validate::validate(&request).unwrap_err();
        let err = ApiError::invalid(&invalid);
        assert_eq!(err.param().as_deref(), Some("n"));
        let text = String::from_utf8(err.body("r")).unwrap();
        assert!(text.contains(r#""param":"n""#), "{text}");
        assert!(text.ends_with(r#","request_id":"r"}"#), "{text}");
    }
}
