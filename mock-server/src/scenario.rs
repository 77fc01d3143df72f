//! Scenarios: named answers chosen per request, three ways, first match wins.
//!
//! 1. The `x-mock-scenario: NAME` request header picks a scenario by name (an unknown name is
//!    a 404 envelope).
//! 2. Scenario files (`*.scenario.json` in the fixtures directory, or added at run time through
//!    `POST /__admin/scenarios`) are tried in order; the first whose `match` holds answers.
//!    A scenario without `match` is only ever chosen by name.
//! 3. The built-in defaults: the replay fixtures and the reply engine. With `--strict` an
//!    unmatched request is a 404 envelope saying what each scenario missed instead.
//!
//! A scenario file holds one scenario object or an array of them:
//!
//! ```json
//! {
//!   "name": "weather-after-tool",
//!   "match": { "model": "qwen-plus", "last_role": "tool", "has_tool_results": true,
//!              "turn": 1, "last_user_regex": "(?i)weather", "headers": { "x-tenant": "a" } },
//!   "respond": { "completion": { "pieces": ["It is", " sunny."] } },
//!   "pacing": { "ttft_ms": 200, "chunk_ms": 30, "jitter_ms": 10, "seed": 7 },
//!   "fault": { "kind": "error_after", "after": 2 }
//! }
//! ```
//!
//! `respond` holds at most one of `completion` (`content` or `pieces`), `chunks` (a script of
//! raw `data:` payloads, streamed as given), or `error` (`status`, `code`, `type`, `message`,
//! optional `retry_after` seconds and `sse: true` for an SSE-framed body); without any of them
//! the built-in reply is used, with the scenario's `fault` and `pacing` applied.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use hyper::header::HeaderMap;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::fault::Fault;
use crate::pacing::Pacing;
use crate::wire::ChatInput;

/// The header that picks a scenario by name.
pub(crate) const SCENARIO_HEADER: &str = "x-mock-scenario";

/// The built-in scenarios: one per documented error status, selectable by name.
const BUILTIN: &[(&str, &str)] = &[
    (
        "400-invalid-parameter.scenario.json",
        include_str!("../scenarios/400-invalid-parameter.scenario.json"),
    ),
    (
        "400-data-inspection-failed.scenario.json",
        include_str!("../scenarios/400-data-inspection-failed.scenario.json"),
    ),
    (
        "400-arrearage.scenario.json",
        include_str!("../scenarios/400-arrearage.scenario.json"),
    ),
    (
        "401-invalid-api-key.scenario.json",
        include_str!("../scenarios/401-invalid-api-key.scenario.json"),
    ),
    (
        "404-model-not-found.scenario.json",
        include_str!("../scenarios/404-model-not-found.scenario.json"),
    ),
    (
        "429-limit-requests.scenario.json",
        include_str!("../scenarios/429-limit-requests.scenario.json"),
    ),
    (
        "429-insufficient-quota.scenario.json",
        include_str!("../scenarios/429-insufficient-quota.scenario.json"),
    ),
    (
        "500-internal-error.scenario.json",
        include_str!("../scenarios/500-internal-error.scenario.json"),
    ),
    (
        "503-overloaded.scenario.json",
        include_str!("../scenarios/503-overloaded.scenario.json"),
    ),
    (
        "stream-faults.scenario.json",
        include_str!("../scenarios/stream-faults.scenario.json"),
    ),
];

/// One scenario: when it applies and what it answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    /// Its name, for the header, the journal and errors.
    pub(crate) name: String,
    /// When it applies; `None`: only by name.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub(crate) matcher: Option<Matcher>,
    /// What it answers.
    #[serde(default)]
    pub(crate) respond: Respond,
    /// A fault applied to its stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fault: Option<Fault>,
    /// The pace of its stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pacing: Option<Pacing>,
}

/// The conditions of a scenario; every one given must hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Matcher {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    /// The last user message, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_user: Option<String>,
    /// A regular expression the last user message must match somewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_user_regex: Option<String>,
    /// The role of the last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_role: Option<String>,
    /// Whether the conversation holds a `tool` message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    has_tool_results: Option<bool>,
    /// The turn: how many assistant messages the conversation already holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    turn: Option<usize>,
    /// Request headers and their exact values (names case-insensitive).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(skip)]
    compiled: Option<Regex>,
}

