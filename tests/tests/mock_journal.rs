//! The request journal (`/__admin/requests`, `MockServer::received_requests`), its limit, and
//! expectations verified when the server is dropped.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use chatwire_mock::{Expectation, MockServer};
use common::{chat, seed_request, send, Answer};

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
    assert_eq!(server.received_count(), 3);
    assert_eq!(typed[1].scenario.as_deref(), Some("429-limit-requests"));
    assert_eq!(typed[0].header("authorization"), Some("Bearer ****9876"));

    assert_eq!(send("DELETE", &admin, &[], "").await.status, 200);
    assert!(server.received_requests().is_empty());
    assert_eq!(server.received_count(), 0);
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

/// `method` (`GET` or `DELETE`) on `/__admin/requests`.
async fn journal(server: &MockServer, method: &str) -> Answer {
    send(
        method,
        &format!("{}/__admin/requests", server.uri()),
        &[],
        "",
    )
    .await
}

/// A chat request whose user message is `text`: its status.
async fn chat_saying(server: &MockServer, text: &str) -> u16 {
    let body =
        format!(r#"{{"model":"qwen-plus","messages":[{{"role":"user","content":"{text}"}}]}}"#);
    chat(&server.base_url(), &body).await.status
}

#[tokio::test]
async fn the_journal_keeps_the_most_recent_requests() {
    assert_eq!(chatwire_mock::Config::default().journal_limit, 10_000);
    assert_eq!(chatwire_mock::DEFAULT_JOURNAL_LIMIT, 10_000);
    let server = MockServer::builder()
        .journal_limit(3)
        .start()
        .await
        .unwrap();
    // Met by the kept requests alone: verify must still refuse to judge a partial list.
    server.expect(
        Expectation::requests()
            .path("/chat/completions")
            .at_least(3),
    );
    for i in 1..=5 {
        assert_eq!(chat_saying(&server, &format!("message {i}")).await, 200);
    }

    let kept: Vec<String> = server
        .received_requests()
        .into_iter()
        .map(|r| r.body)
        .collect();
    assert_eq!(kept.len(), 3, "{kept:?}");
    for (body, i) in kept.iter().zip(3..=5) {
        assert!(body.contains(&format!("\"message {i}\"")), "{kept:?}");
    }
    assert_eq!(server.received_count(), 5);

    let admin = journal(&server, "GET").await;
    assert_eq!(admin.status, 200);
    assert_eq!(admin.header("x-mock-journal-total"), Some("5"));
    let listed = admin.json();
    let list = listed.as_array().unwrap();
    assert_eq!(list.len(), 3, "{listed}");
    assert!(list[0]["body"].as_str().unwrap().contains("message 3"));
    assert!(list[2]["body"].as_str().unwrap().contains("message 5"));

    let err = server.verify().unwrap_err();
    assert!(err.contains("journal_limit"), "{err}");
    assert!(err.contains("last 3 of 5"), "{err}");

    // A reset forgets the dropped ones too: three more requests fit, and are checked.
    server.reset_requests();
    assert_eq!(server.received_count(), 0);
    for i in 6..=8 {
        assert_eq!(chat_saying(&server, &format!("message {i}")).await, 200);
    }
    assert_eq!(server.received_count(), 3);
    assert_eq!(server.verify(), Ok(()));
}

#[tokio::test]
async fn a_journal_limit_of_zero_keeps_none_and_counts_all() {
    let server = MockServer::builder()
        .journal_limit(0)
        .start()
        .await
        .unwrap();
    for i in 1..=2 {
        assert_eq!(chat_saying(&server, &format!("message {i}")).await, 200);
    }
    assert!(server.received_requests().is_empty());
    assert_eq!(server.received_count(), 2);
    // Without expectations there is nothing to check, whatever the journal dropped.
    assert_eq!(server.verify(), Ok(()));
    let admin = journal(&server, "GET").await;
    assert_eq!(admin.header("x-mock-journal-total"), Some("2"));
    assert_eq!(admin.json(), serde_json::json!([]));
    let cleared = journal(&server, "DELETE").await;
    assert_eq!(cleared.status, 200);
    assert_eq!(server.received_count(), 0);
}
