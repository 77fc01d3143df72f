//! Routing and request handling: path and method, authentication, body limits, then the chat
//! completion or model-list handlers. Every answer carries an `x-request-id` header; every
//! error is an envelope whose `request_id` matches it.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use bytes::Bytes;
use chatwire::types::{ChatRequest, Maybe, ParseError};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

use crate::admin;
use crate::config::Config;
use crate::engine;
use crate::errors::ApiError;
use crate::fault::{Fault, OUTPUT_MODERATION};
use crate::fixtures::Fixtures;
use crate::generate::{count_tokens, created, hash_parts, request_id};
use crate::journal::{copied_headers, now_ms, Entry, Journal};
use crate::models;
use crate::pacing::Pacing;
use crate::profile::Profile;
use crate::quirks::KeyOrder;
use crate::ratelimit::{Limiter, Slot};
use crate::record::{self, Cassettes};
use crate::region;
use crate::scenario::{ErrorReply, Probe, Scenarios, Selected};
use crate::seed_errors::{self, SeedError};
use crate::stream::{self, ChunkPlan, Delivery, StreamAbort};
use crate::validation;
use crate::wire::{completion_body, ChatInput, ChoiceOut, Meta, Reply};

/// The body type of every response.
pub(crate) type Body = UnsyncBoxBody<Bytes, StreamAbort>;

/// What a running server shares between connections.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) fixtures: Fixtures,
    pub(crate) scenarios: RwLock<Scenarios>,
    pub(crate) journal: Journal,
    pub(crate) limiter: Option<Limiter>,
    pub(crate) cassettes: Option<Cassettes>,
}

impl State {
    /// A server's state before its first request.
    pub(crate) fn new(
        config: Config,
        fixtures: Fixtures,
        scenarios: Scenarios,
        cassettes: Option<Cassettes>,
    ) -> Self {
        State {
            cassettes,
            limiter: config.rate_limit.map(Limiter::new),
            journal: Journal::new(config.journal_limit),
            config,
            fixtures,
            scenarios: RwLock::new(scenarios),
        }
    }
}

/// What the journal keeps of a request besides its head.
#[derive(Debug, Default)]
struct Seen {
    body: Bytes,
    scenario: Option<String>,
}

impl State {
    /// The profile and model scopes requests are checked against.
    pub(crate) fn contract(&self) -> Contract {
        Contract {
            profile: self.config.profile,
            scopes: region::scope_mask(self.config.region),
        }
    }
}

/// What a request is checked against: the profile and the catalogue scopes of the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Contract {
    pub(crate) profile: Profile,
    pub(crate) scopes: u8,
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
    if path.starts_with(admin::PREFIX) {
        return Ok(admin::handle(&state, req).await);
    }
    // A journal that keeps nothing only counts: nothing is copied for it.
    let keeps = state.journal.limit() > 0;
    let headers = if keeps {
        copied_headers(req.headers())
    } else {
        Vec::new()
    };
    let time_ms = now_ms();
    let mut seen = Seen::default();
    let response = route(&state, req, &mut seen).await;
    let status = response.status().as_u16();
    tracing::info!(%method, %path, status, "request");
    if keeps {
        state.journal.push(Entry {
            method,
            path,
            headers,
            // Copied: the collected body may share the connection's read buffer.
            body: Bytes::copy_from_slice(&seen.body),
            time_ms,
            scenario: seen.scenario,
            status,
        });
    } else {
        state.journal.count();
    }
    Ok(response)
}

