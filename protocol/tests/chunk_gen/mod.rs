//! Generators of chat completion chunk text (every field, escapes, unknown fields, odd
//! numbers, whitespace) and of ways to break it, shared by differential tests.
#![allow(dead_code)] // each test binary uses a different part

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

/// Whitespace placed around every token of one object.
pub fn ws() -> impl Strategy<Value = &'static str> {
    select(vec!["", "", "", " ", "\n  ", "\t", "\r\n"])
}

/// An object from members, with `pad` around every token.
pub fn object(members: Vec<(String, String)>, pad: &str) -> String {
    let body: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("{pad}\"{k}\"{pad}:{pad}{v}{pad}"))
        .collect();
    format!("{{{}{pad}}}", body.join(","))
}

/// Present fields only, in a shuffled order.
pub fn members(
    fields: Vec<(&'static str, Option<String>)>,
) -> impl Strategy<Value = Vec<(String, String)>> {
    let present: Vec<(String, String)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Just(present).prop_shuffle()
}

/// The inside of a JSON string: plain text and every kind of escape.
pub fn string_body() -> impl Strategy<Value = String> {
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

pub fn string() -> impl Strategy<Value = String> {
    string_body().prop_map(|s| format!("\"{s}\""))
}

pub fn string_or_null() -> BoxedStrategy<String> {
    prop_oneof![4 => string(), 1 => Just("null".to_owned())].boxed()
}

/// A value for an integer field: mostly plain integers, sometimes what the fast path leaves
/// to serde (floats, strings, negatives, huge numbers).
pub fn integer() -> BoxedStrategy<String> {
    prop_oneof![
        8 => (0u64..2_000_000_000).prop_map(|n| n.to_string()),
        1 => Just("null".to_owned()),
        1 => select(vec!["18446744073709551615", "18446744073709551616", "4294967296", "1.5",
            "-1", "\"3\"", "1e3", "0", "true"]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Any JSON value, for unknown fields and `logprobs`.
pub fn raw_value() -> BoxedStrategy<String> {
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
pub fn unknown() -> impl Strategy<Value = Vec<(String, String)>> {
    vec(
        (
            select(vec!["x_groq", "obfuscation", "x_a", "x_a", "k\\u0065y"]),
            raw_value(),
        ),
        0..3,
    )
    .prop_map(|fields| fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

pub fn with_unknown(
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

pub fn function() -> BoxedStrategy<String> {
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

pub fn tool_call() -> BoxedStrategy<String> {
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

pub fn list_of(item: BoxedStrategy<String>, max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        6 => vec(item, 0..max).prop_map(|items| format!("[{}]", items.join(","))),
        1 => Just("null".to_owned()),
    ]
    .boxed()
}

pub fn delta() -> BoxedStrategy<String> {
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

pub fn choice() -> BoxedStrategy<String> {
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

pub fn usage() -> BoxedStrategy<String> {
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

pub fn chunk() -> BoxedStrategy<String> {
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

/// A typical DashScope text chunk.
pub fn stream_chunk() -> BoxedStrategy<String> {
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
pub enum Mutation {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index),
    Replace(prop::sample::Index, char),
    Insert(prop::sample::Index, char),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
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

pub fn mutate(text: &str, mutations: &[Mutation]) -> String {
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
