//! Record and replay. `--record-to DIR --upstream URL` proxies chat requests to an
//! OpenAI-compatible upstream (plain `http://`) and writes one cassette per request: the
//! request body, the status, the headers that matter, and the raw response bytes as they came,
//! each piece with the gap before it. `--replay DIR` serves a request whose body equals a
//! cassette's byte-exact, at once or (`--replay-speed recorded`) with the recorded gaps.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::generate::hash_parts;
use crate::router::Body;
use crate::stream::ChannelBody;

/// The response headers a cassette keeps.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "x-request-id",
    "retry-after",
    "cache-control",
];

/// One recorded exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cassette {
    /// The request body, exactly.
    pub(crate) request: String,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    /// The response as it came off the connection.
    pub(crate) pieces: Vec<Piece>,
}

/// One piece of a response body and the wait before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Piece {
    /// Milliseconds since the previous piece (since the request, for the first).
    pub(crate) delay_ms: u64,
    /// The bytes as text, when they are UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<String>,
    /// The bytes, when they are not UTF-8 (a piece may cut a character).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bytes: Option<Vec<u8>>,
}

impl Piece {
    fn new(delay: Duration, data: &[u8]) -> Self {
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        match std::str::from_utf8(data) {
            Ok(text) => Piece {
                delay_ms,
                text: Some(text.to_owned()),
                bytes: None,
            },
            Err(_) => Piece {
                delay_ms,
                text: None,
                bytes: Some(data.to_vec()),
            },
        }
    }

    fn data(&self) -> Bytes {
        match (&self.text, &self.bytes) {
            (Some(text), _) => Bytes::from(text.clone()),
            (None, Some(bytes)) => Bytes::from(bytes.clone()),
            (None, None) => Bytes::new(),
        }
    }
}

/// The file name of the cassette of `body`.
fn file_name(body: &[u8]) -> String {
    format!("{:016x}.cassette.json", hash_parts(&[body]))
}

/// Forwards a chat request to `upstream` (a base URL ending before `/chat/completions`) and
/// streams the answer back while recording it into `dir`.
///
/// # Errors
///
/// A message when the upstream cannot be reached (the caller answers with a 502).
pub(crate) async fn proxy(
    upstream: &str,
    dir: &Path,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, String> {
    let url = format!("{}/chat/completions", upstream.trim_end_matches('/'));
    let mut request = Request::post(&url);
    for name in [AUTHORIZATION, CONTENT_TYPE] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value);
        }
    }
    let request = request
        .body(Full::new(body.clone()))
        .map_err(|e| format!("cannot build the upstream request to {url}: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let started = Instant::now();
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("the upstream {url} did not answer: {e}"))?;
    let status = response.status();
    let kept: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let (tx, rx) = mpsc::channel(8);
    let path = dir.join(file_name(&body));
    let request_text = String::from_utf8_lossy(&body).into_owned();
    let head = kept.clone();
    let mut upstream_body = response.into_body();
    tokio::spawn(async move {
        let mut pieces = Vec::new();
        let mut last = started;
        while let Some(frame) = upstream_body.frame().await {
            let Ok(frame) = frame else { break };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let now = Instant::now();
            pieces.push(Piece::new(now.duration_since(last), &data));
            last = now;
            // The client may be gone; the cassette is still worth writing.
            let _ = tx.send(Ok(data)).await;
        }
        let cassette = Cassette {
            request: request_text,
            status: status.as_u16(),
            headers: head,
            pieces,
        };
        match serde_json::to_vec_pretty(&cassette) {
            Ok(json) => {
                if let Err(e) = std::fs::write(&path, json) {
                    tracing::warn!(path = %path.display(), error = %e, "cannot write a cassette");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot serialize a cassette"),
        }
    });
    Ok(respond(status, &kept, ChannelBody::new(rx).boxed_unsync()))
}

/// The cassettes of a directory, by request body.
#[derive(Debug, Default)]
pub(crate) struct Cassettes {
    by_body: HashMap<String, Cassette>,
}

impl Cassettes {
    /// Reads every `*.cassette.json` of `dir`.
    ///
    /// # Errors
    ///
    /// A message naming the directory or file that could not be read.
    pub(crate) fn load(dir: &Path) -> Result<Self, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cassettes {}: {e}", dir.display()))?;
        let mut by_body = HashMap::new();
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".cassette.json"))
            })
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cassette {}: {e}", path.display()))?;
            let cassette: Cassette = serde_json::from_str(&text)
                .map_err(|e| format!("cassette {}: {e}", path.display()))?;
            by_body.insert(cassette.request.clone(), cassette);
        }
        Ok(Cassettes { by_body })
    }

    /// The recorded answer to `body`, replayed at once or at the recorded speed.
    pub(crate) fn replay(&self, body: &[u8], recorded_speed: bool) -> Option<Response<Body>> {
        let cassette = self.by_body.get(std::str::from_utf8(body).ok()?)?.clone();
        let status = StatusCode::from_u16(cassette.status).unwrap_or(StatusCode::OK);
        let (tx, rx) = mpsc::channel(1);
        let head = cassette.headers.clone();
        tokio::spawn(async move {
            for piece in &cassette.pieces {
                if recorded_speed && piece.delay_ms > 0 {
                    tokio::time::sleep(Duration::from_millis(piece.delay_ms)).await;
                }
                if tx.send(Ok(piece.data())).await.is_err() {
                    return;
                }
            }
        });
        Some(respond(status, &head, ChannelBody::new(rx).boxed_unsync()))
    }
}

fn respond(status: StatusCode, headers: &[(String, String)], body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_their_bytes() {
        let text = Piece::new(Duration::from_millis(5), b"data: {}\n\n");
        assert_eq!(text.delay_ms, 5);
        assert_eq!(text.data(), Bytes::from_static(b"data: {}\n\n"));
        let cut = Piece::new(Duration::ZERO, &"é".as_bytes()[..1]);
        assert!(cut.text.is_none());
        assert_eq!(cut.data().as_ref(), &"é".as_bytes()[..1]);
        let json = serde_json::to_string(&cut).unwrap();
        let back: Piece = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cut);
    }
}
