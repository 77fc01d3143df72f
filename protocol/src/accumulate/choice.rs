//! One choice of a completion, merged from the chunks' deltas.

use serde::{Deserialize, Deserializer, Serialize};

use crate::types::{
    Choice, ChunkChoice, ContentPart, Delta, FinishReason, JsonStr, Maybe, MessageContent, RawJson,
    ResponseMessage, Role,
};

use super::error::AccumulateError;
use super::limits::Budget;
use super::tool_calls::{LegacyCall, ToolCalls};

/// What the deltas of one choice have added up to.
///
/// A text field is `None` until a delta carries it as a string (even an empty one), so that
/// "never sent" and "sent empty" stay apart: a choice whose deltas only ever had
/// `"content": null` has `content: null` in the completion.
#[derive(Debug, Clone)]
pub(super) struct ChoiceState {
    pub(super) index: u32,
    role: Option<Role<'static>>,
    content: Option<String>,
    reasoning_content: Option<String>,
    reasoning: Option<String>,
    refusal: Option<String>,
    tool_calls: ToolCalls,
    function_call: Option<LegacyCall>,
    finish_reason: Option<FinishReason<'static>>,
    logprobs: Option<Logprobs>,
}

/// The log probabilities of a choice: the entries of every chunk, concatenated.
#[derive(Debug, Clone, Default, Serialize)]
struct Logprobs {
    content: Option<Vec<RawJson<'static>>>,
    refusal: Option<Vec<RawJson<'static>>>,
}

/// The log probabilities a chunk adds (`{"content":[…],"refusal":[…]}`); other keys ignored.
#[derive(Deserialize)]
struct LogprobsPiece<'a> {
    #[serde(borrow, default, deserialize_with = "entries")]
    content: Option<Vec<RawJson<'a>>>,
    #[serde(borrow, default, deserialize_with = "entries")]
    refusal: Option<Vec<RawJson<'a>>>,
}

/// Reads entries borrowed for the input's lifetime `'de`, handed out for the shorter `'a`.
fn entries<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<RawJson<'a>>>, D::Error> {
    Option::<Vec<RawJson<'de>>>::deserialize(deserializer)
}

impl ChoiceState {
    pub(super) fn new(index: u32) -> Self {
        Self {
            index,
            role: None,
            content: None,
            reasoning_content: None,
            reasoning: None,
            refusal: None,
            tool_calls: ToolCalls::default(),
            function_call: None,
            finish_reason: None,
            logprobs: None,
        }
    }

    /// Applies what one chunk adds to this choice.
    pub(super) fn apply(
        &mut self,
        choice: &ChunkChoice<'_>,
        budget: &mut Budget,
        max_tool_calls: usize,
    ) -> Result<(), AccumulateError> {
        if let Some(delta) = choice.delta.value() {
            self.apply_delta(delta, budget, max_tool_calls)?;
        }
        if let Some(reason) = choice.finish_reason.value() {
            if self.finish_reason.as_ref() != Some(reason) {
                self.finish_reason = Some(reason.clone().into_owned());
            }
        }
        if let Some(raw) = choice.logprobs.value() {
            self.apply_logprobs(raw, budget)?;
        }
        Ok(())
    }

    fn apply_delta(
        &mut self,
        delta: &Delta<'_>,
        budget: &mut Budget,
        max_tool_calls: usize,
    ) -> Result<(), AccumulateError> {
        let at = Some(self.index);
        if self.role.is_none() {
            if let Some(role) = delta.role.value() {
                self.role = Some(role.clone().into_owned());
            }
        }
        match delta.content.value() {
            Some(MessageContent::Text(text)) => budget.append_to(&mut self.content, text, at)?,
            Some(MessageContent::Parts(parts)) => self.apply_parts(parts, budget)?,
            None => {}
        }
        if let Some(text) = delta.reasoning_content.value() {
            budget.append_to(&mut self.reasoning_content, text, at)?;
        }
        if let Some(text) = delta.reasoning.value() {
            budget.append_to(&mut self.reasoning, text, at)?;
        }
        if let Some(text) = delta.refusal.value() {
            budget.append_to(&mut self.refusal, text, at)?;
        }
        for piece in delta.calls() {
            self.tool_calls
                .apply(piece, budget, max_tool_calls, self.index)?;
        }
        if let Some(piece) = delta.function_call.value() {
            self.function_call
                .get_or_insert_with(LegacyCall::default)
                .apply(piece, budget, self.index)?;
        }
        Ok(())
    }

    /// Mistral's content arrays: text parts go to the content, the text parts inside thinking
    /// parts to the reasoning (`reasoning_content`); other parts are not kept.
    fn apply_parts(
        &mut self,
        parts: &[ContentPart<'_>],
        budget: &mut Budget,
    ) -> Result<(), AccumulateError> {
        let at = Some(self.index);
        for part in parts {
            match part {
                ContentPart::Text(part) => {
                    if let Some(text) = part.text.value() {
                        budget.append_to(&mut self.content, text, at)?;
                    }
                }
                ContentPart::Thinking(thinking) => {
                    let inner = thinking.thinking.value().map_or(&[][..], Vec::as_slice);
                    for part in inner {
                        if let ContentPart::Text(part) = part {
                            if let Some(text) = part.text.value() {
                                budget.append_to(&mut self.reasoning_content, text, at)?;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Appends the entries of a chunk's `logprobs` object; `null`, another type or another
    /// shape adds nothing.
    fn apply_logprobs(
        &mut self,
        raw: &RawJson<'_>,
        budget: &mut Budget,
    ) -> Result<(), AccumulateError> {
        if !raw.is_object() {
            return Ok(());
        }
        let Ok(piece) = raw.parse::<LogprobsPiece<'_>>() else {
            return Ok(());
        };
        let logprobs = self.logprobs.get_or_insert_with(Logprobs::default);
        for (entries, slot) in [
            (piece.content, &mut logprobs.content),
            (piece.refusal, &mut logprobs.refusal),
        ] {
            let Some(entries) = entries else { continue };
            let kept = slot.get_or_insert_with(Vec::new);
            for entry in entries {
                budget.charge(entry.get().len(), Some(self.index))?;
                kept.push(entry.into_owned());
            }
        }
        Ok(())
    }

    /// The choice, for a completion.
    pub(super) fn to_choice(&self) -> Choice<'static> {
        let text = |slot: &Option<String>| Maybe::from_option(slot.clone().map(JsonStr::from));
        let message = ResponseMessage {
            role: Maybe::Value(self.role.clone().unwrap_or(Role::Assistant)),
            content: match &self.content {
                Some(content) => Maybe::Value(MessageContent::Text(JsonStr::from(content.clone()))),
                None => Maybe::Null,
            },
            reasoning_content: text(&self.reasoning_content),
            reasoning: text(&self.reasoning),
            refusal: text(&self.refusal),
            tool_calls: if self.tool_calls.is_empty() {
                Maybe::Absent
            } else {
                Maybe::Value(self.tool_calls.to_calls())
            },
            function_call: Maybe::from_option(self.function_call.as_ref().map(LegacyCall::to_call)),
            ..ResponseMessage::default()
        };
        Choice {
            index: Maybe::Value(self.index),
            message: Maybe::Value(message),
            finish_reason: self.finish_reason.clone().map_or(Maybe::Null, Maybe::Value),
            logprobs: self
                .logprobs
                .as_ref()
                .and_then(|logprobs| RawJson::from_value(logprobs).ok())
                .map_or(Maybe::Null, Maybe::Value),
            ..Choice::default()
        }
    }
}
