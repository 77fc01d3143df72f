//! Streaming: a reply's chunks in DashScope's order and shape, framed as Server-Sent Events.
//! When something times the stream (pacing, a chunk hook, a reset fault) the events are handed
//! to the connection one at a time, each produced only when the previous one was taken;
//! otherwise they are produced at once and sent as one frame. The bytes are the same.
//! Events that differ only in their piece of text (content, reasoning, a tool call's
//! continuations) are serialized once per stream and kind, as a [`Template`]: each is then
//! the bytes around the piece, with the piece escaped as serializing the event escapes it.
//!
//! A text choice streams a role chunk (`"delta":{"content":"","role":"assistant"}`), its content
//! pieces, and a finish chunk (`"delta":{"content":""}` with the finish reason). A thinking
//! model streams its `reasoning_content` pieces between the role chunk and the content. A tool
//! call streams a first fragment with the id, type, name and the start of the arguments,
//! continuations with `"id":""` and the type repeated, and a finish chunk with `"delta":{}` and
//! `finish_reason:"tool_calls"`. With `stream_options.include_usage` a usage chunk with
//! `"choices":[]` follows; `data: [DONE]` ends every stream.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut as _, Bytes, BytesMut};
use chatwire::sse::{Encoder, DONE_EVENT};
use chatwire::types::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, List, Maybe, MessageContent, Role,
    ToolCallDelta, ToolType,
};
use http_body_util::BodyExt as _;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::fault::FaultKind;
use crate::pacing::Pacing;
use crate::quirks::{ContinuationIds, KeyOrder, Quirks};
use crate::router::Body;
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
    quirks: Quirks,
    reply: Reply,
    steps: Vec<Step>,
    next: usize,
    /// Writes every event of the stream.
    writer: EventWriter,
    /// OpenAI's conventions: a finish chunk with `"delta":{}` for a text answer too, and
    /// tool-call continuations without `id` and `type`.
    openai: bool,
    /// The templates of the step kinds met so far.
    templates: Vec<Template>,
    /// Whether events of a kind are written from its template (tests compare both ways).
    use_templates: bool,
}

impl ChunkPlan {
    /// Plans the stream of `reply`; `include_usage` adds the usage chunk.
    #[cfg(test)]
    pub(crate) fn new(meta: Meta, reply: Reply, include_usage: bool) -> Self {
        Self::with_quirks(meta, reply, include_usage, Quirks::default())
    }

    /// Plans the stream of `reply` written with `quirks`.
    pub(crate) fn with_quirks(
        meta: Meta,
        reply: Reply,
        include_usage: bool,
        quirks: Quirks,
    ) -> Self {
        let per_choice: Vec<Vec<Step>> = reply
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| choice_steps(i, c, quirks.interleave_tool_calls))
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
            quirks,
            reply,
            steps,
            next: 0,
            writer: EventWriter::default(),
            openai: false,
            templates: Vec::new(),
            use_templates: true,
        }
    }

    /// With `openai` (the OpenAI profile), a text answer's finish chunk carries `"delta":{}`
    /// instead of DashScope's `"delta":{"content":""}`, and a tool call's continuations carry
    /// only `index` and the arguments, without DashScope's `"id":""` and repeated `type`.
    pub(crate) fn openai_conventions(mut self, openai: bool) -> Self {
        self.openai = openai;
        self
    }

    /// How many events the stream has, `[DONE]` included.
    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }

    /// Serializes one step as an SSE event, in the key order of the quirks; `text`, when
    /// given, stands in for the step's piece.
    fn event(&mut self, step: Step, text: Option<&str>) -> Bytes {
        let event = render(self, step, text);
        if self.quirks.key_order == KeyOrder::DashScope {
            if let Some(reordered) = crate::keyorder::dashscope_event(&event) {
                return Bytes::from(reordered);
            }
        }
        event
    }

    /// Writes a step whose event differs from the others of its kind only in its piece, from
    /// the kind's [`Template`], made when the kind first comes; `None` when the kind has none
    /// (see [`Template::new`]).
    fn templated(&mut self, step: Step, kind: Step) -> Option<Bytes> {
        let at = match self.templates.iter().position(|t| t.kind == kind) {
            Some(at) => at,
            None => {
                let event = self.event(step, Some(MARKER));
                self.templates.push(Template::new(kind, event));
                self.templates.len() - 1
            }
        };
        let text = piece_of(&self.reply, step);
        self.templates[at].write(text, &mut self.writer.buf)
    }
}

