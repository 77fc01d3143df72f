//! Wire-type conformance: every captured response, error body and stream event in the shared
//! conformance folder parses with the chatwire types and serializes back to the same JSON
//! value, and the facts its EXPECTED.md entry states (id, model, number of choices,
//! finish_reason, tool-call names, error code and param) are what the types read.
//!
//! When the folder is absent, each test prints a `SKIPPED: …` line and returns.

use std::fs;
use std::path::Path;

use chatwire::types::{ChatCompletion, ChatCompletionChunk, ErrorCode, ErrorEnvelope, RawJson};
use chatwire_tests::{conformance_dir, expected_section, files_with_extension};
use serde_json::Value;

/// The files of `sub` with extension `ext` (name and text) and EXPECTED.md, or `None` when
/// the conformance folder is absent.
fn captures(test: &str, sub: &str, ext: &str) -> Option<(Vec<(String, String)>, String)> {
    let dir = conformance_dir(test)?;
    let expected = read(&dir.join("EXPECTED.md"));
    let files: Vec<_> = files_with_extension(&dir.join(sub), ext)
        .into_iter()
        .map(|path| (file_name(&path), read(&path)))
        .collect();
    assert!(!files.is_empty(), "no .{ext} files in {sub}");
    Some((files, expected))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn same_value(name: &str, original: &str, printed: &str) {
    let a: Value = serde_json::from_str(original).unwrap_or_else(|e| panic!("{name}: {e}"));
    let b: Value = serde_json::from_str(printed).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(a, b, "{name}: not the same JSON value after a round trip");
}

/// The quoted value after `key` in an EXPECTED.md line (`model: 'x'`, `name="y"`).
fn quoted_after<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let rest = &line[line.find(key)? + key.len()..];
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

/// The lines of the `- choice 0:` entry of a section: its heading and its sub-items.
fn choice0(section: &str) -> Vec<&str> {
    let mut lines = section
        .lines()
        .skip_while(|l| !l.starts_with("- choice 0:"));
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let mut out = vec![head];
    out.extend(lines.take_while(|l| l.starts_with("  ")));
    out
}

/// The finish_reason EXPECTED.md states for choice 0 (`None` for `finish_reason=None`).
fn expected_finish(section: &str) -> Option<String> {
    choice0(section)
        .first()
        .and_then(|head| quoted_after(head, "finish_reason="))
        .map(str::to_owned)
}

/// The tool-call names EXPECTED.md lists for choice 0, in order.
fn expected_names(section: &str) -> Vec<String> {
    choice0(section)
        .iter()
        .filter(|l| l.trim_start().starts_with("- tool_call"))
        .filter_map(|l| quoted_after(l, " name="))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_response_parses_round_trips_and_matches_expected() {
    let Some((files, expected)) = captures("conformance_types responses", "responses", "json")
    else {
        return;
    };
    let (mut checked, mut with_calls) = (0, 0);
    for (name, text) in &files {
        let completion = ChatCompletion::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        same_value(name, text, &completion.to_json());

        let section = expected_section(&expected, &format!("responses/{name}"))
            .unwrap_or_else(|| panic!("{name}: no EXPECTED.md entry"));
        let summary = section
            .lines()
            .find(|l| l.starts_with("- object:"))
            .unwrap_or_else(|| panic!("{name}: no summary line"));
        let text_of = |value: Option<&chatwire::types::JsonStr<'_>>| value.map(|v| v.to_string());
        assert_eq!(
            text_of(completion.id.value()).as_deref(),
            quoted_after(summary, "id: "),
            "{name}"
        );
        assert_eq!(
            text_of(completion.model.value()).as_deref(),
            quoted_after(summary, "model: "),
            "{name}"
        );
        let object = completion.object.value().map(|o| o.as_str().into_owned());
        assert_eq!(
            object.as_deref(),
            quoted_after(summary, "object: "),
            "{name}"
        );
        let choices: usize = summary
            .rsplit("choices: ")
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name}: no choice count"));
        assert_eq!(completion.choices().len(), choices, "{name}");

        let choice = &completion.choices()[0];
        let finish = choice
            .finish_reason
            .value()
            .map(|f| f.as_str().into_owned());
        assert_eq!(finish, expected_finish(section), "{name}");
        let message = choice
            .message
            .value()
            .unwrap_or_else(|| panic!("{name}: no message"));
        let names: Vec<String> = message
            .calls()
            .iter()
            .filter_map(|call| call.name().map(ToString::to_string))
            .collect();
        assert_eq!(names, expected_names(section), "{name}");
        with_calls += usize::from(!names.is_empty());
        checked += 1;
    }
    assert_eq!(checked, files.len());
    assert!(
        with_calls >= 5,
        "only {with_calls} responses with tool calls"
    );
}

#[test]
fn every_error_body_parses_round_trips_and_matches_expected() {
    let Some((files, expected)) = captures("conformance_types errors", "errors", "json") else {
        return;
    };
    for (name, text) in &files {
        let envelope = ErrorEnvelope::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        same_value(name, text, &envelope.to_json());

        let section = expected_section(&expected, &format!("errors/{name}"))
            .unwrap_or_else(|| panic!("{name}: no EXPECTED.md entry"));
        let line = section
            .lines()
            .find(|l| l.starts_with("- error envelope:"))
            .unwrap_or_else(|| panic!("{name}: no envelope line"));
        // `…; code="x"; param=<absent>`: the message before may hold anything, so read from
        // the end.
        let code_text = &line[line.rfind("; code=").expect("code") + "; code=".len()..];
        let code_text = &code_text[..code_text.find("; param=").expect("param")];
        let param_text = &line[line.rfind("; param=").expect("param") + "; param=".len()..];

        let code = match envelope.error.code.value() {
            Some(ErrorCode::Text(text)) => format!("\"{text}\""),
            Some(ErrorCode::Number(n)) => n.to_string(),
            Some(other) => format!("{other:?}"),
            None if envelope.error.code.is_null() => "null".to_owned(),
            None => "<absent>".to_owned(),
        };
        assert_eq!(code, code_text, "{name}");
        let param = match envelope.error.param.value() {
            Some(param) => format!("\"{param}\""),
            None if envelope.error.param.is_null() => "null".to_owned(),
            None => "<absent>".to_owned(),
        };
        assert_eq!(param, param_text.trim_end(), "{name}");
        assert!(envelope.error.message.is_value(), "{name}");
    }
}

/// The data of every `data:` line (one leading space stripped, the CR of a CRLF removed).
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let data = line.trim_end_matches('\r').strip_prefix("data:")?;
        Some(data.strip_prefix(' ').unwrap_or(data))
    })
}

