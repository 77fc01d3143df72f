//! Typed-stream and accumulator conformance: every captured stream in the shared conformance
//! folder goes through `stream::ChunkDecoder` and `accumulate::Accumulator` (whole, and split
//! at many points), and every fact its EXPECTED.md entry states that these layers can
//! produce is checked: events, comments, chunk counts, `object` values, `[DONE]`, a discarded
//! trailing event, per choice the finish_reason, content / reasoning / refusal text (exact,
//! or length in characters and UTF-8 bytes and sha256), tool calls (id-aware), the legacy
//! function call, log probabilities, usage, server errors and notable top-level keys.
//!
//! Gemini-native streams are SSE-only (their payloads are not chunks): they must come out as
//! `Other` events, and the text and finish reason their NOTE states are read from those.
//!
//! When the folder is absent, the test prints a `SKIPPED: …` line and returns.

use std::collections::BTreeSet;
use std::fs;

use chatwire::accumulate::Accumulator;
use chatwire::sse::OwnedEvent;
use chatwire::stream::{ChunkDecoder, StreamEnd, StreamItem};
use chatwire::types::{ChatCompletion, ChatCompletionChunk, ErrorEnvelope, ResponseMessage};
use chatwire_tests::{conformance_dir, expected_section, files_with_extension};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// An item, owned.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Chunk(Box<ChatCompletionChunk<'static>>),
    Done,
    Error(ErrorEnvelope<'static>),
    Comment(String),
    Other(OwnedEvent),
}

/// What decoding and accumulating a stream produced.
#[derive(Debug, PartialEq)]
struct Decoded {
    items: Vec<Owned>,
    events: u64,
    end: StreamEnd,
    completion: ChatCompletion<'static>,
    errors: Vec<ErrorEnvelope<'static>>,
}

fn decode(input: &[u8], piece: usize) -> Decoded {
    let mut decoder = ChunkDecoder::new();
    let mut acc = Accumulator::new();
    let mut items = Vec::new();
    for bytes in input.chunks(piece.max(1)) {
        decoder.feed(bytes);
        loop {
            let item = match decoder.next_item() {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(err) => panic!("stream error: {err}"),
            };
            items.push(match item {
                StreamItem::Chunk(chunk) => {
                    acc.push(&chunk).expect("within the default limits");
                    Owned::Chunk(Box::new(chunk.into_owned()))
                }
                StreamItem::Done => Owned::Done,
                StreamItem::Error(envelope) => {
                    acc.push_error(&envelope)
                        .expect("within the default limits");
                    Owned::Error(envelope.into_owned())
                }
                StreamItem::Comment(text) => Owned::Comment(text.to_owned()),
                StreamItem::Other(event) => Owned::Other(event.into_owned()),
                other => panic!("unexpected item {other:?}"),
            });
        }
    }
    let events = decoder.events();
    Decoded {
        items,
        events,
        end: decoder.finish(),
        errors: acc.errors().to_vec(),
        completion: acc.into_completion(),
    }
}

#[test]
fn captured_streams_decode_and_accumulate_to_the_expected_facts() {
    let Some(dir) = conformance_dir("conformance_stream") else {
        return;
    };
    let expected = fs::read_to_string(dir.join("EXPECTED.md")).expect("EXPECTED.md is readable");
    let files = files_with_extension(&dir.join("streams"), "sse");
    assert!(!files.is_empty(), "no captured streams");
    let (mut checked, mut texts, mut calls, mut gemini) = (0, 0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let section = expected_section(&expected, &format!("streams/{name}"))
            .unwrap_or_else(|| panic!("{name}: no EXPECTED.md entry"));
        let facts = Facts::parse(&name, section);
        let decoded = decode(&input, input.len());
        for piece in [1460, 7, 1] {
            if piece == 1 && input.len() > 64 * 1024 {
                continue;
            }
            assert_eq!(
                decode(&input, piece),
                decoded,
                "{name}: fed in {piece}-byte pieces"
            );
        }
        facts.check_stream(&name, &input, &decoded);
        if facts.choices.is_empty() {
            check_gemini_native(&name, &facts, &decoded);
            gemini += 1;
        } else {
            let (t, c) = facts.check_completion(&name, &decoded);
            texts += t;
            calls += c;
        }
        checked += 1;
    }
    println!(
        "conformance_stream: {checked} streams, {texts} texts, {calls} tool calls, {gemini} Gemini-native streams checked"
    );
    assert_eq!(checked, files.len());
    assert!(
        texts >= 40 && calls >= 12 && gemini == 2,
        "{texts} {calls} {gemini}"
    );
}

