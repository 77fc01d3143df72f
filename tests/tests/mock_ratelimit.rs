//! Rate limits per API key: requests per minute and concurrent streams, answered with
//! DashScope's 429 `limit_requests` envelope and `Retry-After`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chatwire_mock::{MockServer, RateLimit};
use common::{guard, open, seed_request, send};
use http_body_util::BodyExt;
use tokio::sync::Semaphore;

async fn chat_as(server: &MockServer, key: &str) -> common::Answer {
    let auth = format!("Bearer {key}");
    send(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &[("authorization", auth.as_str())],
        seed_request(""),
    )
    .await
}

fn assert_limited(answer: &common::Answer) {
    assert_eq!(answer.status, 429, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"]["code"], "limit_requests");
    assert_eq!(body["error"]["type"], "limit_requests");
    assert_eq!(body["request_id"].as_str(), answer.header("x-request-id"));
    let retry: u64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
}

#[tokio::test]
async fn requests_per_minute_per_key() {
    let server = MockServer::builder()
        .rate_limit("rpm=2".parse::<RateLimit>().unwrap())
        .start()
        .await
        .unwrap();
    assert_eq!(chat_as(&server, "sk-one").await.status, 200);
    assert_eq!(chat_as(&server, "sk-one").await.status, 200);
    assert_limited(&chat_as(&server, "sk-one").await);
    // Another key has its own budget.
    assert_eq!(chat_as(&server, "sk-two").await.status, 200);
    let statuses: Vec<u16> = server
        .received_requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200, 200, 429, 200]);
}

#[tokio::test]
async fn concurrent_streams_per_key() {
    // Every stream stops before its second event until the test lets it go on.
    let gate = Arc::new(Semaphore::new(0));
    let hook_gate = Arc::clone(&gate);
    let server = MockServer::builder()
        .rate_limit("concurrency=1".parse::<RateLimit>().unwrap())
        .before_chunk(move |point| {
            let gate = Arc::clone(&hook_gate);
            async move {
                if point.index == 1 {
                    if let Ok(permit) = gate.acquire().await {
                        permit.forget();
                    }
                }
            }
        })
        .start()
        .await
        .unwrap();
    let url = format!("{}/chat/completions", server.base_url());
    let held = open(
        "POST",
        &url,
        &[("authorization", "Bearer sk-one")],
        seed_request(r#""stream":true"#),
    )
    .await;
    assert_eq!(held.status(), 200);
    assert_limited(&chat_as(&server, "sk-one").await);
    assert_eq!(chat_as(&server, "sk-two").await.status, 200);

    gate.add_permits(1);
    let body = guard(held.into_body().collect()).await.unwrap().to_bytes();
    assert!(body.ends_with(b"data: [DONE]\n\n"));
    // The slot is freed when the stream's task ends, just after its last event; poll for it.
    let mut freed = false;
    for _ in 0..200 {
        if chat_as(&server, "sk-one").await.status == 200 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(freed, "the stream's slot was never freed");
}
