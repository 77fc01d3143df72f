//! [`ErrorEnvelope`]: the body of an error response, `{"error":{…}}`.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::types::lenient::Scalar;
use crate::types::macros::{json_entry_points, wire_object};
use crate::types::{IntoOwned, JsonStr, Maybe, RawJson};

wire_object! {
    /// The body of an error response (and of an error event in a stream).
    ///
    /// DashScope adds a top-level `request_id`; OpenRouter a `user_id` (kept in
    /// [`extra`](Self::extra)).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{ErrorCode, ErrorEnvelope};
    ///
    /// let body = ErrorEnvelope::new(
    ///     "Incorrect API key provided. ",
    ///     "invalid_request_error",
    ///     "invalid_api_key",
    /// );
    /// assert_eq!(
    ///     body.to_json(),
    ///     r#"{"error":{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
    /// );
    ///
    /// let parsed = ErrorEnvelope::from_json(r#"{"error":{"code":429,"message":"Provider returned error"}}"#).unwrap();
    /// assert_eq!(parsed.error.code.value(), Some(&ErrorCode::Number(429)));
    /// assert_eq!(parsed.error.message.value().unwrap(), "Provider returned error");
    /// ```
    pub struct ErrorEnvelope<'a> {
        /// The error.
        error: ApiError<'a> => required,
        /// DashScope's request id.
        request_id: Maybe<JsonStr<'a>>,
        /// An id of the failed call (DashScope).
        id: Maybe<JsonStr<'a>>,
    }
}

json_entry_points!(ErrorEnvelope, "an error envelope");

wire_object! {
    /// What went wrong (the `error` object of an [`ErrorEnvelope`]).
    ///
    /// Providers add fields (Groq's `failed_generation`, OpenRouter's `metadata`): they are
    /// kept in [`extra`](Self::extra).
    pub struct ApiError<'a> {
        /// A human-readable message.
        message: Maybe<JsonStr<'a>>,
        /// The category (`"invalid_request_error"`).
        kind ("type"): Maybe<JsonStr<'a>>,
        /// The request parameter at fault.
        param: Maybe<JsonStr<'a>>,
        /// A machine-readable code: a string, or a number (OpenRouter sends the HTTP status).
        code: Maybe<ErrorCode<'a>>,
    }
}

impl<'a> ErrorEnvelope<'a> {
    /// An envelope with a message, a type and a code, and `"param": null` (as the
    /// documented example shows).
    pub fn new(
        message: impl Into<JsonStr<'a>>,
        kind: impl Into<JsonStr<'a>>,
        code: impl Into<ErrorCode<'a>>,
    ) -> Self {
        ErrorEnvelope {
            error: ApiError {
                message: Maybe::Value(message.into()),
                kind: Maybe::Value(kind.into()),
                param: Maybe::Null,
                code: Maybe::Value(code.into()),
                ..ApiError::default()
            },
            ..ErrorEnvelope::default()
        }
    }

    /// Sets the parameter at fault.
    #[must_use]
    pub fn with_param(mut self, param: impl Into<JsonStr<'a>>) -> Self {
        self.error.param = Maybe::Value(param.into());
        self
    }

    /// Sets DashScope's top-level `request_id`.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<JsonStr<'a>>) -> Self {
        self.request_id = Maybe::Value(request_id.into());
        self
    }

    /// Sets the top-level `id`.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<JsonStr<'a>>) -> Self {
        self.id = Maybe::Value(id.into());
        self
    }
}

impl ApiError<'_> {
    /// `true` when the code is the string `code` (or the number it spells).
    pub fn has_code(&self, code: &str) -> bool {
        match self.code.value() {
            Some(ErrorCode::Text(text)) => text.eq_str(code),
            Some(ErrorCode::Number(n)) => code.parse() == Ok(*n),
            Some(ErrorCode::Other(raw)) => raw.get() == code,
            None => false,
        }
    }
}

