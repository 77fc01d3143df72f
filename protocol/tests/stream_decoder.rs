//! The typed stream decoder, one case per item kind and per error, each run whole, byte by
//! byte and split at every point.

use chatwire::sse::Config;
use chatwire::stream::{ChunkDecoder, StreamEnd, StreamErrorKind, StreamItem, ERROR_DATA_LIMIT};

/// A compact description of what the decoder yields, so that cases read as tables.
fn describe(item: &StreamItem<'_>) -> String {
    match item {
        StreamItem::Chunk(chunk) => {
            let mut text = String::new();
            for choice in chunk.choices() {
                if let Some(piece) = choice.text() {
                    piece.unescape_into(&mut text);
                }
            }
            format!("chunk({}):{text}", chunk.choices().len())
        }
        StreamItem::Done => "done".to_owned(),
        StreamItem::Error(envelope) => format!(
            "error:{}",
            envelope
                .error
                .message
                .value()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        StreamItem::Comment(text) => format!("comment:{text}"),
        StreamItem::Other(event) => format!("other:{}:{}", event.event_type(), event.data()),
        other => panic!("unknown item {other:?}"),
    }
}

/// Feeds `input` cut at `cuts`, and describes every item and error, then the end.
fn run(input: &[u8], cuts: &[usize]) -> (Vec<String>, StreamEnd) {
    let mut decoder = ChunkDecoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&input.len()]) {
        decoder.feed(&input[start..end]);
        start = end;
        loop {
            match decoder.next_item() {
                Ok(Some(item)) => out.push(describe(&item)),
                Ok(None) => break,
                Err(err) => out.push(format!(
                    "err:{:?}@{},{}",
                    err.kind(),
                    err.event_index().unwrap_or(u64::MAX),
                    err.offset()
                )),
            }
        }
    }
    (out, decoder.finish())
}

/// [`run`] through `ChunkDecoder::decode` (each piece read in place).
fn run_in_place(input: &[u8], cuts: &[usize]) -> (Vec<String>, StreamEnd) {
    let mut decoder = ChunkDecoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&input.len()]) {
        let mut items = decoder.decode(&input[start..end]);
        start = end;
        loop {
            match items.next_item() {
                Ok(Some(item)) => out.push(describe(&item)),
                Ok(None) => break,
                Err(err) => out.push(format!(
                    "err:{:?}@{},{}",
                    err.kind(),
                    err.event_index().unwrap_or(u64::MAX),
                    err.offset()
                )),
            }
        }
    }
    (out, decoder.finish())
}

/// Runs `input` whole, byte by byte and cut at every single point, fed and read in place;
/// all must agree.
fn check(input: &str, expected: &[&str], end: StreamEnd) {
    let bytes = input.as_bytes();
    let whole = run(bytes, &[]);
    assert_eq!(whole.0, expected, "whole: {input:?}");
    assert_eq!(whole.1, end, "end: {input:?}");
    assert_eq!(run_in_place(bytes, &[]), whole, "in place: {input:?}");
    let every: Vec<usize> = (1..bytes.len()).collect();
    assert_eq!(run(bytes, &every), whole, "byte by byte: {input:?}");
    assert_eq!(
        run_in_place(bytes, &every),
        whole,
        "in place, byte by byte: {input:?}"
    );
    for cut in 1..bytes.len() {
        assert_eq!(run(bytes, &[cut]), whole, "cut at {cut}: {input:?}");
        assert_eq!(
            run_in_place(bytes, &[cut]),
            whole,
            "in place, cut at {cut}: {input:?}"
        );
    }
}

const CHUNK_HI: &str = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi \"you\"\n"},"finish_reason":null}]}"#;

#[test]
fn chunks_and_done() {
    let input = format!("data: {CHUNK_HI}\n\ndata: [DONE]\n\n");
    check(&input, &["chunk(1):Hi \"you\"\n", "done"], StreamEnd::Clean);
}

