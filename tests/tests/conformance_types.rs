//! Every captured response, error body and stream event in the shared conformance folder
//! (`../shared/conformance`, next to the repository) parses with the chatwire types and
//! serializes back to the same JSON value; a few facts from its EXPECTED.md are checked.
//!
//! When the folder is absent, each test prints a `SKIPPED: …` line and returns.

use std::fs;
use std::path::{Path, PathBuf};

use chatwire::types::{ChatCompletion, ChatCompletionChunk, ErrorCode, ErrorEnvelope, RawJson};
use serde_json::Value;

/// The conformance folder: `$CHATWIRE_CONFORMANCE_DIR`, or `shared/conformance` beside the
/// repository.
fn conformance_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CHATWIRE_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    dir.is_dir().then_some(dir)
}

/// The files of `sub` with the given extension, sorted; `None` (after printing why) when
/// the conformance folder is absent.
fn files(sub: &str, extension: &str) -> Option<Vec<(String, String)>> {
    let Some(dir) = conformance_dir() else {
        println!("SKIPPED: conformance folder not found (set CHATWIRE_CONFORMANCE_DIR or place it at ../shared/conformance)");
        return None;
    };
    let mut found: Vec<(String, String)> = fs::read_dir(dir.join(sub))
        .unwrap_or_else(|e| panic!("reading {sub}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no .{extension} files in {sub}");
    Some(found)
}

fn same_value(name: &str, original: &str, printed: &str) {
    let a: Value = serde_json::from_str(original).unwrap_or_else(|e| panic!("{name}: {e}"));
    let b: Value = serde_json::from_str(printed).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(a, b, "{name}: not the same JSON value after a round trip");
}

/// EXPECTED.md facts of a non-streaming response.
struct Expected {
    file: &'static str,
    id: &'static str,
    model: &'static str,
    choices: usize,
    /// The finish_reason of choice 0.
    finish: &'static str,
    /// The tool-call names of choice 0.
    names: &'static [&'static str],
}

const fn expected(
    file: &'static str,
    id: &'static str,
    model: &'static str,
    choices: usize,
    finish: &'static str,
    names: &'static [&'static str],
) -> Expected {
    Expected {
        file,
        id,
        model,
        choices,
        finish,
        names,
    }
}

const RESPONSES: &[Expected] = &[
    expected(
        "cerebras-llama33-time-info.json",
        "chatcmpl-5af19e85-b8e3-4836-8486-5f2b0b250c8d",
        "llama-3.3-70b",
        1,
        "stop",
        &[],
    ),
    expected(
        "dashscope-qwen3-max-tool-call.json",
        "chatcmpl-bc7fc58d-c03f-9c9f-af73-91bea326c99f",
        "qwen3-max",
        1,
        "tool_calls",
        &["weather"],
    ),
    expected(
        "deepseek-reasoner-reasoning.json",
        "945bb10c-9bf3-47ff-a2a2-43bbe9705c72",
        "deepseek-reasoner",
        1,
        "stop",
        &[],
    ),
    expected(
        "gemini-openai-compat-tool-call-empty-id.json",
        "3SE-aKjdCcCEz7IPxpqjCA",
        "gemini-2.5-pro-preview-05-06",
        1,
        "tool_calls",
        &["get_current_time"],
    ),
    expected(
        "groq-llama33-tool-call.json",
        "chatcmpl-1fd017fc-60b8-44eb-a736-375b8e1bc3e7",
        "llama-3.3-70b-versatile",
        1,
        "tool_calls",
        &["weather"],
    ),
    expected(
        "mistral-magistral-content-array.json",
        "a4e29c5b82f94d67b23e108a7c9df6e1",
        "magistral-medium-2507",
        1,
        "stop",
        &[],
    ),
    expected(
        "ollama-local-reasoning-json-content.json",
        "chatcmpl-150",
        "qwen3:0.6b",
        1,
        "stop",
        &[],
    ),
    expected(
        "openai-gpt4o-n3-json.json",
        "chatcmpl-ABfvp8qzboW92q8ONDF4DPHlI7ckC",
        "gpt-4o-2024-08-06",
        3,
        "stop",
        &[],
    ),
    expected(
        "openai-gpt4o-refusal.json",
        "chatcmpl-ABfvwoKVWPQj2UPlAcAKM7s40GsRx",
        "gpt-4o-2024-08-06",
        1,
        "stop",
        &[],
    ),
    expected(
        "openai-gpt4o-two-tool-calls.json",
        "chatcmpl-ABfvyvfNWKcl7Ohqos4UFrmMs1v4C",
        "gpt-4o-2024-08-06",
        1,
        "tool_calls",
        &["GetWeatherArgs", "get_stock_price"],
    ),
    expected(
        "perplexity-sonar-citations.json",
        "702738a1-c1e0-4a7f-b9ab-0f6fe1b13514",
        "sonar",
        1,
        "stop",
        &[],
    ),
    expected(
        "xai-grok3mini-tool-call.json",
        "61c0468b-2a98-413e-f654-dbffcdbb62c1",
        "grok-3-mini",
        1,
        "tool_calls",
        &["weather"],
    ),
];

/// EXPECTED.md facts of the error bodies: file, code (as text), param (`None`: absent or
/// null).
const ERRORS: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "groq-400-tool-use-failed.json",
        Some("tool_use_failed"),
        None,
    ),
    (
        "groq-404-model-not-found.json",
        Some("model_not_found"),
        None,
    ),
    (
        "openai-400-null-code.json",
        None,
        Some("web_search_options"),
    ),
    (
        "openai-400-unsupported-parameter-max-tokens.json",
        Some("unsupported_parameter"),
        Some("max_tokens"),
    ),
    ("openrouter-429-provider-error.json", Some("429"), None),
];

