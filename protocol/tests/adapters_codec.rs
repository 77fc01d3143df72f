//! The `tokio-util` adapter: `SseCodec` and `ChunkCodec` under `FramedRead`, over readers
//! that return the input in pieces, fail, or count their reads.
#![cfg(feature = "tokio-util")]

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::stream::{self, StreamExt};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::codec::FramedRead;
use tokio_util::io::StreamReader;

use chatwire::adapters::{ChunkCodec, ErrorKind, SseCodec};
use chatwire::sse::{Config, ErrorKind as SseErrorKind, Event, Finish};
use chatwire::stream::{ChunkDecoder, OwnedStreamItem, StreamEnd, StreamErrorKind};

const BODY: &[u8] = b"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"It is \"}}]}\n\n\
: keep-alive\n\n\
data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"12:00\\n\"},\"finish_reason\":\"stop\"}]}\r\n\r\n\
event: error\ndata: {\"message\":\"late\",\"code\":\"x\"}\n\n\
data: [DONE]\n\n";

/// A reader over `body` cut at `cuts` (each read returns at most one piece).
fn reader(body: &[u8], cuts: &[usize]) -> impl AsyncRead + Unpin {
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&body.len()]) {
        out.push(Ok::<_, io::Error>(bytes::Bytes::copy_from_slice(
            &body[start..end],
        )));
        start = end;
    }
    StreamReader::new(stream::iter(out))
}

fn reference(body: &[u8]) -> Vec<OwnedStreamItem> {
    let mut decoder = ChunkDecoder::new();
    decoder.feed(body);
    let mut items = Vec::new();
    while let Some(item) = decoder.next_item().unwrap() {
        items.push(item.into_owned());
    }
    items
}

#[tokio::test]
async fn chunk_codec_yields_the_decoders_items_whatever_the_split() {
    let expected = reference(BODY);
    assert_eq!(expected.len(), 5);
    for cut in 0..=BODY.len() {
        let mut framed = FramedRead::new(reader(BODY, &[cut / 3, cut]), ChunkCodec::new());
        let mut got = Vec::new();
        while let Some(item) = framed.next().await {
            got.push(item.unwrap());
        }
        assert_eq!(got, expected, "cut at {} and {cut}", cut / 3);
        assert_eq!(framed.decoder().end(), Some(StreamEnd::Clean));
    }
}

#[tokio::test]
async fn sse_codec_yields_owned_events_and_skips_comments() {
    let expected = [
        Event::new(
            r#"{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"It is "}}]}"#,
        ),
        Event::new(
            r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"12:00\n"},"finish_reason":"stop"}]}"#,
        ),
        Event::new(r#"{"message":"late","code":"x"}"#).with_event_type("error"),
        Event::new("[DONE]"),
    ];
    let cuts: Vec<usize> = (1..BODY.len()).collect();
    let mut framed = FramedRead::new(reader(BODY, &cuts), SseCodec::new());
    let mut got = Vec::new();
    while let Some(event) = framed.next().await {
        got.push(event.unwrap());
    }
    assert_eq!(got, expected);
    assert_eq!(framed.decoder().end(), Some(Finish::Clean));
}

#[tokio::test]
async fn the_end_of_a_cut_stream_is_reported() {
    let cut = &BODY[..BODY.len() - 1];
    let mut framed = FramedRead::new(reader(cut, &[60]), ChunkCodec::new());
    let mut count = 0;
    while let Some(item) = framed.next().await {
        assert!(!item.unwrap().is_done());
        count += 1;
    }
    assert_eq!(count, reference(BODY).len() - 1);
    let end = framed.decoder().end().unwrap();
    assert!(!end.saw_done() && end.discarded().unwrap().has_data());

    let mut framed = FramedRead::new(reader(b"id: 4\ndata: x\n\ndata: y", &[]), SseCodec::new());
    assert_eq!(framed.next().await.unwrap().unwrap().data(), "x");
    assert!(framed.next().await.is_none());
    assert!(!framed.decoder().end().unwrap().is_clean());
    assert_eq!(framed.decoder().decoder().last_event_id(), Some("4"));
}

#[tokio::test]
async fn a_decoding_error_is_yielded_and_polling_again_goes_on() {
    let body = b"data: {\"choices\":[}\n\ndata: [DONE]\n\n";
    let mut framed = FramedRead::new(reader(body, &[5]), ChunkCodec::new());
    let err = framed.next().await.unwrap().unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Stream(StreamErrorKind::MalformedJson)
    );
    assert!(
        framed.next().await.is_none(),
        "FramedRead pauses after an error"
    );
    assert!(
        framed.next().await.unwrap().unwrap().is_done(),
        "and goes on when polled"
    );

    let config = Config::new().with_max_line_length(8);
    let mut framed = FramedRead::new(
        reader(b"data: far too long\n\ndata: ok\n\n", &[]),
        SseCodec::with_config(config),
    );
    let err = framed.next().await.unwrap().unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Stream(StreamErrorKind::Sse(SseErrorKind::LineTooLong))
    );
    assert!(framed.next().await.is_none());
    assert_eq!(framed.next().await.unwrap().unwrap().data(), "ok");
}

#[tokio::test]
async fn a_read_error_is_a_transport_error() {
    let pieces = vec![
        Ok(bytes::Bytes::from_static(b"data: [DO")),
        Err(io::Error::new(io::ErrorKind::ConnectionAborted, "gone")),
    ];
    let mut framed = FramedRead::new(StreamReader::new(stream::iter(pieces)), ChunkCodec::new());
    let err = framed.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(
        err.transport().map(io::Error::kind),
        Some(io::ErrorKind::ConnectionAborted)
    );
}

/// A reader that returns its pieces one per read, counting the reads.
struct CountingReader {
    pieces: Vec<&'static [u8]>,
    reads: Arc<AtomicUsize>,
}

impl AsyncRead for CountingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if !self.pieces.is_empty() {
            let piece = self.pieces.remove(0);
            buf.put_slice(piece);
        }
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn the_reader_is_not_read_while_items_are_buffered() {
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = CountingReader {
        pieces: vec![
            b"data: {\"choices\":[]}\n\ndata: {\"choices\":[]}\n\ndata: {\"choices\":[]}\n\n",
            b"data: [DONE]\n\n",
        ],
        reads: Arc::clone(&reads),
    };
    let mut framed = FramedRead::new(reader, ChunkCodec::new());
    for _ in 0..3 {
        assert!(framed.next().await.unwrap().unwrap().as_chunk().is_some());
        assert_eq!(
            reads.load(Ordering::SeqCst),
            1,
            "three events came in one read"
        );
    }
    assert!(framed.next().await.unwrap().unwrap().is_done());
    assert_eq!(reads.load(Ordering::SeqCst), 2);
    assert!(framed.next().await.is_none());
    assert_eq!(framed.decoder().end(), Some(StreamEnd::Clean));
}