/// Serializes one step of `plan` as an SSE event, in OpenAI's key order; `text`, when given,
/// stands in for the step's piece.
fn render(plan: &mut ChunkPlan, step: Step, text: Option<&str>) -> Bytes {
    if step == Step::Done {
        return Bytes::from_static(DONE_EVENT);
    }
    let text = text.unwrap_or_else(|| piece_of(&plan.reply, step));
    let meta = &plan.meta;
    let mut chunk = ChatCompletionChunk::new(meta.id.as_str(), meta.model.as_str(), meta.created);
    chunk.system_fingerprint = Maybe::Null;
    chunk.usage = Maybe::Null;
    let choices = &plan.reply.choices;
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
        Step::Reasoning { choice, .. } => (
            choice,
            Delta {
                content: Maybe::Null,
                reasoning_content: Maybe::Value(text.into()),
                ..Delta::default()
            },
            None,
        ),
        Step::Content {
            choice, thinking, ..
        } => (
            choice,
            Delta {
                content: Maybe::Value(MessageContent::text(text)),
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
                id: match (first, plan.quirks.tool_call_ids) {
                    (true, _) | (false, ContinuationIds::Repeated) => {
                        Maybe::Value(out.id.as_str().into())
                    }
                    (false, ContinuationIds::Empty) if !plan.openai => Maybe::Value("".into()),
                    (false, _) => Maybe::Absent,
                },
                kind: if first || !plan.openai {
                    Maybe::Value(ToolType::Function)
                } else {
                    Maybe::Absent
                },
                function: Maybe::Value(FunctionCallDelta {
                    name: if first {
                        Maybe::Value(out.name.as_str().into())
                    } else {
                        Maybe::Absent
                    },
                    arguments: Maybe::Value(text.into()),
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
            let delta = if out.tool_calls.is_empty() && !plan.openai {
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
            chunk.usage = Maybe::Value(plan.reply.usage.to_wire());
            return plan.writer.frame(&chunk);
        }
    };
    let mut choice = ChunkChoice::new(u32::try_from(index).unwrap_or(u32::MAX), delta);
    choice.finish_reason = finish.map_or(Maybe::Null, |f| Maybe::Value(f.to_wire()));
    choice.logprobs = Maybe::Null;
    // Filled in place: a chunk is large, and every move of it is a copy.
    chunk.choices.get_or_insert_with(List::new).push(choice);
    plan.writer.frame(&chunk)
}

impl Iterator for ChunkPlan {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let step = *self.steps.get(self.next)?;
        self.next += 1;
        if self.use_templates {
            if let Some(event) = step.kind().and_then(|kind| self.templated(step, kind)) {
                return Some(event);
            }
        }
        Some(self.event(step, None))
    }
}

impl Step {
    /// The kind of a step whose event differs from the others of its kind only in its piece
    /// (the step with the piece cleared): reasoning and content pieces, and a tool call's
    /// continuations (its first fragment carries the id and name).
    fn kind(self) -> Option<Step> {
        const ANY: usize = usize::MAX;
        match self {
            Step::Reasoning { choice, .. } => Some(Step::Reasoning { choice, piece: ANY }),
            Step::Content {
                choice, thinking, ..
            } => Some(Step::Content {
                choice,
                piece: ANY,
                thinking,
            }),
            Step::Call {
                choice,
                call,
                piece,
                role,
            } if piece > 0 => Some(Step::Call {
                choice,
                call,
                piece: ANY,
                role,
            }),
            _ => None,
        }
    }
}

/// The piece a step streams: its reasoning, content or arguments piece, `""` for the others.
fn piece_of(reply: &Reply, step: Step) -> &str {
    let choices = &reply.choices;
    match step {
        Step::Reasoning { choice, piece: i } => piece(&choices[choice].reasoning, i),
        Step::Content {
            choice, piece: i, ..
        } => piece(&choices[choice].content, i),
        Step::Call {
            choice,
            call,
            piece: i,
            ..
        } => piece(&choices[choice].tool_calls[call].arguments, i),
        _ => "",
    }
}

/// The text written where a template's piece goes: NUL is escaped in JSON (`\u0000`), so it
/// is unlikely elsewhere in an event. Where it does occur elsewhere (a model name that holds
/// it, say), [`Template::new`] finds it more than once and the kind is serialized
/// event by event.
const MARKER: &str = "\0chatwire-piece\0";

/// The event of a step kind (see [`Step::kind`]) around its piece. Made by serializing one
/// step of the kind with [`MARKER`] as its piece, it is that event split where the marker's
/// JSON string lies. Every later event of the kind is the part before, the piece as a JSON
/// string and the part after: the very bytes serializing the step gives, since the piece is
/// a plain string there too, escaped by the same serializer.
#[derive(Debug, Clone)]
struct Template {
    kind: Step,
    /// The event with the marker, and where the marker's JSON string starts; `None` when the
    /// marker was not found exactly once (the kind's events are then serialized each time).
    parts: Option<(Bytes, usize)>,
}

/// The marker as a JSON string, quotes included.
const MARKER_JSON: &[u8] = b"\"\\u0000chatwire-piece\\u0000\"";

impl Template {
    fn new(kind: Step, event: Bytes) -> Self {
        let mut found = event
            .windows(MARKER_JSON.len())
            .enumerate()
            .filter(|(_, w)| *w == MARKER_JSON)
            .map(|(at, _)| at);
        let once = match (found.next(), found.next()) {
            (Some(at), None) => Some(at),
            _ => None,
        };
        Template {
            kind,
            parts: once.map(|at| (event, at)),
        }
    }

    /// The event with `text` as its piece, written into `buf` (empty: each event is split
    /// off it) and split off.
    fn write(&self, text: &str, buf: &mut BytesMut) -> Option<Bytes> {
        let (event, at) = self.parts.as_ref()?;
        let (before, after) = (&event[..*at], &event[at + MARKER_JSON.len()..]);
        buf.reserve(before.len() + text.len() + 2 + after.len());
        buf.extend_from_slice(before);
        if serde_json::to_writer(buf.writer(), text).is_err() {
            // A `BytesMut` writer never fails; were one to, the event is serialized instead.
            buf.clear();
            return None;
        }
        buf.extend_from_slice(after);
        Some(buf.split().freeze())
    }
}

/// The steps of one choice, in order.
fn choice_steps(choice: usize, out: &ChoiceOut, interleave: bool) -> Vec<Step> {
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
    let call_steps = |call: usize, piece: usize| Step::Call {
        choice,
        call,
        piece,
        role: call == 0 && piece == 0 && !thinking,
    };
    if interleave {
        let longest = out
            .tool_calls
            .iter()
            .map(|c| c.arguments.len().max(1))
            .max();
        for piece in 0..longest.unwrap_or(0) {
            for (call, c) in out.tool_calls.iter().enumerate() {
                if piece < c.arguments.len().max(1) {
                    steps.push(call_steps(call, piece));
                }
            }
        }
    } else {
        for (call, c) in out.tool_calls.iter().enumerate() {
            for piece in 0..c.arguments.len().max(1) {
                steps.push(call_steps(call, piece));
            }
        }
    }
    steps.push(Step::Finish { choice, thinking });
    steps
}

/// Piece `i` of `list`, or `""`.
fn piece(list: &[String], i: usize) -> &str {
    list.get(i).map_or("", String::as_str)
}

/// Room for the events of a short stream, allocated at once and shared by them.
const STREAM_CAPACITY: usize = 8 * 1024;

/// Writes the events of one stream: each is written after the previous one into a shared
/// buffer and split off it, so a stream costs a few allocations, not one per event.
#[derive(Debug, Clone, Default)]
struct EventWriter {
    encoder: Encoder,
    buf: BytesMut,
}

impl EventWriter {
    /// `data: <json>\n\n`, written by chatwire's SSE encoder.
    fn frame<T: Serialize>(&mut self, value: &T) -> Bytes {
        if self.buf.capacity() < STREAM_CAPACITY / 8 {
            self.buf.reserve(STREAM_CAPACITY);
        }
        if self.encoder.write_json(&mut self.buf, value).is_err() {
            // Invariant: the chunk structs hold only strings, integers, options and vectors,
            // which always serialize, and a `BytesMut` grows as needed (the encoder writes
            // nothing when it fails); an empty object stands in.
            self.buf.clear();
            self.buf.extend_from_slice(b"data: {}\n\n");
        }
        self.buf.split().freeze()
    }
}

/// How a stream is delivered: its fault, its pace, the test hook, and anything to hold until
/// it ends (a rate limiter's concurrency slot).
#[derive(Default)]
pub(crate) struct Delivery {
    pub(crate) fault: Option<FaultKind>,
    /// Where the fault strikes.
    pub(crate) after: usize,
    /// The in-stream error event of an `error_after` fault.
    pub(crate) error_event: Bytes,
    pub(crate) pacing: Option<Pacing>,
    pub(crate) hook: Option<ChunkHook>,
    pub(crate) hold: Option<Box<dyn Send>>,
}

/// A stream cut on purpose: hyper ends the connection without the terminating chunk.
#[derive(Debug)]
pub(crate) struct StreamAbort;

impl std::fmt::Display for StreamAbort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the stream was cut by a reset fault")
    }
}

