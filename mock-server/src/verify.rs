//! Expectations on the requests a [`MockServer`](crate::MockServer) receives, checked when it
//! is dropped (or on demand with [`MockServer::verify`](crate::MockServer::verify)).

use std::fmt;

use crate::journal::ReceivedRequest;

/// How many received requests of a kind a test expects.
///
/// # Example
///
/// ```
/// use chatwire_mock::Expectation;
/// let retried = Expectation::requests().scenario("503-overloaded").at_least(2);
/// assert!(retried.to_string().contains("503-overloaded"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Expectation {
    path: Option<String>,
    scenario: Option<String>,
    body_contains: Option<String>,
    min: usize,
    max: Option<usize>,
}

impl Expectation {
    /// Any request, at least once (narrow it and set the count with the other methods).
    pub fn requests() -> Self {
        Expectation {
            path: None,
            scenario: None,
            body_contains: None,
            min: 1,
            max: None,
        }
    }

    /// Only requests whose path ends with `suffix` (e.g. `/chat/completions`).
    pub fn path(mut self, suffix: impl Into<String>) -> Self {
        self.path = Some(suffix.into());
        self
    }

    /// Only requests the scenario `name` answered.
    pub fn scenario(mut self, name: impl Into<String>) -> Self {
        self.scenario = Some(name.into());
        self
    }

    /// Only requests whose body contains `text`.
    pub fn body_contains(mut self, text: impl Into<String>) -> Self {
        self.body_contains = Some(text.into());
        self
    }

    /// Exactly `n` such requests.
    pub fn times(mut self, n: usize) -> Self {
        self.min = n;
        self.max = Some(n);
        self
    }

    /// At least `n` such requests.
    pub fn at_least(mut self, n: usize) -> Self {
        self.min = n;
        self.max = None;
        self
    }

    /// Whether `request` is of the expected kind.
    fn covers(&self, request: &ReceivedRequest) -> bool {
        self.path
            .as_ref()
            .is_none_or(|p| request.path.ends_with(p.as_str()))
            && self
                .scenario
                .as_ref()
                .is_none_or(|s| request.scenario.as_deref() == Some(s.as_str()))
            && self
                .body_contains
                .as_ref()
                .is_none_or(|t| request.body.contains(t.as_str()))
    }

    /// `Err` with a message when `received` does not meet the expectation.
    pub(crate) fn check(&self, received: &[ReceivedRequest]) -> Result<(), String> {
        let seen = received.iter().filter(|r| self.covers(r)).count();
        let enough = seen >= self.min && self.max.is_none_or(|max| seen <= max);
        if enough {
            Ok(())
        } else {
            Err(format!("expected {self}, received {seen}"))
        }
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "exactly {max} request(s)")?,
            _ => write!(f, "at least {} request(s)", self.min)?,
        }
        if let Some(p) = &self.path {
            write!(f, " to …{p}")?;
        }
        if let Some(s) = &self.scenario {
            write!(f, " answered by scenario {s:?}")?;
        }
        if let Some(t) = &self.body_contains {
            write!(f, " with {t:?} in the body")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, scenario: Option<&str>) -> ReceivedRequest {
        ReceivedRequest {
            method: "POST".into(),
            path: path.into(),
            headers: Vec::new(),
            body: "{\"model\":\"qwen-plus\"}".into(),
            time_ms: 0,
            scenario: scenario.map(Into::into),
            status: 200,
        }
    }

    #[test]
    fn counts_matching_requests() {
        let list = [
            request("/v1/chat/completions", Some("a")),
            request("/v1/chat/completions", Some("a")),
            request("/v1/models", None),
        ];
        assert!(Expectation::requests()
            .scenario("a")
            .times(2)
            .check(&list)
            .is_ok());
        let err = Expectation::requests()
            .scenario("a")
            .times(1)
            .check(&list)
            .unwrap_err();
        assert!(err.contains("received 2"), "{err}");
        assert!(Expectation::requests()
            .path("/models")
            .times(1)
            .check(&list)
            .is_ok());
        assert!(Expectation::requests()
            .body_contains("qwen-max")
            .check(&list)
            .is_err());
        assert!(Expectation::requests().at_least(3).check(&list).is_ok());
    }
}
