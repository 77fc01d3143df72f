//! The mock server under hostile clients, all on 127.0.0.1, each test bounded (every wait is
//! under a hang guard, every loop has a fixed count): slowloris headers, a thousand clients
//! leaving mid-stream, ten thousand requests of random bytes, and 256 concurrent streams that
//! must be byte-identical to a single client's. The 1 GiB body is in `mock_hostile_body.rs`,
//! which counts allocations.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chatwire::types::ErrorEnvelope;
use chatwire_mock::MockServer;
use common::{chat, guard, seed_request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// A streaming request for the seed's conversation, as raw HTTP/1.1.
fn raw_stream_request() -> Vec<u8> {
    let body = seed_request(r#""stream":true"#);
    format!(
        "POST /compatible-mode/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         authorization: Bearer sk-test\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Waits until the server holds no connection (polling; under the hang guard).
async fn until_idle(server: &MockServer) {
    guard(async {
        while server.active_connections() != 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// The server still answers a normal request.
async fn still_serves(server: &MockServer) {
    let answer = chat(&server.base_url(), &seed_request("")).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_headers_are_cut_off_by_the_header_read_timeout() {
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let head = b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ";
    let clients: Vec<_> = (0..64)
        .map(|_| {
            let addr = server.address();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(head).await.unwrap();
                // One more header byte every 50 ms, never ending the headers: the server must
                // close the connection by itself (a write fails, or a read sees the end).
                for _ in 0..2_000 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if stream.write_all(b"a").await.is_err() {
                        return;
                    }
                    let mut byte = [0u8; 512];
                    match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut byte))
                        .await
                    {
                        Ok(Ok(0) | Err(_)) => return,
                        Ok(Ok(n)) => {
                            let text = String::from_utf8_lossy(&byte[..n]);
                            assert!(text.starts_with("HTTP/1.1 408"), "{text}");
                            return;
                        }
                        Err(_) => {}
                    }
                }
                panic!("a slowloris connection stayed open for 100 s");
            })
        })
        .collect();
    // Meanwhile the server serves others.
    still_serves(&server).await;
    for client in clients {
        guard(client).await.unwrap();
    }
    until_idle(&server).await;
    still_serves(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clients_leaving_mid_stream_leave_no_connection_behind() {
    // Slow tokens: every event waits a little, so each client is mid-stream when it leaves.
    let server = MockServer::builder()
        .before_chunk(|_| tokio::time::sleep(Duration::from_millis(2)))
        .start()
        .await
        .unwrap();
    let request = Arc::new(raw_stream_request());
    let limit = Arc::new(Semaphore::new(64));
    let clients: Vec<_> = (0..1_000)
        .map(|i| {
            let (addr, request, limit) =
                (server.address(), Arc::clone(&request), Arc::clone(&limit));
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(&request).await.unwrap();
                // Read until the first event has arrived, then vanish.
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(6).any(|w| w == b"data: ") {
                    let n = stream.read(&mut buf).await.unwrap();
                    assert!(n > 0, "the server closed before the first event");
                    seen.extend_from_slice(&buf[..n]);
                }
                assert!(
                    seen.starts_with(b"HTTP/1.1 200"),
                    "{}",
                    String::from_utf8_lossy(&seen)
                );
                assert!(
                    !seen.windows(6).any(|w| w == b"[DONE]"),
                    "the stream was not cut"
                );
                // Half leave with the response half read, half right away.
                if i % 2 == 0 {
                    let _ = stream.read(&mut buf).await;
                }
                drop(stream);
            })
        })
        .collect();
    for client in clients {
        guard(client).await.unwrap();
    }
    until_idle(&server).await;
    still_serves(&server).await;
    until_idle(&server).await;
}

/// A small deterministic generator (SplitMix64), so that a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random bytes, half of them behind a plausible request head so that they reach the router
/// and the JSON parser, not only hyper's request-line parser.
fn random_request(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    match rng.below(4) {
        0 => {}
        1 => out.extend_from_slice(b"POST /v1/chat/completions HTTP/1.1\r\n"),
        _ => {
            let len = rng.below(512);
            out.extend_from_slice(
                format!(
                    "POST /compatible-mode/v1/chat/completions HTTP/1.1\r\nhost: x\r\n\
                     authorization: Bearer k\r\ncontent-length: {len}\r\n\r\n"
                )
                .as_bytes(),
            );
            if rng.below(2) == 0 {
                out.extend_from_slice(br#"{"model":"qwen-plus","messages":[{"role":"user","#);
            }
        }
    }
    let tail = rng.below(600);
    out.extend((0..tail).map(|_| rng.next() as u8));
    out
}

/// How the server answered one connection.
#[derive(Debug, Default)]
struct Tally {
    closed: usize,
    bare_status: usize,
    envelopes: usize,
}

async fn hostile_exchange(addr: SocketAddr, bytes: Vec<u8>) -> (Option<u16>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before reading everything: that is an answer too.
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    if raw.is_empty() {
        return (None, raw);
    }
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 "), "not an HTTP answer: {text}");
    let status: u16 = text[9..12].parse().expect("a status code");
    let body = match raw.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => raw[end + 4..].to_vec(),
        None => Vec::new(),
    };
    (Some(status), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_random_requests_get_an_envelope_or_a_close() {
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let mut rng = Rng(0x5EED);
    let requests: Vec<Vec<u8>> = (0..10_000).map(|_| random_request(&mut rng)).collect();
    let limit = Arc::new(Semaphore::new(32));
    let exchanges: Vec<_> = requests
        .into_iter()
        .map(|bytes| {
            let (addr, limit) = (server.address(), Arc::clone(&limit));
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                hostile_exchange(addr, bytes).await
            })
        })
        .collect();
    let mut tally = Tally::default();
    for exchange in exchanges {
        let (status, body) = guard(exchange).await.unwrap();
        let Some(status) = status else {
            tally.closed += 1;
            continue;
        };
        assert!((400..600).contains(&status), "random bytes got a {status}");
        if body.is_empty() {
            // hyper's own answer to a request it cannot parse: a status, no body, closed.
            tally.bare_status += 1;
            continue;
        }
        // A body the router wrote: the documented envelope (chunked or not, it is one JSON
        // object; strip chunk framing by reading the object's bytes).
        let start = body.iter().position(|&b| b == b'{').expect("a JSON body");
        let end = body.iter().rposition(|&b| b == b'}').expect("a JSON body");
        let envelope = ErrorEnvelope::from_slice(&body[start..=end]).unwrap_or_else(|e| {
            panic!(
                "{status} without an envelope ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        assert!(envelope.error.message.is_value(), "{}", envelope.to_json());
        tally.envelopes += 1;
    }
    assert_eq!(tally.closed + tally.bare_status + tally.envelopes, 10_000);
    // Both the router and the HTTP parser were reached.
    assert!(tally.envelopes > 1_000, "{tally:?}");
    assert!(tally.bare_status + tally.closed > 1_000, "{tally:?}");
    println!("10,000 random requests: {tally:?}");
    until_idle(&server).await;
    still_serves(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_streams_are_byte_identical_to_a_single_one() {
    let server = MockServer::start().await;
    let body = seed_request(r#""stream":true,"stream_options":{"include_usage":true},"seed":7"#);
    let single = chat(&server.base_url(), &body).await;
    assert_eq!(single.status, 200);
    let events = single.sse_data();
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));

    let clients: Vec<_> = (0..256)
        .map(|_| {
            let (base, body) = (server.base_url(), body.clone());
            tokio::spawn(async move { chat(&base, &body).await })
        })
        .collect();
    for client in clients {
        let answer = guard(client).await.unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.body, single.body,
            "a concurrent stream differs from the single one"
        );
    }
    until_idle(&server).await;
}