impl std::error::Error for StreamAbort {}

/// The SSE comment a `keep_alive` fault sends before each event.
const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

/// What a `malformed` fault sends instead of an event.
const MALFORMED: &[u8] =
    b"data: {\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":{\"content\":\"\n\n";

impl Delivery {
    /// Whether every event can be produced at once: nothing waits between events (no pacing,
    /// or a pacing of zeros), no hook holds them, and no fault cuts the connection (a reset
    /// must come after the events before it reached the client).
    fn is_immediate(&self) -> bool {
        self.pacing.is_none_or(|p| p.is_zero())
            && self.hook.is_none()
            && self.fault != Some(FaultKind::Reset)
    }
}

/// What a stream does after one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// On to the next event.
    Continue,
    /// The stream ends after what was just produced.
    End,
}

/// What event `index` becomes under `fault` (striking at `after`): the items to send, pushed
/// onto `out`, and whether the stream goes on. Both delivery paths go through here, so a
/// stream's bytes are the same however it is delivered.
fn fault_step(
    fault: Option<FaultKind>,
    after: usize,
    error_event: &Bytes,
    index: usize,
    event: Bytes,
    out: &mut Vec<Result<Bytes, StreamAbort>>,
) -> Flow {
    match fault {
        Some(FaultKind::KeepAlive) => {
            out.push(Ok(Bytes::from_static(KEEP_ALIVE)));
            out.push(Ok(event));
        }
        Some(FaultKind::Truncate) if index == after => return Flow::End,
        Some(FaultKind::ErrorAfter) if index == after => {
            out.push(Ok(error_event.clone()));
            return Flow::End;
        }
        Some(FaultKind::Reset) if index == after => {
            out.push(Err(StreamAbort));
            return Flow::End;
        }
        Some(FaultKind::Malformed) if index == after => {
            out.push(Ok(Bytes::from_static(MALFORMED)));
        }
        Some(FaultKind::Duplicate) if index == after => {
            out.push(Ok(event.clone()));
            out.push(Ok(event));
        }
        _ => out.push(Ok(event)),
    }
    Flow::Continue
}

