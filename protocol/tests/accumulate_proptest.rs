//! The accumulation property: a completion whose content, reasoning, refusal and tool-call
//! arguments are split into arbitrary chunk sequences — texts cut at arbitrary character
//! boundaries and each piece JSON-encoded on its own (so escapes such as `\n`, `\"`,
//! `\u0001` and non-ASCII text fall anywhere), choices interleaved in any order and sometimes
//! sharing a chunk, tool calls in every provider's continuation style — streamed as SSE in
//! arbitrary byte pieces, decodes and accumulates back to the original completion.

use proptest::prelude::*;

use chatwire::accumulate::Accumulator;
use chatwire::stream::ChunkDecoder;
use chatwire::types::{
    ChatCompletion, ChatCompletionChunk, Choice, ChunkChoice, Delta, FinishReason,
    FunctionCallDelta, JsonStr, List, Maybe, MessageContent, ResponseMessage, Role, ToolCall,
    ToolCallDelta, ToolType, Usage,
};

/// How a provider streams the pieces of a tool call.
#[derive(Debug, Clone, Copy)]
enum Style {
    /// Index on every piece, id and name on the first only.
    OpenAi,
    /// DashScope: continuations repeat `type` and send `"id":""`.
    DashScope,
    /// DeepSeek: continuations repeat the id.
    DeepSeek,
    /// Mistral: no index and no type; the id on the first piece only.
    NoIndex,
    /// Copilot: every call on index 0, told apart by its id.
    SameIndex,
    /// Groq: each call whole, in one piece.
    Whole,
    /// Gemini: each call whole, without an index, with `"id":""`.
    WholeNoIndex,
}

#[derive(Debug, Clone)]
struct CallSpec {
    name: String,
    arguments: String,
}

#[derive(Debug, Clone)]
struct ChoiceSpec {
    content: Option<String>,
    reasoning: Option<String>,
    refusal: Option<String>,
    calls: Vec<CallSpec>,
    finish: Option<&'static str>,
    style: Style,
    /// Piece sizes in characters, used in turn to cut every text.
    cuts: Vec<usize>,
}

/// Text with the characters that need escaping in JSON, and non-ASCII ones.
fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just('"'),
        1 => Just('\\'),
        1 => Just('\n'),
        1 => Just('\u{1}'),
        1 => Just('/'),
        1 => Just('é'),
        1 => Just('你'),
        1 => Just('😀'),
        1 => any::<char>(),
    ];
    prop::collection::vec(c, 0..40).prop_map(String::from_iter)
}

fn choice_spec() -> impl Strategy<Value = ChoiceSpec> {
    let call = (
        prop::sample::select(vec!["get_weather", "search", "f"]),
        text(),
    )
        .prop_map(|(name, arguments)| CallSpec {
            name: name.to_owned(),
            arguments,
        });
    let style = prop::sample::select(vec![
        Style::OpenAi,
        Style::DashScope,
        Style::DeepSeek,
        Style::NoIndex,
        Style::SameIndex,
        Style::Whole,
        Style::WholeNoIndex,
    ]);
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::weighted(0.2, text()),
        prop::collection::vec(call, 0..3),
        prop::option::of(prop::sample::select(vec![
            "stop",
            "length",
            "tool_calls",
            "",
        ])),
        style,
        prop::collection::vec(1usize..6, 1..8),
    )
        .prop_map(
            |(content, reasoning, refusal, calls, finish, style, cuts)| ChoiceSpec {
                content,
                reasoning,
                refusal,
                calls,
                finish,
                style,
                cuts,
            },
        )
}