/// EXPECTED.md facts of some streams: file, the last finish_reason of choice 0, the
/// non-empty tool-call (or legacy function-call) names in order of appearance.
const STREAMS: &[(&str, Option<&str>, &[&str])] = &[
    (
        "copilot-api-claude35-tool-calls-same-index.sse",
        Some("tool_calls"),
        &["edit_file", "edit_file"],
    ),
    (
        "copilot-api-legacy-function-call.sse",
        Some("function_call"),
        &["get_current_weather"],
    ),
    (
        "dashscope-qwen3-max-tool-call.sse",
        Some("tool_calls"),
        &["weather"],
    ),
    (
        "deepseek-reasoner-tool-call.sse",
        Some("tool_calls"),
        &["weather"],
    ),
    ("groq-gptoss120b-event-error-no-done.sse", None, &[]),
    (
        "groq-llama33-tool-call-xgroq.sse",
        Some("tool_calls"),
        &["weather"],
    ),
    (
        "mistral-api-incremental-tool-call.sse",
        Some("tool_calls"),
        &["webSearchTool"],
    ),
    (
        "mistral-small-tool-call-no-index.sse",
        Some("tool_calls"),
        &["weather"],
    ),
    ("openai-gpt4o-finish-length.sse", Some("length"), &[]),
    (
        "openai-gpt4o-two-parallel-tool-calls.sse",
        Some("tool_calls"),
        &["GetWeatherArgs", "get_stock_price"],
    ),
    (
        "openrouter-minimax-m2-comments-midstream-error.sse",
        Some("length"),
        &[],
    ),
    ("perplexity-sonar-citations.sse", Some("stop"), &[]),
    ("snowflake-cortex-no-finish-reason.sse", None, &[]),
    (
        "xai-grok3mini-reasoning-tool-call.sse",
        Some("tool_calls"),
        &["weather"],
    ),
];

#[test]
fn every_response_parses_and_round_trips() {
    let Some(files) = files("responses", "json") else {
        return;
    };
    for (name, text) in &files {
        let completion = ChatCompletion::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        same_value(name, text, &completion.to_json());
    }
    for Expected {
        file,
        id,
        model,
        choices,
        finish,
        names,
    } in RESPONSES
    {
        let (_, text) = files
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("{file} missing"));
        let completion = ChatCompletion::from_json(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(completion.id.value().unwrap().to_cow(), *id, "{file}");
        assert_eq!(completion.model.value().unwrap().to_cow(), *model, "{file}");
        assert_eq!(completion.choices().len(), *choices, "{file}");
        let choice = &completion.choices()[0];
        assert_eq!(
            choice.finish_reason.value().unwrap().as_str(),
            *finish,
            "{file}"
        );
        let message = choice.message.value().unwrap();
        let found: Vec<String> = message
            .calls()
            .iter()
            .map(|call| call.name().unwrap().to_string())
            .collect();
        assert_eq!(found, *names, "{file}");
    }
}

#[test]
fn every_error_body_parses_and_round_trips() {
    let Some(files) = files("errors", "json") else {
        return;
    };
    for (name, text) in &files {
        let envelope = ErrorEnvelope::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        same_value(name, text, &envelope.to_json());
    }
    for (file, code, param) in ERRORS {
        let (_, text) = files
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("{file} missing"));
        let envelope = ErrorEnvelope::from_json(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let found_code = envelope.error.code.value().map(|code| match code {
            ErrorCode::Text(text) => text.to_string(),
            ErrorCode::Number(n) => n.to_string(),
            other => format!("{other:?}"),
        });
        assert_eq!(found_code.as_deref(), *code, "{file}");
        let found_param = envelope.error.param.value().map(ToString::to_string);
        assert_eq!(found_param.as_deref(), *param, "{file}");
        assert!(envelope.error.message.is_value(), "{file}");
    }
}

/// The data of every `data:` line (one leading space stripped, a CR of CRLF removed).
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let data = line.trim_end_matches('\r').strip_prefix("data:")?;
        Some(data.strip_prefix(' ').unwrap_or(data))
    })
}

#[test]
fn every_json_stream_event_parses_as_a_chunk_or_an_error_envelope() {
    let Some(files) = files("streams", "sse") else {
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
fn stream_facts_match_expected() {
    let Some(files) = files("streams", "sse") else {
        return;
    };
    for (file, finish, names) in STREAMS {
        let (_, text) = files
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("{file} missing"));
        let mut last_finish = None;
        let mut found = Vec::new();
        let mut errors = 0;
        for data in data_lines(text).filter(|data| *data != "[DONE]") {
            let chunk =
                ChatCompletionChunk::from_json(data).unwrap_or_else(|e| panic!("{file}: {e}"));
            errors += usize::from(chunk.error.is_value());
            for choice in chunk.choices() {
                let index = choice.index.value().copied().unwrap_or(0);
                if let (0, Some(reason)) = (index, choice.finish_reason.value()) {
                    last_finish = Some(reason.as_str().into_owned());
                }
                let Some(delta) = choice.delta.value() else {
                    continue;
                };
                for call in delta.calls() {
                    if let Some(name) = call.name().filter(|n| !n.is_empty()) {
                        found.push(name.to_string());
                    }
                }
                if let Some(name) = delta.function_call.value().and_then(|f| f.name.value()) {
                    found.push(name.to_string());
                }
            }
        }
        assert_eq!(last_finish.as_deref(), *finish, "{file}");
        assert_eq!(found, *names, "{file}");
        let expects_error = file.contains("error");
        assert_eq!(
            errors > 0,
            expects_error,
            "{file}: error payloads seen: {errors}"
        );
    }
}
