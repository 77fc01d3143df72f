//! [`ShapeCache`]: reading a chunk that repeats the previous one but for its text.
//!
//! In a stream, consecutive chunks are byte-for-byte the same except for the new text: the
//! same `id`, `created` and `model`, the same keys in the same order, the same `null`s. Only
//! the `content` (or `reasoning_content`, or a tool call's `arguments`) differs, and, in
//! OpenAI's chunks, the `obfuscation` padding after it. The cache keeps the data of the last
//! chunk the fast path read, and where its text string lies in it (and the first unknown
//! string field of the chunk after it, if any). The next event's data is read by comparing
//! it with that copy: when everything around those strings is the same bytes, only the
//! strings are scanned (and checked, exactly as the fast path checks them), and the rest of
//! the chunk is rebuilt from the positions recorded, borrowing the new data.
//!
//! # Why this is the fast path's own answer
//!
//! The fast path is a function of the bytes it reads. Given `P S Q`, where `P` and `Q` are
//! the bytes around a string `S` it read as a value, it reads `P S' Q` (for any other string
//! `S'`) in the same steps, except that the value is `S'`: no reader looks at the content
//! of that string, only at its extent, and what follows a string value is read the same
//! whatever the string held. So the chunk rebuilt here is the one the fast path would
//! build, and therefore the serde path's (see the parent module); the same holds for a
//! second string in `Q`. Only strings taken as they are (`content`, `reasoning_content`,
//! `reasoning`, `refusal`, `arguments`, and an unknown field's value, kept raw) are chosen;
//! fields whose value depends on the text (`role`, `finish_reason`, `object`) are part of
//! `P` or `Q`. The stream decoder's tests and the `stream_decoder` and
//! `chunk_repeat` fuzz targets compare every chunk read here with
//! [`ChatCompletionChunk::from_json`] of the same data.
//!
//! # Cost
//!
//! A hit costs two or three comparisons of bytes already in cache and one or two string
//! scans, instead of reading every key and value. A miss costs a comparison that fails early, and, when the
//! fast path then reads the chunk, recording its shape (a copy of the data, at most
//! [`MAX_TEMPLATE`] bytes). A stream where no two chunks match (one whose chunks carry a
//! changing number, say) soon stops being recorded: after [`PATIENCE`] misses in a row,
//! shapes are recorded ever more rarely, down to one event in [`MAX_WAIT`] + 1.
//!
//! Most streams mark a few chunks once: the first with the `role`, a tool call's first piece
//! with its `name`, the last with the `finish_reason`. The chunk after such a one has another
//! shape, so recording it is wasted work. A chunk with one of those [`Marks`] is recorded
//! only when the event before it had the same marks: a stream that repeats the role in every
//! chunk (as some routers do) is recorded from its second chunk on.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::types::{
    ChatCompletionChunk, ChunkChoice, Delta, Extra, FinishReason, FunctionCallDelta, JsonStr, List,
    Maybe, MessageContent, ObjectKind, RawJson, Role, ServiceTier, ToolCallDelta, ToolType,
};

use super::cursor::Cursor;

/// The largest event data recorded: beyond this, reading the string itself dominates, and
/// the copy would only hold memory.
pub(crate) const MAX_TEMPLATE: usize = 16 * 1024;

/// Misses in a row after which shapes are no longer recorded at every event.
const PATIENCE: u32 = 8;

/// The most events passed over between two recordings.
const MAX_WAIT: u32 = 64;

/// The last shape seen in a stream, and when to record the next one.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShapeCache {
    /// The data of the chunk the shape was recorded from (its capacity is kept across
    /// streams).
    template: String,
    /// The recorded shape, when `template` holds one.
    shape: Option<Shape>,
    /// The unknown fields of the shape (its capacity is kept).
    fields: Vec<(Span, Span)>,
    /// Events in a row that were not read from the shape.
    misses: u32,
    /// Events to pass over before recording again.
    wait: u32,
    /// The marks of the last event read as a chunk.
    marks: Marks,
}

/// What sets a chunk apart from the chunks around it in most streams (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Marks(u8);

impl Marks {
    const ROLE: u8 = 1;
    const NAME: u8 = 2;
    const FINISH: u8 = 4;

    /// The marks of `chunk`: a choice's `role`, a tool call's (or legacy function call's)
    /// `name`, a choice's `finish_reason`.
    fn of(chunk: &ChatCompletionChunk<'_>) -> Marks {
        let mut marks = 0;
        for choice in chunk.choices.value().map_or(&[][..], List::as_slice) {
            if choice.finish_reason.is_value() {
                marks |= Self::FINISH;
            }
            let Some(delta) = choice.delta.value() else {
                continue;
            };
            if delta.role.is_value() {
                marks |= Self::ROLE;
            }
            let calls = delta.tool_calls.value().map_or(&[][..], List::as_slice);
            let named =
                |f: &Maybe<FunctionCallDelta<'_>>| f.value().is_some_and(|f| f.name.is_value());
            if calls.iter().any(|call| named(&call.function)) || named(&delta.function_call) {
                marks |= Self::NAME;
            }
        }
        Marks(marks)
    }
}

impl ShapeCache {
    /// Forgets the shape (a new stream), keeping the buffer.
    pub(crate) fn reset(&mut self) {
        self.template.clear();
        self.shape = None;
        self.misses = 0;
        self.wait = 0;
        self.marks = Marks::default();
    }