/// What a scenario answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Respond {
    /// A completion's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) completion: Option<Completion>,
    /// A script of raw `data:` payloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) chunks: Option<Vec<String>>,
    /// An error answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorReply>,
}

/// A scripted completion: its whole text or its stream pieces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Completion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pieces: Vec<String>,
}

impl Completion {
    /// The stream pieces.
    pub(crate) fn pieces(&self) -> Vec<String> {
        match &self.content {
            Some(text) if self.pieces.is_empty() => vec![text.clone()],
            _ => self.pieces.clone(),
        }
    }
}

/// A scripted error.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorReply {
    pub(crate) status: u16,
    pub(crate) code: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) message: String,
    /// Seconds for a `Retry-After` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<u64>,
    /// Sends the envelope as one SSE `data:` event to a streaming request.
    #[serde(default)]
    pub(crate) sse: bool,
}

/// A scenario file or runtime addition that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScenarioError {
    pub(crate) file: String,
    pub(crate) reason: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scenario {}: {}", self.file, self.reason)
    }
}

/// What a request looked like to the matchers.
pub(crate) struct Probe<'a> {
    pub(crate) input: Option<&'a ChatInput>,
    pub(crate) headers: &'a HeaderMap,
}

impl Matcher {
    /// `None` when it holds, else the first condition that does not.
    fn miss(&self, probe: &Probe<'_>) -> Option<String> {
        for (name, want) in &self.headers {
            let got = probe
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok());
            if got != Some(want.as_str()) {
                return Some(format!("header {name} is {got:?}, not {want:?}"));
            }
        }
        let needs_body = self.model.is_some()
            || self.last_user.is_some()
            || self.compiled.is_some()
            || self.last_role.is_some()
            || self.has_tool_results.is_some()
            || self.turn.is_some();
        let Some(input) = probe.input else {
            return needs_body.then(|| "the body is not a chat request".to_owned());
        };
        if let Some(model) = self.model.as_ref().filter(|m| **m != input.model) {
            return Some(format!("model is {:?}, not {model:?}", input.model));
        }
        let last_user = input.last_user_text();
        if let Some(want) = self.last_user.as_ref().filter(|u| *u != last_user) {
            return Some(format!("last user message is {last_user:?}, not {want:?}"));
        }
        if let Some(re) = self.compiled.as_ref().filter(|re| !re.is_match(last_user)) {
            return Some(format!(
                "last user message {last_user:?} does not match /{}/",
                re.as_str()
            ));
        }
        let last_role = input.messages.last().map_or("", |m| m.role.as_str());
        if let Some(want) = self.last_role.as_ref().filter(|r| *r != last_role) {
            return Some(format!("last role is {last_role:?}, not {want:?}"));
        }
        let has_tool = input.messages.iter().any(|m| m.role == "tool");
        if let Some(want) = self.has_tool_results.filter(|w| *w != has_tool) {
            return Some(format!("has_tool_results is {has_tool}, not {want}"));
        }
        let turn = input
            .messages
            .iter()
            .filter(|m| m.role == "assistant")
            .count();
        if let Some(want) = self.turn.filter(|t| *t != turn) {
            return Some(format!("turn is {turn}, not {want}"));
        }
        None
    }
}

impl Scenario {
    /// Checks the scenario and compiles its regular expression.
    fn prepare(mut self) -> Result<Self, String> {
        if self.name.is_empty() {
            return Err("a scenario needs a name".to_owned());
        }
        let answers = [
            self.respond.completion.is_some(),
            self.respond.chunks.is_some(),
            self.respond.error.is_some(),
        ];
        if answers.iter().filter(|a| **a).count() > 1 {
            return Err(format!(
                "scenario {:?}: respond holds more than one of completion, chunks, error",
                self.name
            ));
        }
        if let Some(error) = &self.respond.error {
            if !(400..=599).contains(&error.status) {
                return Err(format!(
                    "scenario {:?}: error status {} is not 4xx or 5xx",
                    self.name, error.status
                ));
            }
        }
        if let Some(m) = &mut self.matcher {
            if let Some(re) = &m.last_user_regex {
                m.compiled =
                    Some(Regex::new(re).map_err(|e| {
                        format!("scenario {:?}: bad last_user_regex: {e}", self.name)
                    })?);
            }
        }
        if let Some(fault) = &self.fault {
            fault
                .check()
                .map_err(|e| format!("scenario {:?}: {e}", self.name))?;
        }
        Ok(self)
    }
}

