//! The request journal (`/__admin/requests`, `MockServer::received_requests`) and
//! expectations verified when the server is dropped.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use chatwire_mock::{Expectation, MockServer};
use common::{seed_request, send};

async fn chat_as(server: &MockServer, key: &str, scenario: Option<&str>) -> u16 {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(name) = scenario {
        headers.push(("x-mock-scenario", name));
    }
    send(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &headers,
        seed_request(""),
    )
    .await
    .status
}

#[tokio::test]
async fn the_journal_lists_and_clears() {
    let server = MockServer::start().await;
    assert_eq!(chat_as(&server, "sk-secret-key-9876", None).await, 200);
    assert_eq!(
        chat_as(&server, "sk-secret-key-9876", Some("429-limit-requests")).await,
        429
    );
    let models = send(
        "GET",
        &format!("{}/models", server.openai_base_url()),
        &[("authorization", "Bearer sk-x")],
        "",
    )
    .await;
    assert_eq!(models.status, 200);

    let admin = format!("{}/__admin/requests", server.uri());
    let listed = send("GET", &admin, &[], "").await.json();
    let list = listed.as_array().unwrap();
    assert_eq!(list.len(), 3, "{listed}");
    assert_eq!(list[0]["method"], "POST");
    assert_eq!(list[0]["path"], "/compatible-mode/v1/chat/completions");
    assert_eq!(list[0]["status"], 200);
    assert!(list[0]["scenario"].is_null());
    assert_eq!(list[1]["scenario"], "429-limit-requests");
    assert_eq!(list[1]["status"], 429);
    assert!(list[0]["body"].as_str().unwrap().contains("Who are you?"));
    assert!(list[0]["time_ms"].as_u64().unwrap() > 1_700_000_000_000);
    let text = listed.to_string();
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("Bearer ****9876"), "{text}");
    assert_eq!(list[2]["path"], "/v1/models");

    let typed = server.received_requests();
    assert_eq!(typed.len(), 3);
    assert_eq!(typed[1].scenario.as_deref(), Some("429-limit-requests"));
    assert_eq!(typed[0].header("authorization"), Some("Bearer ****9876"));

    assert_eq!(send("DELETE", &admin, &[], "").await.status, 200);
    assert!(server.received_requests().is_empty());
    assert_eq!(
        send("GET", &admin, &[], "").await.json(),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn met_expectations_pass_on_drop() {
    let server = MockServer::start().await;
    server.expect(Expectation::requests().scenario("503-overloaded").times(2));
    server.expect(
        Expectation::requests()
            .path("/chat/completions")
            .at_least(3),
    );
    for _ in 0..2 {
        assert_eq!(
            chat_as(&server, "sk-test", Some("503-overloaded")).await,
            503
        );
    }
    assert_eq!(chat_as(&server, "sk-test", None).await, 200);
    assert!(server.verify().is_ok());
    drop(server);
}

#[tokio::test]
async fn unmet_expectations_panic_on_drop() {
    let server = MockServer::start().await;
    server.expect(Expectation::requests().body_contains("qwen-max").times(1));
    assert_eq!(chat_as(&server, "sk-test", None).await, 200);
    let err = server.verify().unwrap_err();
    assert!(err.contains("received 0"), "{err}");
    let dropped = catch_unwind(AssertUnwindSafe(move || drop(server)));
    let panic = dropped.unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("unmet expectations"), "{message}");
}