    /// When `data` has the recorded shape: its changing string, and which blank chunk
    /// ([`TEXT_CHUNK`] or [`TOOL_CALL_CHUNK`]) to [`patch`](Self::patch) with it. The
    /// caller writes that constant straight into the item it returns: a function returning
    /// the chunk would copy its kilobyte twice. `None` otherwise.
    #[inline]
    pub(crate) fn matching<'a>(&mut self, data: &'a str) -> Option<(Hit<'a>, Blank)> {
        let hit = self.shape.as_ref().and_then(|shape| {
            let hit = matching_text(&self.template, shape, data)?;
            let blank = if shape.tool_calls.is_value() {
                Blank::ToolCall
            } else {
                Blank::Text
            };
            Some((hit, blank))
        });
        if hit.is_some() {
            self.misses = 0;
        } else {
            self.misses = self.misses.saturating_add(1);
        }
        hit
    }

    /// Writes the fields of the chunk [`matching`](Self::matching) found into `chunk`, the
    /// chunk it gave. `None` only if a recorded position does not fit `data`, which the
    /// matching bytes rule out.
    #[inline]
    pub(crate) fn patch<'a>(
        &self,
        data: &'a str,
        hit: Hit<'a>,
        chunk: &mut ChatCompletionChunk<'a>,
    ) -> Option<()> {
        let shape = self.shape.as_ref()?;
        let at = Rebase {
            len: data.len(),
            text_end: hit.text_end,
            second: shape
                .second
                .as_ref()
                .zip(hit.second)
                .map(|(second, raw)| (second.field, raw)),
        };
        shape.patch(data, at, &self.fields, hit.text, chunk)
    }

    /// Records the shape of `chunk`, which the fast path has just read from `data`, when it
    /// is one the cache can rebuild (and it is time to record).
    pub(crate) fn learn(&mut self, data: &str, chunk: &ChatCompletionChunk<'_>) {
        let marks = Marks::of(chunk);
        let before = core::mem::replace(&mut self.marks, marks);
        if marks != Marks::default() && marks != before {
            // Marked once: the next chunk has another shape.
            self.shape = None;
            return;
        }
        if self.wait > 0 {
            // No shape until the next recording: matching would only fail again.
            self.wait -= 1;
            self.shape = None;
            return;
        }
        if self.misses >= PATIENCE {
            self.wait = (1 << (self.misses - PATIENCE).min(6)).min(MAX_WAIT);
        }
        self.shape = None;
        if data.len() > MAX_TEMPLATE {
            return;
        }
        let mut record = Record {
            data,
            var: 0..0,
            second: None,
            second_field: None,
            fields: core::mem::take(&mut self.fields),
        };
        record.fields.clear();
        let shape = Shape::of(&mut record, chunk);
        self.fields = record.fields;
        let Some(shape) = shape else {
            return;
        };
        self.template.clear();
        self.template.push_str(data);
        self.shape = Some(shape);
    }
}

/// What [`ShapeCache::matching`] found in data of the recorded shape.
#[derive(Debug)]
pub(crate) struct Hit<'a> {
    /// The changing text.
    text: JsonStr<'a>,
    /// Where its closing quote ends in the data.
    text_end: usize,
    /// The second changing string, quotes included, when the shape has one.
    second: Option<&'a str>,
}

/// The strings that take the place of the recorded ones in `data`, when `data` is the
/// template with only those strings changed: `P S' Q` for a template `P S Q`, or
/// `P S' Q1 T' Q2` for a template `P S Q1 T Q2` when the shape has a second changing string
/// `T`. `S` is `shape.var`, `T` `shape.second` (quotes included).
#[inline]
fn matching_text<'a>(template: &str, shape: &Shape, data: &'a str) -> Option<Hit<'a>> {
    let (t, d) = (template.as_bytes(), data.as_bytes());
    let var = shape.var.clone();
    if d.len() < var.start + 2 || d.get(..var.start)? != t.get(..var.start)? {
        return None;
    }
    if d[var.start] != b'"' {
        return None;
    }
    let mut cursor = Cursor::at(data, var.start);
    let (raw, escaped) = cursor.string()?;
    let text_end = cursor.pos();
    let mut tail = var.end;
    let mut end = text_end;
    let mut second = None;
    if let Some(recorded) = &shape.second {
        // `Q1`, then any string.
        let between = t.get(var.end..recorded.var.start)?;
        if d.get(end..end + between.len())? != between {
            return None;
        }
        let start = end + between.len();
        if d.get(start) != Some(&b'"') {
            return None;
        }
        let mut cursor = Cursor::at(data, start);
        cursor.string()?;
        end = cursor.pos();
        second = Some(data.get(start..end)?);
        tail = recorded.var.end;
    }
    if d.len() - end != t.len() - tail || d.get(end..)? != t.get(tail..)? {
        return None;
    }
    Some(Hit {
        text: JsonStr::from_scanned_raw(raw, escaped),
        text_end,
        second,
    })
}

/// Where a recorded piece of text lies: `Front(n)` at byte `n` (before the changing text),
/// `Mid(n)` `n` bytes after the changing text (before the second changing string), `Back(n)`
/// `n` bytes before the end of the data (after both).
#[derive(Debug, Clone, Copy)]
enum At {
    Front(usize),
    Mid(usize),
    Back(usize),
}

/// A piece of text in the template.
#[derive(Debug, Clone, Copy)]
struct Span {
    at: At,
    len: usize,
}

/// A JSON string's contents in the template, and whether they hold an escape.
#[derive(Debug, Clone, Copy)]
struct Str {
    span: Span,
    escaped: bool,
}

/// A value of an open enum: a known one, or text kept as sent.
#[derive(Debug, Clone)]
enum Kind<E> {
    Known(E),
    Other(Str),
}

/// Unknown fields: the range of their keys and raw values in [`ShapeCache::fields`].
type Fields = Range<usize>;

/// Which string of the chunk changes from one event to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Content,
    ReasoningContent,
    Reasoning,
    Refusal,
    Arguments,
}

