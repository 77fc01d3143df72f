//! [`ChatCompletionChunk`]: one server-sent event of a streamed answer.

use alloc::boxed::Box;

use crate::types::macros::{json_entry_points, wire_object};
use crate::types::{
    ApiError, FinishReason, JsonStr, List, Maybe, MessageContent, ObjectKind, RawJson, Role,
    ServiceTier, ToolType, Usage,
};

wire_object! {
    /// One chunk of a streamed chat completion (`"object": "chat.completion.chunk"`).
    ///
    /// `choices` is a [`List`]: the usual single choice is stored inline, so a text-delta
    /// chunk parses without any heap allocation. Every field is optional (Copilot omits
    /// `object`, Azure's prompt-filter chunk has `"id": ""` and `choices: []`); provider
    /// additions (`x_groq`, `citations`, `prompt_filter_results`, `obfuscation`) are kept in
    /// [`extra`](Self::extra); an OpenRouter chunk carrying an `error` beside its `choices`
    /// has it in [`error`](Self::error).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{ChatCompletionChunk, ChunkChoice, Delta, FinishReason};
    ///
    /// let data = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1715931028,
    ///     "model":"qwen-plus","choices":[{"index":0,"delta":{"content":"I am\n"},
    ///     "finish_reason":null,"logprobs":null}],"usage":null}"#;
    /// let chunk = ChatCompletionChunk::from_json(data).unwrap();
    /// let choice = &chunk.choices()[0];
    /// assert_eq!(choice.text().unwrap(), "I am\n");
    /// assert!(choice.finish_reason.is_null());
    /// assert!(chunk.usage.is_null());
    ///
    /// // Building one on the server side:
    /// let chunk = ChatCompletionChunk::new("chatcmpl-1", "qwen-plus", 1715931028)
    ///     .with_choice(ChunkChoice::new(0, Delta::content("Hi")));
    /// assert_eq!(
    ///     chunk.to_json(),
    ///     r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1715931028,"model":"qwen-plus","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#
    /// );
    /// ```
    pub struct ChatCompletionChunk<'a> {
        /// The completion's id (the same on every chunk; DashScope repeats it, Azure's
        /// prompt-filter chunk sends `""`).
        id: Maybe<JsonStr<'a>>,
        /// `"chat.completion.chunk"`.
        object: Maybe<ObjectKind<'a>>,
        /// Unix time (seconds) of creation.
        created: Maybe<u64> => lenient,
        /// The model that answers.
        model: Maybe<JsonStr<'a>>,
        /// The runtime configuration (DashScope: always `null`).
        system_fingerprint: Maybe<JsonStr<'a>>,
        /// The tier that serves the request.
        service_tier: Maybe<ServiceTier<'a>>,
        /// The choices this chunk adds to (usually one; none on a usage-only chunk).
        choices: Maybe<List<ChunkChoice<'a>>> => nested_list,
        /// Token consumption (on the last chunk with `stream_options.include_usage`).
        usage: Maybe<Usage<'a>>,
        /// An error reported in the middle of a stream (OpenRouter).
        ///
        /// Boxed: rare (and reported with an allocation anyway), it would otherwise make
        /// every chunk larger, and slower to build and move.
        error: Maybe<Box<ApiError<'a>>>,
    }
}

json_entry_points!(
    ChatCompletionChunk,
    "a chat completion chunk",
    fill = crate::fastpath::fill_chunk
);

/// A shorter name for [`ChatCompletionChunk`].
pub type Chunk<'a> = ChatCompletionChunk<'a>;

wire_object! {
    /// What one chunk adds to one choice.
    pub struct ChunkChoice<'a> {
        /// Which choice (for `n > 1`).
        index: Maybe<u32> => lenient,
        /// The new content.
        delta: Maybe<Delta<'a>> => nested,
        /// Why generation stopped (`null` until the last chunk of the choice).
        finish_reason: Maybe<FinishReason<'a>>,
        /// Log probabilities of the new tokens, kept raw.
        logprobs: Maybe<RawJson<'a>>,
    }
}

