//! Helpers shared by the mock-server integration tests: a plain HTTP client over hyper, the
//! seed's sample request bodies, and a hang guard.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// The seed's system prompt and question.
pub const SEED_MESSAGES: &str = r#"[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Who are you?"}]"#;

/// The seed's answer to it.
pub const SEED_ANSWER: &str = "I am a large language model from Alibaba Cloud. My name is Qwen.";

/// The seed's streamed pieces of that answer (its Python streaming sample).
pub const SEED_PIECES: [&str; 5] = [
    "I am a",
    " large language model from",
    " Alibaba",
    " Cloud.",
    " My name is Qwen.",
];

/// The seed's "Who are you?" request body, with `extra` fields appended (`""` for none).
pub fn seed_request(extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",{extra}")
    };
    format!(r#"{{"model":"qwen-plus","messages":{SEED_MESSAGES}{extra}}}"#)
}

/// A response read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `data` of each event of an SSE body, in order, decoded by chatwire's SSE decoder
    /// (which must end clean: no event cut off).
    pub fn sse_data(&self) -> Vec<String> {
        let mut decoder = chatwire::sse::Decoder::new();
        decoder.feed(&self.body);
        let mut data = Vec::new();
        while let Some(event) = decoder.next_event().expect("a well-formed event stream") {
            assert!(
                event.is_message(),
                "an event of type {:?}",
                event.event_type()
            );
            data.push(event.data().to_owned());
        }
        assert!(
            decoder.finish().is_clean(),
            "the stream ends inside an event"
        );
        data
    }

    /// Asserts that the body is an error envelope with this status and code, whose
    /// `request_id` matches the `x-request-id` header; returns the envelope.
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
        assert!(body["error"]["message"].is_string(), "{body}");
        assert!(body["error"].get("param").is_some(), "{body}");
        let rid = body["request_id"].as_str().expect("a request_id");
        assert_eq!(Some(rid), self.header("x-request-id"));
        body
    }
}

/// Sends one request and reads the whole response.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    let response = open(method, url, headers, body).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = guard(response.into_body().collect())
        .await
        .expect("a readable body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// Sends one request and returns the response with its body still unread.
pub async fn open(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Response<Incoming> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(body.into()))
        .expect("a valid request");
    guard(client.request(request)).await.expect("a response")
}

/// POSTs a chat request with a valid key to `{base}/chat/completions`.
pub async fn chat(base: &str, body: &str) -> Answer {
    send(
        "POST",
        &format!("{base}/chat/completions"),
        &[
            ("authorization", "Bearer sk-test"),
            ("content-type", "application/json"),
        ],
        body.to_owned(),
    )
    .await
}

/// Awaits `future`, failing the test if it hangs (a guard against deadlocks, not a timing
/// assertion: it is far longer than anything here takes).
pub async fn guard<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("the operation hung for 60 s")
}
