//! Routing and request handling: path and method, authentication, body limits, then the chat
//! completion or model-list handlers. Every answer carries an `x-request-id` header; every
//! error is an envelope whose `request_id` matches it.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use chatwire::types::{ChatRequest, Maybe};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

use crate::config::Config;
use crate::engine;
use crate::errors::ApiError;
use crate::fixtures::Fixtures;
use crate::generate::{created, hash_parts, request_id};
use crate::models::{self, scope};
use crate::stream::{self, ChunkPlan};
use crate::validation;
use crate::wire::{completion_body, ChatInput, Meta, Reply};

/// The body type of every response.
pub(crate) type Body = UnsyncBoxBody<Bytes, Infallible>;

/// What a running server shares between connections.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) fixtures: Fixtures,
}

/// The path prefixes served: DashScope's and OpenAI's.
const PREFIXES: &[&str] = &["/compatible-mode/v1", "/v1"];

/// A served endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Chat,
    Models,
    Model(String),
}

impl Route {
    fn of(path: &str) -> Option<Route> {
        let rest = PREFIXES.iter().find_map(|p| path.strip_prefix(p))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        match rest {
            "/chat/completions" => Some(Route::Chat),
            "/models" => Some(Route::Models),
            _ => rest
                .strip_prefix("/models/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
                .map(|id| Route::Model(id.to_owned())),
        }
    }

    fn method(&self) -> Method {
        match self {
            Route::Chat => Method::POST,
            Route::Models | Route::Model(_) => Method::GET,
        }
    }
}

/// Answers one request. Never fails: every problem becomes an error envelope.
pub(crate) async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = route(&state, req).await;
    tracing::info!(%method, %path, status = response.status().as_u16(), "request");
    Ok(response)
}

async fn route(state: &State, req: Request<Incoming>) -> Response<Body> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let early_id = request_id(hash_parts(&[
        &state.config.seed.to_le_bytes(),
        method.as_str().as_bytes(),
        path.as_bytes(),
    ]));
    let Some(route) = Route::of(&path) else {
        return error(&ApiError::unknown_path(method.as_str(), &path), &early_id);
    };
    let allowed = route.method();
    if method != allowed {
        let allow = if allowed == Method::POST {
            "POST"
        } else {
            "GET"
        };
        return error(
            &ApiError::method_not_allowed(method.as_str(), &path, allow),
            &early_id,
        );
    }
    if !crate::auth::authorized(req.headers(), &state.config.api_keys) {
        return error(&ApiError::invalid_api_key(), &early_id);
    }
    match route {
        Route::Models => json(StatusCode::OK, to_json(&model_list()), &early_id),
        Route::Model(id) => match models::lookup(&id, scope::ALL) {
            Some(_) => json(StatusCode::OK, to_json(&model_entry(&id)), &early_id),
            None => error(&ApiError::model_not_found(&id), &early_id),
        },
        Route::Chat => chat(state, req, &early_id).await,
    }
}

/// POST /chat/completions.
async fn chat(state: &State, req: Request<Incoming>, early_id: &str) -> Response<Body> {
    let limit = state.config.body_limit;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return error(&ApiError::body_too_large(limit), early_id);
    }
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            return error(&ApiError::body_too_large(limit), early_id);
        }
        Err(e) => {
            return error(&ApiError::unreadable_body(e), early_id);
        }
    };
    let admitted = match admit(&body, state.config.seed, &state.fixtures) {
        Ok(admitted) => admitted,
        Err(rejected) => return error(&rejected.0, &rejected.1),
    };
    let Admitted {
        input,
        reply,
        key,
        rid,
    } = admitted;
    let meta = Meta {
        id: format!("chatcmpl-{rid}"),
        created: state.config.created.unwrap_or_else(|| created(key)),
        model: input.model.clone(),
    };
    if input.stream {
        let plan = ChunkPlan::new(meta, reply, input.include_usage);
        let body = stream::spawn(plan, state.config.before_chunk.clone());
        let mut response = Response::new(body.boxed_unsync());
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream;charset=UTF-8"),
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        set_request_id(&mut response, &rid);
        response
    } else {
        json(StatusCode::OK, completion_body(&meta, &reply), &rid)
    }
}

