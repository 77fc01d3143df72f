//! The `futures` adapter: `ChunkStream` and `Completion` over in-memory byte streams, split
//! at every point, with transport errors, decoding errors, pending polls and back-pressure.
#![cfg(feature = "futures")]

use std::cell::Cell;
use std::io;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use futures::executor::block_on;
use futures::stream::{self, Stream, StreamExt};

use chatwire::accumulate::{Accumulator, AccumulatorLimits};
use chatwire::adapters::{ChunkStream, Error, ErrorKind};
use chatwire::stream::{
    decode_completion, ChunkDecoder, OwnedStreamItem, StreamEnd, StreamErrorKind,
};

/// A streamed answer with every kind of item: role, text with escapes, a keep-alive, a
/// tool call in two pieces, another event type, usage, `[DONE]`.
const BODY: &[u8] = b"data: {\"id\":\"c9\",\"model\":\"qwen-plus\",\"created\":7,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Sun\\n\"}}]}\n\n\
: keep-alive\n\n\
data: {\"id\":\"c9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ny \\\"day\\\"\"}}]}\n\n\
data: {\"id\":\"c9\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}}]}}]}\n\n\
data: {\"id\":\"c9\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"UTC\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n\
event: ping\ndata: {}\n\n\
data: {\"id\":\"c9\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}\n\n\
data: [DONE]\n\n";

/// What a `ChunkDecoder` fed the whole body at once yields: the reference.
fn reference(body: &[u8]) -> (Vec<OwnedStreamItem>, StreamEnd) {
    let mut decoder = ChunkDecoder::new();
    decoder.feed(body);
    let mut items = Vec::new();
    while let Some(item) = decoder.next_item().expect("the reference body is valid") {
        items.push(item.into_owned());
    }
    (items, decoder.finish())
}

/// The body cut at `cuts`, as a stream of `Result<Vec<u8>, io::Error>`.
fn pieces(body: &[u8], cuts: &[usize]) -> Vec<Result<Vec<u8>, io::Error>> {
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&body.len()]) {
        out.push(Ok(body[start..end].to_vec()));
        start = end;
    }
    out
}

/// Drives a `ChunkStream` to its end, keeping every item and error.
fn drain<S>(items: &mut ChunkStream<S>) -> Vec<Result<OwnedStreamItem, Error<io::Error>>>
where
    S: Stream<Item = Result<Vec<u8>, io::Error>> + Unpin,
{
    block_on(items.collect::<Vec<_>>())
}

#[test]
fn the_items_are_the_decoders_whatever_the_split() {
    let (expected, end) = reference(BODY);
    assert_eq!(expected.len(), 8, "the body has every kind of item");
    assert!(end.is_clean());
    for cut in 0..=BODY.len() {
        let mut items = ChunkStream::new(stream::iter(pieces(BODY, &[cut])));
        let got: Vec<_> = drain(&mut items).into_iter().map(Result::unwrap).collect();
        assert_eq!(got, expected, "cut at {cut}");
        assert_eq!(items.end(), Some(StreamEnd::Clean), "cut at {cut}");
    }
    let cuts: Vec<usize> = (1..BODY.len()).collect();
    let mut items = ChunkStream::new(stream::iter(pieces(BODY, &cuts)));
    let got: Vec<_> = drain(&mut items).into_iter().map(Result::unwrap).collect();
    assert_eq!(got, expected, "byte by byte");
}

/// An inner stream that counts how often it is polled.
fn counted(
    chunks: Vec<Result<Vec<u8>, io::Error>>,
) -> (
    impl Stream<Item = Result<Vec<u8>, io::Error>> + Unpin,
    Rc<Cell<usize>>,
) {
    let polls = Rc::new(Cell::new(0));
    let seen = Rc::clone(&polls);
    let mut chunks = chunks.into_iter();
    let inner = stream::poll_fn(move |_| {
        seen.set(seen.get() + 1);
        Poll::Ready(chunks.next())
    });
    (inner, polls)
}

#[test]
fn the_inner_stream_is_not_polled_while_items_are_buffered() {
    let three = b"data: {\"choices\":[]}\n\ndata: {\"choices\":[]}\n\ndata: {\"choices\":[]}\n\n";
    let (inner, polls) = counted(vec![Ok(three.to_vec()), Ok(b"data: [DONE]\n\n".to_vec())]);
    let mut items = ChunkStream::new(inner);
    block_on(async {
        for expected_polls in [1, 1, 1] {
            assert!(items.next().await.unwrap().unwrap().as_chunk().is_some());
            assert_eq!(
                polls.get(),
                expected_polls,
                "three events came in one piece"
            );
        }
        assert!(items.next().await.unwrap().unwrap().is_done());
        assert_eq!(
            polls.get(),
            2,
            "the second piece is read only when the first is used up"
        );
        assert!(items.next().await.is_none());
        assert_eq!(polls.get(), 3, "the end of the inner stream");
        assert!(items.next().await.is_none());
        assert_eq!(
            polls.get(),
            3,
            "an ended stream does not poll its inner stream"
        );
    });
    assert!(futures::stream::FusedStream::is_terminated(&items));
}