wire_object! {
    /// The new content of a choice.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{Delta, Role, ToolCallDelta};
    ///
    /// let first = Delta::content("").with_role(Role::Assistant);
    /// assert_eq!(serde_json::to_string(&first).unwrap(), r#"{"role":"assistant","content":""}"#);
    /// let call = Delta::tool_call(ToolCallDelta::start(0, "call_1", "get_time"));
    /// assert_eq!(
    ///     serde_json::to_string(&call).unwrap(),
    ///     r#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_time","arguments":""}}]}"#
    /// );
    /// ```
    pub struct Delta<'a> {
        /// `"assistant"` on the first chunk (DashScope, Mistral; others send `null`).
        role: Maybe<Role<'a>>,
        /// New text (Mistral reasoning models: an array of parts).
        content: Maybe<MessageContent<'a>>,
        /// New reasoning text (DashScope, DeepSeek, xAI, Z.ai).
        reasoning_content: Maybe<JsonStr<'a>>,
        /// New reasoning text, under the name OpenRouter, Groq and Ollama use.
        reasoning: Maybe<JsonStr<'a>>,
        /// New refusal text (OpenAI).
        refusal: Maybe<JsonStr<'a>>,
        /// New or continued tool calls.
        tool_calls: Maybe<List<ToolCallDelta<'a>>> => nested_list,
        /// A new or continued function call (legacy).
        function_call: Maybe<FunctionCallDelta<'a>> => nested,
    }
}

wire_object! {
    /// A piece of a tool call: the first piece of a call has its id and name, the next
    /// ones more argument text.
    ///
    /// Providers differ: DashScope repeats `type` and sends `"id": ""` on continuations,
    /// Mistral omits `index`, Groq sends whole calls in one piece. Merging pieces is the
    /// accumulator's job; this type keeps exactly what was sent.
    pub struct ToolCallDelta<'a> {
        /// Which call of the choice (absent from Mistral's pieces).
        index: Maybe<u32> => lenient,
        /// The call's id (first piece).
        id: Maybe<JsonStr<'a>>,
        /// `"function"`.
        kind ("type"): Maybe<ToolType<'a>>,
        /// The function's name and a piece of its arguments.
        function: Maybe<FunctionCallDelta<'a>> => nested,
    }
}

wire_object! {
    /// A piece of a function call: the name (first piece) and more argument text.
    pub struct FunctionCallDelta<'a> {
        /// The function's name.
        name: Maybe<JsonStr<'a>>,
        /// More argument text (escapes kept raw until asked for).
        arguments: Maybe<JsonStr<'a>>,
    }
}

impl<'a> ChatCompletionChunk<'a> {
    /// A chunk with an id, a model and a creation time, and no choices yet.
    pub fn new(id: impl Into<JsonStr<'a>>, model: impl Into<JsonStr<'a>>, created: u64) -> Self {
        ChatCompletionChunk {
            id: Maybe::Value(id.into()),
            object: Maybe::Value(ObjectKind::ChatCompletionChunk),
            created: Maybe::Value(created),
            model: Maybe::Value(model.into()),
            choices: Maybe::Value(List::new()),
            ..ChatCompletionChunk::default()
        }
    }

    /// Adds a choice.
    #[must_use]
    pub fn with_choice(mut self, choice: ChunkChoice<'a>) -> Self {
        self.choices.get_or_insert_with(List::new).push(choice);
        self
    }

    /// Sets the usage.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage<'a>) -> Self {
        self.usage = Maybe::Value(usage);
        self
    }

    /// The choices (empty when absent or `null`).
    pub fn choices(&self) -> &[ChunkChoice<'a>] {
        self.choices
            .value()
            .map_or(&[], |choices| choices.as_slice())
    }

    /// `true` when the chunk carries no choice but a usage (the last chunk with
    /// `stream_options.include_usage`).
    pub fn is_usage_only(&self) -> bool {
        self.choices().is_empty() && self.usage.is_value()
    }

    /// `true` when the payload is an error and nothing else: an `error` object and no
    /// `choices` key (an error envelope sent as a stream event), as opposed to OpenRouter's
    /// chunk that reports an error beside its choices.
    ///
    /// ```
    /// use chatwire::types::ChatCompletionChunk;
    ///
    /// let bare = ChatCompletionChunk::from_json(r#"{"error":{"message":"overloaded"}}"#).unwrap();
    /// assert!(bare.is_error_only());
    /// let beside = ChatCompletionChunk::from_json(r#"{"error":{"code":400},"choices":[]}"#).unwrap();
    /// assert!(!beside.is_error_only() && beside.error.is_value());
    /// ```
    pub fn is_error_only(&self) -> bool {
        self.error.is_value() && self.choices.is_absent()
    }
}

