//! Differential tests of the chunk fast path against the serde path: on generated chunks of
//! every shape and on mutated, truncated and malformed variants of them, the fast path either
//! declines (`None`) or yields exactly the serde path's value; and the public entry points
//! (`ChatCompletionChunk::from_json` / `from_slice`, `fastpath::parse_chunk`) give the serde
//! path's verdict, value and error position on every input.

use chatwire::fastpath;
use chatwire::types::ChatCompletionChunk;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

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

// --- generated chunk text -------------------------------------------------------------

/// Whitespace placed around every token of one object.
fn ws() -> impl Strategy<Value = &'static str> {
    select(vec!["", "", "", " ", "\n  ", "\t", "\r\n"])
}

/// An object from members, with `pad` around every token.
fn object(members: Vec<(String, String)>, pad: &str) -> String {
    let body: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("{pad}\"{k}\"{pad}:{pad}{v}{pad}"))
        .collect();
    format!("{{{}{pad}}}", body.join(","))
}

/// Present fields only, in a shuffled order.
fn members(
    fields: Vec<(&'static str, Option<String>)>,
) -> impl Strategy<Value = Vec<(String, String)>> {
    let present: Vec<(String, String)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Just(present).prop_shuffle()
}

/// The inside of a JSON string: plain text and every kind of escape.
fn string_body() -> impl Strategy<Value = String> {
    vec(
        select(vec![
            "a",
            "Hello",
            " ",
            "é",
            "你好",
            "😀",
            r"\n",
            r#"\""#,
            r"\\",
            r"\/",
            r"\b",
            r"\f",
            r"\r",
            r"\t",
            r"\u4f60",
            r"\u00e9",
            r"\ud83d\ude00",
            r"\ud800",
            r"\u0000",
            "'",
        ]),
        0..6,
    )
    .prop_map(|pieces| pieces.concat())
}

fn string() -> impl Strategy<Value = String> {
    string_body().prop_map(|s| format!("\"{s}\""))
}

fn string_or_null() -> BoxedStrategy<String> {
    prop_oneof![4 => string(), 1 => Just("null".to_owned())].boxed()
}

/// A value for an integer field: mostly plain integers, sometimes what the fast path leaves
/// to serde (floats, strings, negatives, huge numbers).
fn integer() -> BoxedStrategy<String> {
    prop_oneof![
        8 => (0u64..2_000_000_000).prop_map(|n| n.to_string()),
        1 => Just("null".to_owned()),
        1 => select(vec!["18446744073709551615", "18446744073709551616", "4294967296", "1.5",
            "-1", "\"3\"", "1e3", "0", "true"]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Any JSON value, for unknown fields and `logprobs`.
fn raw_value() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        select(vec!["0", "-0.5e-3", "7228414683750928000123", "12", "1E+2"])
            .prop_map(str::to_owned),
        string(),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            vec((select(vec!["a", "b", "k\\\"ey", "type"]), inner), 0..4).prop_map(|members| {
                let body: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
    .boxed()
}

/// Zero or more unknown fields (a repeated name, an escaped name now and then).
fn unknown() -> impl Strategy<Value = Vec<(String, String)>> {
    vec(
        (
            select(vec!["x_groq", "obfuscation", "x_a", "x_a", "k\\u0065y"]),
            raw_value(),
        ),
        0..3,
    )
    .prop_map(|fields| fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn with_unknown(
    known: impl Strategy<Value = Vec<(String, String)>>,
) -> impl Strategy<Value = Vec<(String, String)>> {
    (known, unknown(), any::<prop::sample::Index>()).prop_map(|(mut known, extra, at)| {
        for field in extra {
            let i = at.index(known.len() + 1);
            known.insert(i, field);
        }
        known
    })
}

fn function() -> BoxedStrategy<String> {
    (
        option::of(string_or_null()),
        option::of(string_or_null()),
        ws(),
    )
        .prop_flat_map(|(name, arguments, pad)| {
            with_unknown(members(vec![("name", name), ("arguments", arguments)]))
                .prop_map(move |m| object(m, pad))
        })
        .boxed()
}

fn tool_call() -> BoxedStrategy<String> {
    (
        option::of(integer()),
        option::of(string_or_null()),
        option::of(prop_oneof![
            Just("\"function\"".to_owned()),
            string_or_null()
        ]),
        option::of(prop_oneof![4 => function(), 1 => Just("null".to_owned())]),
        ws(),
    )
        .prop_flat_map(|(index, id, kind, function, pad)| {
            with_unknown(members(vec![
                ("index", index),
                ("id", id),
                ("type", kind),
                ("function", function),
            ]))
            .prop_map(move |m| object(m, pad))
        })
        .boxed()
}

fn list_of(item: BoxedStrategy<String>, max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        6 => vec(item, 0..max).prop_map(|items| format!("[{}]", items.join(","))),
        1 => Just("null".to_owned()),
    ]
    .boxed()
}

fn delta() -> BoxedStrategy<String> {
    (
        option::of(prop_oneof![
            Just("\"assistant\"".to_owned()),
            string_or_null()
        ]),
        option::of(prop_oneof![
            6 => string_or_null(),
            1 => Just(r#"[{"type":"text","text":"4"}]"#.to_owned()),
        ]),
        option::of(string_or_null()),
        option::of(string_or_null()),
        option::of(list_of(tool_call(), 3)),
        option::of(prop_oneof![function(), Just("null".to_owned())]),
        ws(),
    )
        .prop_flat_map(
            |(role, content, reasoning, refusal, calls, function_call, pad)| {
                with_unknown(members(vec![
                    ("role", role),
                    ("content", content),
                    ("reasoning_content", reasoning),
                    ("refusal", refusal),
                    ("tool_calls", calls),
                    ("function_call", function_call),
                ]))
                .prop_map(move |m| object(m, pad))
            },
        )
        .boxed()
}

fn choice() -> BoxedStrategy<String> {
    (
        option::of(integer()),
        option::of(prop_oneof![5 => delta(), 1 => Just("null".to_owned())]),
        option::of(prop_oneof![
            Just("\"stop\"".to_owned()),
            Just("\"tool_calls\"".to_owned()),
            string_or_null()
        ]),
        option::of(raw_value()),
        ws(),
    )
        .prop_flat_map(|(index, delta, finish, logprobs, pad)| {
            with_unknown(members(vec![
                ("index", index),
                ("delta", delta),
                ("finish_reason", finish),
                ("logprobs", logprobs),
            ]))
            .prop_map(move |m| object(m, pad))
        })
        .boxed()
}

fn usage() -> BoxedStrategy<String> {
    (
        option::of(integer()),
        option::of(integer()),
        option::of(integer()),
        option::of(integer().prop_map(|n| format!("{{\"cached_tokens\":{n}}}"))),
        option::of(integer().prop_map(|n| format!("{{\"reasoning_tokens\":{n},\"x\":1}}"))),
        ws(),
    )
        .prop_flat_map(
            |(prompt, completion, total, prompt_details, completion_details, pad)| {
                with_unknown(members(vec![
                    ("prompt_tokens", prompt),
                    ("completion_tokens", completion),
                    ("total_tokens", total),
                    ("prompt_tokens_details", prompt_details),
                    ("completion_tokens_details", completion_details),
                ]))
                .prop_map(move |m| object(m, pad))
            },
        )
        .boxed()
}

fn chunk() -> BoxedStrategy<String> {
    (
        (
            option::of(string_or_null()),
            option::of(prop_oneof![
                Just("\"chat.completion.chunk\"".to_owned()),
                string_or_null()
            ]),
            option::of(integer()),
            option::of(string_or_null()),
            option::of(string_or_null()),
            option::of(prop_oneof![
                Just("\"default\"".to_owned()),
                string_or_null()
            ]),
        ),
        option::of(list_of(choice(), 3)),
        option::of(prop_oneof![3 => Just("null".to_owned()), 2 => usage()]),
        option::of(prop_oneof![
            5 => Just("null".to_owned()),
            1 => Just(r#"{"message":"overloaded","code":502}"#.to_owned()),
        ]),
        ws(),
        ws(),
    )
        .prop_flat_map(
            |(
                (id, object_kind, created, model, fingerprint, tier),
                choices,
                usage,
                error,
                pad,
                outer,
            )| {
                with_unknown(members(vec![
                    ("id", id),
                    ("object", object_kind),
                    ("created", created),
                    ("model", model),
                    ("system_fingerprint", fingerprint),
                    ("service_tier", tier),
                    ("choices", choices),
                    ("usage", usage),
                    ("error", error),
                ]))
                .prop_map(move |m| format!("{outer}{}{outer}", object(m, pad)))
            },
        )
        .boxed()
}

/// A typical DashScope text chunk, which must take the fast path.
fn stream_chunk() -> BoxedStrategy<String> {
    (string_body(), 0u32..3, any::<bool>(), 1_700_000_000u64..1_800_000_000).prop_map(
        |(text, index, reasoning, created)| {
            let field = if reasoning { "reasoning_content" } else { "content" };
            format!(
                r#"{{"choices":[{{"delta":{{"{field}":"{text}"}},"finish_reason":null,"index":{index},"logprobs":null}}],"object":"chat.completion.chunk","usage":null,"created":{created},"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-{created}"}}"#
            )
        },
    )
    .boxed()
}

/// Ways to break a text: truncate it, or delete, replace or insert a character.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index),
    Replace(prop::sample::Index, char),
    Insert(prop::sample::Index, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let c = select(vec![
        '"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e', 'n', 'u', 't', ' ',
        '\u{1}', '\n', 'x', '/', 'é',
    ]);
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        (any::<prop::sample::Index>(), c.clone()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        (any::<prop::sample::Index>(), c).prop_map(|(i, c)| Mutation::Insert(i, c)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let n = chars.len();
        match *m {
            Mutation::Truncate(i) => chars.truncate(i.index(n + 1)),
            Mutation::Delete(i) if n > 0 => {
                chars.remove(i.index(n));
            }
            Mutation::Replace(i, c) if n > 0 => chars[i.index(n)] = c,
            Mutation::Insert(i, c) => chars.insert(i.index(n + 1), c),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

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
