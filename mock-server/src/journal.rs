//! The journal: every request the server received (admin requests aside), for
//! `GET /__admin/requests` and [`MockServer::received_requests`](crate::MockServer::received_requests).

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderName, AUTHORIZATION};
use hyper::Method;
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

/// A request as the journal keeps it: its parts copied as they came (nothing shared with the
/// connection's buffers), turned into a [`ReceivedRequest`] (text, the key masked) only when
/// the journal is read, so that serving a request costs little more than the copies.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) headers: Vec<(HeaderName, Bytes)>,
    pub(crate) body: Bytes,
    pub(crate) time_ms: u64,
    pub(crate) scenario: Option<String>,
    pub(crate) status: u16,
}

impl Entry {
    /// The request as it is listed.
    fn received(&self) -> ReceivedRequest {
        ReceivedRequest {
            method: self.method.as_str().to_owned(),
            path: self.path.clone(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| masked(name, value))
                .collect(),
            body: String::from_utf8_lossy(&self.body).into_owned(),
            time_ms: self.time_ms,
            scenario: self.scenario.clone(),
            status: self.status,
        }
    }
}

/// The headers of a request, copied in order.
pub(crate) fn copied_headers(headers: &HeaderMap) -> Vec<(HeaderName, Bytes)> {
    headers
        .iter()
        .map(|(name, value)| (name.clone(), Bytes::copy_from_slice(value.as_bytes())))
        .collect()
}

/// A header as text, the key masked.
fn masked(name: &HeaderName, value: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(value).into_owned();
    let text = if name == AUTHORIZATION {
        mask(&text)
    } else {
        text
    };
    (name.as_str().to_owned(), text)
}

/// The headers of a request as text, the key masked.
#[cfg(test)]
fn masked_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    copied_headers(headers)
        .iter()
        .map(|(name, value)| masked(name, value))
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
    entries: Mutex<Vec<Entry>>,
}

impl Journal {
    pub(crate) fn push(&self, entry: Entry) {
        // A poisoned lock only means another request panicked while pushing; keep the list.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.push(entry);
    }

    pub(crate) fn list(&self) -> Vec<ReceivedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(Entry::received)
            .collect()
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
