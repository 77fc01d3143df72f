//! # chatwire-mock
//!
//! A mock server for the OpenAI-compatible Chat Completions API as Alibaba Cloud Model Studio
//! (DashScope "compatible-mode") documents it. Point any OpenAI-compatible client's `base_url`
//! at it to run its tests offline and get the documented behaviour: the seed's sample replies,
//! streaming with `stream_options.include_usage`, tool calls answered from the conversation's
//! state, thinking models, `n`, `stop`, `max_tokens`, and every error as DashScope's envelope
//! with a `request_id`.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = chatwire_mock::MockServer::start().await;
//! // Give `server.base_url()` (…/compatible-mode/v1) to the client under test.
//! assert!(server.base_url().ends_with("/compatible-mode/v1"));
//!
//! // The check a request body goes through, without a server:
//! let ok = br#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}]}"#;
//! assert!(chatwire_mock::check_request(ok).is_ok());
//! let rejected = chatwire_mock::check_request(br#"{"model":"qwen-max","messages":[{"role":"user","content":"Hi"}],"n":2}"#)
//!     .unwrap_err();
//! assert_eq!(rejected.status(), 400);
//! assert!(rejected.body().contains(r#""param":"n""#));
//! # }
//! ```
//!
//! # Behaviour
//!
//! - Routes: `POST {/v1,/compatible-mode/v1}/chat/completions`,
//!   `GET {/v1,/compatible-mode/v1}/models` and `GET …/models/{id}`.
//! - Replies are deterministic: ids, `created` and generated text derive from the request's
//!   `seed` (else the server's) and the request body, so the same request gives the same
//!   bytes. The seed's "Who are you?" conversation replays the seed's answer.
//! - Replay fixtures (`--fixtures DIR`) are JSON files matched on the exact conversation; see
//!   the README.
//! - [`decode_stream`] (the `decode` subcommand) reads a captured stream back: its events,
//!   chunks, `[DONE]`, an in-stream error and the accumulated completion.
#![deny(missing_docs)]

mod auth;
mod config;
mod decode;
mod engine;
mod errors;
mod fixtures;
mod generate;
mod models;
mod router;
mod server;
mod stream;
mod thinking;
mod tools;
mod validation;
mod wire;

pub use config::{Config, DEFAULT_ADDR, DEFAULT_BODY_LIMIT, DEFAULT_HEADER_READ_TIMEOUT};
pub use decode::{decode_stream, DecodeError, DecodeErrorKind, Decoded};
pub use server::{MockServer, MockServerBuilder, Server, StartError, StartErrorKind};
pub use stream::ChunkPoint;

use std::fmt;

/// A request body the server would refuse: the status and the envelope it would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: u16,
    body: String,
}

impl Rejection {
    /// The HTTP status (400 or 404).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error envelope, as the server would send it.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl std::error::Error for Rejection {}

/// Runs a chat-completion request body through every check the server makes (JSON syntax,
/// field types, the model catalogue, the documented parameter rules, thinking without a
/// stream), with the default seed and the built-in fixtures.
///
/// # Errors
///
/// The [`Rejection`] the server would answer with.
pub fn check_request(body: &[u8]) -> Result<(), Rejection> {
    router::admit(body, 0, &fixtures::Fixtures::builtin())
        .map(|_| ())
        .map_err(|rejected| {
            let (err, rid) = *rejected;
            Rejection {
                status: err.status(),
                body: String::from_utf8_lossy(&err.body(&rid)).into_owned(),
            }
        })
}
