//! The journal: the most recent requests the server received (admin requests aside), at most
//! [`Config::journal_limit`](crate::Config::journal_limit) of them, and how many arrived in all,
//! for `GET /__admin/requests` and
//! [`MockServer::received_requests`](crate::MockServer::received_requests).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
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

/// The most recent received requests, at most `limit` of them, and how many arrived since the
/// last clear: pushing onto a full journal drops the oldest entry.
#[derive(Debug)]
pub(crate) struct Journal {
    limit: usize,
    kept: Mutex<Kept>,
}

/// What the lock guards.
#[derive(Debug, Default)]
struct Kept {
    /// The newest entries, oldest first; grown as requests arrive, never beyond the limit.
    entries: VecDeque<Entry>,
    /// The requests received since the last clear, the dropped ones included.
    total: u64,
}

impl Journal {
    /// An empty journal that keeps the `limit` most recent entries (none for 0).
    pub(crate) fn new(limit: usize) -> Self {
        Journal {
            limit,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// How many entries it keeps at most.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        // A poisoned lock only means another request panicked while pushing; keep the list.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a request, dropping the oldest entry when the journal is full.
    pub(crate) fn push(&self, entry: Entry) {
        let dropped = {
            let mut kept = self.lock();
            kept.total = kept.total.saturating_add(1);
            if self.limit == 0 {
                Some(entry)
            } else {
                let oldest = if kept.entries.len() >= self.limit {
                    kept.entries.pop_front()
                } else {
                    None
                };
                kept.entries.push_back(entry);
                oldest
            }
        };
        // Freed outside the lock.
        drop(dropped);
    }

    /// Counts a request without keeping it: what [`Journal::push`] does when the limit is 0.
    pub(crate) fn count(&self) {
        let mut kept = self.lock();
        kept.total = kept.total.saturating_add(1);
    }

    /// The kept requests, oldest first.
    pub(crate) fn list(&self) -> Vec<ReceivedRequest> {
        self.snapshot().0
    }

    /// The kept requests, oldest first, and how many were received since the last clear (read
    /// together).
    pub(crate) fn snapshot(&self) -> (Vec<ReceivedRequest>, u64) {
        let kept = self.lock();
        (
            kept.entries.iter().map(Entry::received).collect(),
            kept.total,
        )
    }

    /// How many requests were received since the last clear, the dropped ones included.
    pub(crate) fn total(&self) -> u64 {
        self.lock().total
    }

    /// Forgets the kept requests and the count.
    pub(crate) fn clear(&self) {
        let entries = {
            let mut kept = self.lock();
            kept.total = 0;
            std::mem::take(&mut kept.entries)
        };
        drop(entries);
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

    fn entry(body: &str) -> Entry {
        Entry {
            method: Method::POST,
            path: "/v1/chat/completions".to_owned(),
            headers: Vec::new(),
            body: Bytes::copy_from_slice(body.as_bytes()),
            time_ms: 0,
            scenario: None,
            status: 200,
        }
    }

    fn bodies(journal: &Journal) -> Vec<String> {
        journal.list().into_iter().map(|r| r.body).collect()
    }

    #[test]
    fn a_full_journal_keeps_the_newest_in_order() {
        let journal = Journal::new(3);
        for body in ["a", "b"] {
            journal.push(entry(body));
        }
        assert_eq!(bodies(&journal), ["a", "b"]);
        assert_eq!(journal.total(), 2);
        for body in ["c", "d", "e"] {
            journal.push(entry(body));
        }
        assert_eq!(bodies(&journal), ["c", "d", "e"]);
        let (listed, total) = journal.snapshot();
        assert_eq!(listed.len(), 3);
        assert_eq!(total, 5);
        assert_eq!(journal.limit(), 3);
    }

    #[test]
    fn clearing_forgets_the_entries_and_the_count() {
        let journal = Journal::new(2);
        for body in ["a", "b", "c"] {
            journal.push(entry(body));
        }
        journal.clear();
        assert!(journal.list().is_empty());
        assert_eq!(journal.total(), 0);
        journal.push(entry("d"));
        assert_eq!(bodies(&journal), ["d"]);
        assert_eq!(journal.total(), 1);
    }

    #[test]
    fn a_limit_of_zero_keeps_nothing_but_counts() {
        let journal = Journal::new(0);
        for body in ["a", "b", "c"] {
            journal.push(entry(body));
        }
        assert!(journal.list().is_empty());
        assert_eq!(journal.snapshot(), (Vec::new(), 3));
    }

    #[test]
    fn the_count_saturates() {
        let journal = Journal::new(1);
        journal.lock().total = u64::MAX;
        journal.push(entry("a"));
        assert_eq!(journal.total(), u64::MAX);
        assert_eq!(bodies(&journal), ["a"]);
    }
}