/// A chunk with one choice, every field but one recorded as positions in the template.
#[derive(Debug, Clone)]
struct Shape {
    /// The changing string, quotes included.
    var: Range<usize>,
    /// A second changing string: the value of an unknown field of the chunk after the text
    /// (OpenAI's `obfuscation`).
    second: Option<Second>,
    /// Which field it is.
    which: Var,
    id: Maybe<Str>,
    object: Maybe<Kind<ObjectKind<'static>>>,
    created: Maybe<u64>,
    model: Maybe<Str>,
    system_fingerprint: Maybe<Str>,
    service_tier: Maybe<Kind<ServiceTier<'static>>>,
    /// `usage` (absent or `null`).
    usage: Maybe<()>,
    /// `error` (absent or `null`).
    error: Maybe<()>,
    extra: Fields,
    index: Maybe<u32>,
    finish_reason: Maybe<Kind<FinishReason<'static>>>,
    logprobs: Maybe<Span>,
    choice_extra: Fields,
    role: Maybe<Kind<Role<'static>>>,
    /// The text fields; the changing one is overwritten.
    content: Maybe<Str>,
    reasoning_content: Maybe<Str>,
    reasoning: Maybe<Str>,
    refusal: Maybe<Str>,
    /// `tool_calls` (absent or `null` unless the arguments change).
    tool_calls: Maybe<ToolShape>,
    /// `function_call` (absent or `null`).
    function_call: Maybe<()>,
    delta_extra: Fields,
}

/// A second changing string.
#[derive(Debug, Clone)]
struct Second {
    /// Its place in the template, quotes included.
    var: Range<usize>,
    /// The index in [`ShapeCache::fields`] of the unknown field whose value it is.
    field: usize,
}

/// The one tool-call piece whose arguments change.
#[derive(Debug, Clone)]
struct ToolShape {
    index: Maybe<u32>,
    id: Maybe<Str>,
    kind: Maybe<Kind<ToolType<'static>>>,
    call_extra: Fields,
    name: Maybe<Str>,
    function_extra: Fields,
}

/// Positions in the template while recording.
struct Record<'t> {
    data: &'t str,
    var: Range<usize>,
    /// The second changing string, quotes included.
    second: Option<Range<usize>>,
    /// The index in `fields` of the unknown field that holds it.
    second_field: Option<usize>,
    fields: Vec<(Span, Span)>,
}

impl Record<'_> {
    /// Where `text` (a slice of the data) lies.
    fn span(&self, text: &str) -> Option<Span> {
        let start = offset(self.data, text)?;
        let end = start + text.len();
        let at = match &self.second {
            _ if end <= self.var.start => At::Front(start),
            None if start >= self.var.end => At::Back(self.data.len() - start),
            Some(second) if start >= self.var.end && end <= second.start => {
                At::Mid(start - self.var.end)
            }
            Some(second) if start >= second.end => At::Back(self.data.len() - start),
            _ => return None,
        };
        Some(Span {
            at,
            len: text.len(),
        })
    }

    fn str(&self, text: &JsonStr<'_>) -> Option<Str> {
        let (raw, escaped) = text.scanned()?;
        Some(Str {
            span: self.span(raw)?,
            escaped,
        })
    }

    fn maybe_str(&self, value: &Maybe<JsonStr<'_>>) -> Option<Maybe<Str>> {
        maybe(value, |text| self.str(text))
    }

    fn fields(&mut self, extra: &Extra<'_>) -> Option<Fields> {
        let start = self.fields.len();
        for (key, value) in extra.iter() {
            let value = value.get();
            let span = if self.is_second(value) {
                // Its value changes: a placeholder, never read.
                self.second_field = Some(self.fields.len());
                Span {
                    at: At::Front(0),
                    len: 0,
                }
            } else {
                self.span(value)?
            };
            let field = (self.span(key)?, span);
            self.fields.push(field);
        }
        Some(start..self.fields.len())
    }

    /// `true` when `text` is the second changing string.
    fn is_second(&self, text: &str) -> bool {
        let start = offset(self.data, text);
        self.second
            .as_ref()
            .zip(start)
            .is_some_and(|(second, start)| *second == (start..start + text.len()))
    }
}

/// Where `text`, a slice of `data`, starts in it; `None` for text that is not in `data`
/// (owned text).
fn offset(data: &str, text: &str) -> Option<usize> {
    let start = (text.as_ptr() as usize).checked_sub(data.as_ptr() as usize)?;
    (start.checked_add(text.len())? <= data.len()).then_some(start)
}

/// Maps the value of a `Maybe`, failing as `f` fails.
fn maybe<T, U>(value: &Maybe<T>, f: impl FnOnce(&T) -> Option<U>) -> Option<Maybe<U>> {
    Some(match value {
        Maybe::Absent => Maybe::Absent,
        Maybe::Null => Maybe::Null,
        Maybe::Value(value) => Maybe::Value(f(value)?),
    })
}

/// `Absent` or `Null` of a field the shape does not hold values of.
fn nothing<T>(value: &Maybe<T>) -> Option<Maybe<()>> {
    match value {
        Maybe::Absent => Some(Maybe::Absent),
        Maybe::Null => Some(Maybe::Null),
        Maybe::Value(_) => None,
    }
}

/// Recording and rebuilding the value of an open enum.
macro_rules! kinds {
    ($($record:ident, $build:ident: $ty:ident;)*) => {
        impl Record<'_> {
            $(
                fn $record(&self, value: &Maybe<$ty<'_>>) -> Option<Maybe<Kind<$ty<'static>>>> {
                    maybe(value, |value| match value {
                        $ty::Other(text) => Some(Kind::Other(self.str(text)?)),
                        known => Some(Kind::Known(known.clone().into_owned())),
                    })
                }
            )*
        }

        impl<'a> Rebase<'a> {
            $(
                #[inline(always)]
                fn $build(self, data: &'a str, value: &Kind<$ty<'static>>) -> Option<$ty<'a>> {
                    match value {
                        Kind::Known(known) => Some(known.clone()),
                        Kind::Other(text) => Some($ty::Other(self.str(data, *text)?)),
                    }
                }
            )*
        }
    };
}

