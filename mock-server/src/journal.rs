//! The journal: every request the server received (admin requests aside), for
//! `GET /__admin/requests` and [`MockServer::received_requests`](crate::MockServer::received_requests).

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use hyper::header::{HeaderMap, AUTHORIZATION};
use serde::Serialize;

/// One received request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Every header, in order; the API key is masked to its last four characters.
    pub headers: Vec<(String, String)>,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// When it arrived, in milliseconds since the UNIX epoch.
    pub time_ms: u64,
    /// The scenario that answered it, if one did.
    pub scenario: Option<String>,
    /// The status of the answer.
    pub status: u16,
}

impl ReceivedRequest {
    /// A header's value (the first, names case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The headers of a request, the key masked.
pub(crate) fn masked_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let text = if name == AUTHORIZATION {
                mask(&text)
            } else {
                text
            };
            (name.as_str().to_owned(), text)
        })
        .collect()
}

/// `Bearer sk-abcdef1234` as `Bearer ****1234`.
fn mask(value: &str) -> String {
    let (scheme, token) = value.split_once(' ').unwrap_or(("", value));
    let chars: Vec<char> = token.trim().chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    let masked = if chars.len() > 8 {
        format!("****{tail}")
    } else {
        "****".to_owned()
    };
    if scheme.is_empty() {
        masked
    } else {
        format!("{scheme} {masked}")
    }
}

/// Milliseconds since the UNIX epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The list of received requests.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: Mutex<Vec<ReceivedRequest>>,
}

impl Journal {
    pub(crate) fn push(&self, entry: ReceivedRequest) {
        // A poisoned lock only means another request panicked while pushing; keep the list.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.push(entry);
    }

    pub(crate) fn list(&self) -> Vec<ReceivedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked() {
        assert_eq!(mask("Bearer sk-abcdef1234"), "Bearer ****1234");
        assert_eq!(mask("Bearer short"), "Bearer ****");
        assert_eq!(mask("sk-abcdefgh99"), "****gh99");
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, "Bearer sk-secret-key-42".parse().unwrap());
        headers.insert("x-a", "b".parse().unwrap());
        let masked = masked_headers(&headers);
        assert!(
            masked.iter().all(|(_, v)| !v.contains("secret")),
            "{masked:?}"
        );
        assert!(masked.contains(&("x-a".to_owned(), "b".to_owned())));
    }
}