async fn route(state: &State, req: Request<Incoming>, seen: &mut Seen) -> Response<Body> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let contract = state.contract();
    let profile = contract.profile;
    let early_id = request_id(hash_parts(&[
        &state.config.seed.to_le_bytes(),
        method.as_str().as_bytes(),
        path.as_bytes(),
    ]));
    let Some(route) = Route::of(&path) else {
        return error(
            &ApiError::unknown_path(method.as_str(), &path),
            &early_id,
            profile,
        );
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
            profile,
        );
    }
    if let Some(value) = req.headers().get(seed_errors::HEADER) {
        let value = String::from_utf8_lossy(value.as_bytes());
        let err = match SeedError::parse(&value) {
            Some(row) => row.answer(profile),
            None => seed_errors::unknown(&value),
        };
        return error(&err, &early_id, profile);
    }
    if !crate::auth::authorized(req.headers(), &state.config.api_keys) {
        let err = match profile {
            Profile::OpenAi => ApiError::openai_invalid_api_key(crate::auth::token(req.headers())),
            _ => ApiError::invalid_api_key(),
        };
        return error(&err, &early_id, profile);
    }
    match route {
        Route::Models => json(
            StatusCode::OK,
            to_json(&model_list(contract.scopes)),
            &early_id,
        ),
        Route::Model(id) => match models::lookup(&id, contract.scopes) {
            Some(_) => json(StatusCode::OK, to_json(&model_entry(&id)), &early_id),
            None => error(&ApiError::model_not_found(&id), &early_id, profile),
        },
        Route::Chat => {
            let slot = match &state.limiter {
                Some(limiter) => {
                    let key = crate::auth::token(req.headers()).unwrap_or_default();
                    match limiter.admit(key, Instant::now()) {
                        Ok(slot) => Some(slot),
                        Err(seconds) => return rate_limited(seconds, &early_id, profile),
                    }
                }
                None => None,
            };
            chat(state, req, &early_id, seen, slot).await
        }
    }
}

/// POST /chat/completions.
async fn chat(
    state: &State,
    req: Request<Incoming>,
    early_id: &str,
    seen: &mut Seen,
    slot: Option<Slot>,
) -> Response<Body> {
    let limit = state.config.body_limit;
    let contract = state.contract();
    let profile = contract.profile;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return error(&ApiError::body_too_large(limit), early_id, profile);
    }
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            return error(&ApiError::body_too_large(limit), early_id, profile);
        }
        Err(e) => {
            return error(&ApiError::unreadable_body(e), early_id, profile);
        }
    };
    seen.body = body.clone();
    if let (Some(dir), Some(upstream)) = (&state.config.record_to, &state.config.upstream) {
        return match record::proxy(upstream, dir, &parts.headers, body.clone()).await {
            Ok(response) => response,
            Err(message) => {
                let err = ApiError::custom(502, &message, "upstream_error", "upstream_unreachable");
                error(&err, early_id, profile)
            }
        };
    }
    if let Some(cassettes) = &state.cassettes {
        if let Some(response) = cassettes.replay(&body, state.config.replay_at_recorded_speed) {
            seen.scenario = Some("replay".to_owned());
            return response;
        }
    }
    // Parsed once: the scenario probe and the reply both read it.
    let parsed = ChatRequest::from_slice(&body);
    let probed = parsed.as_ref().ok().map(ChatInput::from_request);
    let selected = {
        // A poisoned lock only means a scenario upload panicked; the list is still whole.
        let scenarios = state.scenarios.read().unwrap_or_else(|e| e.into_inner());
        match scenarios.select(&Probe {
            input: probed.as_ref(),
            headers: &parts.headers,
        }) {
            Selected::Scenario(s, draw) => Ok((s.clone(), draw)),
            Selected::Unknown(name) => Err(Some(format!("no scenario is named {name:?}"))),
            Selected::None(why) if state.config.strict => Err(Some(if why.is_empty() {
                "no scenario has a match rule".to_owned()
            } else {
                why.join("; ")
            })),
            Selected::None(_) => Err(None),
        }
    };
    // Only the error answers below need it: an admitted request gets its id from its key.
    let body_id = || request_id(hash_parts(&[&state.config.seed.to_le_bytes(), &body]));
    let scenario = match selected {
        Ok((scenario, draw)) => Some((scenario, draw)),
        Err(Some(why)) => return error(&ApiError::no_scenario(&why), &body_id(), profile),
        Err(None) => None,
    };
    let header_pacing = Pacing::from_headers(&parts.headers);
    let Some((scenario, draw)) = scenario else {
        return answer(
            state,
            (&body, parsed, probed),
            Script::Default,
            header_pacing.or(state.config.pacing),
            None,
            slot,
        );
    };
    seen.scenario = Some(scenario.name.clone());
    if let Some(reply) = &scenario.respond.error {
        let streaming = probed.as_ref().is_some_and(|i| i.stream);
        return scripted_error(reply, &body_id(), streaming, profile);
    }
    let script = match (&scenario.respond.completion, &scenario.respond.chunks) {
        (Some(completion), _) => Script::Pieces(completion.pieces()),
        (_, Some(chunks)) => Script::Chunks(chunks.clone()),
        _ => Script::Default,
    };
    let pacing = header_pacing.or(scenario.pacing).or(state.config.pacing);
    let fault = scenario.fault.filter(|f| f.strikes(draw));
    answer(
        state,
        (&body, parsed, probed),
        script,
        pacing,
        fault.as_ref(),
        slot,
    )
}