/// The body of a stream of `count` events delivered as `delivery` says: produced all at once
/// and sent as one frame when nothing needs timing ([`coalesce`]), otherwise one frame per
/// event from a task ([`spawn`]). The bytes are the same either way.
pub(crate) fn deliver<I>(events: I, count: usize, delivery: Delivery) -> Body
where
    I: Iterator<Item = Bytes> + Send + 'static,
{
    if delivery.is_immediate() {
        coalesce(events, count, delivery).boxed_unsync()
    } else {
        spawn(events, count, delivery).boxed_unsync()
    }
}

/// Produces `count` events at once, as `delivery` says, into one frame. For deliveries where
/// nothing waits between events: no pacing, no hook and no reset (see [`deliver`]).
pub(crate) fn coalesce<I>(events: I, count: usize, delivery: Delivery) -> PreparedBody
where
    I: Iterator<Item = Bytes>,
{
    let Delivery {
        fault,
        after,
        error_event,
        hold,
        ..
    } = delivery;
    let mut body = BytesMut::new();
    let mut out = Vec::with_capacity(2);
    for (index, event) in events.take(count).enumerate() {
        if index == 0 {
            // Events of one stream are of a size: room for them all, grown only when a
            // longer one comes.
            body.reserve(event.len() * (count + 1));
        }
        let flow = fault_step(fault, after, &error_event, index, event, &mut out);
        // A reset never reaches this path; were one produced, the bytes before it stand.
        for item in out.drain(..).flatten() {
            body.extend_from_slice(&item);
        }
        if flow == Flow::End {
            break;
        }
    }
    PreparedBody {
        data: (!body.is_empty()).then(|| body.freeze()),
        sent: false,
        hold,
    }
}