/// The `code` of an [`ApiError`]: usually a string, a number from some providers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorCode<'a> {
    /// A string code (`"invalid_api_key"`).
    Text(JsonStr<'a>),
    /// A number (OpenRouter's `429`).
    Number(i64),
    /// Any other value, kept raw.
    Other(RawJson<'a>),
}

impl ErrorCode<'_> {
    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> ErrorCode<'static> {
        match self {
            ErrorCode::Text(text) => ErrorCode::Text(text.into_owned()),
            ErrorCode::Number(n) => ErrorCode::Number(n),
            ErrorCode::Other(raw) => ErrorCode::Other(raw.into_owned()),
        }
    }
}

impl<'a> From<&'a str> for ErrorCode<'a> {
    fn from(text: &'a str) -> Self {
        ErrorCode::Text(JsonStr::new(text))
    }
}

impl<'a> From<JsonStr<'a>> for ErrorCode<'a> {
    fn from(text: JsonStr<'a>) -> Self {
        ErrorCode::Text(text)
    }
}

impl From<i64> for ErrorCode<'_> {
    fn from(n: i64) -> Self {
        ErrorCode::Number(n)
    }
}

impl From<i32> for ErrorCode<'_> {
    fn from(n: i32) -> Self {
        ErrorCode::Number(i64::from(n))
    }
}

impl From<u16> for ErrorCode<'_> {
    fn from(status: u16) -> Self {
        ErrorCode::Number(i64::from(status))
    }
}

impl IntoOwned for ErrorCode<'_> {
    type Owned = ErrorCode<'static>;

    fn into_owned(self) -> ErrorCode<'static> {
        ErrorCode::into_owned(self)
    }
}

impl Serialize for ErrorCode<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ErrorCode::Text(text) => text.serialize(serializer),
            ErrorCode::Number(n) => serializer.serialize_i64(*n),
            ErrorCode::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorCode<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawJson::deserialize(deserializer)?;
        if let Some(n) = i64::from_json_text(raw.get()) {
            return Ok(ErrorCode::Number(n));
        }
        Ok(match JsonStr::from_raw_json(raw.clone()) {
            Some(text) => ErrorCode::Text(text),
            None => ErrorCode::Other(raw),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_every_shape() {
        let parse = |text| ErrorEnvelope::from_json(text).unwrap().error.code;
        assert_eq!(
            parse(r#"{"error":{"code":"x"}}"#),
            Maybe::Value(ErrorCode::Text("x".into()))
        );
        assert_eq!(
            parse(r#"{"error":{"code":-3}}"#),
            Maybe::Value(ErrorCode::Number(-3))
        );
        assert_eq!(parse(r#"{"error":{"code":null}}"#), Maybe::Null);
        assert_eq!(parse(r#"{"error":{}}"#), Maybe::Absent);
        assert!(matches!(
            parse(r#"{"error":{"code":4.5}}"#),
            Maybe::Value(ErrorCode::Other(_))
        ));
    }

    #[test]
    fn the_error_object_is_required() {
        let err = ErrorEnvelope::from_json(r#"{"request_id":"r"}"#).unwrap_err();
        assert!(err.message().contains("missing field `error`"), "{err}");
    }

    #[test]
    fn has_code_compares_strings_and_numbers() {
        let envelope = ErrorEnvelope::new("m", "t", 429);
        assert!(envelope.error.has_code("429"));
        assert!(!envelope.error.has_code("x"));
        let envelope = ErrorEnvelope::new("m", "t", "invalid_api_key");
        assert!(envelope.error.has_code("invalid_api_key"));
    }

    #[test]
    fn builders_set_top_level_fields() {
        let envelope = ErrorEnvelope::new("m", "invalid_request_error", "invalid_parameter_error")
            .with_param("top_p")
            .with_request_id("req-1")
            .with_id("chatcmpl-1");
        assert_eq!(
            envelope.to_json(),
            r#"{"error":{"message":"m","type":"invalid_request_error","param":"top_p","code":"invalid_parameter_error"},"request_id":"req-1","id":"chatcmpl-1"}"#
        );
    }
}