/// DashScope's 429 for a request over a rate limit, with `Retry-After`.
fn rate_limited(seconds: u64, rid: &str, profile: Profile) -> Response<Body> {
    let err = ApiError::custom(
        429,
        "Requests rate limit exceeded, please try again later.",
        "limit_requests",
        "limit_requests",
    );
    let mut response = error(&err, rid, profile);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// What a scenario puts in the reply.
enum Script {
    /// The built-in reply.
    Default,
    /// Every choice's text, in these pieces.
    Pieces(Vec<String>),
    /// Raw `data:` payloads, streamed as given.
    Chunks(Vec<String>),
}

/// Checks and answers a chat request body (with what parsing it gave, and the input read from
/// it when it parsed), as a stream or a completion.
fn answer(
    state: &State,
    (body, parsed, input): (
        &[u8],
        Result<ChatRequest<'_>, ParseError>,
        Option<ChatInput>,
    ),
    script: Script,
    pacing: Option<Pacing>,
    fault: Option<&Fault>,
    slot: Option<Slot>,
) -> Response<Body> {
    let contract = state.contract();
    let profile = contract.profile;
    let admitted = match admit_parsed(
        (body, parsed, input),
        state.config.seed,
        &state.fixtures,
        contract,
    ) {
        Ok(admitted) => admitted,
        Err(rejected) => return error(&rejected.0, &rejected.1, profile),
    };
    let Admitted {
        input,
        mut reply,
        key,
        rid,
    } = admitted;
    let meta = Meta {
        id: format!("chatcmpl-{rid}"),
        created: state.config.created.unwrap_or_else(|| created(key)),
        model: input.model.clone(),
    };
    if let Script::Pieces(pieces) = &script {
        let tokens = count_tokens(&pieces.concat());
        for choice in &mut reply.choices {
            *choice = ChoiceOut {
                content: pieces.clone(),
                ..ChoiceOut::default()
            };
        }
        reply.usage.completion = tokens * reply.choices.len() as u64;
        reply.usage.reasoning = None;
    }
    if state.config.quirks.prompt_tokens_details {
        reply.usage.cached = Some(0);
    }
    if !input.stream {
        if let Script::Chunks(_) = script {
            let message = "this scenario is a chunk script: it answers streaming requests only";
            return error(
                &ApiError::scenario_mismatch(message.to_owned()),
                &rid,
                profile,
            );
        }
        let mut body = completion_body(&meta, &reply);
        if state.config.quirks.key_order == KeyOrder::DashScope {
            if let Ok(text) = std::str::from_utf8(&body) {
                body = crate::keyorder::dashscope(text).into_bytes();
            }
        }
        return json(StatusCode::OK, body, &rid);
    }
    let mut delivery = Delivery {
        pacing,
        hook: state.config.before_chunk.clone(),
        hold: slot.map(|s| Box::new(s) as Box<dyn Send>),
        ..Delivery::default()
    };
    if let Some(fault) = fault {
        delivery.fault = Some(fault.kind);
        delivery.after = fault.after;
        let envelope = ApiError::custom(
            400,
            fault.message.as_deref().unwrap_or(OUTPUT_MODERATION),
            fault
                .kind_name
                .as_deref()
                .unwrap_or("data_inspection_failed"),
            fault.code.as_deref().unwrap_or("data_inspection_failed"),
        );
        delivery.error_event = stream::data_event(&envelope.body(&rid));
    }
    let body = match script {
        Script::Chunks(chunks) => {
            let events = stream::script(&chunks);
            let count = events.len();
            stream::deliver(events.into_iter(), count, delivery)
        }
        _ => {
            let plan =
                ChunkPlan::with_quirks(meta, reply, input.include_usage, state.config.quirks)
                    .openai_conventions(profile == Profile::OpenAi);
            let count = plan.len();
            stream::deliver(plan, count, delivery)
        }
    };
    sse_response(StatusCode::OK, body, &rid)
}

/// A scenario's error: its envelope with `Retry-After`, or for a streaming request with
/// `sse` set, the envelope as one `data:` event (DashScope's input-moderation shape).
fn scripted_error(
    reply: &ErrorReply,
    rid: &str,
    streaming: bool,
    profile: Profile,
) -> Response<Body> {
    let err = ApiError::custom(reply.status, &reply.message, &reply.kind, &reply.code);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if reply.sse && streaming {
        let event = stream::data_event(&err.body(rid));
        sse_response(status, full(event), rid)
    } else {
        error(&err, rid, profile)
    };
    if let Some(seconds) = reply.retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// An event-stream response.
fn sse_response(status: StatusCode, body: Body, rid: &str) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream;charset=UTF-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    set_request_id(&mut response, rid);
    response
}

/// A whole body.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
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
    contract: Contract,
) -> Result<Admitted, Box<(ApiError, String)>> {
    admit_parsed(
        (body, ChatRequest::from_slice(body), None),
        seed,
        fixtures,
        contract,
    )
}