kinds! {
    object, object: ObjectKind;
    service_tier, service_tier: ServiceTier;
    finish_reason, finish_reason: FinishReason;
    role, role: Role;
    tool_type, tool_type: ToolType;
}

impl Shape {
    /// The shape of `chunk`, read by the fast path from `data`, when it is one this cache
    /// rebuilds: one choice with a delta whose text changes, no usage, no error.
    fn of(record: &mut Record<'_>, chunk: &ChatCompletionChunk<'_>) -> Option<Shape> {
        let data = record.data;
        let [choice] = chunk.choices.value()?.as_slice() else {
            return None;
        };
        let delta = choice.delta.value()?;
        let call = match delta.tool_calls.value().map(List::as_slice) {
            None => None,
            Some([call]) => Some(call),
            Some(_) => return None,
        };
        let (which, text) = if let Some(MessageContent::Text(text)) = delta.content.value() {
            (Var::Content, text)
        } else if let Some(text) = delta.reasoning_content.value() {
            (Var::ReasoningContent, text)
        } else if let Some(text) = delta.reasoning.value() {
            (Var::Reasoning, text)
        } else if let Some(text) = delta.refusal.value() {
            (Var::Refusal, text)
        } else {
            let arguments = call?.function.value()?.arguments.value()?;
            (Var::Arguments, arguments)
        };
        if which != Var::Arguments && call.is_some() {
            return None;
        }
        // The string's quotes lie just outside its contents.
        let (raw, _) = text.scanned()?;
        let start = offset(data, raw)?;
        let end = start + raw.len();
        let bytes = data.as_bytes();
        if start == 0 || bytes.get(start - 1) != Some(&b'"') || bytes.get(end) != Some(&b'"') {
            return None;
        }
        record.var = start - 1..end + 1;
        // The first unknown string field of the chunk after the text changes too, if there
        // is one (OpenAI's `obfuscation`): a chunk whose text is a repeat but for it is read
        // as a repeat.
        record.second = chunk.extra.iter().find_map(|(_, value)| {
            let raw = value.get();
            let start = offset(data, raw)?;
            (raw.starts_with('"') && start >= record.var.end).then_some(start..start + raw.len())
        });
        let extra = record.fields(&chunk.extra)?;
        let choice_extra = record.fields(&choice.extra)?;
        let delta_extra = record.fields(&delta.extra)?;
        let (call_extra, function_extra) = match call {
            Some(call) => (
                record.fields(&call.extra)?,
                record.fields(&call.function.value()?.extra)?,
            ),
            None => (0..0, 0..0),
        };
        let record = &*record;
        let tool_calls = match call {
            None => unit(nothing(&delta.tool_calls)?),
            Some(call) => {
                let function = call.function.value()?;
                Maybe::Value(ToolShape {
                    index: call.index,
                    id: record.maybe_str(&call.id)?,
                    kind: record.tool_type(&call.kind)?,
                    call_extra,
                    name: record.maybe_str(&function.name)?,
                    function_extra,
                })
            }
        };
        let placeholder = Str {
            span: Span {
                at: At::Front(0),
                len: 0,
            },
            escaped: false,
        };
        let text_field = |value: &Maybe<JsonStr<'_>>, this: Var| {
            if which == this {
                Some(Maybe::Value(placeholder))
            } else {
                record.maybe_str(value)
            }
        };
        Some(Shape {
            which,
            id: record.maybe_str(&chunk.id)?,
            object: record.object(&chunk.object)?,
            created: chunk.created,
            model: record.maybe_str(&chunk.model)?,
            system_fingerprint: record.maybe_str(&chunk.system_fingerprint)?,
            service_tier: record.service_tier(&chunk.service_tier)?,
            usage: nothing(&chunk.usage)?,
            error: nothing(&chunk.error)?,
            extra,
            index: choice.index,
            finish_reason: record.finish_reason(&choice.finish_reason)?,
            logprobs: maybe(&choice.logprobs, |raw| record.span(raw.get()))?,
            choice_extra,
            role: record.role(&delta.role)?,
            // Text content is always the changing string (it is chosen first).
            content: match &delta.content {
                Maybe::Value(MessageContent::Text(_)) => Maybe::Value(placeholder),
                Maybe::Value(MessageContent::Parts(_)) => return None,
                Maybe::Absent => Maybe::Absent,
                Maybe::Null => Maybe::Null,
            },
            reasoning_content: text_field(&delta.reasoning_content, Var::ReasoningContent)?,
            reasoning: text_field(&delta.reasoning, Var::Reasoning)?,
            refusal: text_field(&delta.refusal, Var::Refusal)?,
            tool_calls,
            function_call: nothing(&delta.function_call)?,
            delta_extra,
            var: record.var.clone(),
            second: match (&record.second, record.second_field) {
                (None, _) => None,
                (Some(var), Some(field)) => Some(Second {
                    var: var.clone(),
                    field,
                }),
                (Some(_), None) => return None,
            },
        })
    }

    /// Writes every field into `chunk` ([`TEXT_CHUNK`] or [`TOOL_CALL_CHUNK`]), with `text`
    /// as the changing string. `None` only if a recorded position does not fit `data`
    /// (which the matching bytes rule out).
    #[inline]
    fn patch<'a>(
        &self,
        data: &'a str,
        at: Rebase<'a>,
        fields: &[(Span, Span)],
        text: JsonStr<'a>,
        chunk: &mut ChatCompletionChunk<'a>,
    ) -> Option<()> {
        let str = |saved: &Str| at.str(data, *saved);
        put(&mut chunk.id, &self.id, str)?;
        put(&mut chunk.object, &self.object, |kind| {
            at.object(data, kind)
        })?;
        chunk.created = self.created;
        put(&mut chunk.model, &self.model, str)?;
        put(&mut chunk.system_fingerprint, &self.system_fingerprint, str)?;
        put(&mut chunk.service_tier, &self.service_tier, |kind| {
            at.service_tier(data, kind)
        })?;
        put_null(&mut chunk.usage, self.usage);
        put_null(&mut chunk.error, self.error);
        at.fields(data, fields, self.extra.clone(), &mut chunk.extra)?;
        let Maybe::Value(choices) = &mut chunk.choices else {
            return None;
        };
        let choice = choices.as_mut_slice().first_mut()?;
        choice.index = self.index;
        put(&mut choice.finish_reason, &self.finish_reason, |kind| {
            at.finish_reason(data, kind)
        })?;
        put(&mut choice.logprobs, &self.logprobs, |span| {
            Some(RawJson::from_validated(at.text(data, *span)?))
        })?;
        at.fields(data, fields, self.choice_extra.clone(), &mut choice.extra)?;
        let Maybe::Value(delta) = &mut choice.delta else {
            return None;
        };
        put(&mut delta.role, &self.role, |kind| at.role(data, kind))?;
        put_null(&mut delta.function_call, self.function_call);
        at.fields(data, fields, self.delta_extra.clone(), &mut delta.extra)?;
        let mut arguments = None;
        match self.which {
            Var::Content => set(&mut delta.content, Maybe::Value(MessageContent::Text(text))),
            Var::ReasoningContent => set(&mut delta.reasoning_content, Maybe::Value(text)),
            Var::Reasoning => set(&mut delta.reasoning, Maybe::Value(text)),
            Var::Refusal => set(&mut delta.refusal, Maybe::Value(text)),
            Var::Arguments => arguments = Some(text),
        }
        if self.which != Var::Content {
            put(&mut delta.content, &self.content, |saved| {
                Some(MessageContent::Text(at.str(data, *saved)?))
            })?;
        }
        if self.which != Var::ReasoningContent {
            put(&mut delta.reasoning_content, &self.reasoning_content, str)?;
        }
        if self.which != Var::Reasoning {
            put(&mut delta.reasoning, &self.reasoning, str)?;
        }
        if self.which != Var::Refusal {
            put(&mut delta.refusal, &self.refusal, str)?;
        }
        match (&self.tool_calls, &mut delta.tool_calls) {
            (Maybe::Absent, Maybe::Absent) => Some(()),
            (Maybe::Null, Maybe::Absent) => {
                set(&mut delta.tool_calls, Maybe::Null);
                Some(())
            }
            (Maybe::Value(tool), Maybe::Value(calls)) => {
                let call = calls.as_mut_slice().first_mut()?;
                tool.patch(data, at, fields, arguments?, call)
            }
            _ => None,
        }
    }
}

