//! Streaming: a reply's chunks in DashScope's order and shape, framed as Server-Sent Events and
//! handed to the connection one at a time, each produced only when the previous one was taken.
//!
//! A text choice streams a role chunk (`"delta":{"content":"","role":"assistant"}`), its content
//! pieces, and a finish chunk (`"delta":{"content":""}` with the finish reason). A thinking
//! model streams its `reasoning_content` pieces between the role chunk and the content. A tool
//! call streams a first fragment with the id, type, name and the start of the arguments,
//! continuations with `"id":""` and the type repeated, and a finish chunk with `"delta":{}` and
//! `finish_reason:"tool_calls"`. With `stream_options.include_usage` a usage chunk with
//! `"choices":[]` follows; `data: [DONE]` ends every stream.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use chatwire::sse::{Encoder, DONE_EVENT};
use hyper::body::{Body, Frame, SizeHint};
use serde::{Serialize, Serializer};
use tokio::sync::mpsc;

use crate::wire::{ChoiceOut, Meta, Reply, UsageWire};

/// Where a stream stands when a chunk hook runs: chunk `index` of `count` (the `[DONE]` event
/// included) is about to be produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkPoint {
    /// The 0-based index of the event about to be produced.
    pub index: usize,
    /// How many events the stream has, `[DONE]` included.
    pub count: usize,
}

/// A hook awaited before each streamed event is produced (see
/// [`MockServerBuilder::before_chunk`](crate::MockServerBuilder::before_chunk)).
pub(crate) type ChunkHook =
    Arc<dyn Fn(ChunkPoint) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// One event of a stream, before it is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The first chunk of a choice that speaks or thinks: the role.
    Role { choice: usize, thinking: bool },
    /// A reasoning piece.
    Reasoning { choice: usize, piece: usize },
    /// A content piece.
    Content {
        choice: usize,
        piece: usize,
        thinking: bool,
    },
    /// A tool call's arguments piece: `piece` 0 is the first fragment.
    Call {
        choice: usize,
        call: usize,
        piece: usize,
        role: bool,
    },
    /// The finish chunk of a choice.
    Finish { choice: usize, thinking: bool },
    /// The usage chunk.
    Usage,
    /// `data: [DONE]`.
    Done,
}

/// The events of one streamed reply, serialized one at a time.
#[derive(Debug, Clone)]
pub(crate) struct ChunkPlan {
    meta: Meta,
    reply: Reply,
    steps: Vec<Step>,
    next: usize,
}

impl ChunkPlan {
    /// Plans the stream of `reply`; `include_usage` adds the usage chunk.
    pub(crate) fn new(meta: Meta, reply: Reply, include_usage: bool) -> Self {
        let per_choice: Vec<Vec<Step>> = reply
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| choice_steps(i, c))
            .collect();
        // Choices interleave round-robin, as several choices do on the wire.
        let mut steps = Vec::new();
        let longest = per_choice.iter().map(Vec::len).max().unwrap_or(0);
        for at in 0..longest {
            steps.extend(per_choice.iter().filter_map(|s| s.get(at).copied()));
        }
        if include_usage {
            steps.push(Step::Usage);
        }
        steps.push(Step::Done);
        ChunkPlan {
            meta,
            reply,
            steps,
            next: 0,
        }
    }

    /// How many events the stream has, `[DONE]` included.
    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }

    /// Serializes one step as an SSE event.
    fn render(&self, step: Step) -> Bytes {
        if step == Step::Done {
            return Bytes::from_static(DONE_EVENT);
        }
        let choices = &self.reply.choices;
        let (index, delta, finish_reason) = match step {
            Step::Role { choice, thinking } => {
                let delta = if thinking {
                    Delta {
                        content: Field::Null,
                        role: Some("assistant"),
                        reasoning_content: Field::Value(""),
                        ..Delta::default()
                    }
                } else {
                    Delta {
                        content: Field::Value(""),
                        role: Some("assistant"),
                        ..Delta::default()
                    }
                };
                (choice, delta, None)
            }
            Step::Reasoning { choice, piece: i } => (
                choice,
                Delta {
                    content: Field::Null,
                    reasoning_content: Field::Value(piece(&choices[choice].reasoning, i)),
                    ..Delta::default()
                },
                None,
            ),
            Step::Content {
                choice,
                piece: i,
                thinking,
            } => (
                choice,
                Delta {
                    content: Field::Value(piece(&choices[choice].content, i)),
                    reasoning_content: if thinking { Field::Null } else { Field::Absent },
                    ..Delta::default()
                },
                None,
            ),
            Step::Call {
                choice,
                call,
                piece: i,
                role,
            } => {
                let out = &choices[choice].tool_calls[call];
                let first = i == 0;
                (
                    choice,
                    Delta {
                        content: Field::Null,
                        role: role.then_some("assistant"),
                        tool_calls: Some([CallDelta {
                            index: call,
                            id: if first { &out.id } else { "" },
                            kind: "function",
                            function: FunctionDelta {
                                name: first.then_some(out.name.as_str()),
                                arguments: piece(&out.arguments, i),
                            },
                        }]),
                        ..Delta::default()
                    },
                    None,
                )
            }
            Step::Finish { choice, thinking } => {
                let c = &choices[choice];
                let delta = if !c.tool_calls.is_empty() {
                    Delta::default()
                } else {
                    Delta {
                        content: Field::Value(""),
                        reasoning_content: if thinking { Field::Null } else { Field::Absent },
                        ..Delta::default()
                    }
                };
                (choice, delta, Some(c.finish_reason))
            }
            Step::Usage | Step::Done => {
                let chunk = ChunkWire {
                    choices: Vec::new(),
                    object: "chat.completion.chunk",
                    usage: Some(self.reply.usage.into()),
                    created: self.meta.created,
                    system_fingerprint: None,
                    model: &self.meta.model,
                    id: &self.meta.id,
                };
                return frame(&chunk);
            }
        };
        let chunk = ChunkWire {
            choices: vec![ChoiceWire {
                delta,
                finish_reason,
                index,
                logprobs: None,
            }],
            object: "chat.completion.chunk",
            usage: None,
            created: self.meta.created,
            system_fingerprint: None,
            model: &self.meta.model,
            id: &self.meta.id,
        };
        frame(&chunk)
    }
}