/// [`admit`] for a body already parsed (`parsed` is what `ChatRequest::from_slice(body)`
/// gave; `input`, when given, what `ChatInput::from_request` gives for it).
fn admit_parsed(
    (body, parsed, input): (
        &[u8],
        Result<ChatRequest<'_>, ParseError>,
        Option<ChatInput>,
    ),
    seed: u64,
    fixtures: &Fixtures,
    contract: Contract,
) -> Result<Admitted, Box<(ApiError, String)>> {
    let mut request = parsed.map_err(|e| {
        let body_id = request_id(hash_parts(&[&seed.to_le_bytes(), body]));
        Box::new((ApiError::malformed_json(&e), body_id))
    })?;
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
    let info = models::lookup(&model, contract.scopes);
    let info = match info {
        Some(info) => info,
        // Without a model, validation names the missing field.
        None if model.is_empty() => models::ModelInfo::unknown(),
        None => return Err(Box::new((ApiError::model_not_found(&model), rid))),
    };
    if let Err(e) = validation::check(&request, &model, info, contract.profile) {
        return Err(Box::new((e, rid)));
    }
    let input = input.unwrap_or_else(|| ChatInput::from_request(&request));
    // The reply's text depends on what was asked, not on how it is delivered: the same
    // question streamed or not gets the same answer. (The request is read for the last time
    // here, so the two fields are cleared in place rather than in a copy.)
    request.stream = Maybe::Absent;
    request.stream_options = Maybe::Absent;
    let mut asked_json = Vec::with_capacity(body.len());
    request.write_json(&mut asked_json);
    let text_key = hash_parts(&[
        &request.seed.value().copied().unwrap_or(seed).to_le_bytes(),
        &asked_json,
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

/// The envelope of `err` as `profile` words it, with its status, `x-request-id` and (for
/// 405) `Allow`.
pub(crate) fn error(err: &ApiError, rid: &str, profile: Profile) -> Response<Body> {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    tracing::debug!(
        status = err.status(),
        message = err.message(),
        "error answer"
    );
    let mut response = json(status, err.body_as(profile, rid), rid);
    if let Some(allow) = err.allow() {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: Vec<u8>, rid: &str) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    set_request_id(&mut response, rid);
    response
}

/// Serializes a value made of strings, numbers and vectors.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
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

/// Every model the seed lists in `scopes`.
fn model_list(scopes: u8) -> ModelList {
    ModelList {
        object: "list",
        data: models::listed(scopes).map(model_entry).collect(),
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

    const CONTRACT: Contract = Contract {
        profile: Profile::DashScope,
        scopes: crate::models::scope::ALL,
    };

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
            assert!(
                admit(body.as_bytes(), 7, &fixtures, CONTRACT).is_ok(),
                "{body}"
            );
        }
        let mut served = 0;
        for input in &inputs {
            match admit(input, 7, &fixtures, CONTRACT) {
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
        let list = model_list(crate::models::scope::ALL);
        assert!(list.data.iter().any(|m| m.id == "qwen-plus"));
        assert!(list
            .data
            .iter()
            .any(|m| m.id == "qwen3-235b-a22b-thinking-2507"));
    }
}
