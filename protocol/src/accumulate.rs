//! Folding a stream's chunks into one owned [`ChatCompletion`].
//!
//! An [`Accumulator`] takes the [`ChatCompletionChunk`]s of one streamed answer, in order, and
//! builds the completion a non-streamed request would have returned: an owned
//! `ChatCompletion<'static>` that serializes to the documented `chat.completion` shape.
//!
//! # What is merged, and how
//!
//! - **Text.** `content`, `reasoning_content`, `reasoning` (the name OpenRouter, Groq and
//!   Ollama use) and `refusal` are concatenated per choice, escapes decoded. Each stays
//!   absent (`content`: `null`) until a delta carries it as a string, so a choice that only
//!   calls tools has `"content": null`, and one whose deltas sent `""` has `""`. Mistral's
//!   content arrays are flattened: text parts into `content`, the text inside thinking parts
//!   into `reasoning_content`.
//! - **Choices.** Keyed by `index` (a missing index is 0), in any interleaving (`n > 1`);
//!   the completion lists them by index.
//! - **Tool calls.** Keyed by (choice, tool-call index); arguments appended; id, type and
//!   name set once from the first non-empty value and never concatenated (DashScope repeats
//!   `type` and sends `"id":""` on continuations, DeepSeek repeats the id, Mistral sends
//!   `"name":""`). A piece without an index (Mistral, Gemini) continues the current call
//!   unless it brings another id, or another name without an id; a piece on a used index
//!   with a new id is a new call (Copilot). A call whose type was never sent is
//!   `"function"`, the only type there is. The legacy `function_call` is merged the same way.
//! - **finish_reason.** Per choice, the last non-null value (`null` when none came).
//! - **logprobs.** Per choice, the `content` and `refusal` entries of every chunk
//!   concatenated into one `{"content":[…],"refusal":[…]}` object (`null` when none came).
//! - **usage.** The last non-null value, from any chunk: the usage-only chunk with
//!   `"choices": []`, or every chunk (Perplexity sends a growing usage on each).
//! - **id, model, created, system_fingerprint, service_tier.** From the first chunk where
//!   they are non-empty (Azure's prompt-filter chunk has `"id":""`, `"created":0`).
//! - **Unknown top-level fields** (`citations`, `x_groq`, `prompt_filter_results`,
//!   `provider`…) are kept in the completion's `extra`, the last value of each key winning,
//!   except `obfuscation` (random padding), and except a value kept raw under the name of a
//!   field the completion sets (a `created` that did not fit a `u64`) once a chunk gave that
//!   field: the completion's JSON has each key once. Unknown fields of choices and deltas are
//!   not kept (they describe one chunk: vLLM's `token_ids`, Together's `text`).
//! - **Errors** are not part of a completion: an `error` inside a chunk is *not* read by
//!   [`Accumulator::push`]; the [stream decoder](crate::stream) reports it as a separate
//!   item, which [`Accumulator::push_error`] keeps.
//!
//! Memory is bounded by [`AccumulatorLimits`]; a breach is an [`AccumulateError`] and nothing
//! panics, whatever the chunks hold.
//!
//! # Example
//!
//! ```
//! use chatwire::accumulate::Accumulator;
//! use chatwire::types::{ChatCompletionChunk, FinishReason};
//!
//! let chunks = [
//!     r#"{"id":"chatcmpl-1","model":"qwen-plus","created":1715931028,"choices":[{"index":0,"delta":{"role":"assistant","content":"I am"}}]}"#,
//!     r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":" Qwen.\n"},"finish_reason":"stop"}]}"#,
//!     r#"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":22,"completion_tokens":16,"total_tokens":38}}"#,
//! ];
//! let mut acc = Accumulator::new();
//! for data in chunks {
//!     acc.push(&ChatCompletionChunk::from_json(data)?)?;
//! }
//! let completion = acc.into_completion();
//! let choice = &completion.choices()[0];
//! let message = choice.message.value().unwrap();
//! assert_eq!(message.content_text().unwrap(), "I am Qwen.\n");
//! assert_eq!(choice.finish_reason.value(), Some(&FinishReason::Stop));
//! assert_eq!(completion.usage.value().unwrap().total_tokens.value(), Some(&38));
//! assert_eq!(
//!     completion.to_json(),
//!     r#"{"id":"chatcmpl-1","object":"chat.completion","created":1715931028,"model":"qwen-plus","choices":[{"index":0,"message":{"role":"assistant","content":"I am Qwen.\n"},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":22,"completion_tokens":16,"total_tokens":38}}"#
//! );
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use alloc::vec::Vec;

mod choice;
mod error;
mod limits;
mod meta;
mod tool_calls;

use crate::types::{ChatCompletion, ChatCompletionChunk, ErrorEnvelope, Maybe, ObjectKind};

use self::choice::ChoiceState;
use self::limits::Budget;
use self::meta::{Meta, MetaFields};

pub use self::error::{AccumulateError, AccumulateErrorKind};
pub use self::limits::{
    AccumulatorLimits, DEFAULT_MAX_BYTES, DEFAULT_MAX_CHOICES, DEFAULT_MAX_TOOL_CALLS,
};

