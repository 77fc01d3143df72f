//! Record and replay, recorded from a second local chatwire-mock: the proxy passes answers
//! through unchanged, the cassettes keep the raw bytes and the gaps, and a replaying server
//! serves them byte-exact with no upstream at all.

mod common;

use chatwire_mock::{MockServer, Pacing};
use common::{chat, seed_request};
use serde_json::Value;

#[tokio::test]
async fn record_from_an_upstream_mock_then_replay_byte_exact() {
    let dir = std::env::temp_dir().join(format!("chatwire-cassettes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let upstream = MockServer::builder()
        .pacing("ttft_ms=0,chunk_ms=40".parse::<Pacing>().unwrap())
        .start()
        .await
        .unwrap();
    let streamed = seed_request(r#""stream":true,"stream_options":{"include_usage":true}"#);
    let whole = seed_request("");
    let direct_stream = chat(&upstream.base_url(), &streamed).await;
    let direct_whole = chat(&upstream.base_url(), &whole).await;

    let recorder = MockServer::builder()
        .record_to(&dir, upstream.base_url())
        .start()
        .await
        .unwrap();
    let proxied_stream = chat(&recorder.base_url(), &streamed).await;
    let proxied_whole = chat(&recorder.base_url(), &whole).await;
    assert_eq!(proxied_stream.body, direct_stream.body);
    assert_eq!(proxied_whole.body, direct_whole.body);
    assert_eq!(
        proxied_stream.header("content-type"),
        direct_stream.header("content-type")
    );
    assert_eq!(
        proxied_stream.header("x-request-id"),
        direct_stream.header("x-request-id")
    );
    assert_eq!(upstream.received_requests().len(), 4);
    drop(recorder);
    drop(upstream);

    // The cassette of the stream: its pieces join to the raw bytes, and the paced gaps are in.
    let mut cassettes: Vec<Value> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    assert_eq!(cassettes.len(), 2);
    cassettes.sort_by_key(|c| c["pieces"].as_array().unwrap().len());
    let stream = &cassettes[1];
    assert_eq!(stream["request"], streamed.as_str());
    let pieces = stream["pieces"].as_array().unwrap();
    let joined: String = pieces.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(joined.as_bytes(), direct_stream.body.as_slice());
    assert!(pieces.len() >= 5, "{stream}");
    assert!(
        pieces[1..]
            .iter()
            .any(|p| p["delay_ms"].as_u64().unwrap() >= 40),
        "{stream}"
    );

    // Replay with no upstream running: byte-exact, both delivery modes.
    let replayer = MockServer::builder()
        .replay_from(&dir, true)
        .start()
        .await
        .unwrap();
    let replayed_stream = chat(&replayer.base_url(), &streamed).await;
    let replayed_whole = chat(&replayer.base_url(), &whole).await;
    assert_eq!(replayed_stream.body, direct_stream.body);
    assert_eq!(replayed_whole.body, direct_whole.body);
    assert_eq!(
        replayed_stream.header("x-request-id"),
        direct_stream.header("x-request-id")
    );
    assert_eq!(
        replayer.received_requests()[0].scenario.as_deref(),
        Some("replay")
    );
    // A request no cassette holds gets the built-in answer.
    let other = chat(&replayer.base_url(), &seed_request(r#""seed":5"#)).await;
    assert_eq!(other.status, 200);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    let dir = std::env::temp_dir().join(format!("chatwire-cassettes-502-{}", std::process::id()));
    // A port that was just free: bind, read it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let recorder = MockServer::builder()
        .record_to(&dir, format!("http://127.0.0.1:{port}/v1"))
        .start()
        .await
        .unwrap();
    let answer = chat(&recorder.base_url(), &seed_request("")).await;
    assert_eq!(answer.status, 502, "{}", answer.text());
    assert_eq!(answer.json()["error"]["code"], "upstream_unreachable");
    let _ = std::fs::remove_dir_all(&dir);
}
