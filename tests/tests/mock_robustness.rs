//! Delivery and robustness: every chunk is flushed as it is produced, clients that vanish or
//! send garbage do not hurt the server, slow headers time out, and the server shuts down.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chatwire_mock::MockServer;
use common::{chat, guard, open, seed_request};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

const AUTH: [(&str, &str); 1] = [("authorization", "Bearer sk-test")];

#[tokio::test]
async fn the_client_sees_the_first_chunk_before_the_last_is_produced() {
    // The server holds every stream before producing its last event until the gate opens.
    let gate = Arc::new(Semaphore::new(0));
    let hook_gate = Arc::clone(&gate);
    let server = MockServer::builder()
        .before_chunk(move |point| {
            let gate = Arc::clone(&hook_gate);
            async move {
                if point.index + 1 == point.count {
                    // Holding a permit is not needed: the gate only has to open once.
                    let _ = gate.acquire().await.map(|p| p.forget());
                }
            }
        })
        .start()
        .await
        .unwrap();
    let url = format!("{}/chat/completions", server.base_url());
    let response = open("POST", &url, &AUTH, seed_request(r#""stream":true"#)).await;
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    // Were the chunks buffered until the end, this read would never complete.
    let first = guard(body.frame())
        .await
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    assert!(first.starts_with("data: {"), "{first}");
    assert!(
        first.contains(r#""delta":{"role":"assistant","content":""}"#),
        "{first}"
    );
    assert_eq!(gate.available_permits(), 0);
    // Everything up to the last event arrives while the gate is still closed.
    let mut seen = first;
    while !seen.contains(r#""finish_reason":"stop""#) {
        let frame = guard(body.frame())
            .await
            .unwrap()
            .unwrap()
            .into_data()
            .unwrap();
        seen.push_str(std::str::from_utf8(&frame).unwrap());
    }
    assert!(!seen.contains("[DONE]"));
    gate.add_permits(1);
    let rest = guard(body.collect()).await.unwrap().to_bytes();
    seen.push_str(std::str::from_utf8(&rest).unwrap());
    assert!(seen.ends_with("data: [DONE]\n\n"), "{seen}");
}

#[tokio::test]
async fn a_client_leaving_mid_stream_does_not_hurt_the_server() {
    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    for _ in 0..5 {
        let response = open("POST", &url, &AUTH, seed_request(r#""stream":true"#)).await;
        let mut body = response.into_body();
        let _first = guard(body.frame()).await;
        drop(body);
    }
    assert_eq!(
        chat(&server.base_url(), &seed_request("")).await.status,
        200
    );
}

#[tokio::test]
async fn many_concurrent_streams() {
    let server = MockServer::start().await;
    let base = server.base_url();
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let base = base.clone();
            tokio::spawn(async move {
                let body = format!(
                    r#"{{"model":"qwen-plus","messages":[{{"role":"user","content":"Question {i}"}}],"stream":true}}"#
                );
                chat(&base, &body).await
            })
        })
        .collect();
    for task in tasks {
        let answer = guard(task).await.unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.sse_data().last().map(String::as_str), Some("[DONE]"));
    }
}

#[tokio::test]
async fn garbage_requests_get_an_answer_and_the_server_goes_on() {
    let server = MockServer::start().await;
    for garbage in [
        &b"\x00\x01\x02 not http\r\n\r\n"[..],
        b"POST /v1/chat/completions HTTP/1.1\r\ncontent-length: nope\r\n\r\n",
        b"GET /v1/models HTTP/9.9\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-length: 4\r\nconnection: close\r\n\r\n\xff\xfe\xfd\xfc",
    ] {
        let mut stream = tokio::net::TcpStream::connect(server.address()).await.unwrap();
        // The server may close before reading it all; that is an answer too.
        let _ = stream.write_all(garbage).await;
        let mut raw = Vec::new();
        let _ = guard(stream.read_to_end(&mut raw)).await;
        if !raw.is_empty() {
            let head = String::from_utf8_lossy(&raw);
            assert!(head.starts_with("HTTP/1.1 4"), "{head}");
        }
    }
    assert_eq!(
        chat(&server.base_url(), &seed_request("")).await.status,
        200
    );
}

#[tokio::test]
async fn slow_headers_time_out() {
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .unwrap();
    stream
        .write_all(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    // The headers never end: the server must close the connection by itself.
    let mut raw = Vec::new();
    let read = guard(stream.read_to_end(&mut raw)).await;
    assert!(read.is_ok() || raw.is_empty());
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
}

#[tokio::test]
async fn shutdown_stops_accepting() {
    let server = MockServer::start().await;
    let addr = server.address();
    assert_eq!(
        chat(&server.base_url(), &seed_request("")).await.status,
        200
    );
    guard(server.shutdown()).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = MockServer::start().await;
    let addr = server.address();
    drop(server);
    guard(async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
}