impl Iterator for ChunkPlan {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let step = *self.steps.get(self.next)?;
        self.next += 1;
        Some(self.render(step))
    }
}

/// The steps of one choice, in order.
fn choice_steps(choice: usize, out: &ChoiceOut) -> Vec<Step> {
    let thinking = !out.reasoning.is_empty();
    let mut steps = Vec::new();
    if out.tool_calls.is_empty() || thinking {
        steps.push(Step::Role { choice, thinking });
    }
    steps.extend((0..out.reasoning.len()).map(|piece| Step::Reasoning { choice, piece }));
    if out.tool_calls.is_empty() {
        steps.extend((0..out.content.len()).map(|piece| Step::Content {
            choice,
            piece,
            thinking,
        }));
    }
    for (call, c) in out.tool_calls.iter().enumerate() {
        for piece in 0..c.arguments.len().max(1) {
            steps.push(Step::Call {
                choice,
                call,
                piece,
                role: call == 0 && piece == 0 && !thinking,
            });
        }
    }
    steps.push(Step::Finish { choice, thinking });
    steps
}

/// Piece `i` of `list`, or `""`.
fn piece(list: &[String], i: usize) -> &str {
    list.get(i).map_or("", String::as_str)
}

/// `data: <json>\n\n`, written by chatwire's SSE encoder.
fn frame<T: Serialize>(value: &T) -> Bytes {
    let mut out = Vec::new();
    if Encoder::new().write_json(&mut out, value).is_err() {
        // Invariant: the chunk structs hold only strings, integers, options and vectors, which
        // always serialize, and a `Vec` never runs out of room; an empty object stands in.
        out.clear();
        out.extend_from_slice(b"data: {}\n\n");
    }
    Bytes::from(out)
}

/// A field that can be absent, `null` or a value.
#[derive(Debug, Clone, Copy, Default)]
enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(serializer),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

#[derive(Serialize)]
struct ChunkWire<'a> {
    choices: Vec<ChoiceWire<'a>>,
    object: &'static str,
    usage: Option<UsageWire>,
    created: u64,
    system_fingerprint: Option<&'a str>,
    model: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct ChoiceWire<'a> {
    delta: Delta<'a>,
    finish_reason: Option<&'a str>,
    index: usize,
    logprobs: Option<()>,
}

#[derive(Serialize, Default)]
struct Delta<'a> {
    #[serde(skip_serializing_if = "Field::is_absent")]
    content: Field<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    reasoning_content: Field<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_calls: Option<[CallDelta<'a>; 1]>,
}

#[derive(Serialize)]
struct CallDelta<'a> {
    index: usize,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionDelta<'a>,
}

#[derive(Serialize)]
struct FunctionDelta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    arguments: &'a str,
}

