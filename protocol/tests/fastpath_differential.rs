//! Differential tests of the chunk fast path against the serde path: on generated chunks of
//! every shape and on mutated, truncated and malformed variants of them, the fast path either
//! declines (`None`) or yields exactly the serde path's value; and the public entry points
//! (`ChatCompletionChunk::from_json` / `from_slice`, `fastpath::parse_chunk`) give the serde
//! path's verdict, value and error position on every input.

mod chunk_gen;

use chatwire::fastpath;
use chatwire::types::ChatCompletionChunk;
use chunk_gen::{chunk, mutate, mutation, stream_chunk};
use proptest::collection::vec;
use proptest::prelude::*;

/// Checks one input; returns whether the fast path handled it.
fn check(text: &str) -> Result<bool, TestCaseError> {
    let serde = serde_json::from_str::<ChatCompletionChunk<'_>>(text);
    let fast = fastpath::try_parse_chunk(text);
    if let Some(fast) = &fast {
        let Ok(serde) = &serde else {
            return Err(TestCaseError::fail(format!(
                "the fast path accepted what serde rejects ({:?}): {text}",
                serde.err()
            )));
        };
        prop_assert_eq!(fast, serde, "{}", text);
        prop_assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "{}", text);
        prop_assert_eq!(fast.to_json(), serde.to_json(), "{}", text);
        same_representation(fast, serde)?;
    }
    for public in [
        ChatCompletionChunk::from_json(text),
        ChatCompletionChunk::from_slice(text.as_bytes()),
        fastpath::parse_chunk(text),
        fastpath::parse_chunk_slice(text.as_bytes()),
    ] {
        match (&public, &serde) {
            (Ok(public), Ok(serde)) => prop_assert_eq!(public, serde, "{}", text),
            (Err(public), Err(serde)) => {
                prop_assert_eq!(
                    (public.line(), public.column()),
                    (serde.line(), serde.column())
                );
            }
            _ => {
                return Err(TestCaseError::fail(format!(
                    "verdicts differ: {public:?} vs {serde:?}: {text}"
                )))
            }
        }
    }
    Ok(fast.is_some())
}

/// Strings are borrowed alike: raw (escaped) on both sides or plain on both sides.
fn same_representation(
    fast: &ChatCompletionChunk<'_>,
    serde: &ChatCompletionChunk<'_>,
) -> Result<(), TestCaseError> {
    fn strings<'a>(chunk: &ChatCompletionChunk<'a>) -> Vec<(bool, Option<&'a str>)> {
        let mut out = Vec::new();
        for s in [chunk.id.value(), chunk.model.value()]
            .into_iter()
            .flatten()
        {
            out.push((s.is_escaped(), s.raw()));
        }
        for choice in chunk.choices() {
            if let Some(text) = choice.text() {
                out.push((text.is_escaped(), text.raw()));
            }
            for call in choice.tool_calls() {
                if let Some(args) = call.arguments_text() {
                    out.push((args.is_escaped(), args.raw()));
                }
            }
        }
        out
    }
    prop_assert_eq!(strings(fast), strings(serde));
    Ok(())
}

// The generated chunk text comes from `chunk_gen`, shared with the back-end tests.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_chunks_agree(text in chunk()) {
        check(&text)?;
    }

    #[test]
    fn mutated_chunks_agree(text in chunk(), mutations in vec(mutation(), 1..4)) {
        check(&mutate(&text, &mutations))?;
    }

    #[test]
    fn mutated_stream_chunks_agree(text in stream_chunk(), mutations in vec(mutation(), 1..3)) {
        check(&mutate(&text, &mutations))?;
    }

    #[test]
    fn stream_chunks_take_the_fast_path(text in stream_chunk()) {
        prop_assert!(check(&text)?, "declined: {}", text);
    }
}

/// Enough of the generated chunks take the fast path for the comparison to mean something.
#[test]
fn most_generated_chunks_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = chunk();
    let (mut fast, total) = (0, 400);
    for _ in 0..total {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        if check(&text).expect("paths agree") {
            fast += 1;
        }
    }
    assert!(
        fast * 4 >= total,
        "only {fast} of {total} took the fast path"
    );
}

/// Hand-picked inputs at the edges of what the fast path handles.
#[test]
fn edge_cases_agree() {
    let cases = [
        "{}",
        " {} ",
        "{} x",
        "[]",
        "",
        "null",
        r#"{"choices":[]}"#,
        r#"{"choices":[],}"#,
        r#"{"choices":[{},]}"#,
        r#"{"choices":[1]}"#,
        r#"{"choices":{}}"#,
        r#"{"id":"a","id":"b"}"#,
        r#"{"created":1,"created":1.5}"#,
        r#"{"created":1.5,"created":1}"#,
        r#"{"created":01}"#,
        r#"{"created":-0}"#,
        r#"{"created":1e2}"#,
        r#"{"created":18446744073709551616}"#,
        r#"{"choices":[{"index":4294967296}]}"#,
        r#"{"choices":[{"delta":{"content":"a\u00"}}]}"#,
        r#"{"choices":[{"delta":{"content":"\ud800"}}]}"#,
        "{\"choices\":[{\"delta\":{\"content\":\"a\u{1}\"}}]}",
        r#"{"choices":[{"delta":{"content":"a\x"}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0},{"index":1}]}}]}"#,
        r#"{"choices":[{"logprobs":{"content":[{"token":"a","logprob":-0.1}]}}]}"#,
        r#"{"choices":[{"logprobs":nul}]}"#,
        r#"{"ke\u0079":1}"#,
        r#"{"x":1,"x":2}"#,
        r#"{"usage":{"prompt_tokens":1,"prompt_tokens_details":null}}"#,
        r#"{"usage":{"prompt_tokens":"1"}}"#,
        r#"{"error":null}"#,
        r#"{"error":{"message":"m"}}"#,
        r#"{"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        r#"{"x":tru}"#,
        r#"{"x" 1}"#,
        r#"{"x":1 "y":2}"#,
        r#"{"object":"chat.completion.chunk","service_tier":"flex"}"#,
        r#"{"choices":[{"finish_reason":"st\u006fp"}]}"#,
    ];
    for text in cases {
        check(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    assert!(check(r#"{"choices":[{"logprobs":{"content":[]}}],"x":1}"#).unwrap());
    assert!(!check(r#"{"created":1.5}"#).unwrap());
}