impl ToolShape {
    #[inline]
    fn patch<'a>(
        &self,
        data: &'a str,
        at: Rebase<'a>,
        fields: &[(Span, Span)],
        arguments: JsonStr<'a>,
        call: &mut ToolCallDelta<'a>,
    ) -> Option<()> {
        call.index = self.index;
        put(&mut call.id, &self.id, |saved| at.str(data, *saved))?;
        put(&mut call.kind, &self.kind, |kind| at.tool_type(data, kind))?;
        at.fields(data, fields, self.call_extra.clone(), &mut call.extra)?;
        let Maybe::Value(function) = &mut call.function else {
            return None;
        };
        put(&mut function.name, &self.name, |saved| at.str(data, *saved))?;
        set(&mut function.arguments, Maybe::Value(arguments));
        at.fields(
            data,
            fields,
            self.function_extra.clone(),
            &mut function.extra,
        )
    }
}

/// Writes what was recorded of a field into the blank chunk's (absent) field: nothing when
/// it was absent, `null`, or the value `build` makes from the record.
#[inline(always)]
fn put<S, T>(
    field: &mut Maybe<T>,
    recorded: &Maybe<S>,
    build: impl FnOnce(&S) -> Option<T>,
) -> Option<()> {
    match recorded {
        Maybe::Absent => {}
        Maybe::Null => set(field, Maybe::Null),
        Maybe::Value(saved) => set(field, Maybe::Value(build(saved)?)),
    }
    Some(())
}

/// [`put`] for a field recorded only as absent or `null`.
#[inline(always)]
fn put_null<T>(field: &mut Maybe<T>, recorded: Maybe<()>) {
    if recorded.is_null() {
        set(field, Maybe::Null);
    }
}

/// The chunk to build and [`ShapeCache::patch`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Blank {
    /// [`TEXT_CHUNK`].
    Text,
    /// [`TOOL_CALL_CHUNK`].
    ToolCall,
}

#[cfg(test)]
impl Blank {
    /// The chunk.
    pub(crate) const fn chunk(self) -> ChatCompletionChunk<'static> {
        match self {
            Blank::Text => TEXT_CHUNK,
            Blank::ToolCall => TOOL_CALL_CHUNK,
        }
    }
}

/// A chunk with one choice and its delta, every field absent: what [`Shape::patch`] fills.
pub(crate) const TEXT_CHUNK: ChatCompletionChunk<'static> = ChatCompletionChunk {
    id: Maybe::Absent,
    object: Maybe::Absent,
    created: Maybe::Absent,
    model: Maybe::Absent,
    system_fingerprint: Maybe::Absent,
    service_tier: Maybe::Absent,
    choices: Maybe::Value(List::one(ChunkChoice {
        index: Maybe::Absent,
        delta: Maybe::Value(DELTA),
        finish_reason: Maybe::Absent,
        logprobs: Maybe::Absent,
        extra: Extra::new(),
    })),
    usage: Maybe::Absent,
    error: Maybe::Absent,
    extra: Extra::new(),
};

