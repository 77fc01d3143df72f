//! Mock-server throughput: a load generator on 127.0.0.1 drives `chatwire-mock` for a bounded
//! time with non-streaming and streaming chat requests, and reports requests/s, chunks/s and
//! p50/p99 latency next to a bare hyper server that returns the same bytes (the ceiling).
//!
//! `cargo bench -p chatwire-benches --bench mock` runs each case for 4 s, in eight slices of
//! 0.5 s that alternate with its ceiling's (so that other load on the machine falls on both
//! alike); with `--test` (as `cargo bench -- --test` passes) for a fraction of a second. Every
//! response is checked: status 200 and the expected body length (and event count when
//! streaming).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chatwire_mock::MockServer;

use common::http::{bare_server, client, fetch, HttpClient, PLAIN, STREAMING};

/// Requests in flight at once (each on its own keep-alive connection).
const CONCURRENCY: usize = 16;

/// One case's results.
struct Report {
    name: String,
    requests: usize,
    elapsed: Duration,
    chunks_per_response: usize,
    latencies: Vec<Duration>,
}

impl Report {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

/// One case: where it sends which request, what every answer must look like, and what it has
/// measured so far.
struct Case {
    report: Report,
    addr: SocketAddr,
    body: &'static str,
    expected: usize,
    client: HttpClient,
}

impl Case {
    /// A case with its own client, its connections warmed up.
    async fn new(
        name: &str,
        addr: SocketAddr,
        body: &'static str,
        expected: usize,
        chunks_per_response: usize,
    ) -> Case {
        let client: HttpClient = client();
        let warm: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { fetch(&client, addr, body).await.len() })
            })
            .collect();
        for task in warm {
            assert_eq!(task.await.expect("a warm-up task"), expected);
        }
        Case {
            report: Report {
                name: name.to_owned(),
                requests: 0,
                elapsed: Duration::ZERO,
                chunks_per_response,
                latencies: Vec::new(),
            },
            addr,
            body,
            expected,
            client,
        }
    }

    /// Drives the case with `CONCURRENCY` loops of requests for `duration` more; every body
    /// must be `expected` long.
    async fn drive(&mut self, duration: Duration) {
        let start = Instant::now();
        let deadline = start + duration;
        let mut tasks = Vec::new();
        for _ in 0..CONCURRENCY {
            let client = self.client.clone();
            let (addr, body, expected) = (self.addr, self.body, self.expected);
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let begin = Instant::now();
                    let got = fetch(&client, addr, body).await;
                    latencies.push(begin.elapsed());
                    assert_eq!(got.len(), expected, "body length");
                }
                latencies
            }));
        }
        for task in tasks {
            let latencies = task.await.expect("a load task");
            self.report.requests += latencies.len();
            self.report.latencies.extend(latencies);
        }
        self.report.elapsed += start.elapsed();
    }
}

/// The number of `data:` events in an SSE body.
fn events(body: &[u8]) -> usize {
    let mut decoder = chatwire::sse::Decoder::new();
    decoder.feed(body);
    let mut n = 0;
    while decoder.next_event().expect("valid SSE").is_some() {
        n += 1;
    }
    n
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--test");
    // Each case runs for `ROUNDS` slices, the mock and its ceiling alternating (and taking
    // turns going first), so that the machine's other load falls on both alike.
    const ROUNDS: u32 = 8;
    let slice = if quick {
        Duration::from_millis(40)
    } else {
        Duration::from_millis(500)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let reports = runtime.block_on(async {
        let mock = MockServer::start().await;
        let probe = client();
        let plain = fetch(&probe, mock.address(), PLAIN).await;
        let streamed = fetch(&probe, mock.address(), STREAMING).await;
        let chunks = events(&streamed);
        assert!(chunks > 2, "a streamed answer has chunks");
        let bare_plain = bare_server(plain.clone(), "application/json").await;
        let bare_stream = bare_server(streamed.clone(), "text/event-stream").await;

        let mut reports = Vec::new();
        for [(name, addr, expected, chunks), (bare_name, bare_addr, _, _)] in [
            [
                (
                    "non-streaming: chatwire-mock",
                    mock.address(),
                    plain.len(),
                    0,
                ),
                (
                    "non-streaming: bare hyper (ceiling)",
                    bare_plain,
                    plain.len(),
                    0,
                ),
            ],
            [
                (
                    "streaming: chatwire-mock",
                    mock.address(),
                    streamed.len(),
                    chunks,
                ),
                (
                    "streaming: bare hyper (ceiling)",
                    bare_stream,
                    streamed.len(),
                    chunks,
                ),
            ],
        ] {
            let body = if chunks == 0 { PLAIN } else { STREAMING };
            let mut pair = [
                Case::new(name, addr, body, expected, chunks).await,
                Case::new(bare_name, bare_addr, body, expected, chunks).await,
            ];
            for round in 0..ROUNDS {
                let first = (round % 2) as usize;
                pair[first].drive(slice).await;
                pair[1 - first].drive(slice).await;
            }
            reports.extend(pair.map(|case| case.report));
        }
        mock.shutdown().await;
        reports
    });

    println!(
        "{:<38} {:>10} {:>12} {:>12} {:>10} {:>10}",
        "case", "requests", "requests/s", "chunks/s", "p50", "p99"
    );
    for report in &reports {
        println!(
            "{:<38} {:>10} {:>12.0} {:>12.0} {:>10.2?} {:>10.2?}",
            report.name,
            report.requests,
            report.per_second(),
            report.per_second() * report.chunks_per_response as f64,
            report.percentile(0.5),
            report.percentile(0.99),
        );
    }
    for pair in reports.chunks(2) {
        println!(
            "{}: {:.0} % of the ceiling",
            pair[0].name,
            100.0 * pair[0].per_second() / pair[1].per_second()
        );
    }
    if quick {
        println!("mock: 1 passed, 0 failed");
    }
}
