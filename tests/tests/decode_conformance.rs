//! `chatwire-mock decode` (the library's `decode_stream`) over every captured stream of the
//! shared conformance folder, checked against the facts EXPECTED.md lists: the number of
//! dispatched events, `[DONE]`, and per choice the finish reason, the length of the content
//! and reasoning, and the tool calls' ids and names.

use chatwire_tests::{conformance_dir, expected_section, files_with_extension};
use serde_json::Value;

/// The value after `prefix` up to `end` in `line`.
fn between<'l>(line: &'l str, prefix: &str, end: &str) -> Option<&'l str> {
    let rest = &line[line.find(prefix)? + prefix.len()..];
    Some(&rest[..rest.find(end)?])
}

#[test]
fn captured_streams_decode_to_the_expected_facts() {
    let Some(dir) = conformance_dir("decode_conformance") else {
        return;
    };
    let expected = std::fs::read_to_string(dir.join("EXPECTED.md")).unwrap();
    let streams = files_with_extension(&dir.join("streams"), "sse");
    assert!(!streams.is_empty());
    let mut checked = 0;
    for path in streams {
        let name = format!("streams/{}", path.file_name().unwrap().to_str().unwrap());
        let Some(facts) = expected_section(&expected, &name) else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        let decoded =
            chatwire_mock::decode_stream(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report: Value = serde_json::from_str(decoded.json()).unwrap();
        let choices = report["completion"]["choices"].as_array().unwrap();
        let choice = |i: usize| {
            choices
                .iter()
                .find(|c| c["index"] == i)
                .unwrap_or_else(|| panic!("{name}: no choice {i}"))
        };
        let mut current = 0;
        for line in facts.lines() {
            if let Some(count) = between(line, "- dispatched events: ", " ") {
                let count: usize = count.parse().unwrap();
                assert_eq!(
                    report["events"].as_array().unwrap().len(),
                    count,
                    "{name}: events"
                );
            }
            if let Some(done) = line.split("ends with [DONE]: ").nth(1) {
                assert_eq!(report["done"], done.trim() == "yes", "{name}: done");
            }
            if let Some(rest) = line.strip_prefix("- choice ") {
                let (index, rest) = rest.split_once(": finish_reason=").unwrap();
                current = index.parse().unwrap();
                let want = rest.trim().trim_matches('\'');
                let got = &choice(current)["finish_reason"];
                if want == "None" {
                    assert!(
                        got.is_null(),
                        "{name}: choice {current} finish_reason {got}"
                    );
                } else {
                    assert_eq!(got, want, "{name}: choice {current} finish_reason");
                }
            }
            for field in ["content", "reasoning_content"] {
                if let Some(chars) = between(line, &format!("  - {field} ("), " chars)") {
                    let text = choice(current)["message"][field].as_str().unwrap_or("");
                    assert_eq!(
                        text.chars().count(),
                        chars.parse::<usize>().unwrap(),
                        "{name}: choice {current} {field}"
                    );
                }
            }
            if let Some(call) = between(line, "  - tool_call[", "]: id='") {
                let Ok(position) = call.parse::<usize>() else {
                    continue;
                };
                let id = between(line, "id='", "'").unwrap();
                let fn_name = between(line, "name='", "'").unwrap();
                let got = &choice(current)["message"]["tool_calls"][position];
                assert_eq!(got["id"], id, "{name}: tool call {position} id");
                assert_eq!(
                    got["function"]["name"], fn_name,
                    "{name}: tool call {position} name"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} streams checked");
}
