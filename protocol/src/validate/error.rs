//! [`ValidationError`]: a request parameter that breaks a rule.

use std::fmt;

use crate::types::ErrorEnvelope;

/// The prefix DashScope puts before parameter errors.
const DASHSCOPE_PREFIX: &str = "<400> InternalError.Algo.InvalidParameter: ";

/// A request parameter that breaks a rule: which parameter, which rule, and a message.
///
/// [`to_envelope`](Self::to_envelope) gives the 400 body a server answers with.
///
/// # Example
///
/// ```
/// use chatwire::types::{ChatRequest, Maybe, Message};
/// use chatwire::validate::{validate, ValidationErrorKind};
///
/// let mut request = ChatRequest::new("qwen-plus", vec![Message::user("Hi")]);
/// request.top_p = Maybe::Value(0.0);
/// let err = validate(&request).unwrap_err();
/// assert_eq!(err.param(), "top_p");
/// assert_eq!(err.kind(), ValidationErrorKind::OutOfRange);
/// assert_eq!(err.to_string(), "top_p: Range of top_p should be (0.0, 1.0]");
/// assert_eq!(
///     err.to_envelope().to_json(),
///     r#"{"error":{"message":"<400> InternalError.Algo.InvalidParameter: Range of top_p should be (0.0, 1.0]","type":"invalid_request_error","param":"top_p","code":"invalid_parameter_error"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    kind: ValidationErrorKind,
    param: String,
    message: String,
}

/// Which rule a [`ValidationError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// A required parameter is absent or `null` (`model`, `messages`, a message's `role`,
    /// a tool's `function` or name).
    Missing,
    /// `messages` is an empty array.
    Empty,
    /// A message's role is not one of the accepted roles.
    InvalidRole,
    /// A system message somewhere other than `messages[0]`.
    SystemNotFirst,
    /// A number outside its range (`temperature`, `top_p`, `presence_penalty`,
    /// `frequency_penalty`, `n`, `max_tokens`).
    OutOfRange,
    /// `n` other than 1 together with `tools`.
    NWithTools,
    /// A `stop` array mixing strings and token ids.
    MixedStop,
    /// A `stop` array with elements that are neither strings, token ids nor arrays of
    /// token ids.
    InvalidStop,
    /// A tool whose `type` is not `"function"`.
    InvalidToolType,
    /// A tool function name with characters other than letters, digits, `_` and `-`, or
    /// longer than allowed.
    InvalidToolName,
    /// Tool function `parameters` that are not a JSON object.
    ToolParametersNotObject,
    /// `stream_options` without `stream: true`.
    StreamOptionsWithoutStream,
    /// `tools` with `stream: true`, under rules that forbid it.
    ToolsWithStream,
    /// A parameter the requested model does not support (see
    /// [`check_model`](crate::validate::check_model)).
    UnsupportedByModel,
}

impl ValidationError {
    pub(crate) fn new(
        kind: ValidationErrorKind,
        param: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ValidationError {
            kind,
            param: param.into(),
            message: message.into(),
        }
    }

    /// Which rule was broken.
    pub fn kind(&self) -> ValidationErrorKind {
        self.kind
    }

    /// The parameter at fault, as a path: `"temperature"`, `"messages[2].role"`,
    /// `"tools[0].function.name"`.
    pub fn param(&self) -> &str {
        &self.param
    }

    /// What is wrong, in DashScope's words where known (`"Range of top_p should be (0.0,
    /// 1.0]"`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP 400 body for this error: `type: "invalid_request_error"`,
    /// `code: "invalid_parameter_error"`, `param` set, and the message with DashScope's
    /// `<400> InternalError.Algo.InvalidParameter:` prefix.
    pub fn to_envelope(&self) -> ErrorEnvelope<'static> {
        ErrorEnvelope::new(
            format!("{DASHSCOPE_PREFIX}{}", self.message),
            "invalid_request_error",
            "invalid_parameter_error",
        )
        .with_param(self.param.clone())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for ValidationError {}
