//! The error envelopes the server answers with, in DashScope's shape:
//! `{"error":{"message","type","param","code"},"request_id"}`.

use serde::Serialize;

use crate::wire::to_json;

/// One error answer: an HTTP status and the fields of the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    status: u16,
    message: String,
    kind: &'static str,
    param: Option<String>,
    code: Option<&'static str>,
    allow: Option<&'static str>,
}

/// The `type` of every client error DashScope sends.
const INVALID_REQUEST: &str = "invalid_request_error";

impl ApiError {
    /// 401: a missing, malformed or rejected API key. The message, trailing space included, is
    /// the seed's.
    pub(crate) fn invalid_api_key() -> Self {
        Self::new(401, "Incorrect API key provided. ", Some("invalid_api_key"))
    }

    /// 404: a model the catalogue does not list.
    pub(crate) fn model_not_found(model: &str) -> Self {
        Self::new(
            404,
            format!("The model `{model}` does not exist or you do not have access to it."),
            Some("model_not_found"),
        )
    }

    /// 404: a path the server does not serve.
    pub(crate) fn unknown_path(method: &str, path: &str) -> Self {
        Self::new(
            404,
            format!("Invalid URL ({method} {path})"),
            Some("not_found"),
        )
    }

    /// 405: a known path with the wrong method; `allow` lists the right one.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allow: &'static str) -> Self {
        let mut err = Self::new(
            405,
            format!("Method {method} is not allowed for {path}; use {allow}."),
            Some("method_not_allowed"),
        );
        err.allow = Some(allow);
        err
    }

    /// 413: a body over `limit` bytes.
    pub(crate) fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            format!("The request body is larger than the limit of {limit} bytes."),
            Some("request_too_large"),
        )
    }

    /// 400: a body that is not JSON.
    pub(crate) fn malformed_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            format!("The request body is not valid JSON: {detail}"),
            Some("invalid_parameter_error"),
        )
    }

    /// 400: a parameter out of its documented range or of the wrong type.
    pub(crate) fn invalid_parameter(message: impl Into<String>, param: Option<&str>) -> Self {
        let mut err = Self::new(400, message, Some("invalid_parameter_error"));
        err.param = param.map(str::to_owned);
        err
    }

    /// 400: thinking requested on a non-streaming call, with DashScope's message.
    pub(crate) fn thinking_needs_stream() -> Self {
        Self::new(
            400,
            "parameter.enable_thinking must be set to false for non-streaming calls",
            Some("invalid_parameter_error"),
        )
    }

    fn new(status: u16, message: impl Into<String>, code: Option<&'static str>) -> Self {
        ApiError {
            status,
            message: message.into(),
            kind: INVALID_REQUEST,
            param: None,
            code,
            allow: None,
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// The `param` the error names.
    #[cfg(test)]
    pub(crate) fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The `error.message`.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// The value of the `Allow` header a 405 carries.
    pub(crate) fn allow(&self) -> Option<&'static str> {
        self.allow
    }

    /// The envelope, with `request_id` beside `error`.
    pub(crate) fn body(&self, request_id: &str) -> Vec<u8> {
        #[derive(Serialize)]
        struct Envelope<'a> {
            error: Inner<'a>,
            request_id: &'a str,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            message: &'a str,
            #[serde(rename = "type")]
            kind: &'a str,
            param: Option<&'a str>,
            code: Option<&'a str>,
        }
        to_json(&Envelope {
            error: Inner {
                message: &self.message,
                kind: self.kind,
                param: self.param.as_deref(),
                code: self.code,
            },
            request_id,
        })
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
        let body = ApiError::invalid_parameter("bad n", Some("n")).body("r");
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains(r#""param":"n""#), "{text}");
    }
}
