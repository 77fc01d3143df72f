//! The error envelopes the server answers with, in DashScope's shape:
//! `{"error":{"message","type","param","code"},"request_id"}`, written with chatwire's
//! [`ErrorEnvelope`].

use chatwire::types::{ErrorCode, ErrorEnvelope, Maybe, ParseError, ParseErrorKind};
use chatwire::validate::ValidationError;

use crate::profile::Profile;

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

    /// 400: a parameter the seed's table restricts, with DashScope's prefix and the `param`.
    pub(crate) fn parameter(param: impl Into<String>, message: impl std::fmt::Display) -> Self {
        let envelope = ErrorEnvelope::new(
            format!("{DASHSCOPE_PREFIX}{message}"),
            INVALID_REQUEST,
            INVALID_PARAMETER,
        )
        .with_param(param.into());
        ApiError {
            status: 400,
            envelope: Box::new(envelope),
            allow: None,
        }
    }

    /// 401 as OpenAI words it: the presented key masked, or the missing-key message (whose
    /// `code` is `null`).
    pub(crate) fn openai_invalid_api_key(token: Option<&str>) -> Self {
        match token {
            Some(token) => Self::new(
                401,
                format!(
                    "Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.",
                    mask_key(token)
                ),
                "invalid_api_key",
            ),
            None => {
                let mut err = Self::new(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                    "invalid_api_key",
                );
                err.envelope.error.code = Maybe::Null;
                err
            }
        }
    }

    /// Any status with its own `type` and `code` (the seed's error-code table).
    pub(crate) fn typed(
        status: u16,
        message: impl Into<String>,
        kind: &'static str,
        code: &'static str,
    ) -> Self {
        ApiError {
            status,
            envelope: Box::new(ErrorEnvelope::new(message.into(), kind, code)),
            allow: None,
        }
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

    /// The envelope as `profile` sends it: DashScope's with `request_id` beside `error`;
    /// OpenAI's without it, a parameter error worded `Invalid '{param}': …` with code
    /// `invalid_value` instead of DashScope's prefix and `invalid_parameter_error`.
    pub(crate) fn body_as(&self, profile: Profile, request_id: &str) -> Vec<u8> {
        if profile != Profile::OpenAi {
            return self.body(request_id);
        }
        let mut envelope = (*self.envelope).clone();
        if envelope.error.has_code(INVALID_PARAMETER) {
            let message = self.message();
            let message = message.strip_prefix(DASHSCOPE_PREFIX).unwrap_or(&message);
            let message = match envelope.error.param.value() {
                Some(param) => format!("Invalid '{}': {message}", param.to_cow()),
                None => message.to_owned(),
            };
            envelope.error.message = Maybe::Value(message.into());
            envelope.error.code = Maybe::Value(ErrorCode::from("invalid_value"));
        }
        let mut out = Vec::new();
        envelope.write_json(&mut out);
        out
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

/// The prefix DashScope puts before parameter errors.
const DASHSCOPE_PREFIX: &str = "<400> InternalError.Algo.InvalidParameter: ";

/// A key as OpenAI shows it in a 401: the first three and last two characters, the rest
/// starred (`sk-xx***xx`); a short key is all stars.
fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
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

    #[test]
    fn openai_wording() {
        let err = ApiError::parameter("top_p", "Range of top_p should be (0.0, 1.0)");
        let dash = String::from_utf8(err.body_as(Profile::DashScope, "r")).unwrap();
        assert!(
            dash.contains(
                r#""message":"<400> InternalError.Algo.InvalidParameter: Range of top_p"#
            ),
            "{dash}"
        );
        assert!(dash.contains(r#""request_id":"r""#), "{dash}");
        let open = String::from_utf8(err.body_as(Profile::OpenAi, "r")).unwrap();
        assert_eq!(
            open,
            r#"{"error":{"message":"Invalid 'top_p': Range of top_p should be (0.0, 1.0)","type":"invalid_request_error","param":"top_p","code":"invalid_value"}}"#
        );
        let key = ApiError::openai_invalid_api_key(Some("sk-abcdefgh12"));
        assert_eq!(
            key.message(),
            "Incorrect API key provided: sk-********12. You can find your API key at https://platform.openai.com/account/api-keys."
        );
        let missing =
            String::from_utf8(ApiError::openai_invalid_api_key(None).body_as(Profile::OpenAi, "r"))
                .unwrap();
        assert!(missing.contains(r#""code":null"#), "{missing}");
        assert_eq!(mask_key("short"), "*****");
    }
}