/// Cuts `text` into pieces of `cuts[i % len]` characters (one empty piece for "").
fn pieces(text: &str, cuts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().cycle() {
        if start >= chars.len() {
            break;
        }
        let end = (start + cut).min(chars.len());
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

/// The deltas of one choice, in order.
fn deltas(index: u32, spec: &ChoiceSpec) -> Vec<ChunkChoice<'static>> {
    let mut out = vec![ChunkChoice::new(
        index,
        Delta::default().with_role(Role::Assistant),
    )];
    let text_delta = |set: &dyn Fn(&mut Delta<'static>, JsonStr<'static>), piece: String| {
        let mut delta = Delta::default();
        set(&mut delta, JsonStr::from(piece));
        ChunkChoice::new(index, delta)
    };
    if let Some(reasoning) = &spec.reasoning {
        for piece in pieces(reasoning, &spec.cuts) {
            out.push(text_delta(
                &|d, t| d.reasoning_content = Maybe::Value(t),
                piece,
            ));
        }
    }
    if let Some(content) = &spec.content {
        for piece in pieces(content, &spec.cuts) {
            out.push(text_delta(
                &|d, t| d.content = Maybe::Value(MessageContent::Text(t)),
                piece,
            ));
        }
    }
    if let Some(refusal) = &spec.refusal {
        for piece in pieces(refusal, &spec.cuts) {
            out.push(text_delta(&|d, t| d.refusal = Maybe::Value(t), piece));
        }
    }
    for (k, call) in spec.calls.iter().enumerate() {
        let id = format!("call_{index}_{k}");
        let wire_index = match spec.style {
            Style::SameIndex => Some(0),
            Style::NoIndex | Style::WholeNoIndex => None,
            _ => Some(k as u32),
        };
        let piece = |id: Maybe<JsonStr<'static>>,
                     kind: bool,
                     name: Option<&str>,
                     arguments: Option<String>| {
            ToolCallDelta {
                index: Maybe::from_option(wire_index),
                id,
                kind: if kind {
                    Maybe::Value(ToolType::Function)
                } else {
                    Maybe::Absent
                },
                function: Maybe::Value(FunctionCallDelta {
                    name: Maybe::from_option(name.map(|n| JsonStr::from(n.to_owned()))),
                    arguments: Maybe::from_option(arguments.map(JsonStr::from)),
                    ..FunctionCallDelta::default()
                }),
                ..ToolCallDelta::default()
            }
        };
        let own_id = || Maybe::Value(JsonStr::from(id.clone()));
        let typed = !matches!(spec.style, Style::NoIndex);
        let mut calls = Vec::new();
        match spec.style {
            Style::Whole => calls.push(piece(
                own_id(),
                true,
                Some(&call.name),
                Some(call.arguments.clone()),
            )),
            Style::WholeNoIndex => calls.push(piece(
                Maybe::Value(JsonStr::empty()),
                true,
                Some(&call.name),
                Some(call.arguments.clone()),
            )),
            _ => {
                let first_arguments = match spec.style {
                    Style::SameIndex => None,
                    _ => Some(String::new()),
                };
                calls.push(piece(own_id(), typed, Some(&call.name), first_arguments));
                for part in pieces(&call.arguments, &spec.cuts) {
                    let (id, kind) = match spec.style {
                        Style::DashScope => (Maybe::Value(JsonStr::empty()), true),
                        Style::DeepSeek => (own_id(), false),
                        Style::SameIndex => (Maybe::Absent, true),
                        _ => (Maybe::Absent, false),
                    };
                    calls.push(piece(id, kind, None, Some(part)));
                }
            }
        }
        for piece in calls {
            out.push(ChunkChoice::new(index, Delta::tool_call(piece)));
        }
    }
    if let Some(reason) = spec.finish {
        out.push(
            ChunkChoice::new(index, Delta::default())
                .with_finish_reason(FinishReason::from(reason)),
        );
    }
    out
}

/// The completion the chunks stand for.
fn expected(choices: &[(u32, ChoiceSpec)], usage: &Usage<'static>) -> ChatCompletion<'static> {
    let mut sorted: Vec<&(u32, ChoiceSpec)> = choices.iter().collect();
    sorted.sort_by_key(|(index, _)| *index);
    let mut completion =
        ChatCompletion::new("chatcmpl-prop", "qwen-plus", 1_700_000_000).with_usage(usage.clone());
    for (index, spec) in sorted {
        let calls: Vec<ToolCall<'static>> = spec
            .calls
            .iter()
            .enumerate()
            .map(|(k, call)| {
                let id = match spec.style {
                    Style::WholeNoIndex => String::new(),
                    _ => format!("call_{index}_{k}"),
                };
                ToolCall::function(id, call.name.clone(), call.arguments.clone())
            })
            .collect();
        let text = |t: &Option<String>| Maybe::from_option(t.clone().map(JsonStr::from));
        let message = ResponseMessage {
            role: Maybe::Value(Role::Assistant),
            content: match &spec.content {
                Some(content) => Maybe::Value(MessageContent::Text(JsonStr::from(content.clone()))),
                None => Maybe::Null,
            },
            reasoning_content: text(&spec.reasoning),
            refusal: text(&spec.refusal),
            tool_calls: if calls.is_empty() {
                Maybe::Absent
            } else {
                Maybe::Value(calls)
            },
            ..ResponseMessage::default()
        };
        let mut choice = Choice::new(*index, message);
        choice.finish_reason = spec.finish.map_or(Maybe::Null, |reason| {
            Maybe::Value(FinishReason::from(reason))
        });
        choice.logprobs = Maybe::Null;
        completion = completion.with_choice(choice);
    }
    completion
}

/// Interleaves the choices' deltas into chunks following `schedule`, and encodes the stream.
fn stream(choices: &[(u32, ChoiceSpec)], schedule: &[u8], usage: &Usage<'static>) -> Vec<u8> {
    let mut queues: Vec<std::collections::VecDeque<ChunkChoice<'static>>> = choices
        .iter()
        .map(|(index, spec)| deltas(*index, spec).into())
        .collect();
    let mut wire = Vec::new();
    let mut step = 0;
    loop {
        let open: Vec<usize> = (0..queues.len())
            .filter(|&q| !queues[q].is_empty())
            .collect();
        if open.is_empty() {
            break;
        }
        let pick = schedule
            .get(step % schedule.len().max(1))
            .copied()
            .unwrap_or(0) as usize;
        step += 1;
        let mut chunk = ChatCompletionChunk::new("chatcmpl-prop", "qwen-plus", 1_700_000_000);
        let first = open[pick % open.len()];
        chunk = chunk.with_choice(queues[first].pop_front().expect("open"));
        // Sometimes a second choice shares the chunk.
        if pick & 0x80 != 0 && open.len() > 1 {
            let second = open[(pick / 2 + 1) % open.len()];
            if second != first {
                chunk = chunk.with_choice(queues[second].pop_front().expect("open"));
            }
        }
        wire.extend_from_slice(format!("data: {}\n\n", chunk.to_json()).as_bytes());
    }
    let last = ChatCompletionChunk {
        choices: Maybe::Value(List::new()),
        ..ChatCompletionChunk::new("chatcmpl-prop", "qwen-plus", 1_700_000_000)
    }
    .with_usage(usage.clone());
    wire.extend_from_slice(format!("data: {}\n\ndata: [DONE]\n\n", last.to_json()).as_bytes());
    wire
}

fn decode(wire: &[u8], piece: usize) -> ChatCompletion<'static> {
    let mut decoder = ChunkDecoder::new();
    let mut acc = Accumulator::new();
    for bytes in wire.chunks(piece.max(1)) {
        decoder.feed(bytes);
        decoder.drain_into(&mut acc).expect("a valid stream");
    }
    assert!(decoder.finish().is_clean());
    acc.into_completion()
}

fn choices() -> impl Strategy<Value = Vec<(u32, ChoiceSpec)>> {
    prop::sample::subsequence((0u32..6).collect::<Vec<_>>(), 1..=3).prop_flat_map(|indexes| {
        let n = indexes.len();
        prop::collection::vec(choice_spec(), n)
            .prop_map(move |specs| indexes.iter().copied().zip(specs).collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn split_chunks_accumulate_back_to_the_completion(
        choices in choices(),
        schedule in prop::collection::vec(any::<u8>(), 1..64),
        piece in 1usize..300,
        (prompt, completion_tokens) in (0u64..10_000, 0u64..10_000),
    ) {
        let usage = Usage::new(prompt, completion_tokens);
        let wire = stream(&choices, &schedule, &usage);
        let want = expected(&choices, &usage);
        let got = decode(&wire, piece);
        let got_json: serde_json::Value = serde_json::from_str(&got.to_json()).unwrap();
        let want_json: serde_json::Value = serde_json::from_str(&want.to_json()).unwrap();
        prop_assert_eq!(got_json, want_json);
        prop_assert_eq!(got, want);
    }
}

#[test]
fn pieces_cover_the_text_at_character_boundaries() {
    assert_eq!(pieces("", &[3]), [""]);
    assert_eq!(pieces("a\"é😀b", &[2, 1]), ["a\"", "é", "😀b"]);
    assert_eq!(pieces("abc", &[5]), ["abc"]);
}