/// Folds the chunks of one streamed answer into an owned [`ChatCompletion`].
///
/// See the [module documentation](self) for what is merged and how.
///
/// # Call order
///
/// 1. Create one with [`Accumulator::new`] or [`Accumulator::with_limits`].
/// 2. [`push`](Self::push) every chunk of the stream, in order (and
///    [`push_error`](Self::push_error) the errors the stream reports, if you want them kept).
/// 3. Read the result with [`completion`](Self::completion) (a copy, at any time) or
///    [`into_completion`](Self::into_completion).
///
/// # Cost
///
/// Text is appended to one growing `String` per field, so pushing a text-delta chunk
/// allocates only when a string has to grow (amortised: a few dozen times over a long
/// answer). Values kept whole (usage, unknown top-level fields) are copied only when they
/// change.
#[derive(Debug, Clone)]
pub struct Accumulator {
    limits: AccumulatorLimits,
    budget: Budget,
    meta: Meta,
    /// Sorted by index.
    choices: Vec<ChoiceState>,
    errors: Vec<ErrorEnvelope<'static>>,
    chunks: u64,
}

impl Accumulator {
    /// An accumulator with the default [`AccumulatorLimits`].
    pub fn new() -> Self {
        Self::with_limits(AccumulatorLimits::new())
    }

    /// An accumulator with the given limits.
    pub fn with_limits(limits: AccumulatorLimits) -> Self {
        Self {
            limits,
            budget: Budget::new(limits.max_bytes()),
            meta: Meta::default(),
            choices: Vec::new(),
            errors: Vec::new(),
            chunks: 0,
        }
    }

    /// The limits.
    pub const fn limits(&self) -> &AccumulatorLimits {
        &self.limits
    }

    /// Adds what one chunk says: its choices' deltas, finish reasons and log probabilities,
    /// its usage and its top-level fields.
    ///
    /// The chunk's `error`, if any, is not read (see the [module documentation](self)).
    ///
    /// # Errors
    ///
    /// An [`AccumulateError`] when the chunk would take the accumulator past one of its
    /// limits: [`TooManyChoices`](AccumulateErrorKind::TooManyChoices),
    /// [`TooManyToolCalls`](AccumulateErrorKind::TooManyToolCalls) or
    /// [`TooLarge`](AccumulateErrorKind::TooLarge). The piece that would have crossed the
    /// limit is not applied; what came before it in the chunk is. The accumulator can go on.
    pub fn push(&mut self, chunk: &ChatCompletionChunk<'_>) -> Result<(), AccumulateError> {
        self.chunks += 1;
        self.meta.apply(chunk, &mut self.budget)?;
        for choice in chunk.choices() {
            let index = choice.index().unwrap_or(0);
            let pos = match self.choices.binary_search_by_key(&index, |c| c.index) {
                Ok(pos) => pos,
                Err(pos) => {
                    if self.choices.len() >= self.limits.max_choices() {
                        return Err(AccumulateError::new(
                            AccumulateErrorKind::TooManyChoices,
                            Some(index),
                            self.limits.max_choices(),
                        ));
                    }
                    self.choices.insert(pos, ChoiceState::new(index));
                    pos
                }
            };
            self.choices[pos].apply(choice, &mut self.budget, self.limits.max_tool_calls())?;
        }
        Ok(())
    }

    /// Keeps an error the stream reported (an `{"error":{…}}` event, or the `error` of
    /// OpenRouter's chunk), to read back with [`errors`](Self::errors).
    ///
    /// # Errors
    ///
    /// [`TooLarge`](AccumulateErrorKind::TooLarge) when keeping it would take the
    /// accumulator past [`AccumulatorLimits::max_bytes`] (its JSON text is counted); it is
    /// then not kept.
    pub fn push_error(&mut self, error: &ErrorEnvelope<'_>) -> Result<(), AccumulateError> {
        self.budget.charge(error.to_json().len(), None)?;
        self.errors.push(error.clone().into_owned());
        Ok(())
    }

    /// The errors kept by [`push_error`](Self::push_error), in order.
    pub fn errors(&self) -> &[ErrorEnvelope<'static>] {
        &self.errors
    }

    /// The number of chunks pushed.
    pub const fn chunks(&self) -> u64 {
        self.chunks
    }

    /// The number of bytes held, as counted against [`AccumulatorLimits::max_bytes`].
    pub const fn bytes(&self) -> usize {
        self.budget.used()
    }

    /// The completion so far (a copy; the accumulator can go on).
    pub fn completion(&self) -> ChatCompletion<'static> {
        build(
            self.meta.to_fields(),
            self.choices.iter().map(ChoiceState::to_choice).collect(),
        )
    }

    /// The completion.
    pub fn into_completion(self) -> ChatCompletion<'static> {
        let choices = self.choices.iter().map(ChoiceState::to_choice).collect();
        build(self.meta.into_fields(), choices)
    }
}

impl Default for Accumulator {
    fn default() -> Self {
        Self::new()
    }
}

fn build(meta: MetaFields, choices: Vec<crate::types::Choice<'static>>) -> ChatCompletion<'static> {
    ChatCompletion {
        id: meta.id,
        object: Maybe::Value(ObjectKind::ChatCompletion),
        created: meta.created,
        model: meta.model,
        system_fingerprint: meta.system_fingerprint,
        service_tier: meta.service_tier,
        choices: Maybe::Value(choices),
        usage: meta.usage,
        extra: meta.extra,
    }
}