/// The scenarios of one server, in matching order, and a per-scenario request counter (it
/// seeds the fault probabilities).
#[derive(Debug, Default)]
pub(crate) struct Scenarios {
    list: Vec<(Scenario, AtomicU64)>,
    /// How many of the first scenarios were added at run time.
    added: usize,
}

/// The outcome of selection.
pub(crate) enum Selected<'a> {
    /// A scenario applies; `draw` is its request number.
    Scenario(&'a Scenario, u64),
    /// The header named a scenario that does not exist.
    Unknown(String),
    /// None applies; why each scenario with a matcher missed.
    None(Vec<String>),
}

impl Scenarios {
    /// The built-in scenarios.
    pub(crate) fn builtin() -> Self {
        let mut set = Scenarios::default();
        for (file, text) in BUILTIN {
            // Invariant: the built-in files are checked by the `builtins_parse` test.
            if let Ok(list) = parse(file, text) {
                set.extend(list);
            }
        }
        set
    }

    /// The `*.scenario.json` files of `dir` (sorted by name), then the built-ins.
    ///
    /// # Errors
    ///
    /// The first file that cannot be read or parsed.
    pub(crate) fn with_dir(dir: &Path) -> Result<Self, ScenarioError> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| ScenarioError {
                file: dir.display().to_string(),
                reason: e.to_string(),
            })?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| is_scenario_file(p))
            .collect();
        files.sort();
        let mut set = Scenarios::default();
        for path in files {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| ScenarioError {
                file: name.clone(),
                reason: e.to_string(),
            })?;
            set.extend(parse(&name, &text)?);
        }
        set.extend(Self::builtin().list.into_iter().map(|(s, _)| s));
        Ok(set)
    }

    fn extend(&mut self, list: impl IntoIterator<Item = Scenario>) {
        self.list
            .extend(list.into_iter().map(|s| (s, AtomicU64::new(0))));
    }

    /// Puts `list` before every other scenario.
    pub(crate) fn prepend(&mut self, list: Vec<Scenario>) {
        let old = std::mem::take(&mut self.list);
        self.added += list.len();
        self.extend(list);
        self.list.extend(old);
    }

    /// Removes the scenarios added at run time; returns how many there were.
    pub(crate) fn remove_added(&mut self) -> usize {
        let added = std::mem::take(&mut self.added);
        self.list.drain(..added.min(self.list.len()));
        added
    }

    /// Every scenario, in matching order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Scenario> {
        self.list.iter().map(|(s, _)| s)
    }

    /// Picks the scenario for a request: by the header, else the first match.
    pub(crate) fn select(&self, probe: &Probe<'_>) -> Selected<'_> {
        let named = probe
            .headers
            .get(SCENARIO_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned());
        if let Some(name) = named {
            return match self.list.iter().find(|(s, _)| s.name == name) {
                Some((s, n)) => Selected::Scenario(s, n.fetch_add(1, Ordering::Relaxed)),
                None => Selected::Unknown(name),
            };
        }
        let mut why = Vec::new();
        for (s, n) in &self.list {
            let Some(m) = &s.matcher else { continue };
            match m.miss(probe) {
                None => return Selected::Scenario(s, n.fetch_add(1, Ordering::Relaxed)),
                Some(reason) => why.push(format!("{}: {reason}", s.name)),
            }
        }
        Selected::None(why)
    }
}

/// Whether `path` names a scenario file.
pub(crate) fn is_scenario_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".scenario.json"))
}