#[test]
fn a_pending_inner_stream_makes_the_stream_pending() {
    let mut chunks = pieces(BODY, &[10, 200, 201, 400]).into_iter();
    let mut ready = false;
    let inner = stream::poll_fn(move |cx| {
        ready = !ready;
        if ready {
            Poll::Ready(chunks.next())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    });
    let mut items = ChunkStream::new(inner);
    let mut pendings = 0;
    let mut got = Vec::new();
    futures::executor::block_on(futures::future::poll_fn(|cx| loop {
        match items.poll_next_unpin(cx) {
            Poll::Pending => {
                pendings += 1;
                return Poll::Pending;
            }
            Poll::Ready(Some(item)) => got.push(item.unwrap()),
            Poll::Ready(None) => return Poll::Ready(()),
        }
    }));
    assert_eq!(got, reference(BODY).0);
    assert_eq!(
        pendings, 5,
        "one between every two of the six ready polls (five pieces, the end)"
    );
}

#[test]
fn an_inner_stream_that_is_not_unpin_is_pinned_in_place() {
    let chunks = pieces(BODY, &[33, 34, 35]);
    let inner = stream::unfold(chunks.into_iter(), |mut rest| async move {
        let next = rest.next()?;
        futures::future::ready(()).await;
        Some((next, rest))
    });
    let collected = block_on(ChunkStream::new(inner).completion()).unwrap();
    assert_eq!(collected, decode_completion(BODY).unwrap());

    let mut items = pin!(ChunkStream::new(stream::unfold(
        pieces(BODY, &[3]).into_iter(),
        |mut rest| async move { Some((rest.next()?, rest)) }
    )));
    let count = block_on(async {
        let mut count = 0;
        while let Some(item) = items.next().await {
            item.unwrap();
            count += 1;
        }
        count
    });
    assert_eq!(count, reference(BODY).0.len());
    assert_eq!(items.end(), Some(StreamEnd::Clean));
}

#[test]
fn a_transport_error_is_yielded_and_the_stream_goes_on() {
    let chunks = vec![
        Ok(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\nda".to_vec()),
        Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
        Ok(b"ta: [DONE]\n\n".to_vec()),
    ];
    let mut items = ChunkStream::new(stream::iter(chunks));
    let got = drain(&mut items);
    assert_eq!(got.len(), 3);
    assert!(got[0].as_ref().unwrap().as_chunk().is_some());
    let err = got[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(
        err.transport().map(io::Error::kind),
        Some(io::ErrorKind::ConnectionReset)
    );
    assert!(
        got[2].as_ref().unwrap().is_done(),
        "the partial line before the error is kept"
    );
    assert_eq!(items.end(), Some(StreamEnd::Clean));
}

#[test]
fn a_decoding_error_drops_one_event_and_the_stream_goes_on() {
    let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n\
                 data: {\"choices\": [}\n\n\
                 data: {\"choices\":7}\n\n\
                 data: [DONE]\n\n\
                 data: late\n\n";
    for cut in 0..=body.len() {
        let mut items = ChunkStream::new(stream::iter(pieces(body, &[cut])));
        let kinds: Vec<_> = drain(&mut items)
            .into_iter()
            .map(|item| match item {
                Ok(item) if item.as_chunk().is_some() => "chunk".to_owned(),
                Ok(item) if item.is_done() => "done".to_owned(),
                Ok(item) => format!("{item:?}"),
                Err(err) => format!("{:?}", err.kind()),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "chunk",
                "Stream(MalformedJson)",
                "Stream(InvalidChunk)",
                "done",
                "Stream(AfterDone)"
            ],
            "cut at {cut}"
        );
        assert_eq!(items.end(), Some(StreamEnd::Clean));
    }
}

#[test]
fn the_end_is_reported_after_the_last_item() {
    let cut_inside = &BODY[..BODY.len() - 1];
    let mut items = ChunkStream::new(stream::iter(pieces(cut_inside, &[])));
    assert_eq!(items.end(), None);
    let got = drain(&mut items);
    assert_eq!(got.len(), reference(BODY).0.len() - 1, "[DONE] never came");
    let end = items.end().unwrap();
    assert!(!end.saw_done() && end.discarded().unwrap().has_data());

    let without_done = &BODY[..BODY.len() - b"data: [DONE]\n\n".len()];
    let mut items = ChunkStream::new(stream::iter(pieces(without_done, &[100])));
    drain(&mut items);
    assert_eq!(items.end(), Some(StreamEnd::MissingDone));

    let mut items = ChunkStream::new(stream::iter(pieces(b"", &[])));
    assert!(drain(&mut items).is_empty());
    assert_eq!(items.end(), Some(StreamEnd::MissingDone));
}

#[test]
fn the_completion_is_what_decode_completion_gives() {
    let expected = decode_completion(BODY).unwrap();
    assert!(expected.is_complete());
    for cut in (0..=BODY.len()).step_by(7) {
        let inner = stream::iter(pieces(BODY, &[cut / 2, cut]));
        let collected = block_on(ChunkStream::new(inner).completion()).unwrap();
        assert_eq!(collected, expected, "cut at {cut} and {}", cut / 2);
    }
    let message = expected.completion.choices()[0].message.value().unwrap();
    assert_eq!(message.content_text().unwrap(), "Sun\nny \"day\"");
    let calls = message.tool_calls.value().unwrap();
    assert_eq!(
        calls[0]
            .function
            .value()
            .unwrap()
            .arguments
            .value()
            .unwrap(),
        r#"{"tz":"UTC"}"#
    );
}

#[test]
fn the_completion_keeps_server_errors_and_the_end() {
    let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n\
                 data: {\"error\":{\"message\":\"overloaded\",\"code\":503}}\n\n\
                 data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tial\"}}]}\n\n";
    let collected =
        block_on(ChunkStream::new(stream::iter(pieces(body, &[50]))).completion()).unwrap();
    assert!(!collected.is_complete());
    assert_eq!(collected.end, StreamEnd::MissingDone);
    assert_eq!(collected.errors.len(), 1);
    assert!(collected.errors[0].error.has_code("503"));
    let message = collected.completion.choices()[0].message.value().unwrap();
    assert_eq!(message.content_text().unwrap(), "partial");
}

#[test]
fn the_completion_fails_on_the_first_error() {
    let chunks = vec![
        Ok(BODY[..40].to_vec()),
        Err(io::Error::new(io::ErrorKind::TimedOut, "slow")),
        Ok(BODY[40..].to_vec()),
    ];
    let err = block_on(ChunkStream::new(stream::iter(chunks)).completion()).unwrap_err();
    assert!(err.is_transport());

    let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: nope\n\ndata: [DONE]\n\n";
    let err = block_on(ChunkStream::new(stream::iter(pieces(body, &[]))).completion()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Stream(StreamErrorKind::MalformedJson)
    );
}

#[test]
fn an_accumulating_stream_yields_every_item_and_accumulates_them() {
    let mut items = ChunkStream::new(stream::iter(pieces(BODY, &[77, 300])))
        .with_accumulator(Accumulator::new());
    let got: Vec<_> = drain(&mut items).into_iter().map(Result::unwrap).collect();
    assert_eq!(got, reference(BODY).0);
    let acc = items.into_accumulator().unwrap();
    assert_eq!(
        acc.completion(),
        decode_completion(BODY).unwrap().completion
    );
}

#[test]
fn an_accumulator_limit_is_an_error_in_place_of_the_chunk() {
    let limits = AccumulatorLimits::new().with_max_bytes(6);
    let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcd\"}}]}\n\n\
                 data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"efgh\"}}]}\n\n\
                 data: [DONE]\n\n";
    let mut items = ChunkStream::new(stream::iter(pieces(body, &[])))
        .with_accumulator(Accumulator::with_limits(limits));
    let got = drain(&mut items);
    assert_eq!(got.len(), 3);
    assert!(got[0].as_ref().unwrap().as_chunk().is_some());
    let err = got[1].as_ref().unwrap_err().stream().unwrap();
    assert!(matches!(err.kind(), StreamErrorKind::Accumulate(_)));
    assert_eq!(err.event_index(), Some(1));
    assert!(got[2].as_ref().unwrap().is_done());

    let err = block_on(
        ChunkStream::new(stream::iter(pieces(body, &[])))
            .with_accumulator(Accumulator::with_limits(limits))
            .completion(),
    )
    .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Stream(StreamErrorKind::Accumulate(_))
    ));
}