/// [`TEXT_CHUNK`] with one tool-call piece and its function in the delta.
pub(crate) const TOOL_CALL_CHUNK: ChatCompletionChunk<'static> = ChatCompletionChunk {
    choices: Maybe::Value(List::one(ChunkChoice {
        index: Maybe::Absent,
        delta: Maybe::Value(Delta {
            tool_calls: Maybe::Value(List::one(ToolCallDelta {
                index: Maybe::Absent,
                id: Maybe::Absent,
                kind: Maybe::Absent,
                function: Maybe::Value(FunctionCallDelta {
                    name: Maybe::Absent,
                    arguments: Maybe::Absent,
                    extra: Extra::new(),
                }),
                extra: Extra::new(),
            })),
            role: Maybe::Absent,
            content: Maybe::Absent,
            reasoning_content: Maybe::Absent,
            reasoning: Maybe::Absent,
            refusal: Maybe::Absent,
            function_call: Maybe::Absent,
            extra: Extra::new(),
        }),
        finish_reason: Maybe::Absent,
        logprobs: Maybe::Absent,
        extra: Extra::new(),
    })),
    id: Maybe::Absent,
    object: Maybe::Absent,
    created: Maybe::Absent,
    model: Maybe::Absent,
    system_fingerprint: Maybe::Absent,
    service_tier: Maybe::Absent,
    usage: Maybe::Absent,
    error: Maybe::Absent,
    extra: Extra::new(),
};

/// A delta with every field absent.
const DELTA: Delta<'static> = Delta {
    role: Maybe::Absent,
    content: Maybe::Absent,
    reasoning_content: Maybe::Absent,
    reasoning: Maybe::Absent,
    refusal: Maybe::Absent,
    tool_calls: Maybe::Absent,
    function_call: Maybe::Absent,
    extra: Extra::new(),
};

/// Writes a field of a blank chunk without dropping what it held: every field of
/// [`TEXT_CHUNK`] and [`TOOL_CALL_CHUNK`] owns nothing, and the drop code (a call per field)
/// is a measurable part of a hit.
#[inline(always)]
fn set<T>(field: &mut T, value: T) {
    core::mem::forget(core::mem::replace(field, value));
}

/// `Absent` or `Null`, for any field type.
fn unit<T>(value: Maybe<()>) -> Maybe<T> {
    match value {
        Maybe::Value(()) | Maybe::Absent => Maybe::Absent,
        Maybe::Null => Maybe::Null,
    }
}

/// Recorded positions, in new data of `len` bytes whose changing text ends at `text_end`.
#[derive(Clone, Copy)]
struct Rebase<'a> {
    len: usize,
    text_end: usize,
    /// The index in [`ShapeCache::fields`] of the unknown field holding the second changing
    /// string, and that string in the new data.
    second: Option<(usize, &'a str)>,
}