/// The facts of one `### streams/…` section.
#[derive(Debug, Default)]
struct Facts {
    bytes: usize,
    events: u64,
    comments: usize,
    json_chunk_events: usize,
    ends_with_done: bool,
    objects: BTreeSet<String>,
    empty_choices: usize,
    with_usage: usize,
    /// `Some(data buffer non-empty)` when a trailing event is discarded.
    trailing: Option<bool>,
    choices: Vec<ChoiceFacts>,
    usage: Option<Value>,
    /// `(bare, error object)`: a bare envelope event, or an error beside choices.
    errors: Vec<(bool, Value)>,
    top_level_keys: Vec<String>,
    notes: Vec<String>,
}

#[derive(Debug, Default)]
struct ChoiceFacts {
    index: u32,
    finish_reason: Option<String>,
    /// `(field, text)`; `None` for "none (no string content deltas)".
    texts: Vec<(String, Option<TextFact>)>,
    /// `(label, id, name, arguments)`.
    calls: Vec<(String, Option<String>, String, String)>,
    /// `(content or refusal, token, logprob)`.
    logprobs: Option<Vec<(String, String, f64)>>,
}

#[derive(Debug)]
enum TextFact {
    Exact(String),
    Digest {
        chars: usize,
        bytes: usize,
        sha256: String,
    },
}