/// Parses one scenario object or an array of them.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Scenario>, ScenarioError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Box<Scenario>),
        Many(Vec<Scenario>),
    }
    let failed = |reason: String| ScenarioError {
        file: file.to_owned(),
        reason,
    };
    let parsed: OneOrMany = serde_json::from_str(text).map_err(|e| failed(e.to_string()))?;
    let list = match parsed {
        OneOrMany::One(s) => vec![*s],
        OneOrMany::Many(list) => list,
    };
    list.into_iter()
        .map(|s| s.prepare().map_err(failed))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::InMessage;

    fn input(messages: &[(&str, &str)]) -> ChatInput {
        ChatInput {
            model: "qwen-plus".into(),
            messages: messages
                .iter()
                .map(|(role, content)| InMessage {
                    role: (*role).into(),
                    content: (*content).into(),
                    ..InMessage::default()
                })
                .collect(),
            ..ChatInput::default()
        }
    }

    fn pick<'a>(set: &'a Scenarios, input: &ChatInput, headers: &HeaderMap) -> Option<&'a str> {
        match set.select(&Probe {
            input: Some(input),
            headers,
        }) {
            Selected::Scenario(s, _) => Some(s.name.as_str()),
            _ => None,
        }
    }

    #[test]
    fn builtins_parse() {
        for (file, text) in BUILTIN {
            parse(file, text).unwrap();
        }
        assert!(Scenarios::builtin().iter().count() >= BUILTIN.len());
    }

    #[test]
    fn first_match_wins_and_every_matcher_counts() {
        let text = r#"[
          {"name":"tool","match":{"has_tool_results":true,"last_role":"tool","turn":1},"respond":{"completion":{"content":"done"}}},
          {"name":"re","match":{"last_user_regex":"(?i)^weather"},"respond":{"completion":{"content":"sun"}}},
          {"name":"exact","match":{"last_user":"Weather?","model":"qwen-plus"},"respond":{"completion":{"content":"never"}}},
          {"name":"hdr","match":{"headers":{"x-tenant":"a"}}}
        ]"#;
        let mut set = Scenarios::default();
        set.extend(parse("t", text).unwrap());
        let none = HeaderMap::new();
        assert_eq!(
            pick(&set, &input(&[("user", "Weather?")]), &none),
            Some("re")
        );
        let call = input(&[("user", "x"), ("assistant", ""), ("tool", "12C")]);
        assert_eq!(pick(&set, &call, &none), Some("tool"));
        let mut tenant = HeaderMap::new();
        tenant.insert("x-tenant", "a".parse().unwrap());
        assert_eq!(pick(&set, &input(&[("user", "hi")]), &tenant), Some("hdr"));
        match set.select(&Probe {
            input: Some(&input(&[("user", "hi")])),
            headers: &none,
        }) {
            Selected::None(why) => {
                assert_eq!(why.len(), 4);
                assert!(why[3].contains("header x-tenant"), "{why:?}");
            }
            _ => panic!("matched"),
        }
    }

    #[test]
    fn the_header_picks_by_name() {
        let set = Scenarios::builtin();
        let mut headers = HeaderMap::new();
        headers.insert(SCENARIO_HEADER, "503-overloaded".parse().unwrap());
        assert_eq!(
            pick(&set, &input(&[("user", "x")]), &headers),
            Some("503-overloaded")
        );
        headers.insert(SCENARIO_HEADER, "nope".parse().unwrap());
        assert!(matches!(
            set.select(&Probe {
                input: None,
                headers: &headers
            }),
            Selected::Unknown(n) if n == "nope"
        ));
    }

    #[test]
    fn bad_scenarios_are_refused() {
        assert!(parse("t", r#"{"name":"x","match":{"last_user_regex":"("}}"#).is_err());
        assert!(parse(
            "t",
            r#"{"name":"x","respond":{"chunks":[],"completion":{"content":"a"}}}"#
        )
        .is_err());
        assert!(parse(
            "t",
            r#"{"name":"x","respond":{"error":{"status":200,"code":"a","type":"b","message":"c"}}}"#
        )
        .is_err());
        assert!(parse("t", r#"{"name":""}"#).is_err());
        assert!(parse("t", r#"{"name":"x","colour":1}"#).is_err());
    }
}