impl<'a> Rebase<'a> {
    #[inline(always)]
    fn text(self, data: &'a str, span: Span) -> Option<&'a str> {
        let start = match span.at {
            At::Front(start) => start,
            At::Mid(after) => self.text_end + after,
            At::Back(back) => self.len - back,
        };
        data.get(start..start + span.len)
    }

    #[inline(always)]
    fn str(self, data: &'a str, text: Str) -> Option<JsonStr<'a>> {
        Some(JsonStr::from_scanned_raw(
            self.text(data, text.span)?,
            text.escaped,
        ))
    }

    /// Appends the recorded unknown fields `range` of `fields` to `extra`.
    #[inline(always)]
    fn fields(
        self,
        data: &'a str,
        fields: &[(Span, Span)],
        range: Range<usize>,
        extra: &mut Extra<'a>,
    ) -> Option<()> {
        for index in range {
            let (key, value) = fields.get(index)?;
            let value = match self.second {
                Some((field, second)) if field == index => second,
                _ => self.text(data, *value)?,
            };
            extra.push(self.text(data, *key)?, RawJson::from_validated(value));
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    use super::*;
    use crate::fastpath::fill_chunk;

    /// Chunks in the shapes streams send, `@` standing for the changing string's contents.
    const TEMPLATES: &[&str] = &[
        // DashScope: choices first, every null written.
        r#"{"choices":[{"delta":{"content":"@"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb0"}"#,
        // DashScope's first chunk: a role beside the (empty) content.
        r#"{"choices":[{"delta":{"content":"@","role":"assistant"},"index":0,"logprobs":null,"finish_reason":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb0"}"#,
        // Reasoning, with `content` null.
        r#"{"choices":[{"delta":{"content":null,"reasoning_content":"@"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb0"}"#,
        // OpenAI: id first, a fingerprint, a service tier, an unknown field at the end.
        r#"{"id":"chatcmpl-A1b2","object":"chat.completion.chunk","created":1727346162,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"@"},"logprobs":null,"finish_reason":null}],"obfuscation":"Xy7"}"#,
        // Whitespace, an escaped id, unknown values and fields at every level, raw logprobs.
        r#" { "id" : "c\u002d1" , "object" : "custom.kind", "created": 7, "model":"m", "service_tier":"priority", "choices" : [ { "index" : 2 , "delta" : { "role":"critic", "refusal" : "@" , "x_delta": [1, {"a": null}] }, "logprobs": {"content": []}, "finish_reason": null, "x_choice": true } ], "x_top": {"nested": "v"} } "#,
        // OpenRouter and Groq: `reasoning`.
        r#"{"id":"gen-1","provider":"Groq","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning":"@"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
        // DashScope tool-call continuation: `type` repeated, `id` empty.
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":"@"}}]},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-8c44"}"#,
        // A tool call's first piece: id and name beside the arguments, unknown fields inside.
        r#"{"id":"c","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"index":1,"id":"call_1","type":"function","function":{"name":"get_time","arguments":"@","x_fn":1},"x_call":2}]},"finish_reason":null}]}"#,
    ];

    /// Strings to put in the place of `@`.
    const TEXTS: &[&str] = &[
        "",
        "Hello",
        " world, and a longer piece of text than the template had",
        r#"line\nnext \"quoted\" \\ \/ \b\f\r\t"#,
        r"\u4f60\u597d \ud83d\ude00",
        "你好 😀 é",
        r#"{\"location\": \"Hangzhou\"}"#,
    ];

    fn learned(template: &str) -> ShapeCache {
        let mut chunk = ChatCompletionChunk::default();
        fill_chunk(template, &mut chunk).expect("the fast path reads the template");
        let mut cache = ShapeCache::default();
        // Twice: a chunk with a role or a name is recorded only after one with the same
        // marks (see `Marks`).
        cache.learn(template, &chunk);
        cache.learn(template, &chunk);
        assert!(cache.shape.is_some(), "no shape recorded from {template}");
        cache
    }

    /// Reads the stream `datas` as the decoder does: a chunk the cache does not match is read
    /// by the fast path and learnt. Whether each one matched.
    fn hits(cache: &mut ShapeCache, datas: &[&str]) -> Vec<bool> {
        datas
            .iter()
            .map(|data| {
                if read(cache, data).is_some() {
                    return true;
                }
                let mut chunk = ChatCompletionChunk::default();
                fill_chunk(data, &mut chunk).expect("the fast path reads it");
                cache.learn(data, &chunk);
                false
            })
            .collect()
    }

    #[test]
    fn chunks_marked_once_are_not_recorded() {
        let chunk = |delta: &str, finish: &str| {
            format!(
                r#"{{"id":"c","choices":[{{"index":0,"delta":{delta},"finish_reason":{finish}}}]}}"#
            )
        };
        let role = chunk(r#"{"role":"assistant","content":""}"#, "null");
        let text = |t: &str| chunk(&format!(r#"{{"content":"{t}"}}"#), "null");
        let finish = chunk(r#"{"content":""}"#, r#""stop""#);
        let (a, b, c) = (text("a"), text("b"), text("c"));
        let mut cache = ShapeCache::default();
        // The role chunk and the first finish chunk are not recorded; the text after the
        // role is, and a finish chunk after a finish chunk.
        assert_eq!(
            hits(&mut cache, &[&role, &a, &b, &c, &finish, &finish, &finish]),
            [false, false, true, true, false, false, true]
        );
        assert_eq!(cache.marks, Marks(Marks::FINISH));
        cache.reset();
        assert_eq!(cache.marks, Marks::default());
        // A stream that repeats the role in every chunk: recorded from its second chunk.
        let with_role = |t: &str| {
            chunk(
                &format!(r#"{{"role":"assistant","content":"{t}"}}"#),
                "null",
            )
        };
        let (x, y, z) = (with_role("x"), with_role("y"), with_role("z"));
        assert_eq!(
            hits(&mut cache, &[&x, &y, &z, &x]),
            [false, false, true, true]
        );
        // A tool call's first piece, with its name, is not recorded; its continuations are.
        cache.reset();
        let call = |f: &str| {
            chunk(
                &format!(r#"{{"tool_calls":[{{"index":0,"function":{{{f}}}}}]}}"#),
                "null",
            )
        };
        let first = call(r#""name":"get_time","arguments":"{""#);
        let (p, q, r) = (
            call(r#""arguments":"1""#),
            call(r#""arguments":"2""#),
            call(r#""arguments":"}""#),
        );
        assert_eq!(
            hits(&mut cache, &[&first, &p, &q, &r]),
            [false, false, true, true]
        );
    }

    /// What the cache reads from `data`, if it matches.
    fn read<'a>(cache: &mut ShapeCache, data: &'a str) -> Option<ChatCompletionChunk<'a>> {
        let (hit, blank) = cache.matching(data)?;
        let mut chunk = blank.chunk();
        cache.patch(data, hit, &mut chunk).expect("a match patches");
        Some(chunk)
    }

    #[test]
    fn a_repeated_shape_gives_what_the_fast_and_serde_paths_give() {
        for template in TEMPLATES {
            let mut cache = learned(&template.replace('@', "first"));
            for text in TEXTS {
                let data = template.replace('@', text);
                let chunk = read(&mut cache, &data).unwrap_or_else(|| panic!("no match: {data}"));
                let fast = ChatCompletionChunk::from_json(&data).unwrap();
                let serde: ChatCompletionChunk<'_> = serde_json::from_str(&data).unwrap();
                assert_eq!(chunk, fast, "{data}");
                assert_eq!(chunk, serde, "{data}");
                assert_eq!(format!("{chunk:?}"), format!("{serde:?}"));
                assert_eq!(chunk.to_json(), serde.to_json());
            }
        }
    }

    #[test]
    fn rebuilt_text_borrows_the_new_data() {
        let template = TEMPLATES[3];
        let mut cache = learned(&template.replace('@', "a"));
        let data = template.replace('@', "a much longer text");
        let chunk = read(&mut cache, &data).unwrap();
        let range = data.as_bytes().as_ptr_range();
        for text in [
            chunk.id.value().unwrap().as_plain().unwrap(),
            chunk.model.value().unwrap().as_plain().unwrap(),
            chunk.extra.get("obfuscation").unwrap().get(),
        ] {
            assert!(range.contains(&text.as_ptr()), "{text} is not in the data");
        }
    }

    #[test]
    fn any_other_byte_changed_misses() {
        let template = TEMPLATES[0].replace('@', "text");
        let start = template.find("text").unwrap();
        for at in (0..template.len()).filter(|at| !(start..start + 4).contains(at)) {
            let mut cache = learned(&template);
            let mut data = template.clone().into_bytes();
            data[at] = if data[at] == b'0' { b'1' } else { b'0' };
            let data = String::from_utf8(data).unwrap();
            assert!(cache.matching(&data).is_none(), "byte {at} changed: {data}");
        }
        // Bytes added or removed outside the string.
        let mut cache = learned(&template);
        for data in [
            format!(" {template}"),
            format!("{template} "),
            template.replacen("null", "null ", 1),
            template.replace("\"index\":0", "\"index\":10"),
            template[..template.len() - 1].to_string(),
        ] {
            assert!(cache.matching(&data).is_none(), "{data}");
        }
    }

    #[test]
    fn another_value_or_a_malformed_string_misses() {
        let template = TEMPLATES[0];
        let mut cache = learned(&template.replace('@', "text"));
        for value in [
            r#"null"#,
            r#"1"#,
            r#"[]"#,
            r#"{"a":"b"}"#,
            r#""a\x""#,
            r#""a\u12""#,
            "\"a\u{1}b\"",
            "\"a\tb\"",
            r#""a" "b""#,
            r#""a","b""#,
        ] {
            let data = template.replace("\"@\"", value);
            assert!(cache.matching(&data).is_none(), "{data}");
        }
        // A string that swallows the rest: the bytes after it no longer match.
        let data = template.replace('@', r#"\"},\"finish_reason\":null"#);
        let chunk = read(&mut cache, &data).unwrap();
        assert_eq!(chunk, ChatCompletionChunk::from_json(&data).unwrap());
    }

    #[test]
    fn an_unknown_string_after_the_text_changes_too() {
        // OpenAI's `obfuscation` pads every chunk with a different string.
        let template = TEMPLATES[3];
        let mut cache = learned(&template.replace('@', "first"));
        assert!(cache.shape.as_ref().unwrap().second.is_some());
        for (text, padding) in [
            ("a", "b"),
            ("", "longer padding"),
            (r"\n", r#"\u00e9\""#),
            ("x", ""),
        ] {
            let data = template.replace('@', text).replace("Xy7", padding);
            let chunk = read(&mut cache, &data).unwrap_or_else(|| panic!("no match: {data}"));
            let serde: ChatCompletionChunk<'_> = serde_json::from_str(&data).unwrap();
            assert_eq!(chunk, serde, "{data}");
            let raw = chunk.extra.get("obfuscation").unwrap().get();
            assert_eq!(raw, format!("\"{padding}\""));
        }
        // Any other change misses: between the two strings, after them, or another value.
        for data in [
            template.replace('@', "a").replace("null}]", "null }]"),
            template.replace('@', "a").replace(r#"Xy7"}"#, r#"Xy7" }"#),
            template.replace('@', "a").replace(r#""Xy7""#, "7"),
            template.replace('@', "a").replace(r#""Xy7""#, r#""a\x""#),
        ] {
            assert!(cache.matching(&data).is_none(), "{data}");
        }
        // An unknown string before the text is compared, not read.
        let before = r#"{"provider":"P","choices":[{"index":0,"delta":{"content":"@"}}]}"#;
        let mut cache = learned(&before.replace('@', "a"));
        assert!(cache.shape.as_ref().unwrap().second.is_none());
        assert!(cache.matching(&before.replace('@', "b")).is_some());
        assert!(cache
            .matching(&before.replace('@', "b").replace('P', "Q"))
            .is_none());
    }

    #[test]
    fn shapes_it_does_not_rebuild_are_not_recorded() {
        for data in [
            // Two choices; no choice; a usage; an error; array content; no text at all.
            r#"{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":1}}"#,
            r#"{"choices":[{"index":0,"delta":{}, "finish_reason":"stop"}]}"#,
            r#"{"choices":[{"index":0,"delta":{"role":"assistant"}}]}"#,
            // Text beside a tool call; two tool calls; a legacy function call.
            r#"{"choices":[{"delta":{"content":"a","tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}},{"index":1}]}}]}"#,
            r#"{"choices":[{"delta":{"function_call":{"name":"f","arguments":"{"}}}]}"#,
        ] {
            let mut chunk = ChatCompletionChunk::default();
            fill_chunk(data, &mut chunk).expect("the fast path reads it");
            let mut cache = ShapeCache::default();
            cache.learn(data, &chunk);
            assert!(cache.shape.is_none(), "{data}");
            assert!(cache.matching(data).is_none());
        }
    }

    #[test]
    fn large_data_is_not_recorded() {
        let long = "x".repeat(MAX_TEMPLATE);
        let data = TEMPLATES[0].replace('@', &long);
        let mut chunk = ChatCompletionChunk::default();
        fill_chunk(&data, &mut chunk).unwrap();
        let mut cache = ShapeCache::default();
        cache.learn(&data, &chunk);
        assert!(cache.shape.is_none());
        assert!(cache.template.is_empty());
    }

    #[test]
    fn a_stream_that_never_repeats_is_recorded_ever_more_rarely() {
        let template = TEMPLATES[3];
        let mut cache = ShapeCache::default();
        let mut recorded = Vec::new();
        for i in 0..400 {
            // `created` changes in every chunk.
            let data = template
                .replace('@', "text")
                .replace("1727346162", &i.to_string());
            assert!(cache.matching(&data).is_none());
            let mut chunk = ChatCompletionChunk::default();
            fill_chunk(&data, &mut chunk).unwrap();
            let before = cache.wait;
            cache.learn(&data, &chunk);
            if before == 0 {
                recorded.push(i);
            }
        }
        // Every event at first, then with gaps growing up to `MAX_WAIT`.
        assert_eq!(
            &recorded[..usize::try_from(PATIENCE).unwrap()],
            &[0, 1, 2, 3, 4, 5, 6, 7]
        );
        let gaps: Vec<usize> = recorded.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|w| w[0] <= w[1]), "{gaps:?}");
        assert_eq!(
            *gaps.last().unwrap(),
            usize::try_from(MAX_WAIT).unwrap() + 1
        );
        assert!(recorded.len() < 20, "{recorded:?}");
        // One hit starts over.
        let data = template.replace('@', "text");
        let mut chunk = ChatCompletionChunk::default();
        fill_chunk(&data, &mut chunk).unwrap();
        cache.wait = 0;
        cache.learn(&data, &chunk);
        assert!(cache.matching(&template.replace('@', "other")).is_some());
        assert_eq!(cache.misses, 0);
    }
}