/// A request that passed every check, and its planned reply.
#[derive(Debug)]
pub(crate) struct Admitted {
    pub(crate) input: ChatInput,
    pub(crate) reply: Reply,
    /// The request's key: seeds the ids and `created`.
    pub(crate) key: u64,
    pub(crate) rid: String,
}

/// Runs a chat request body through every check the server makes (JSON, fields, model,
/// validation, thinking) and plans its reply; an error comes with the request id it is sent
/// under.
pub(crate) fn admit(
    body: &[u8],
    seed: u64,
    fixtures: &Fixtures,
) -> Result<Admitted, Box<(ApiError, String)>> {
    let body_id = request_id(hash_parts(&[&seed.to_le_bytes(), body]));
    let request = ChatRequest::from_slice(body)
        .map_err(|e| Box::new((ApiError::malformed_json(&e), body_id.clone())))?;
    let key = hash_parts(&[
        &request.seed.value().copied().unwrap_or(seed).to_le_bytes(),
        body,
    ]);
    let rid = request_id(key);
    let model = request
        .model
        .value()
        .map(|m| m.to_cow().into_owned())
        .unwrap_or_default();
    let info = models::lookup(&model, scope::ALL);
    let info = match info {
        Some(info) => info,
        // Without a model, validation names the missing field.
        None if model.is_empty() => models::ModelInfo::unknown(),
        None => return Err(Box::new((ApiError::model_not_found(&model), rid))),
    };
    if let Err(e) = validation::check(&request, &model, info) {
        return Err(Box::new((e, rid)));
    }
    let input = ChatInput::from_request(&request);
    // The reply's text depends on what was asked, not on how it is delivered: the same
    // question streamed or not gets the same answer.
    let mut asked = request.clone();
    asked.stream = Maybe::Absent;
    asked.stream_options = Maybe::Absent;
    let text_key = hash_parts(&[
        &request.seed.value().copied().unwrap_or(seed).to_le_bytes(),
        asked.to_json().as_bytes(),
    ]);
    match engine::respond(&input, info, fixtures, text_key) {
        Ok(reply) => Ok(Admitted {
            input,
            reply,
            key,
            rid,
        }),
        Err(e) => Err(Box::new((e, rid))),
    }
}

