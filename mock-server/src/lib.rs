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
//! let two = br#"{"model":"qwen-max","messages":[{"role":"user","content":"Hi"}],"n":2}"#;
//! assert!(chatwire_mock::check_request(two).is_ok());
//! // The seed's table, read literally, allows n > 1 only on qwen-plus:
//! let rejected = chatwire_mock::check_request_with(two, chatwire_mock::Profile::Documented, None)
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
//! - A [`Profile`] chooses the contract where the seed, DashScope and OpenAI disagree:
//!   `documented` enforces the seed's request table literally, `dashscope` (the default)
//!   plays the live service, `openai` follows OpenAI's conventions (finish chunk, errors).
//! - A [`Region`] narrows the model catalogue to its deployment scopes (Singapore:
//!   International; Virginia: Global and US; Beijing: Chinese Mainland).
//! - The header `x-mock-error: 400|401|429|429-rate-limit|429-quota|500|503` replays that row
//!   of the seed's error-code table.
//! - Replay fixtures (`--fixtures DIR`) are JSON files matched on the exact conversation; see
//!   the README.
//! - A test bench (see the README's "Testing your client"): scenarios chosen by the
//!   `x-mock-scenario` header or by `*.scenario.json` files with match rules (first match wins,
//!   `--strict` for a 404 when none does), an error scenario per documented status, faults
//!   inside a stream, pacing ([`Pacing`]), rate limits ([`RateLimit`]), quirk switches
//!   ([`Quirks`]), record and replay, and a request journal (`/__admin/requests`,
//!   [`MockServer::received_requests`], [`Expectation`]s checked on drop).
//! - The journal keeps the most recent [`DEFAULT_JOURNAL_LIMIT`] (10,000) requests, so a
//!   long-running server or a load test stays bounded; `--journal-limit N`
//!   ([`MockServerBuilder::journal_limit`]) changes it (0 keeps none), and
//!   [`MockServer::received_count`] still counts every request.
//! - [`decode_stream`] (the `decode` subcommand) reads a captured stream back: its events,
//!   chunks, `[DONE]`, an in-stream error and the accumulated completion.
#![deny(missing_docs)]

mod admin;
mod auth;
mod config;
mod decode;
mod engine;
mod errors;
mod fault;
mod fixtures;
mod generate;
mod journal;
mod keyorder;
mod models;
mod pacing;
mod profile;
mod quirks;
mod ratelimit;
mod record;
mod region;
mod router;
mod scenario;
mod seed_errors;
mod server;
mod stream;
mod thinking;
mod tools;
mod validation;
mod verify;
mod wire;

pub use config::{
    Config, DEFAULT_ADDR, DEFAULT_BODY_LIMIT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_JOURNAL_LIMIT,
};
pub use decode::{decode_stream, DecodeError, DecodeErrorKind, Decoded};
pub use journal::ReceivedRequest;
pub use pacing::Pacing;
pub use profile::{ParseSettingError, Profile, SettingKind};
pub use quirks::{ContinuationIds, KeyOrder, Quirks};
pub use ratelimit::RateLimit;
pub use region::Region;
pub use server::{MockServer, MockServerBuilder, Server, StartError, StartErrorKind};
pub use stream::ChunkPoint;
pub use verify::Expectation;

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
    check_request_with(body, Profile::default(), None)
}

/// Like [`check_request`], under `profile` and with the models of `region` (every scope
/// without one).
///
/// # Errors
///
/// The [`Rejection`] the server would answer with.
pub fn check_request_with(
    body: &[u8],
    profile: Profile,
    region: Option<Region>,
) -> Result<(), Rejection> {
    let contract = router::Contract {
        profile,
        scopes: region::scope_mask(region),
    };
    router::admit(body, 0, &fixtures::Fixtures::builtin(), contract)
        .map(|_| ())
        .map_err(|rejected| {
            let (err, rid) = *rejected;
            Rejection {
                status: err.status(),
                body: String::from_utf8_lossy(&err.body_as(profile, &rid)).into_owned(),
            }
        })
}