#[test]
fn done_tolerates_surrounding_whitespace_but_nothing_else() {
    check("data:  [DONE] \n\n", &["done"], StreamEnd::Clean);
    check("data: [DONE]\ndata:\n\n", &["done"], StreamEnd::Clean);
    check(
        "data: [done]\n\n",
        &["err:MalformedJson@0,0"],
        StreamEnd::MissingDone,
    );
    check(
        "data: [DONE] x\n\n",
        &["err:MalformedJson@0,0"],
        StreamEnd::MissingDone,
    );
}

#[test]
fn usage_only_and_prompt_filter_chunks_are_chunks() {
    let usage = r#"{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#;
    let filter = r#"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0}]}"#;
    let nothing = r#"{"object":"chat.completion.chunk","usage":null}"#;
    let input = format!("data: {filter}\n\ndata: {usage}\n\ndata: {nothing}\n\n");
    check(
        &input,
        &["chunk(0):", "chunk(0):", "chunk(0):"],
        StreamEnd::MissingDone,
    );
}

#[test]
fn bare_error_envelopes_are_errors() {
    let input = "data: {\"error\":{\"message\":\"Provider returned error\",\"code\":429},\"user_id\":\"u\"}\n\ndata: [DONE]\n\n";
    check(
        input,
        &["error:Provider returned error", "done"],
        StreamEnd::Clean,
    );
    let mut decoder = ChunkDecoder::new();
    decoder.feed(input.as_bytes());
    let Ok(Some(StreamItem::Error(envelope))) = decoder.next_item() else {
        panic!("an error item");
    };
    assert!(envelope.error.has_code("429"));
    assert_eq!(envelope.extra.get("user_id").unwrap().get(), r#""u""#);
}

#[test]
fn error_events_of_every_shape() {
    let input = concat!(
        "event: error\ndata: {\"error\":{\"message\":\"Tool call validation failed\",\"type\":\"invalid_request_error\",\"code\":\"tool_use_failed\",\"status_code\":400}}\n\n",
        "event: error\ndata: {\"message\":\"overloaded\",\"code\":503}\n\n",
        "event: error\ndata: upstream closed\n\n",
        "event: error\ndata: {\"choices\":[]}\n\n",
    );
    check(
        input,
        &[
            "error:Tool call validation failed",
            "error:overloaded",
            "error:upstream closed",
            "error:",
        ],
        StreamEnd::MissingDone,
    );
}

#[test]
fn an_error_beside_choices_yields_the_chunk_then_the_error() {
    let data = r#"{"id":"gen-1","error":{"code":400,"message":"Token limit reached"},"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"!"},"finish_reason":null}],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}"#;
    let input = format!(": PROCESSING\n\ndata: {data}\n\ndata: [DONE]\n\n");
    check(
        &input,
        &[
            "comment: PROCESSING",
            "chunk(1):!",
            "error:Token limit reached",
            "done",
        ],
        StreamEnd::Clean,
    );
    // The chunk itself still carries the error, and the error item has the code too.
    let mut decoder = ChunkDecoder::new();
    decoder.feed(input.as_bytes());
    assert!(matches!(
        decoder.next_item(),
        Ok(Some(StreamItem::Comment(_)))
    ));
    match decoder.next_item() {
        Ok(Some(StreamItem::Chunk(chunk))) => assert!(chunk.error.is_value()),
        other => panic!("{other:?}"),
    }
    match decoder.next_item() {
        Ok(Some(StreamItem::Error(envelope))) => assert!(envelope.error.has_code("400")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn keep_alive_comments() {
    check(
        ":\n: OPENROUTER PROCESSING\n\n:ping\r\ndata: [DONE]\r\n\r\n",
        &[
            "comment:",
            "comment: OPENROUTER PROCESSING",
            "comment:ping",
            "done",
        ],
        StreamEnd::Clean,
    );
}

#[test]
fn other_events_are_passed_on() {
    let input = concat!(
        "event: ping\ndata: {\"choices\":[]}\n\n",
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\n\n",
        "data: [1,2]\n\n",
        "data: \"text\"\n\n",
        "data: 42\n\n",
    );
    check(
        input,
        &[
            "other:ping:{\"choices\":[]}",
            "other:message:{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}",
            "other:message:[1,2]",
            "other:message:\"text\"",
            "other:message:42",
        ],
        StreamEnd::MissingDone,
    );
}

#[test]
fn empty_data_is_skipped_and_still_counted() {
    let input = format!("data:\n\ndata: \n\ndata:   \ndata:\n\ndata: {CHUNK_HI}\n\nevent: x\n\n");
    check(&input, &["chunk(1):Hi \"you\"\n"], StreamEnd::MissingDone);
    let mut decoder = ChunkDecoder::new();
    decoder.feed(format!("{input}data: {{\"choices\":3}}\n\n").as_bytes());
    assert!(matches!(
        decoder.next_item(),
        Ok(Some(StreamItem::Chunk(_)))
    ));
    let err = decoder.next_item().unwrap_err();
    assert_eq!(
        err.event_index(),
        Some(4),
        "three skipped events and a chunk before it"
    );
    assert_eq!(decoder.events(), 5);
}

#[test]
fn malformed_json_is_a_typed_error_with_index_offset_and_data() {
    let bad = r#"{"choices":[{"delta":{"content":"a"}}"#;
    let input = format!("data: {CHUNK_HI}\n\ndata: {bad}\n\ndata: [DONE]\n\n");
    let offset = format!("data: {CHUNK_HI}\n\n").len();
    let expected = format!("err:MalformedJson@1,{offset}");
    check(
        &input,
        &["chunk(1):Hi \"you\"\n", &expected, "done"],
        StreamEnd::Clean,
    );

    let mut decoder = ChunkDecoder::new();
    decoder.feed(input.as_bytes());
    decoder.next_item().unwrap();
    let err = decoder.next_item().unwrap_err();
    assert_eq!(err.data(), Some(bad));
    assert_eq!(err.data_len(), Some(bad.len()));
    assert!(!err.is_data_truncated());
    let parse = err.parse_error().expect("the JSON error");
    assert!(parse.is_eof());
    assert!(
        parse.offset() + 1 >= bad.len(),
        "at the end: {}",
        parse.offset()
    );
    assert!(err.is_recoverable());
    let text = err.to_string();
    assert!(
        text.contains("SSE event 1") && text.contains(&format!("byte {offset}")),
        "{text}"
    );
    assert_eq!(decoder.next_item().unwrap(), Some(StreamItem::Done));
}

#[test]
fn a_json_object_that_is_not_a_chunk_is_an_invalid_chunk() {
    check(
        "data: {\"choices\":3}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}\n\n",
        &["err:InvalidChunk@0,0", "err:InvalidChunk@1,21"],
        StreamEnd::MissingDone,
    );
}

#[test]
fn error_data_is_bounded() {
    let huge = format!("{{\"choices\":[{}", "\"é\",".repeat(4000));
    let mut decoder = ChunkDecoder::new();
    decoder.feed(format!("data: {huge}\n\n").as_bytes());
    let err = decoder.next_item().unwrap_err();
    assert_eq!(err.kind(), StreamErrorKind::MalformedJson);
    assert!(err.data().unwrap().len() <= ERROR_DATA_LIMIT);
    assert!(err.data().unwrap().len() > ERROR_DATA_LIMIT - 4);
    assert_eq!(err.data_len(), Some(huge.len()));
    assert!(err.is_data_truncated());
    assert!(huge.starts_with(err.data().unwrap()));
}

#[test]
fn data_after_done_is_reported_not_merged() {
    let input =
        format!("data: [DONE]\n\ndata: {CHUNK_HI}\n\nevent: error\ndata: x\n\ndata: [DONE]\n\n");
    let second = "data: [DONE]\n\n".len();
    let third = second + format!("data: {CHUNK_HI}\n\n").len();
    let fourth = third + "event: error\ndata: x\n\n".len();
    let expected = [
        "done".to_owned(),
        format!("err:AfterDone@1,{second}"),
        format!("err:AfterDone@2,{third}"),
        format!("err:AfterDone@3,{fourth}"),
    ];
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    check(&input, &expected, StreamEnd::Clean);

    let mut decoder = ChunkDecoder::new();
    decoder.feed(input.as_bytes());
    assert!(decoder.next_item().unwrap().unwrap().is_done());
    let err = decoder.next_item().unwrap_err();
    assert_eq!(err.kind(), StreamErrorKind::AfterDone);
    assert_eq!(err.data(), Some(CHUNK_HI));
    assert!(err.to_string().contains("after [DONE]"));
}

#[test]
fn a_stream_without_done_is_reported() {
    let input = format!("data: {CHUNK_HI}\n\n");
    check(&input, &["chunk(1):Hi \"you\"\n"], StreamEnd::MissingDone);
    assert!(!StreamEnd::MissingDone.is_clean());
    assert!(!StreamEnd::MissingDone.saw_done());
    assert_eq!(StreamEnd::MissingDone.discarded(), None);
}

#[test]
fn a_discarded_trailing_event_is_reported() {
    // Azure's shape: `data: [DONE]` followed by one LF and the end of the stream.
    let (items, end) = run(
        format!("data: {CHUNK_HI}\n\ndata: [DONE]\n").as_bytes(),
        &[],
    );
    assert_eq!(items, ["chunk(1):Hi \"you\"\n"]);
    let StreamEnd::Truncated {
        saw_done,
        discarded,
    } = end
    else {
        panic!("{end:?}");
    };
    assert!(!saw_done && discarded.has_data() && !discarded.ends_mid_line());

    // Cut in the middle of a chunk after [DONE] was seen.
    let (items, end) = run(b"data: [DONE]\n\ndata: {\"choi", &[]);
    assert_eq!(items, ["done"]);
    assert!(end.saw_done() && !end.is_clean());
    let discarded = end.discarded().expect("discarded");
    assert!(discarded.ends_mid_line());
    assert_eq!((discarded.offset(), discarded.len()), (14, 12));
}

#[test]
fn finish_readies_the_decoder_for_another_stream() {
    let mut decoder = ChunkDecoder::new();
    decoder.feed(b"data: [DONE]\n\n");
    assert!(decoder.next_item().unwrap().unwrap().is_done());
    assert!(decoder.saw_done());
    assert_eq!(decoder.finish(), StreamEnd::Clean);
    assert!(!decoder.saw_done());
    assert_eq!(decoder.events(), 0);
    decoder.feed(format!("data: {CHUNK_HI}\n\n").as_bytes());
    assert!(matches!(
        decoder.next_item(),
        Ok(Some(StreamItem::Chunk(_)))
    ));
    assert_eq!(decoder.finish(), StreamEnd::MissingDone);
}

#[test]
fn sse_errors_pass_through_with_the_event_index() {
    let mut decoder = ChunkDecoder::with_config(Config::new().with_max_line_length(64));
    let long = format!("data: {}\n\n", "x".repeat(100));
    decoder.feed(format!("data: [1]\n\n{long}data: [DONE]\n\n").as_bytes());
    assert!(matches!(
        decoder.next_item(),
        Ok(Some(StreamItem::Other(_)))
    ));
    let err = decoder.next_item().unwrap_err();
    assert_eq!(
        err.kind(),
        StreamErrorKind::Sse(chatwire::sse::ErrorKind::LineTooLong)
    );
    assert_eq!(err.event_index(), Some(1));
    assert_eq!(err.offset(), 11);
    assert!(err.sse_error().is_some() && err.is_recoverable());
    assert!(decoder.next_item().unwrap().unwrap().is_done());
    assert_eq!(
        decoder.sse().total_consumed(),
        (11 + long.len() + 14) as u64
    );
}

#[test]
fn item_accessors() {
    let mut decoder = ChunkDecoder::new();
    decoder.feed(format!("data: {CHUNK_HI}\n\ndata: {{\"error\":{{}}}}\n\n").as_bytes());
    let item = decoder.next_item().unwrap().unwrap();
    assert!(item.as_chunk().is_some() && item.as_error().is_none() && !item.is_done());
    let item = decoder.next_item().unwrap().unwrap();
    assert!(item.as_error().is_some() && item.as_chunk().is_none());
}
