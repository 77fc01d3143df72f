//! The seed's error-code table, replayed on request: a request with the header
//! `x-mock-error: <row>` gets that row's answer instead of a completion.
//!
//! | `x-mock-error` | Status | `error.message` (DashScope profiles) |
//! | --- | --- | --- |
//! | `400` | 400 | `Invalid Request Error. See the error message for details.` |
//! | `401` | 401 | `Incorrect API key provided. ` |
//! | `429` or `429-rate-limit` | 429 | `Rate limit reached for requests` |
//! | `429-quota` | 429 | `Rate limit reached for requests` (the row of quota / overdue payment) |
//! | `500` | 500 | `You exceeded your current quota, please check your plan and billing details` |
//! | `503` | 503 | `The engine is currently overloaded, please try again later` |
//!
//! The messages are the seed's code column as written, its 500 row included (whose text reads
//! like a quota error; the table says "A server-side error occurred"). The OpenAI profile
//! uses OpenAI's own wording for the 401 and the quota row.

use crate::errors::ApiError;
use crate::profile::Profile;

/// The request header that selects a row.
pub(crate) const HEADER: &str = "x-mock-error";

/// One row of the seed's error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeedError {
    /// 400 - Invalid Request Error.
    InvalidRequest,
    /// 401 - Incorrect API key provided.
    InvalidApiKey,
    /// 429 - Rate limit reached for requests: QPS, QPM or other rate limits exceeded.
    RateLimit,
    /// 429 - Rate limit reached for requests: quota exceeded or overdue payment.
    Quota,
    /// 500 - a server-side error.
    Server,
    /// 503 - The engine is currently overloaded.
    Overloaded,
}

impl SeedError {
    /// The row a header value names, if any.
    pub(crate) fn parse(value: &str) -> Option<SeedError> {
        Some(match value.trim().to_ascii_lowercase().as_str() {
            "400" => SeedError::InvalidRequest,
            "401" => SeedError::InvalidApiKey,
            "429" | "429-rate-limit" => SeedError::RateLimit,
            "429-quota" => SeedError::Quota,
            "500" => SeedError::Server,
            "503" => SeedError::Overloaded,
            _ => return None,
        })
    }

    /// The row's answer under `profile`.
    pub(crate) fn answer(self, profile: Profile) -> ApiError {
        let openai = profile == Profile::OpenAi;
        match self {
            SeedError::InvalidRequest => ApiError::typed(
                400,
                "Invalid Request Error. See the error message for details.",
                "invalid_request_error",
                "invalid_request_error",
            ),
            SeedError::InvalidApiKey if openai => {
                ApiError::openai_invalid_api_key(Some("sk-mock-error"))
            }
            SeedError::InvalidApiKey => ApiError::invalid_api_key(),
            SeedError::RateLimit => ApiError::typed(
                429,
                "Rate limit reached for requests",
                "requests",
                "rate_limit_exceeded",
            ),
            SeedError::Quota if openai => ApiError::typed(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota",
            ),
            SeedError::Quota => ApiError::typed(
                429,
                "Rate limit reached for requests",
                "insufficient_quota",
                "insufficient_quota",
            ),
            SeedError::Server => ApiError::typed(
                500,
                "You exceeded your current quota, please check your plan and billing details",
                "server_error",
                "internal_error",
            ),
            SeedError::Overloaded => ApiError::typed(
                503,
                "The engine is currently overloaded, please try again later",
                "server_error",
                "engine_overloaded",
            ),
        }
    }
}

/// 400 for an `x-mock-error` value that names no row.
pub(crate) fn unknown(value: &str) -> ApiError {
    ApiError::typed(
        400,
        format!(
            "Unknown {HEADER} value `{value}`; expected 400, 401, 429, 429-rate-limit, 429-quota, 500 or 503."
        ),
        "invalid_request_error",
        "invalid_parameter_error",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row() {
        for (value, status) in [
            ("400", 400),
            ("401", 401),
            ("429", 429),
            ("429-rate-limit", 429),
            ("429-QUOTA", 429),
            ("500", 500),
            ("503", 503),
        ] {
            let row = SeedError::parse(value).unwrap();
            for profile in Profile::ALL {
                assert_eq!(row.answer(profile).status(), status, "{value}");
            }
        }
        assert_eq!(SeedError::parse("418"), None);
        assert_eq!(
            SeedError::Server.answer(Profile::DashScope).message(),
            "You exceeded your current quota, please check your plan and billing details"
        );
        assert_eq!(unknown("x").status(), 400);
    }
}
