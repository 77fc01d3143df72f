//! The admin API, under `/__admin/` (never journaled, no API key needed):
//!
//! - `GET /__admin/requests`: the journal, a JSON array of the most recent received requests
//!   (at most the journal limit), with the header `x-mock-journal-total` counting every request
//!   received since the last clear (the dropped ones included);
//! - `DELETE /__admin/requests`: clears it and the count;
//! - `GET /__admin/scenarios`: every scenario, in matching order;
//! - `POST /__admin/scenarios`: adds a scenario (or an array of them) before all others;
//! - `DELETE /__admin/scenarios`: removes the scenarios added at run time.

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request, Response, StatusCode};

use crate::errors::ApiError;
use crate::router::{error, json, to_json, Body, State};
use crate::scenario::{self, Scenario};

/// The admin paths' prefix.
pub(crate) const PREFIX: &str = "/__admin/";

/// The header of `GET /__admin/requests` counting the requests received since the last clear.
const JOURNAL_TOTAL: &str = "x-mock-journal-total";

/// The request id of admin answers.
const ADMIN_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Answers one admin request.
pub(crate) async fn handle(state: &State, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let method = req.method().clone();
    match (path.as_str(), &method) {
        ("/__admin/requests", &Method::GET) => {
            let (list, total) = state.journal.snapshot();
            let mut response = json(StatusCode::OK, to_json(&list), ADMIN_ID);
            response
                .headers_mut()
                .insert(JOURNAL_TOTAL, HeaderValue::from(total));
            response
        }
        ("/__admin/requests", &Method::DELETE) => {
            state.journal.clear();
            json(StatusCode::OK, b"{\"cleared\":true}".to_vec(), ADMIN_ID)
        }
        ("/__admin/scenarios", &Method::GET) => {
            let scenarios = state.scenarios.read().unwrap_or_else(|e| e.into_inner());
            let list: Vec<&Scenario> = scenarios.iter().collect();
            json(StatusCode::OK, to_json(&list), ADMIN_ID)
        }
        ("/__admin/scenarios", &Method::POST) => {
            let body = match Limited::new(req.into_body(), state.config.body_limit)
                .collect()
                .await
            {
                Ok(collected) => collected.to_bytes(),
                Err(e) => {
                    return error(
                        &ApiError::unreadable_body(e),
                        ADMIN_ID,
                        state.config.profile,
                    )
                }
            };
            let text = String::from_utf8_lossy(&body);
            match scenario::parse("request body", &text) {
                Ok(list) => {
                    let names: Vec<String> = list.iter().map(|s| s.name.clone()).collect();
                    state
                        .scenarios
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .prepend(list);
                    json(StatusCode::CREATED, to_json(&names), ADMIN_ID)
                }
                Err(e) => error(
                    &ApiError::scenario_mismatch(e.to_string()),
                    ADMIN_ID,
                    state.config.profile,
                ),
            }
        }
        ("/__admin/scenarios", &Method::DELETE) => {
            let removed = state
                .scenarios
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove_added();
            json(
                StatusCode::OK,
                format!("{{\"removed\":{removed}}}").into_bytes(),
                ADMIN_ID,
            )
        }
        _ => error(
            &ApiError::unknown_path(method.as_str(), &path),
            ADMIN_ID,
            state.config.profile,
        ),
    }
}