#[test]
fn every_json_stream_event_parses_as_a_chunk_or_an_error_envelope() {
    let Some((files, _)) = captures("conformance_types stream events", "streams", "sse") else {
        return;
    };
    let mut events = 0;
    for (name, text) in &files {
        for (line, data) in data_lines(text).enumerate() {
            if RawJson::from_json(data).is_err() {
                continue; // `[DONE]`, or data that is not JSON
            }
            events += 1;
            let printed = match ChatCompletionChunk::from_json(data) {
                Ok(chunk) => chunk.to_json(),
                Err(chunk_error) => match ErrorEnvelope::from_json(data) {
                    Ok(envelope) => envelope.to_json(),
                    Err(e) => panic!("{name} data line {line}: {chunk_error}; {e}"),
                },
            };
            same_value(&format!("{name} data line {line}"), data, &printed);
        }
    }
    assert!(events > 1000, "{events} events");
}

#[test]
fn stream_chunks_carry_the_expected_finish_reasons_and_tool_names() {
    let Some((files, expected)) = captures("conformance_types stream facts", "streams", "sse")
    else {
        return;
    };
    let (mut checked, mut with_calls, mut finished) = (0, 0, 0);
    for (name, text) in &files {
        let Some(section) = expected_section(&expected, &format!("streams/{name}")) else {
            panic!("{name}: no EXPECTED.md entry");
        };
        if !section.contains("- choice 0:") {
            continue; // not a chat-completion stream (Gemini-native payloads)
        }
        let mut last_finish = None;
        let mut names: Vec<String> = Vec::new();
        let mut errors = 0;
        for data in data_lines(text).filter(|data| RawJson::from_json(data).is_ok()) {
            let chunk =
                ChatCompletionChunk::from_json(data).unwrap_or_else(|e| panic!("{name}: {e}"));
            errors += usize::from(chunk.error.is_value());
            for choice in chunk
                .choices()
                .iter()
                .filter(|c| c.index().unwrap_or(0) == 0)
            {
                if let Some(reason) = choice.finish_reason.value() {
                    last_finish = Some(reason.as_str().into_owned());
                }
                let Some(delta) = choice.delta.value() else {
                    continue;
                };
                let legacy = delta.function_call.value().and_then(|f| f.name.value());
                let pieces = delta.calls().iter().filter_map(|call| call.name());
                for piece in pieces.chain(legacy).filter(|n| !n.is_empty()) {
                    names.push(piece.to_string());
                }
            }
        }
        assert_eq!(last_finish, expected_finish(section), "{name}");
        assert_eq!(names, expected_names(section), "{name}");
        let error_expected = section.contains("error = {");
        assert_eq!(
            errors > 0,
            error_expected,
            "{name}: {errors} error payloads"
        );
        checked += 1;
        with_calls += usize::from(!names.is_empty());
        finished += usize::from(last_finish.is_some());
    }
    assert!(checked >= 30, "{checked} streams checked");
    assert!(
        with_calls >= 10,
        "only {with_calls} streams with tool calls"
    );
    assert!(
        finished >= 25,
        "only {finished} streams with a finish_reason"
    );
}
