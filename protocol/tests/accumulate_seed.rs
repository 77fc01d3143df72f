//! The contract's streaming samples (the Model Studio "OpenAI compatible - Chat" document),
//! decoded and accumulated, give the answer of its non-streaming samples.
//!
//! The document's samples come from different calls: the OpenAI SDK's streamed chunks carry
//! the text of the HTTP non-streaming sample and the usage of the LangChain non-streaming
//! sample (22 prompt, 16 completion, 38 total tokens); the HTTP streamed sample has its own
//! wording and, not asking for usage, none.

mod seed;

use chatwire::stream::{decode_completion, StreamEnd};
use chatwire::types::{ChatCompletion, FinishReason};
use serde_json::Value;

use seed::{CURL_COMPLETION, CURL_STREAM, SDK_CHUNKS};

/// The LangChain non-streaming sample's `token_usage` (completion, prompt, total).
const LANGCHAIN_TOKEN_USAGE: (u64, u64, u64) = (16, 22, 38);

/// The SDK's chunks, as the server sent them: each a `data:` event, then `[DONE]`.
fn sdk_stream() -> String {
    let mut wire = String::new();
    for line in SDK_CHUNKS.iter().copied() {
        wire.push_str("data: ");
        wire.push_str(line);
        wire.push_str("\n\n");
    }
    wire.push_str("data: [DONE]\n\n");
    wire
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn the_sdk_stream_accumulates_to_the_non_streaming_answer_and_usage() {
    let expected = ChatCompletion::from_json(CURL_COMPLETION).unwrap();
    let collected = decode_completion(sdk_stream().as_bytes()).unwrap();
    assert!(collected.is_complete());
    let completion = &collected.completion;

    let answer = expected.choices()[0].message.value().unwrap();
    let message = completion.choices()[0].message.value().unwrap();
    assert_eq!(message.content_text(), answer.content_text());
    assert_eq!(message.role, answer.role);
    assert_eq!(
        completion.choices()[0].finish_reason.value(),
        Some(&FinishReason::Stop)
    );
    let usage = completion.usage.value().unwrap();
    assert_eq!(
        (
            usage.completion_tokens.value().copied(),
            usage.prompt_tokens.value().copied(),
            usage.total_tokens.value().copied()
        ),
        (
            Some(LANGCHAIN_TOKEN_USAGE.0),
            Some(LANGCHAIN_TOKEN_USAGE.1),
            Some(LANGCHAIN_TOKEN_USAGE.2)
        )
    );
    assert_eq!(completion.id.value().unwrap(), "chatcmpl-xxx");
    assert_eq!(completion.model.value().unwrap(), "qwen-plus");
    assert_eq!(completion.created.value(), Some(&1719286190));

    // The same shape as the documented non-streaming body, key for key.
    let got: Value = serde_json::from_str(&completion.to_json()).unwrap();
    let want: Value = serde_json::from_str(CURL_COMPLETION).unwrap();
    assert_eq!(keys(&got), keys(&want));
    assert_eq!(keys(&got["choices"][0]), keys(&want["choices"][0]));
    assert_eq!(
        keys(&got["choices"][0]["message"]),
        keys(&want["choices"][0]["message"])
    );
    assert_eq!(got["choices"][0]["message"], want["choices"][0]["message"]);
    assert_eq!(got["object"], want["object"]);
}

#[test]
fn the_http_stream_accumulates_in_any_split() {
    // The blank line printed after `data: [DONE]` is also where the document's next section
    // starts. Without it, the line end after `[DONE]` is the last byte, and strictly
    // `[DONE]` never arrives.
    let without_blank_line = CURL_STREAM.strip_suffix('\n').unwrap();
    let printed = decode_completion(without_blank_line.as_bytes()).unwrap();
    let StreamEnd::Truncated {
        saw_done: false,
        discarded,
    } = printed.end
    else {
        panic!("{:?}", printed.end);
    };
    assert!(discarded.has_data() && discarded.len() == "data: [DONE]\n".len() as u64);

    let bytes = CURL_STREAM.as_bytes();
    let whole = decode_completion(bytes).unwrap();
    assert_eq!(whole.end, StreamEnd::Clean);
    assert_eq!(whole.completion, printed.completion);
    let message = whole.completion.choices()[0].message.value().unwrap();
    assert_eq!(
        message.content_text().unwrap(),
        "I am a large-scale language model from Alibaba Cloud, and my name is Qwen."
    );
    assert!(whole.completion.usage.is_absent(), "no usage was asked for");
    assert_eq!(
        whole.completion.id.value().unwrap(),
        "chatcmpl-3bb05cf5cd819fbca5f0b8d67a025022"
    );
    assert!(whole.completion.system_fingerprint.is_null());

    for cut in 1..bytes.len() {
        let mut decoder = chatwire::stream::ChunkDecoder::new();
        let mut acc = chatwire::accumulate::Accumulator::new();
        decoder.feed(&bytes[..cut]);
        decoder.drain_into(&mut acc).unwrap();
        decoder.feed(&bytes[cut..]);
        decoder.drain_into(&mut acc).unwrap();
        assert!(decoder.finish().is_clean());
        assert_eq!(acc.into_completion(), whole.completion, "cut at {cut}");
    }
}