/// Starts producing `plan` on a task, `hook` awaited before each event; the returned body
/// yields each event as its own frame as soon as it is produced.
pub(crate) fn spawn(mut plan: ChunkPlan, hook: Option<ChunkHook>) -> ChannelBody {
    // One event in flight: the producer runs at most one event ahead of the connection.
    let (tx, rx) = mpsc::channel(1);
    let count = plan.len();
    tokio::spawn(async move {
        for index in 0..count {
            if let Some(hook) = &hook {
                hook(ChunkPoint { index, count }).await;
            }
            let Some(event) = plan.next() else { break };
            if tx.send(event).await.is_err() {
                // The client went away.
                break;
            }
        }
    });
    ChannelBody { rx }
}

/// A response body fed by a channel, one frame per message.
#[derive(Debug)]
pub(crate) struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx
            .poll_recv(cx)
            .map(|event| event.map(|b| Ok(Frame::data(b))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{CallOut, UsageOut};

    fn meta() -> Meta {
        Meta {
            id: "chatcmpl-x".into(),
            created: 5,
            model: "qwen-plus".into(),
        }
    }

    fn events(plan: ChunkPlan) -> Vec<String> {
        plan.map(|b| String::from_utf8(b.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn text_stream_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                content: vec!["I am".into(), " here".into()],
                finish_reason: "stop",
                ..ChoiceOut::default()
            }],
            usage: UsageOut {
                prompt: 1,
                completion: 2,
                reasoning: None,
            },
        };
        let ev = events(ChunkPlan::new(meta(), reply, true));
        let tail = r#""object":"chat.completion.chunk","usage":null,"created":5,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-x"}"#;
        assert_eq!(ev.len(), 6);
        assert_eq!(
            ev[0],
            format!(
                "data: {{\"choices\":[{{\"delta\":{{\"content\":\"\",\"role\":\"assistant\"}},\"finish_reason\":null,\"index\":0,\"logprobs\":null}}],{tail}\n\n"
            )
        );
        assert!(ev[1].contains(r#""delta":{"content":"I am"},"finish_reason":null"#));
        assert!(ev[3].contains(r#""delta":{"content":""},"finish_reason":"stop""#));
        assert!(ev[4].starts_with(r#"data: {"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#));
        assert_eq!(ev[5], "data: [DONE]\n\n");
    }

    #[test]
    fn tool_call_stream_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                tool_calls: vec![CallOut {
                    id: "call_1".into(),
                    name: "get_current_weather".into(),
                    arguments: vec!["{\"location\":".into(), " \"Singapore\"}".into()],
                }],
                finish_reason: "tool_calls",
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let ev = events(ChunkPlan::new(meta(), reply, false));
        assert_eq!(ev.len(), 4);
        assert!(ev[0].contains(r#""delta":{"content":null,"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":"}}]}"#), "{}", ev[0]);
        assert!(ev[1].contains(r#""delta":{"content":null,"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":" \"Singapore\"}"}}]}"#), "{}", ev[1]);
        assert!(
            ev[2].contains(r#""delta":{},"finish_reason":"tool_calls""#),
            "{}",
            ev[2]
        );
        assert_eq!(ev[3], "data: [DONE]\n\n");
    }

    #[test]
    fn thinking_stream_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                reasoning: vec!["Hmm".into()],
                content: vec!["Yes".into()],
                finish_reason: "stop",
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let ev = events(ChunkPlan::new(meta(), reply, false));
        assert!(
            ev[0].contains(r#""delta":{"content":null,"role":"assistant","reasoning_content":""}"#)
        );
        assert!(ev[1].contains(r#""delta":{"content":null,"reasoning_content":"Hmm"}"#));
        assert!(ev[2].contains(r#""delta":{"content":"Yes","reasoning_content":null}"#));
        assert!(ev[3]
            .contains(r#""delta":{"content":"","reasoning_content":null},"finish_reason":"stop""#));
    }

    #[test]
    fn choices_interleave() {
        let choice = |text: &str| ChoiceOut {
            content: vec![text.into()],
            finish_reason: "stop",
            ..ChoiceOut::default()
        };
        let reply = Reply {
            choices: vec![choice("a"), choice("b")],
            usage: UsageOut::default(),
        };
        let ev = events(ChunkPlan::new(meta(), reply, false));
        let indices: Vec<bool> = ev[..6].iter().map(|e| e.contains(r#""index":1"#)).collect();
        assert_eq!(indices, [false, true, false, true, false, true]);
    }
}