/// Starts producing `count` events on a task, as `delivery` says; the returned body yields
/// each event as its own frame as soon as it is produced.
pub(crate) fn spawn<I>(mut events: I, count: usize, delivery: Delivery) -> ChannelBody
where
    I: Iterator<Item = Bytes> + Send + 'static,
{
    // One event in flight: the producer runs at most one event ahead of the connection.
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let Delivery {
            fault,
            after,
            error_event,
            pacing,
            hook,
            hold,
        } = delivery;
        let mut schedule = pacing.map(Pacing::schedule);
        let mut out = Vec::with_capacity(2);
        for index in 0..count {
            if let Some(schedule) = &mut schedule {
                let wait = schedule.wait(index);
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
            }
            if let Some(hook) = &hook {
                hook(ChunkPoint { index, count }).await;
            }
            let Some(event) = events.next() else { break };
            let flow = fault_step(fault, after, &error_event, index, event, &mut out);
            for item in out.drain(..) {
                if tx.send(item).await.is_err() {
                    // The client went away.
                    return;
                }
            }
            if flow == Flow::End {
                break;
            }
        }
        drop(hold);
    });
    ChannelBody { rx }
}

/// A stream produced at once: its bytes as one frame, and what the stream holds until the
/// body is done (a rate limiter's concurrency slot). The length is left unknown, so the
/// response is chunked like every other stream.
pub(crate) struct PreparedBody {
    data: Option<Bytes>,
    /// Whether the frame has been handed out: the body says it is over from then on, so the
    /// connection writes the end of the chunked body with the frame.
    sent: bool,
    hold: Option<Box<dyn Send>>,
}

impl std::fmt::Debug for PreparedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBody")
            .field("data", &self.data.as_ref().map(Bytes::len))
            .field("hold", &self.hold.is_some())
            .finish()
    }
}

