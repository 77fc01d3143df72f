//! Scenario selection (the `x-mock-scenario` header, scenario files with matchers, the
//! built-in defaults, `--strict`) and the built-in error scenarios, over HTTP.

mod common;

use std::path::PathBuf;

use chatwire_mock::MockServer;
use common::{chat, seed_request, send};
use serde_json::Value;

/// A fresh directory under the system's temp dir holding `files`.
fn scenario_dir(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chatwire-scenarios-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

/// POSTs `body` to the chat endpoint with extra headers.
async fn chat_with(base: &str, body: &str, headers: &[(&str, &str)]) -> common::Answer {
    let mut all = vec![
        ("authorization", "Bearer sk-test"),
        ("content-type", "application/json"),
    ];
    all.extend_from_slice(headers);
    send(
        "POST",
        &format!("{base}/chat/completions"),
        &all,
        body.to_owned(),
    )
    .await
}

fn content(answer: &common::Answer) -> String {
    let body = answer.json();
    body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap_or_else(|| panic!("no content: {body}"))
        .to_owned()
}

#[tokio::test]
async fn every_documented_error_status_by_header() {
    let server = MockServer::start().await;
    let cases: &[(&str, u16, &str, &str, bool)] = &[
        (
            "400-invalid-parameter",
            400,
            "invalid_parameter_error",
            "invalid_request_error",
            false,
        ),
        (
            "400-data-inspection-failed",
            400,
            "data_inspection_failed",
            "data_inspection_failed",
            false,
        ),
        ("400-arrearage", 400, "Arrearage", "Arrearage", false),
        (
            "401-invalid-api-key",
            401,
            "invalid_api_key",
            "invalid_request_error",
            false,
        ),
        (
            "404-model-not-found",
            404,
            "model_not_found",
            "invalid_request_error",
            false,
        ),
        (
            "429-limit-requests",
            429,
            "limit_requests",
            "limit_requests",
            true,
        ),
        (
            "429-insufficient-quota",
            429,
            "insufficient_quota",
            "insufficient_quota",
            true,
        ),
        (
            "500-internal-error",
            500,
            "internal_error",
            "internal_error",
            false,
        ),
        (
            "503-overloaded",
            503,
            "ServiceUnavailable",
            "service_unavailable",
            false,
        ),
    ];
    for (name, status, code, kind, retry) in cases {
        let answer = chat_with(
            &server.base_url(),
            &seed_request(""),
            &[("x-mock-scenario", name)],
        )
        .await;
        assert_eq!(answer.status, *status, "{name}: {}", answer.text());
        let body = answer.json();
        assert_eq!(body["error"]["code"], *code, "{name}");
        assert_eq!(body["error"]["type"], *kind, "{name}");
        assert!(body["error"]["param"].is_null(), "{name}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
        assert_eq!(
            body["request_id"].as_str(),
            answer.header("x-request-id"),
            "{name}"
        );
        assert_eq!(answer.header("retry-after").is_some(), *retry, "{name}");
    }
    let overloaded = chat_with(
        &server.base_url(),
        &seed_request(""),
        &[("x-mock-scenario", "503-overloaded")],
    )
    .await;
    assert_eq!(
        overloaded.json()["error"]["message"],
        "The engine is currently overloaded, please try again later"
    );
    let unknown = chat_with(
        &server.base_url(),
        &seed_request(""),
        &[("x-mock-scenario", "no-such")],
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.text().contains("no scenario is named"),
        "{}",
        unknown.text()
    );
}

const SCENARIOS: &str = r#"[
  {"name":"after-tool","match":{"has_tool_results":true,"last_role":"tool","turn":1},
   "respond":{"completion":{"content":"The weather is sunny."}}},
  {"name":"tenant-a","match":{"headers":{"x-tenant":"a"}},
   "respond":{"completion":{"pieces":["Hello"," tenant A."]}}},
  {"name":"weather","match":{"model":"qwen-plus","last_user_regex":"(?i)weather"},
   "respond":{"completion":{"content":"Which city?"}}},
  {"name":"weather-exact","match":{"last_user":"What's the weather?"},
   "respond":{"completion":{"content":"never: the one above matches first"}}},
  {"name":"script","match":{"last_user":"script please"},
   "respond":{"chunks":[
     "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"scripted\"},\"finish_reason\":null}]}",
     "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"
   ]}}
]"#;

#[tokio::test]
async fn files_match_on_every_rule_and_the_first_match_wins() {
    let dir = scenario_dir("match", &[("bench.scenario.json", SCENARIOS)]);
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .start()
        .await
        .unwrap();
    let base = server.base_url();
    let ask = |text: &str| {
        format!(r#"{{"model":"qwen-plus","messages":[{{"role":"user","content":"{text}"}}]}}"#)
    };

    let weather = chat(&base, &ask("What's the weather?")).await;
    assert_eq!(content(&weather), "Which city?");
    let tenant = chat_with(&base, &ask("hi"), &[("x-tenant", "a")]).await;
    assert_eq!(content(&tenant), "Hello tenant A.");
    let tool_turn = r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Weather in Paris?"},
        {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}"#;
    assert_eq!(
        content(&chat(&base, tool_turn).await),
        "The weather is sunny."
    );

    // Nothing matches: the built-in defaults answer (the seed's fixture here).
    let seed = chat(&base, &seed_request("")).await;
    assert_eq!(content(&seed), common::SEED_ANSWER);

    // A chunk script streams as written, and refuses a non-streaming request.
    let script = chat(&base, r#"{"model":"qwen-plus","stream":true,"messages":[{"role":"user","content":"script please"}]}"#).await;
    let data = script.sse_data();
    assert_eq!(data.len(), 3);
    assert!(data[0].contains("\"scripted\""));
    assert_eq!(data[2], "[DONE]");
    let refused = chat(&base, &ask("script please")).await;
    assert_eq!(refused.status, 400);

    let journal = server.received_requests();
    let names: Vec<Option<&str>> = journal.iter().map(|r| r.scenario.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("weather"),
            Some("tenant-a"),
            Some("after-tool"),
            None,
            Some("script"),
            Some("script")
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn strict_says_why_nothing_matched() {
    let dir = scenario_dir("strict", &[("bench.scenario.json", SCENARIOS)]);
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .strict()
        .start()
        .await
        .unwrap();
    let answer = chat(&server.base_url(), &seed_request("")).await;
    assert_eq!(answer.status, 404, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"]["code"], "scenario_not_found");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("No scenario matched this request"),
        "{message}"
    );
    assert!(
        message.contains("weather: last user message \"Who are you?\" does not match"),
        "{message}"
    );
    assert!(message.contains("tenant-a: header x-tenant"), "{message}");
    // A match still answers under --strict.
    let ok = chat(
        &server.base_url(),
        r#"{"model":"qwen-plus","messages":[{"role":"user","content":"weather?"}]}"#,
    )
    .await;
    assert_eq!(content(&ok), "Which city?");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_broken_scenario_file_stops_the_start() {
    let dir = scenario_dir(
        "broken",
        &[(
            "x.scenario.json",
            r#"{"name":"x","match":{"last_user_regex":"("}}"#,
        )],
    );
    let err = MockServer::builder()
        .fixtures_dir(&dir)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), chatwire_mock::StartErrorKind::Fixtures);
    assert!(err.to_string().contains("x.scenario.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn scenarios_are_listed_and_added_at_run_time() {
    let server = MockServer::start().await;
    let admin = format!("{}/__admin/scenarios", server.uri());
    let listed = send("GET", &admin, &[], "").await;
    assert_eq!(listed.status, 200);
    let names: Vec<String> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"503-overloaded".to_owned()), "{names:?}");
    assert!(
        names.contains(&"stream-error-after-2".to_owned()),
        "{names:?}"
    );

    let added = send(
        "POST",
        &admin,
        &[("content-type", "application/json")],
        r#"{"name":"late","match":{"last_user":"Who are you?"},"respond":{"completion":{"content":"A mock."}}}"#,
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(
        content(&chat(&server.base_url(), &seed_request("")).await),
        "A mock."
    );
    let first: Value = send("GET", &admin, &[], "").await.json();
    assert_eq!(first[0]["name"], "late");
    let refused = send(
        "POST",
        &admin,
        &[],
        r#"{"name":"bad","respond":{"error":{"status":200}}}"#,
    )
    .await;
    assert_eq!(refused.status, 400);

    let removed = send("DELETE", &admin, &[], "").await;
    assert_eq!(removed.json()["removed"], 1);
    assert_eq!(
        content(&chat(&server.base_url(), &seed_request("")).await),
        common::SEED_ANSWER
    );
    let after: Value = send("GET", &admin, &[], "").await.json();
    assert_eq!(after.as_array().unwrap().len(), names.len());
}
