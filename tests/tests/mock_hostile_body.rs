//! A 1 GiB request body, streamed (never allocated by the test), gets a 413 while the server's
//! memory stays bounded: a counting global allocator measures the peak of live heap bytes in
//! this process (server and client both) during the upload.
//!
//! Alone in its test binary so that no other test's allocations count.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chatwire_mock::MockServer;
use common::{chat, guard, seed_request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every method forwards to the system allocator with the caller's arguments unchanged
// and only updates counters besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `realloc`'s contract, which we pass on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const GIB: u64 = 1 << 30;
const PIECE: usize = 64 * 1024;

/// Streams up to 1 GiB of body after `head` (chunked when `chunked`), while reading the
/// answer; returns the answer and how many body bytes the server took before it stopped
/// reading.
async fn upload(server: &MockServer, chunked: bool) -> (String, u64) {
    let framing = if chunked {
        "transfer-encoding: chunked".to_owned()
    } else {
        format!("content-length: {GIB}")
    };
    let head = format!(
        "POST /compatible-mode/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         authorization: Bearer sk-test\r\ncontent-type: application/json\r\n{framing}\r\n\r\n"
    );
    let stream = TcpStream::connect(server.address()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        let piece = vec![b' '; PIECE];
        let mut sent = 0u64;
        if writer.write_all(head.as_bytes()).await.is_err() {
            return sent;
        }
        while sent < GIB {
            let ok = if chunked {
                writer
                    .write_all(format!("{PIECE:x}\r\n").as_bytes())
                    .await
                    .is_ok()
                    && writer.write_all(&piece).await.is_ok()
                    && writer.write_all(b"\r\n").await.is_ok()
            } else {
                writer.write_all(&piece).await.is_ok()
            };
            if !ok {
                break;
            }
            sent += PIECE as u64;
        }
        sent
    });
    let mut answer = Vec::new();
    let _ = guard(reader.read_to_end(&mut answer)).await;
    let sent = guard(sender).await.unwrap();
    (String::from_utf8_lossy(&answer).into_owned(), sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gibibyte_body_gets_413_with_bounded_memory() {
    let server = MockServer::builder()
        .body_limit(8 << 20)
        .header_read_timeout(Duration::from_secs(5))
        .start()
        .await
        .unwrap();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    for chunked in [true, false] {
        let (answer, sent) = upload(&server, chunked).await;
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "chunked {chunked}: {answer}"
        );
        assert!(answer.contains(r#""error""#), "no envelope: {answer}");
        // The server stopped reading long before the gibibyte was through.
        assert!(sent < GIB, "chunked {chunked}: the whole body was taken");
        let peak = PEAK.load(Ordering::Relaxed) - base;
        // The body limit (8 MiB, collected at most once) plus buffers, never the body.
        assert!(
            peak < 48 << 20,
            "chunked {chunked}: {peak} bytes live at the peak"
        );
        println!("chunked {chunked}: {sent} bytes sent before the server stopped reading; peak {peak} bytes");
    }
    let answer = chat(&server.base_url(), &seed_request("")).await;
    assert_eq!(answer.status, 200);
}