/// The envelope of `err`, with its status, `x-request-id` and (for 405) `Allow`.
fn error(err: &ApiError, rid: &str) -> Response<Body> {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    tracing::debug!(
        status = err.status(),
        message = err.message(),
        "error answer"
    );
    let mut response = json(status, err.body(rid), rid);
    if let Some(allow) = err.allow() {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// A JSON response.
fn json(status: StatusCode, body: Vec<u8>, rid: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed_unsync());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    set_request_id(&mut response, rid);
    response
}

/// Serializes a value made of strings, numbers and vectors.
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Invariant: the model list holds no map with non-string keys and no float, the only
    // things serde_json refuses; an empty object stands in if that ever changes.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

fn set_request_id(response: &mut Response<Body>, rid: &str) {
    // Invariant: request ids are lowercase hex and dashes, always a valid header value.
    if let Ok(value) = HeaderValue::from_str(rid) {
        response.headers_mut().insert("x-request-id", value);
    }
}

#[derive(Serialize)]
struct ModelList {
    object: &'static str,
    data: Vec<ModelEntry>,
}

#[derive(Serialize)]
struct ModelEntry {
    id: String,
    object: &'static str,
    created: u64,
    owned_by: &'static str,
}

fn model_entry(id: &str) -> ModelEntry {
    ModelEntry {
        id: id.to_owned(),
        object: "model",
        created: created(hash_parts(&[id.as_bytes()])),
        owned_by: "system",
    }
}

/// Every model the seed lists.
fn model_list() -> ModelList {
    ModelList {
        object: "list",
        data: models::listed(scope::ALL).map(model_entry).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(Route::of("/v1/chat/completions"), Some(Route::Chat));
        assert_eq!(
            Route::of("/compatible-mode/v1/chat/completions/"),
            Some(Route::Chat)
        );
        assert_eq!(Route::of("/compatible-mode/v1/models"), Some(Route::Models));
        assert_eq!(
            Route::of("/v1/models/qwen-plus"),
            Some(Route::Model("qwen-plus".into()))
        );
        assert_eq!(Route::of("/v1/models/"), Some(Route::Models));
        assert_eq!(Route::of("/v2/chat/completions"), None);
        assert_eq!(Route::of("/v1/chat"), None);
        assert_eq!(Route::of("/"), None);
    }

    /// Request bodies that reach every part of the engine.
    const BODIES: &[&str] = &[
        r#"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Who are you?"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":3,"stop":["Qwen"]}"#,
        r#"{"model":"qwen-plus","n":4,"enable_thinking":true,"stream":true,"thinking_budget":2,"messages":[{"role":"user","content":[{"type":"text","text":"ünïcödé — 漢字 🎉 \u00e9"}]}],"response_format":{"type":"json_object"}}"#,
        r#"{"model":"qwen3-235b-a22b-thinking-2507","stream":true,"parallel_tool_calls":true,"tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["c","f"]},"days":{"type":"integer"}},"required":["days"]}}},{"type":"function","function":{"name":"get_current_time","parameters":{}}}],"messages":[{"role":"user","content":"What time is it, and the weather in San Francisco?"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_current_time","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"Noon"}]}"#,
        r#"{"model":"qwen-max","tool_choice":"required","tools":[{"type":"function","function":{"name":"x","parameters":{"properties":{"q":{"type":"string"}}}}}],"messages":[{"role":"user","content":""}]}"#,
    ];

    /// Every prefix and many single-byte changes of the bodies above go through the whole
    /// pipeline (checks, engine, both renderings) without a panic, and every answer is JSON.
    #[test]
    fn no_request_body_panics() {
        let fixtures = Fixtures::builtin();
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for body in BODIES {
            let bytes = body.as_bytes();
            inputs.push(bytes.to_vec());
            inputs.extend((0..bytes.len()).map(|end| bytes[..end].to_vec()));
            for (i, replacement) in (0..bytes.len()).step_by(3).zip(
                [b'{', b'"', b'1', b']', 0xff, b'-', b'n', b' ']
                    .iter()
                    .cycle(),
            ) {
                let mut mutated = bytes.to_vec();
                mutated[i] = *replacement;
                inputs.push(mutated);
            }
        }
        for body in BODIES {
            assert!(admit(body.as_bytes(), 7, &fixtures).is_ok(), "{body}");
        }
        let mut served = 0;
        for input in &inputs {
            match admit(input, 7, &fixtures) {
                Ok(admitted) => {
                    served += 1;
                    let meta = Meta {
                        id: format!("chatcmpl-{}", admitted.rid),
                        created: 1,
                        model: admitted.input.model.clone(),
                    };
                    let body = completion_body(&meta, &admitted.reply);
                    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
                    for event in ChunkPlan::new(meta, admitted.reply, true) {
                        let text = std::str::from_utf8(&event).unwrap();
                        let data = text.strip_prefix("data: ").unwrap().trim_end();
                        assert!(
                            data == "[DONE]"
                                || serde_json::from_str::<serde_json::Value>(data).is_ok()
                        );
                    }
                }
                Err(rejected) => {
                    let body = rejected.0.body(&rejected.1);
                    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
                }
            }
        }
        assert!(served >= BODIES.len(), "{served}");
    }

    #[test]
    fn the_model_list_has_the_seed_models() {
        let list = model_list();
        assert!(list.data.iter().any(|m| m.id == "qwen-plus"));
        assert!(list
            .data
            .iter()
            .any(|m| m.id == "qwen3-235b-a22b-thinking-2507"));
    }
}
