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
use chatwire::types::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, List, Maybe, MessageContent, Role,
    ToolCallDelta, ToolType,
};
use hyper::body::{Body, Frame, SizeHint};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::wire::{ChoiceOut, Meta, Reply};

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
        let meta = &self.meta;
        let mut chunk =
            ChatCompletionChunk::new(meta.id.as_str(), meta.model.as_str(), meta.created);
        chunk.system_fingerprint = Maybe::Null;
        chunk.usage = Maybe::Null;
        let choices = &self.reply.choices;
        let (index, delta, finish) = match step {
            Step::Role { choice, thinking } => {
                let delta = if thinking {
                    Delta {
                        role: Maybe::Value(Role::Assistant),
                        content: Maybe::Null,
                        reasoning_content: Maybe::Value("".into()),
                        ..Delta::default()
                    }
                } else {
                    Delta {
                        role: Maybe::Value(Role::Assistant),
                        content: Maybe::Value(MessageContent::text("")),
                        ..Delta::default()
                    }
                };
                (choice, delta, None)
            }
            Step::Reasoning { choice, piece: i } => (
                choice,
                Delta {
                    content: Maybe::Null,
                    reasoning_content: Maybe::Value(piece(&choices[choice].reasoning, i).into()),
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
                    content: Maybe::Value(MessageContent::text(piece(&choices[choice].content, i))),
                    reasoning_content: if thinking { Maybe::Null } else { Maybe::Absent },
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
                let fragment = ToolCallDelta {
                    index: Maybe::Value(u32::try_from(call).unwrap_or(u32::MAX)),
                    id: Maybe::Value(if first { out.id.as_str() } else { "" }.into()),
                    kind: Maybe::Value(ToolType::Function),
                    function: Maybe::Value(FunctionCallDelta {
                        name: if first {
                            Maybe::Value(out.name.as_str().into())
                        } else {
                            Maybe::Absent
                        },
                        arguments: Maybe::Value(piece(&out.arguments, i).into()),
                        ..FunctionCallDelta::default()
                    }),
                    ..ToolCallDelta::default()
                };
                let delta = Delta {
                    role: if role {
                        Maybe::Value(Role::Assistant)
                    } else {
                        Maybe::Absent
                    },
                    content: Maybe::Null,
                    tool_calls: Maybe::Value(List::from(vec![fragment])),
                    ..Delta::default()
                };
                (choice, delta, None)
            }
            Step::Finish { choice, thinking } => {
                let out = &choices[choice];
                let delta = if out.tool_calls.is_empty() {
                    Delta {
                        content: Maybe::Value(MessageContent::text("")),
                        reasoning_content: if thinking { Maybe::Null } else { Maybe::Absent },
                        ..Delta::default()
                    }
                } else {
                    Delta::default()
                };
                (choice, delta, Some(out.finish_reason))
            }
            Step::Usage | Step::Done => {
                chunk = chunk.with_usage(self.reply.usage.to_wire());
                return frame(&chunk);
            }
        };
        let mut choice = ChunkChoice::new(u32::try_from(index).unwrap_or(u32::MAX), delta);
        choice.finish_reason = finish.map_or(Maybe::Null, |f| Maybe::Value(f.to_wire()));
        choice.logprobs = Maybe::Null;
        frame(&chunk.with_choice(choice))
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
    use serde_json::{json, Value};

    use super::*;
    use crate::wire::{CallOut, FinishOut, UsageOut};

    fn meta() -> Meta {
        Meta {
            id: "chatcmpl-x".into(),
            created: 5,
            model: "qwen-plus".into(),
        }
    }

    /// The events' raw text, and their JSON (`null` for `[DONE]`).
    fn events(plan: ChunkPlan) -> (Vec<String>, Vec<Value>) {
        let raw: Vec<String> = plan
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
            .collect();
        let json = raw
            .iter()
            .map(|e| {
                let data = e
                    .strip_prefix("data: ")
                    .unwrap()
                    .strip_suffix("\n\n")
                    .unwrap();
                serde_json::from_str(data).unwrap_or(Value::Null)
            })
            .collect();
        (raw, json)
    }

    #[test]
    fn text_stream_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                content: vec!["I am".into(), " here".into()],
                ..ChoiceOut::default()
            }],
            usage: UsageOut {
                prompt: 1,
                completion: 2,
                reasoning: None,
            },
        };
        let (raw, ev) = events(ChunkPlan::new(meta(), reply, true));
        assert_eq!(ev.len(), 6);
        assert_eq!(
            ev[0],
            json!({"id":"chatcmpl-x","object":"chat.completion.chunk","created":5,"model":"qwen-plus",
                "system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":""},
                "finish_reason":null,"logprobs":null}],"usage":null})
        );
        assert_eq!(ev[1]["choices"][0]["delta"], json!({"content": "I am"}));
        assert_eq!(ev[3]["choices"][0]["delta"], json!({"content": ""}));
        assert_eq!(ev[3]["choices"][0]["finish_reason"], "stop");
        assert_eq!(ev[4]["choices"], json!([]));
        assert_eq!(
            ev[4]["usage"],
            json!({"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})
        );
        assert_eq!(raw[5], "data: [DONE]\n\n");
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
                finish_reason: FinishOut::ToolCalls,
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let (raw, ev) = events(ChunkPlan::new(meta(), reply, false));
        assert_eq!(ev.len(), 4);
        assert_eq!(
            ev[0]["choices"][0]["delta"],
            json!({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1",
                "type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":"}}]})
        );
        assert_eq!(
            ev[1]["choices"][0]["delta"],
            json!({"content":null,"tool_calls":[{"index":0,"id":"","type":"function",
                "function":{"arguments":" \"Singapore\"}"}}]})
        );
        assert_eq!(ev[2]["choices"][0]["delta"], json!({}));
        assert_eq!(ev[2]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(raw[3], "data: [DONE]\n\n");
    }

    #[test]
    fn thinking_stream_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                reasoning: vec!["Hmm".into()],
                content: vec!["Yes".into()],
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let (_, ev) = events(ChunkPlan::new(meta(), reply, false));
        let delta = |i: usize| ev[i]["choices"][0]["delta"].clone();
        assert_eq!(
            delta(0),
            json!({"role":"assistant","content":null,"reasoning_content":""})
        );
        assert_eq!(delta(1), json!({"content":null,"reasoning_content":"Hmm"}));
        assert_eq!(delta(2), json!({"content":"Yes","reasoning_content":null}));
        assert_eq!(delta(3), json!({"content":"","reasoning_content":null}));
        assert_eq!(ev[3]["choices"][0]["finish_reason"], "stop");
    }

    #[test]
    fn choices_interleave() {
        let choice = |text: &str| ChoiceOut {
            content: vec![text.into()],
            ..ChoiceOut::default()
        };
        let reply = Reply {
            choices: vec![choice("a"), choice("b")],
            usage: UsageOut::default(),
        };
        let (_, ev) = events(ChunkPlan::new(meta(), reply, false));
        let indices: Vec<u64> = ev[..6]
            .iter()
            .map(|e| e["choices"][0]["index"].as_u64().unwrap())
            .collect();
        assert_eq!(indices, [0, 1, 0, 1, 0, 1]);
    }
}