impl<'a> ChunkChoice<'a> {
    /// A choice with an index and a delta.
    pub fn new(index: u32, delta: Delta<'a>) -> Self {
        ChunkChoice {
            index: Maybe::Value(index),
            delta: Maybe::Value(delta),
            ..ChunkChoice::default()
        }
    }

    /// Sets why generation stopped.
    #[must_use]
    pub fn with_finish_reason(mut self, reason: FinishReason<'a>) -> Self {
        self.finish_reason = Maybe::Value(reason);
        self
    }

    /// The index, when present (every server seen sends it; a missing one can be read as
    /// 0).
    pub fn index(&self) -> Option<u32> {
        self.index.value().copied()
    }

    /// The new text, when the delta's content is a string.
    pub fn text(&self) -> Option<&JsonStr<'a>> {
        self.delta
            .value()
            .and_then(|delta| delta.content.value())
            .and_then(MessageContent::as_text)
    }

    /// The tool-call pieces (empty when none).
    pub fn tool_calls(&self) -> &[ToolCallDelta<'a>] {
        self.delta.value().map_or(&[], Delta::calls)
    }
}

impl<'a> Delta<'a> {
    /// A delta with new text.
    pub fn content(text: impl Into<JsonStr<'a>>) -> Self {
        Delta {
            content: Maybe::Value(MessageContent::Text(text.into())),
            ..Delta::default()
        }
    }

    /// A delta with new reasoning text (`reasoning_content`).
    pub fn reasoning_content(text: impl Into<JsonStr<'a>>) -> Self {
        Delta {
            reasoning_content: Maybe::Value(text.into()),
            ..Delta::default()
        }
    }

    /// A delta with one tool-call piece.
    pub fn tool_call(call: ToolCallDelta<'a>) -> Self {
        Delta {
            tool_calls: Maybe::Value(core::iter::once(call).collect()),
            ..Delta::default()
        }
    }

    /// Sets the role.
    #[must_use]
    pub fn with_role(mut self, role: Role<'a>) -> Self {
        self.role = Maybe::Value(role);
        self
    }

    /// Adds a tool-call piece.
    #[must_use]
    pub fn with_tool_call(mut self, call: ToolCallDelta<'a>) -> Self {
        self.tool_calls.get_or_insert_with(List::new).push(call);
        self
    }

    /// The reasoning text, under either name (`reasoning_content` first, then
    /// `reasoning`).
    pub fn reasoning_text(&self) -> Option<&JsonStr<'a>> {
        self.reasoning_content.value().or(self.reasoning.value())
    }

    /// The tool-call pieces (empty when none).
    pub fn calls(&self) -> &[ToolCallDelta<'a>] {
        self.tool_calls
            .value()
            .map_or(&[], |calls| calls.as_slice())
    }
}

impl<'a> ToolCallDelta<'a> {
    /// The first piece of a call: index, id, `"type": "function"`, the name and empty
    /// arguments.
    pub fn start(index: u32, id: impl Into<JsonStr<'a>>, name: impl Into<JsonStr<'a>>) -> Self {
        ToolCallDelta {
            index: Maybe::Value(index),
            id: Maybe::Value(id.into()),
            kind: Maybe::Value(ToolType::Function),
            function: Maybe::Value(FunctionCallDelta {
                name: Maybe::Value(name.into()),
                arguments: Maybe::Value(JsonStr::empty()),
                ..FunctionCallDelta::default()
            }),
            ..ToolCallDelta::default()
        }
    }

    /// A continuation piece: more argument text for the call at `index`.
    pub fn arguments(index: u32, arguments: impl Into<JsonStr<'a>>) -> Self {
        ToolCallDelta {
            index: Maybe::Value(index),
            function: Maybe::Value(FunctionCallDelta {
                arguments: Maybe::Value(arguments.into()),
                ..FunctionCallDelta::default()
            }),
            ..ToolCallDelta::default()
        }
    }

    /// The index, when present.
    pub fn index(&self) -> Option<u32> {
        self.index.value().copied()
    }

    /// The function's name, when present.
    pub fn name(&self) -> Option<&JsonStr<'a>> {
        self.function.value().and_then(|f| f.name.value())
    }

    /// The argument text of this piece, when present.
    pub fn arguments_text(&self) -> Option<&JsonStr<'a>> {
        self.function.value().and_then(|f| f.arguments.value())
    }
}
