//! Pacing: chunks leave the server on schedule and reach a client one by one. The test times
//! their arrival with minimum bounds only (an event may be late on a loaded machine, never
//! early), so it holds on a busy 2-core box.

mod common;

use std::time::{Duration, Instant};

use chatwire_mock::{MockServer, Pacing};
use common::{guard, open, seed_request};
use http_body_util::BodyExt;

/// Sends a streaming seed request and returns each `data:` event with the time it arrived,
/// measured from just before the request was sent.
async fn timed_events(server: &MockServer, headers: &[(&str, &str)]) -> Vec<(String, Duration)> {
    let mut all = vec![("authorization", "Bearer sk-test")];
    all.extend_from_slice(headers);
    let start = Instant::now();
    let response = open(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &all,
        seed_request(r#""stream":true"#),
    )
    .await;
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut decoder = chatwire::sse::Decoder::new();
    let mut events = Vec::new();
    while let Some(frame) = guard(body.frame()).await {
        let Ok(data) = frame.expect("a frame").into_data() else {
            continue;
        };
        let at = start.elapsed();
        decoder.feed(&data);
        while let Some(event) = decoder.next_event().expect("well-formed events") {
            events.push((event.data().to_owned(), at));
        }
    }
    events
}

/// No event arrives before its scheduled time, and the first and last arrive at least one
/// chunk delay apart (so they were flushed separately, not buffered together; the bound
/// leaves all but one delay of the schedule for a client that reads the first event late on
/// a loaded machine).
fn assert_on_schedule(events: &[(String, Duration)], ttft: u64, chunk: u64) {
    assert!(events.len() >= 5, "{events:?}");
    assert_eq!(events.last().unwrap().0, "[DONE]");
    let ms = |d: Duration| d.as_millis() as u64;
    for (i, (_, at)) in events.iter().enumerate() {
        let due = ttft + i as u64 * chunk;
        assert!(
            ms(*at) >= due,
            "event {i} arrived at {at:?}, before {due} ms"
        );
    }
    for pair in events.windows(2) {
        assert!(pair[0].1 <= pair[1].1, "events out of order");
    }
    let spread = ms(events.last().unwrap().1 - events[0].1);
    let scheduled = (events.len() as u64 - 1) * chunk;
    assert!(
        spread >= chunk,
        "first and last event {spread} ms apart, scheduled {scheduled} ms"
    );
}

#[tokio::test]
async fn a_scenario_paces_its_stream() {
    let server = MockServer::start().await;
    let added = common::send(
        "POST",
        &format!("{}/__admin/scenarios", server.uri()),
        &[],
        r#"{"name":"slow","match":{"last_user":"Who are you?"},"pacing":{"ttft_ms":200,"chunk_ms":100}}"#,
    )
    .await;
    assert_eq!(added.status, 201);
    let events = timed_events(&server, &[]).await;
    assert_on_schedule(&events, 200, 100);
}

#[tokio::test]
async fn a_request_header_paces_its_stream_over_the_global_pace() {
    let server = MockServer::builder()
        .pacing("ttft_ms=0,chunk_ms=40".parse::<Pacing>().unwrap())
        .start()
        .await
        .unwrap();
    let events = timed_events(
        &server,
        &[(
            "x-mock-pacing",
            "ttft_ms=150,chunk_ms=80,jitter_ms=20,seed=3",
        )],
    )
    .await;
    assert_on_schedule(&events, 150, 80);
    let global = timed_events(&server, &[]).await;
    assert_on_schedule(&global, 0, 40);
}