impl HttpBody for PreparedBody {
    type Data = Bytes;
    type Error = StreamAbort;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamAbort>>> {
        let data = self.data.take();
        if data.is_none() {
            // The stream is over: release what it held.
            self.hold = None;
        }
        self.sent = true;
        Poll::Ready(data.map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        // Not before the first poll: an empty stream stays a chunked body, as on the
        // per-event path, instead of a `content-length: 0` one.
        self.sent
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A response body fed by a channel, one frame per message.
#[derive(Debug)]
pub(crate) struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, StreamAbort>>,
}

impl ChannelBody {
    /// A body fed by `rx`; it ends when every sender is gone.
    pub(crate) fn new(rx: mpsc::Receiver<Result<Bytes, StreamAbort>>) -> Self {
        ChannelBody { rx }
    }
}

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = StreamAbort;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamAbort>>> {
        self.rx
            .poll_recv(cx)
            .map(|event| event.map(|b| b.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// The events of a chunk script: each payload as a `data:` event, then `[DONE]`.
pub(crate) fn script(payloads: &[String]) -> Vec<Bytes> {
    let mut events: Vec<Bytes> = payloads
        .iter()
        .map(|p| Bytes::from(format!("data: {p}\n\n")))
        .collect();
    events.push(Bytes::from_static(DONE_EVENT));
    events
}

/// `data: <payload>\n\n` for one already-serialized JSON payload.
pub(crate) fn data_event(payload: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(payload);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::fixtures::Fixtures;
    use crate::profile::Profile;
    use crate::router::{admit, Contract};
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
                cached: None,
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

    #[test]
    fn quirks_change_ids_interleaving_and_usage_details() {
        let call = |id: &str| CallOut {
            id: id.into(),
            name: "f".into(),
            arguments: vec!["{\"a\":".into(), "1}".into()],
        };
        let reply = Reply {
            choices: vec![ChoiceOut {
                tool_calls: vec![call("call_a"), call("call_b")],
                finish_reason: FinishOut::ToolCalls,
                ..ChoiceOut::default()
            }],
            usage: UsageOut {
                cached: Some(0),
                ..UsageOut::default()
            },
        };
        let fragment = |ev: &Value| ev["choices"][0]["delta"]["tool_calls"][0].clone();
        let plan =
            |quirks: Quirks| events(ChunkPlan::with_quirks(meta(), reply.clone(), true, quirks)).1;

        let sequential = plan(Quirks::default());
        let order: Vec<u64> = sequential[..4]
            .iter()
            .map(|e| fragment(e)["index"].as_u64().unwrap())
            .collect();
        assert_eq!(order, [0, 0, 1, 1]);
        assert_eq!(fragment(&sequential[1])["id"], "");
        assert_eq!(
            sequential[5]["usage"]["prompt_tokens_details"],
            json!({"cached_tokens": 0})
        );

        let mut quirks = Quirks {
            interleave_tool_calls: true,
            tool_call_ids: ContinuationIds::Omitted,
            ..Quirks::default()
        };
        let interleaved = plan(quirks);
        let order: Vec<u64> = interleaved[..4]
            .iter()
            .map(|e| fragment(e)["index"].as_u64().unwrap())
            .collect();
        assert_eq!(order, [0, 1, 0, 1]);
        assert_eq!(fragment(&interleaved[1])["id"], "call_b");
        assert!(fragment(&interleaved[2]).get("id").is_none());

        quirks.tool_call_ids = ContinuationIds::Repeated;
        let repeated = plan(quirks);
        assert_eq!(fragment(&repeated[2])["id"], "call_a");
        assert_eq!(fragment(&repeated[3])["id"], "call_b");
    }

    /// Request bodies whose streams cover text, thinking, several choices and tool calls.
    const STREAMED: &[&str] = &[
        r#"{"model":"qwen-plus","seed":7,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Tell me about Singapore's weather."}]}"#,
        r#"{"model":"qwen-plus","n":3,"enable_thinking":true,"stream":true,"messages":[{"role":"user","content":"ünïcödé — 漢字 🎉 \"quoted\""}]}"#,
        r#"{"model":"qwen3-235b-a22b-thinking-2507","stream":true,"stream_options":{"include_usage":true},"parallel_tool_calls":true,"tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}},{"type":"function","function":{"name":"get_current_time","parameters":{}}}],"messages":[{"role":"user","content":"What time is it, and the weather in San Francisco?"}]}"#,
        r#"{"model":"qwen-max","stream":true,"tool_choice":"required","tools":[{"type":"function","function":{"name":"x","parameters":{"properties":{"q":{"type":"string"}}}}}],"messages":[{"role":"user","content":"q"}]}"#,
    ];

    /// The events of `body`'s stream as the server plans them for `profile` and `quirks`.
    fn planned(body: &str, profile: Profile, quirks: Quirks) -> ChunkPlan {
        let contract = Contract {
            profile,
            scopes: crate::models::scope::ALL,
        };
        let admitted = admit(body.as_bytes(), 3, &Fixtures::builtin(), contract).unwrap();
        let meta = Meta {
            id: format!("chatcmpl-{}", admitted.rid),
            created: 9,
            model: admitted.input.model.clone(),
        };
        ChunkPlan::with_quirks(meta, admitted.reply, admitted.input.include_usage, quirks)
            .openai_conventions(profile == Profile::OpenAi)
    }

    /// The delivery of a fault striking at `after`, with an in-stream error event.
    fn delivery(fault: Option<FaultKind>, after: usize) -> Delivery {
        Delivery {
            fault,
            after,
            error_event: data_event(br#"{"error":{"code":"data_inspection_failed"}}"#),
            ..Delivery::default()
        }
    }

    /// Every frame of a body, in order, and whether it ended with an error.
    async fn frames<B: HttpBody<Data = Bytes>>(body: B) -> (Vec<Bytes>, bool) {
        let mut body = std::pin::pin!(body);
        let mut out = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            match frame {
                Ok(frame) => out.extend(frame.into_data().ok()),
                Err(_) => return (out, true),
            }
        }
        (out, false)
    }

    /// A stream sent at once is byte for byte the stream sent event by event, for every
    /// request, profile, key order and fault that the at-once path serves.
    #[tokio::test]
    async fn coalesced_streams_match_per_event_streams() {
        let faults = [
            None,
            Some(FaultKind::KeepAlive),
            Some(FaultKind::Truncate),
            Some(FaultKind::ErrorAfter),
            Some(FaultKind::Malformed),
            Some(FaultKind::Duplicate),
        ];
        let dashscope_order = Quirks {
            key_order: KeyOrder::DashScope,
            ..Quirks::default()
        };
        let mut compared = 0;
        for body in STREAMED {
            for profile in [Profile::DashScope, Profile::OpenAi] {
                for quirks in [Quirks::default(), dashscope_order] {
                    let plan = planned(body, profile, quirks);
                    let count = plan.len();
                    for fault in faults {
                        for after in [0, 1, count / 2, count - 1, count + 3] {
                            let at_once = delivery(fault, after);
                            assert!(at_once.is_immediate());
                            let (coalesced, failed) =
                                frames(coalesce(plan.clone(), count, at_once)).await;
                            assert!(!failed);
                            assert!(coalesced.len() <= 1, "one frame: {}", coalesced.len());
                            let (per_event, failed) =
                                frames(spawn(plan.clone(), count, delivery(fault, after))).await;
                            assert!(!failed);
                            assert_eq!(
                                coalesced.concat(),
                                per_event.concat(),
                                "{body} {profile:?} {quirks:?} {fault:?} after {after}"
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, STREAMED.len() * 2 * 2 * 6 * 5);
    }

    /// Only a delivery where nothing waits and nothing cuts the connection is sent at once.
    #[test]
    fn timed_deliveries_are_not_coalesced() {
        assert!(Delivery::default().is_immediate());
        let zero = Delivery {
            pacing: Some(Pacing::default()),
            ..Delivery::default()
        };
        assert!(zero.is_immediate());
        let paced = Delivery {
            pacing: Some("chunk_ms=1".parse().unwrap()),
            ..Delivery::default()
        };
        assert!(!paced.is_immediate());
        let hooked = Delivery {
            hook: Some(Arc::new(|_| Box::pin(async {}))),
            ..Delivery::default()
        };
        assert!(!hooked.is_immediate());
        assert!(!delivery(Some(FaultKind::Reset), 2).is_immediate());
        assert!(delivery(Some(FaultKind::Truncate), 2).is_immediate());
    }

    /// A plan's events written from templates, and serialized one by one; and how many of
    /// its templates split an event.
    fn both_ways(plan: ChunkPlan) -> (Vec<Bytes>, Vec<Bytes>, usize) {
        let mut serialized = plan.clone();
        serialized.use_templates = false;
        let mut templated = plan;
        let fast: Vec<Bytes> = templated.by_ref().collect();
        let split = templated
            .templates
            .iter()
            .filter(|t| t.parts.is_some())
            .count();
        (fast, serialized.collect(), split)
    }

    /// Texts that escape every way JSON escapes, and the marker itself.
    fn awkward_pieces() -> Vec<String> {
        vec![
            "plain".into(),
            String::new(),
            "quote \" backslash \\ slash /".into(),
            "\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}".into(),
            "ünïcödé — 漢字 🎉".into(),
            MARKER.into(),
            format!("\"{MARKER}\""),
            "\\u0000chatwire-piece\\u0000".into(),
        ]
    }

    #[test]
    fn templated_events_are_the_serialized_events() {
        let call = |id: &str, n: usize| CallOut {
            id: id.into(),
            name: "lookup".into(),
            arguments: awkward_pieces().into_iter().cycle().take(n).collect(),
        };
        let choice = |reasoning: bool, calls: bool| ChoiceOut {
            reasoning: if reasoning {
                awkward_pieces()
            } else {
                Vec::new()
            },
            content: if calls { Vec::new() } else { awkward_pieces() },
            tool_calls: if calls {
                vec![call("call_a", 9), call("call_b", 1), call("call_c", 3)]
            } else {
                Vec::new()
            },
            finish_reason: if calls {
                FinishOut::ToolCalls
            } else {
                FinishOut::Stop
            },
        };
        let reply = Reply {
            choices: vec![
                choice(false, false),
                choice(true, false),
                choice(false, true),
                choice(true, true),
            ],
            usage: UsageOut::default(),
        };
        let mut compared = 0;
        for key_order in [KeyOrder::OpenAi, KeyOrder::DashScope] {
            for tool_call_ids in [
                ContinuationIds::Empty,
                ContinuationIds::Omitted,
                ContinuationIds::Repeated,
            ] {
                for interleave_tool_calls in [false, true] {
                    for openai in [false, true] {
                        let quirks = Quirks {
                            key_order,
                            tool_call_ids,
                            interleave_tool_calls,
                            ..Quirks::default()
                        };
                        let plan = ChunkPlan::with_quirks(meta(), reply.clone(), true, quirks)
                            .openai_conventions(openai);
                        let (fast, serialized, split) = both_ways(plan);
                        assert_eq!(fast, serialized, "{quirks:?}, openai {openai}");
                        // Content of two choices, reasoning of two, continuations of the
                        // calls with more than one piece (two of three, in two choices).
                        assert_eq!(split, 8, "{quirks:?}, openai {openai}");
                        compared += fast.len();
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn a_marker_found_elsewhere_in_the_event_leaves_the_kind_serialized() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                content: awkward_pieces(),
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let meta = Meta {
            model: MARKER.into(),
            ..meta()
        };
        let (fast, serialized, split) = both_ways(ChunkPlan::new(meta, reply, false));
        assert_eq!(split, 0);
        assert_eq!(fast, serialized);
        let text = String::from_utf8(fast[3].to_vec()).unwrap();
        assert!(
            text.contains(r#""content":"quote \" backslash \\ slash /""#),
            "{text}"
        );
    }

    #[test]
    fn server_streams_are_the_serialized_streams() {
        for body in STREAMED {
            for profile in [Profile::DashScope, Profile::OpenAi] {
                let (fast, serialized, split) =
                    both_ways(planned(body, profile, Quirks::default()));
                assert_eq!(fast, serialized, "{body}");
                assert!(split > 0, "{body}");
            }
        }
    }
}
