//! [`ChatCompletion`]: a whole (non-streamed) answer.

use crate::types::macros::{json_entry_points, wire_object};
use crate::types::{
    FinishReason, FunctionCall, JsonStr, Maybe, MessageContent, ObjectKind, RawJson, Role,
    ServiceTier, ToolCall, Usage,
};

wire_object! {
    /// A whole chat completion (`"object": "chat.completion"`).
    ///
    /// Provider additions (Groq's `x_groq`, Perplexity's `citations`, Cerebras' `time_info`,
    /// DashScope's `search_info`) are kept in [`extra`](Self::extra).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{ChatCompletion, Choice, FinishReason, ResponseMessage, Usage};
    ///
    /// let completion = ChatCompletion::new("chatcmpl-1", "qwen-plus", 1715252778)
    ///     .with_choice(
    ///         Choice::new(0, ResponseMessage::assistant("I am Qwen."))
    ///             .with_finish_reason(FinishReason::Stop),
    ///     )
    ///     .with_usage(Usage::new(11, 16));
    /// let text = completion.to_json();
    /// let parsed = ChatCompletion::from_json(&text).unwrap();
    /// assert_eq!(parsed, completion);
    /// assert_eq!(parsed.choices()[0].message.value().unwrap().content_text().unwrap(), "I am Qwen.");
    /// ```
    pub struct ChatCompletion<'a> {
        /// The completion's id.
        id: Maybe<JsonStr<'a>>,
        /// `"chat.completion"`.
        object: Maybe<ObjectKind<'a>>,
        /// Unix time (seconds) of creation.
        created: Maybe<u64> => lenient,
        /// The model that answered.
        model: Maybe<JsonStr<'a>>,
        /// The runtime configuration (DashScope: always `null`).
        system_fingerprint: Maybe<JsonStr<'a>>,
        /// The tier that served the request.
        service_tier: Maybe<ServiceTier<'a>>,
        /// The answers (one per `n`).
        choices: Maybe<Vec<Choice<'a>>>,
        /// Token consumption.
        usage: Maybe<Usage<'a>>,
    }
}

json_entry_points!(ChatCompletion, "a chat completion");

wire_object! {
    /// One answer of a [`ChatCompletion`].
    pub struct Choice<'a> {
        /// Which answer (for `n > 1`).
        index: Maybe<u32> => lenient,
        /// The answer.
        message: Maybe<ResponseMessage<'a>>,
        /// Why generation stopped.
        finish_reason: Maybe<FinishReason<'a>>,
        /// Log probabilities, kept raw.
        logprobs: Maybe<RawJson<'a>>,
    }
}

wire_object! {
    /// The message of a [`Choice`].
    pub struct ResponseMessage<'a> {
        /// `"assistant"`.
        role: Maybe<Role<'a>>,
        /// The answer: a string, or typed parts (Mistral's reasoning models).
        content: Maybe<MessageContent<'a>>,
        /// The reasoning (DashScope, DeepSeek, xAI, Z.ai).
        reasoning_content: Maybe<JsonStr<'a>>,
        /// The reasoning, under the name OpenRouter, Groq and Ollama use.
        reasoning: Maybe<JsonStr<'a>>,
        /// A refusal (OpenAI).
        refusal: Maybe<JsonStr<'a>>,
        /// The tools the model called.
        tool_calls: Maybe<Vec<ToolCall<'a>>>,
        /// The function the model called (legacy).
        function_call: Maybe<FunctionCall<'a>>,
    }
}

impl<'a> ChatCompletion<'a> {
    /// A completion with an id, a model and a creation time, and no choices yet.
    pub fn new(id: impl Into<JsonStr<'a>>, model: impl Into<JsonStr<'a>>, created: u64) -> Self {
        ChatCompletion {
            id: Maybe::Value(id.into()),
            object: Maybe::Value(ObjectKind::ChatCompletion),
            created: Maybe::Value(created),
            model: Maybe::Value(model.into()),
            choices: Maybe::Value(Vec::new()),
            ..ChatCompletion::default()
        }
    }

    /// Adds a choice.
    #[must_use]
    pub fn with_choice(mut self, choice: Choice<'a>) -> Self {
        self.choices.get_or_insert_with(Vec::new).push(choice);
        self
    }

    /// Sets the usage.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage<'a>) -> Self {
        self.usage = Maybe::Value(usage);
        self
    }

    /// The choices (empty when absent or `null`).
    pub fn choices(&self) -> &[Choice<'a>] {
        self.choices.value().map_or(&[], Vec::as_slice)
    }
}

impl<'a> Choice<'a> {
    /// A choice with an index and a message.
    pub fn new(index: u32, message: ResponseMessage<'a>) -> Self {
        Choice {
            index: Maybe::Value(index),
            message: Maybe::Value(message),
            ..Choice::default()
        }
    }

    /// Sets why generation stopped.
    #[must_use]
    pub fn with_finish_reason(mut self, reason: FinishReason<'a>) -> Self {
        self.finish_reason = Maybe::Value(reason);
        self
    }

    /// The index, when present.
    pub fn index(&self) -> Option<u32> {
        self.index.value().copied()
    }
}

impl<'a> ResponseMessage<'a> {
    /// An assistant message with text content.
    pub fn assistant(content: impl Into<JsonStr<'a>>) -> Self {
        ResponseMessage {
            role: Maybe::Value(Role::Assistant),
            content: Maybe::Value(MessageContent::Text(content.into())),
            ..ResponseMessage::default()
        }
    }

    /// An assistant message calling tools, with `content: null`.
    pub fn from_tool_calls(calls: Vec<ToolCall<'a>>) -> Self {
        ResponseMessage {
            role: Maybe::Value(Role::Assistant),
            content: Maybe::Null,
            tool_calls: Maybe::Value(calls),
            ..ResponseMessage::default()
        }
    }

    /// Sets the reasoning (`reasoning_content`).
    #[must_use]
    pub fn with_reasoning_content(mut self, reasoning: impl Into<JsonStr<'a>>) -> Self {
        self.reasoning_content = Maybe::Value(reasoning.into());
        self
    }

    /// The content, when it is a string.
    pub fn content_text(&self) -> Option<&JsonStr<'a>> {
        self.content.value().and_then(MessageContent::as_text)
    }

    /// The reasoning, under either name (`reasoning_content` first, then `reasoning`).
    pub fn reasoning_text(&self) -> Option<&JsonStr<'a>> {
        self.reasoning_content.value().or(self.reasoning.value())
    }

    /// The tool calls (empty when absent or `null`).
    pub fn calls(&self) -> &[ToolCall<'a>] {
        self.tool_calls.value().map_or(&[], Vec::as_slice)
    }
}