impl Facts {
    fn parse(name: &str, section: &str) -> Facts {
        let mut facts = Facts::default();
        for line in section.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(sub) = line.strip_prefix("  - ") {
                let choice = facts
                    .choices
                    .last_mut()
                    .unwrap_or_else(|| panic!("{name}: sub-item outside a choice: {line}"));
                choice.parse_item(name, sub);
                continue;
            }
            let item = line
                .strip_prefix("- ")
                .unwrap_or_else(|| panic!("{name}: unexpected line {line:?}"));
            if let Some(rest) = item.strip_prefix("bytes: ") {
                facts.bytes = number(rest);
            } else if let Some(rest) = item.strip_prefix("dispatched events: ") {
                facts.events = number(rest) as u64;
                facts.comments = number(after(rest, "comment lines: "));
            } else if let Some(rest) = item.strip_prefix("JSON chunk events: ") {
                facts.json_chunk_events = number(rest);
                facts.ends_with_done = after(rest, "ends with [DONE]: ").starts_with("yes");
            } else if let Some(rest) = item.strip_prefix("'object' values seen: ") {
                let list = &rest[1..rest.find(']').expect("a list")];
                facts.objects = list
                    .split(", ")
                    .map(|v| v.trim_matches('\'').to_owned())
                    .collect();
                facts.empty_choices = number(after(rest, "chunks with choices:[]: "));
                facts.with_usage = number(after(rest, "chunks carrying non-null usage: "));
            } else if let Some(rest) = item.strip_prefix("trailing unterminated event at EOF") {
                facts.trailing = Some(!rest.contains(r#""data_buf": """#));
            } else if let Some(rest) = item.strip_prefix("choice ") {
                let index = number(rest) as u32;
                let finish = after(rest, "finish_reason=");
                let finish_reason =
                    (finish != "None").then(|| finish.trim_matches('\'').to_owned());
                facts.choices.push(ChoiceFacts {
                    index,
                    finish_reason,
                    ..ChoiceFacts::default()
                });
            } else if let Some(rest) = item.strip_prefix("usage: ") {
                facts.usage = (rest != "none").then(|| json(name, rest));
            } else if item.starts_with("bare error envelope") {
                facts
                    .errors
                    .push((true, json(name, after(item, "error = "))));
            } else if item.starts_with("top-level `error` inside a chunk that ALSO has choices") {
                facts
                    .errors
                    .push((false, json(name, after(item, "error = "))));
            } else if let Some(rest) = item.strip_prefix("notable top-level keys: ") {
                facts.top_level_keys = rest.split(", ").map(str::to_owned).collect();
            } else if let Some(rest) = item.strip_prefix("NOTE: ") {
                facts.notes.push(rest.to_owned());
            } else if item.starts_with("lines with unknown field names") {
                // An SSE-layer fact (ignored field lines), checked by conformance_sse.
            } else {
                panic!("{name}: a fact this test does not know: {line:?}");
            }
        }
        facts
    }

    /// The stream-level facts: bytes, events, comments, chunks, objects, `[DONE]`, the end.
    fn check_stream(&self, name: &str, input: &[u8], decoded: &Decoded) {
        assert_eq!(input.len(), self.bytes, "{name}: bytes");
        assert_eq!(decoded.events, self.events, "{name}: dispatched events");
        let comments = decoded
            .items
            .iter()
            .filter(|i| matches!(i, Owned::Comment(_)));
        assert_eq!(comments.count(), self.comments, "{name}: comment lines");
        let chunks: Vec<&ChatCompletionChunk<'static>> = decoded
            .items
            .iter()
            .filter_map(|i| match i {
                Owned::Chunk(chunk) => Some(&**chunk),
                _ => None,
            })
            .collect();
        let json_others = decoded.items.iter().filter(|i| match i {
            Owned::Other(event) => {
                serde_json::from_str::<serde_json::Map<String, Value>>(event.data()).is_ok()
            }
            _ => false,
        });
        assert_eq!(
            chunks.len() + json_others.count(),
            self.json_chunk_events,
            "{name}: JSON chunk events"
        );
        if !self.choices.is_empty() {
            let objects: BTreeSet<String> = chunks
                .iter()
                .map(|c| match c.object.value() {
                    Some(object) => object.as_str().into_owned(),
                    None => "<absent>".to_owned(),
                })
                .collect();
            assert_eq!(objects, self.objects, "{name}: object values");
            let empty = chunks
                .iter()
                .filter(|c| c.choices.value().is_some_and(|l| l.is_empty()));
            assert_eq!(
                empty.count(),
                self.empty_choices,
                "{name}: chunks with choices:[]"
            );
            let usage = chunks.iter().filter(|c| c.usage.is_value());
            assert_eq!(usage.count(), self.with_usage, "{name}: chunks with usage");
        }
        assert_eq!(
            decoded.end.saw_done(),
            self.ends_with_done,
            "{name}: [DONE]"
        );
        if self.ends_with_done {
            let last = decoded
                .items
                .iter()
                .rev()
                .find(|i| !matches!(i, Owned::Comment(_)));
            assert_eq!(last, Some(&Owned::Done), "{name}: [DONE] is the last item");
        }
        match (self.trailing, decoded.end) {
            (Some(has_data), StreamEnd::Truncated { discarded, .. }) => {
                assert_eq!(discarded.has_data(), has_data, "{name}: trailing event");
            }
            (Some(_), end) => panic!("{name}: a discarded trailing event is expected, got {end:?}"),
            (None, StreamEnd::Truncated { discarded, .. }) => {
                // Only a non-SSE tail (lines without data) may be left over.
                assert!(!discarded.has_data(), "{name}: {discarded:?}");
                assert!(
                    self.notes.iter().any(|n| n.contains("non-SSE tail")),
                    "{name}: an unexpected discarded tail"
                );
            }
            (None, end) => assert_eq!(end.is_clean(), self.ends_with_done, "{name}: {end:?}"),
        }
        // Server errors: bare envelopes and errors beside choices, in order, with messages.
        let errors: Vec<Value> = decoded
            .items
            .iter()
            .filter_map(|i| match i {
                Owned::Error(envelope) => Some(serde_json::to_value(&envelope.error).unwrap()),
                _ => None,
            })
            .collect();
        let expected: Vec<Value> = self.errors.iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(errors.len(), expected.len(), "{name}: error items");
        for (got, want) in errors.iter().zip(&expected) {
            assert!(same_json(got, want), "{name}: error {got} != {want}");
            assert_eq!(got["message"], want["message"], "{name}: error message");
        }
        let kept: Vec<Value> = decoded
            .errors
            .iter()
            .map(|e| serde_json::to_value(&e.error).unwrap())
            .collect();
        assert_eq!(kept, errors, "{name}: errors kept by the accumulator");
        for (bare, error) in &self.errors {
            let beside = chunks.iter().any(|c| {
                c.error
                    .value()
                    .is_some_and(|e| same_json(&serde_json::to_value(e).unwrap(), error))
            });
            assert_eq!(beside, !bare, "{name}: where the error was");
        }
    }

    /// The accumulated completion against the choice, usage and key facts. Returns how many
    /// texts and tool calls were checked.
    fn check_completion(&self, name: &str, decoded: &Decoded) -> (usize, usize) {
        let completion = &decoded.completion;
        let json: Value =
            serde_json::from_str(&completion.to_json()).expect("a completion is JSON");
        assert_eq!(json["object"], "chat.completion", "{name}");
        assert_eq!(
            completion.choices().len(),
            self.choices.len(),
            "{name}: choices"
        );
        let (mut texts, mut calls) = (0, 0);
        for facts in &self.choices {
            let choice = completion
                .choices()
                .iter()
                .find(|c| c.index() == Some(facts.index))
                .unwrap_or_else(|| panic!("{name}: no choice {}", facts.index));
            let what = format!("{name} choice {}", facts.index);
            let finish = choice
                .finish_reason
                .value()
                .map(|f| f.as_str().into_owned());
            assert_eq!(finish, facts.finish_reason, "{what}: finish_reason");
            let message = choice.message.value().expect("a message");
            assert_eq!(
                message
                    .role
                    .value()
                    .map(|r| r.as_str().into_owned())
                    .as_deref(),
                Some("assistant")
            );
            for (field, fact) in &facts.texts {
                check_text(
                    &format!("{what} {field}"),
                    text_of(message, field),
                    fact.as_ref(),
                );
                texts += 1;
            }
            let mut got: Vec<(String, Option<String>, String, String)> = message
                .calls()
                .iter()
                .map(|call| {
                    assert_eq!(
                        call.kind
                            .value()
                            .map(|k| k.as_str().into_owned())
                            .as_deref(),
                        Some("function")
                    );
                    (
                        String::new(),
                        call.id.value().map(|id| id.to_string()),
                        call.name().map(|n| n.to_string()).unwrap_or_default(),
                        call.arguments().map(|a| a.to_string()).unwrap_or_default(),
                    )
                })
                .collect();
            if let Some(legacy) = message.function_call.value() {
                got.push((
                    "legacy_function_call".to_owned(),
                    None,
                    legacy
                        .name
                        .value()
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    legacy
                        .arguments
                        .value()
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                ));
            }
            assert_eq!(got.len(), facts.calls.len(), "{what}: tool calls {got:?}");
            for ((label, id, name_, args), (got_label, got_id, got_name, got_args)) in
                facts.calls.iter().zip(&got)
            {
                if label == "legacy_function_call" {
                    assert_eq!(got_label, label, "{what}: legacy function call");
                }
                assert_eq!(got_id, id, "{what}: tool_call[{label}] id");
                assert_eq!(got_name, name_, "{what}: tool_call[{label}] name");
                assert_eq!(got_args, args, "{what}: tool_call[{label}] arguments");
                calls += 1;
            }
            if message.calls().is_empty() && message.function_call.is_absent() {
                assert!(facts.calls.is_empty());
            }
            if let Some(expected) = &facts.logprobs {
                let logprobs = choice.logprobs.value().expect("logprobs kept");
                let value: Value = serde_json::from_str(logprobs.get()).unwrap();
                let mut got = Vec::new();
                for kind in ["content", "refusal"] {
                    for entry in value[kind].as_array().into_iter().flatten() {
                        got.push((
                            kind.to_owned(),
                            entry["token"].as_str().unwrap().to_owned(),
                            entry["logprob"].as_f64().unwrap(),
                        ));
                    }
                }
                assert_eq!(got.len(), expected.len(), "{what}: logprobs entries");
                for (g, e) in got.iter().zip(expected) {
                    assert_eq!((&g.0, &g.1), (&e.0, &e.1), "{what}: logprobs");
                    assert!(close(g.2, e.2), "{what}: logprob {} != {}", g.2, e.2);
                }
            }
        }
        match (&self.usage, completion.usage.value()) {
            (Some(expected), Some(usage)) => {
                let got = serde_json::to_value(usage).unwrap();
                assert!(
                    same_json(&got, expected),
                    "{name}: usage {got} != {expected}"
                );
            }
            (None, None) => {}
            (expected, got) => panic!("{name}: usage {expected:?} != {got:?}"),
        }
        for key in &self.top_level_keys {
            match key.as_str() {
                // Random padding, dropped by the accumulator (documented).
                "obfuscation" => assert!(completion.extra.get(key).is_none(), "{name}"),
                "service_tier" => assert!(!completion.service_tier.is_absent(), "{name}"),
                _ => assert!(
                    completion.extra.get(key).is_some(),
                    "{name}: top-level {key}"
                ),
            }
        }
        for note in &self.notes {
            // "… choices[0].seed is 7228414683750928000 …": a choice-level field of a chunk,
            // kept raw (beyond f64 precision).
            if let Some(rest) = note.split("choices[0].seed is ").nth(1) {
                let seed: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let last = decoded.items.iter().rev().find_map(|i| match i {
                    Owned::Chunk(chunk) => chunk
                        .choices()
                        .first()
                        .and_then(|c| c.extra.get("seed"))
                        .map(|raw| raw.get().to_owned()),
                    _ => None,
                });
                assert_eq!(last.as_deref(), Some(seed.as_str()), "{name}: seed");
            }
        }
        (texts, calls)
    }
}

impl ChoiceFacts {
    fn parse_item(&mut self, name: &str, item: &str) {
        if item.starts_with("NOTE: ") || item.starts_with("note: ") {
            return;
        }
        if let Some(rest) = item.strip_prefix("tool_call[") {
            let label = rest[..rest.find(']').unwrap()].to_owned();
            let rest = after(rest, "]: id=");
            let (id, rest) = match rest.strip_prefix("None") {
                Some(rest) => (None, rest),
                None => {
                    let end = rest[1..].find('\'').unwrap() + 1;
                    (Some(rest[1..end].to_owned()), &rest[end + 1..])
                }
            };
            let rest = after(rest, " name='");
            let name_ = rest[..rest.find('\'').unwrap()].to_owned();
            let arguments: String = first_json(name, after(rest, " arguments=")).0;
            self.calls.push((label, id, name_, arguments));
            return;
        }
        if let Some(rest) = item.strip_prefix("logprobs entries: ") {
            let mut rest = after(rest, ": ");
            let mut entries = Vec::new();
            while !rest.is_empty() {
                let colon = rest.find(':').unwrap();
                let kind = rest[..colon].to_owned();
                let (token, used) = first_json::<String>(name, &rest[colon + 1..]);
                let tail = &rest[colon + 1 + used..];
                let tail = tail.strip_prefix('=').expect("=");
                let end = tail.find(", ").unwrap_or(tail.len());
                entries.push((kind, token, tail[..end].parse().expect("a number")));
                rest = tail[end..].strip_prefix(", ").unwrap_or("");
            }
            self.logprobs = Some(entries);
            return;
        }
        let field_end = item.find([' ', ':']).unwrap_or(item.len());
        let field = item[..field_end].to_owned();
        let known = [
            "content",
            "reasoning_content",
            "reasoning",
            "refusal",
            "content[].thinking[].text",
        ];
        assert!(
            known.contains(&field.as_str()),
            "{name}: a choice fact this test does not know: {item:?}"
        );
        let rest = &item[field_end..];
        if rest.starts_with(": none") {
            self.texts.push((field, None));
            return;
        }
        let rest = after(rest, "chars): ");
        let (text, used) = first_json::<String>(name, rest);
        let tail = &rest[used..];
        let fact = if tail.trim().is_empty() {
            TextFact::Exact(text)
        } else {
            TextFact::Digest {
                chars: number(after(tail, "(total ")),
                bytes: number(after(tail, "chars, ")),
                sha256: after(tail, "sha256 ").trim_end_matches(')').to_owned(),
            }
        };
        self.texts.push((field, Some(fact)));
    }
}

/// The accumulated text EXPECTED.md calls `field`.
fn text_of(message: &ResponseMessage<'_>, field: &str) -> Option<String> {
    let text = match field {
        "content" => message.content_text(),
        "reasoning_content" | "content[].thinking[].text" => message.reasoning_content.value(),
        "reasoning" => message.reasoning.value(),
        "refusal" => message.refusal.value(),
        _ => unreachable!("checked when parsing"),
    };
    text.map(|t| t.to_string())
}

fn check_text(what: &str, got: Option<String>, fact: Option<&TextFact>) {
    match (fact, got) {
        (None, got) => assert_eq!(got, None, "{what}: no string deltas, so none"),
        (Some(TextFact::Exact(text)), got) => assert_eq!(got.as_ref(), Some(text), "{what}"),
        (
            Some(TextFact::Digest {
                chars,
                bytes,
                sha256,
            }),
            got,
        ) => {
            let got = got.unwrap_or_else(|| panic!("{what}: missing"));
            assert_eq!(got.chars().count(), *chars, "{what}: characters");
            assert_eq!(got.len(), *bytes, "{what}: UTF-8 bytes");
            let digest: String = Sha256::digest(got.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(&digest, sha256, "{what}: sha256");
        }
    }
}

/// Gemini-native streams: every event is `Other`, and the NOTE's text and finish reason are
/// what the events carry.
fn check_gemini_native(name: &str, facts: &Facts, decoded: &Decoded) {
    assert!(
        !decoded
            .items
            .iter()
            .any(|i| matches!(i, Owned::Chunk(_) | Owned::Done)),
        "{name}"
    );
    let events: Vec<Value> = decoded
        .items
        .iter()
        .filter_map(|i| match i {
            Owned::Other(event) => Some(serde_json::from_str(event.data()).expect("JSON")),
            _ => None,
        })
        .collect();
    assert_eq!(
        events.len() as u64,
        facts.events,
        "{name}: every event is Other"
    );
    let text: String = events
        .iter()
        .flat_map(|e| {
            e["candidates"][0]["content"]["parts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|part| part["text"].as_str().map(str::to_owned))
        .collect();
    let note = facts.notes.join(" ");
    let quoted = serde_json::to_string(&text).unwrap();
    assert!(
        note.contains(&quoted),
        "{name}: text {quoted} not in the NOTE"
    );
    let finish = events
        .last()
        .and_then(|e| e["candidates"][0]["finishReason"].as_str())
        .expect("a finish reason");
    assert!(
        note.contains("finishReason") && note.contains(finish),
        "{name}: {finish}"
    );
    assert!(
        decoded.completion.choices().is_empty(),
        "{name}: nothing to accumulate"
    );
}

fn after<'t>(text: &'t str, marker: &str) -> &'t str {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {text:?}"));
    &text[start + marker.len()..]
}

fn number(text: &str) -> usize {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number at {text:?}"))
}

fn json(name: &str, text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{name}: {e}: {text}"))
}

/// The first JSON value of `text` and the number of bytes it took.
fn first_json<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> (T, usize) {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
    let value = values
        .next()
        .unwrap_or_else(|| panic!("{name}: no JSON at {text:?}"))
        .unwrap_or_else(|e| panic!("{name}: {e}: {text:?}"));
    (value, values.byte_offset())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// JSON equality with numbers compared as numbers (EXPECTED.md re-prints them).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_u64(), y.as_u64()) {
            (Some(x), Some(y)) => x == y,
            _ => close(
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            ),
        },
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_json(v, w))
        }
        _ => a == b,
    }
}
