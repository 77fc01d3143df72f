//! [`ChatRequest`]: the body of `POST /chat/completions`.

use crate::types::macros::{json_entry_points, wire_object};
use crate::types::{JsonStr, Maybe, Message, RawJson, ResponseFormatType, Stop, Tool, ToolChoice};

wire_object! {
    /// The body of a chat completion request.
    ///
    /// The OpenAI parameters and DashScope's extensions are typed; any other field (what the
    /// OpenAI SDK sends from `extra_body`) is kept raw in [`extra`](Self::extra) and written
    /// back unchanged. Every field is optional at the wire level: a request missing `model`
    /// parses, and [`validate`](crate::validate::validate) reports it.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{ChatRequest, Message, StreamOptions};
    ///
    /// let request = ChatRequest::from_json(
    ///     r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}],
    ///         "stream":true,"stream_options":{"include_usage":true},
    ///         "enable_thinking":false,"x_custom":{"k":1}}"#,
    /// )
    /// .unwrap();
    /// assert_eq!(request.model.value().unwrap(), "qwen-plus");
    /// assert!(request.is_stream());
    /// assert!(request.include_usage());
    /// assert_eq!(request.enable_thinking.value(), Some(&false));
    /// assert_eq!(request.extra.get("x_custom").unwrap().get(), r#"{"k":1}"#);
    ///
    /// let built = ChatRequest::new("qwen-plus", vec![Message::user("Hi")])
    ///     .with_stream(StreamOptions::include_usage());
    /// assert_eq!(
    ///     built.to_json(),
    ///     r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}"#
    /// );
    /// ```
    pub struct ChatRequest<'a> {
        /// The model name.
        model: Maybe<JsonStr<'a>>,
        /// The conversation.
        messages: Maybe<Vec<Message<'a>>>,
        /// Sampling temperature, in `[0, 2)`.
        temperature: Maybe<f64>,
        /// Nucleus sampling threshold, in `(0, 1]`.
        top_p: Maybe<f64>,
        /// Penalty on tokens already present, in `[-2, 2]`.
        presence_penalty: Maybe<f64>,
        /// Penalty on frequent tokens, in `[-2, 2]`.
        frequency_penalty: Maybe<f64>,
        /// How many choices to generate, `1..=4`.
        n: Maybe<i64>,
        /// The most tokens to generate, at least 1.
        max_tokens: Maybe<i64>,
        /// The random seed.
        seed: Maybe<u64>,
        /// Whether to stream the answer as server-sent events.
        stream: Maybe<bool>,
        /// Streaming options (only with `stream: true`).
        stream_options: Maybe<StreamOptions<'a>>,
        /// Stop sequences.
        stop: Maybe<Stop<'a>>,
        /// The tools the model may call.
        tools: Maybe<Vec<Tool<'a>>>,
        /// Whether and which tool the model must call.
        tool_choice: Maybe<ToolChoice<'a>>,
        /// Whether the model may call several tools at once.
        parallel_tool_calls: Maybe<bool>,
        /// The output format.
        response_format: Maybe<ResponseFormat<'a>>,
        /// Whether to return log probabilities.
        logprobs: Maybe<bool>,
        /// How many alternatives to return per position, with `logprobs`.
        top_logprobs: Maybe<i64>,
        /// An end-user id.
        user: Maybe<JsonStr<'a>>,
        /// DashScope: whether a hybrid model thinks before answering.
        enable_thinking: Maybe<bool>,
        /// DashScope: the most tokens to spend thinking.
        thinking_budget: Maybe<i64>,
        /// DashScope: whether to search the web.
        enable_search: Maybe<bool>,
        /// DashScope: web search options, kept raw.
        search_options: Maybe<RawJson<'a>>,
        /// DashScope: sample only from the `top_k` most likely tokens.
        top_k: Maybe<i64>,
        /// DashScope: penalty on repetition (`1.0` is none).
        repetition_penalty: Maybe<f64>,
        /// DashScope: whether to read images at high resolution.
        vl_high_resolution_images: Maybe<bool>,
    }
}

json_entry_points!(ChatRequest, "a chat completion request");

wire_object! {
    /// Streaming options (`"stream_options"`).
    pub struct StreamOptions<'a> {
        /// Whether the last chunk carries the token usage (with `choices: []`).
        include_usage: Maybe<bool>,
    }
}

wire_object! {
    /// The output format (`"response_format"`).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{ResponseFormat, ResponseFormatType};
    ///
    /// let format = ResponseFormat::new(ResponseFormatType::JsonObject);
    /// assert_eq!(serde_json::to_string(&format).unwrap(), r#"{"type":"json_object"}"#);
    /// ```
    pub struct ResponseFormat<'a> {
        /// `text`, `json_object` or `json_schema`.
        kind ("type"): Maybe<ResponseFormatType<'a>>,
        /// The schema, for `json_schema`, kept raw.
        json_schema: Maybe<RawJson<'a>>,
    }
}

impl<'a> ChatRequest<'a> {
    /// A request for `model` with `messages`.
    pub fn new(model: impl Into<JsonStr<'a>>, messages: Vec<Message<'a>>) -> Self {
        ChatRequest {
            model: Maybe::Value(model.into()),
            messages: Maybe::Value(messages),
            ..ChatRequest::default()
        }
    }

    /// Sets `stream: true` and the stream options.
    #[must_use]
    pub fn with_stream(mut self, options: StreamOptions<'a>) -> Self {
        self.stream = Maybe::Value(true);
        self.stream_options = Maybe::Value(options);
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn with_tool(mut self, tool: Tool<'a>) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// `true` when the request asks for a stream.
    pub fn is_stream(&self) -> bool {
        self.stream.value() == Some(&true)
    }

    /// `true` when the request asks for usage at the end of a stream.
    pub fn include_usage(&self) -> bool {
        self.stream_options
            .value()
            .and_then(|options| options.include_usage.value())
            == Some(&true)
    }

    /// The messages (empty when absent or `null`).
    pub fn messages(&self) -> &[Message<'a>] {
        self.messages.value().map_or(&[], Vec::as_slice)
    }

    /// The tools (empty when absent or `null`).
    pub fn tools(&self) -> &[Tool<'a>] {
        self.tools.value().map_or(&[], Vec::as_slice)
    }
}

impl StreamOptions<'_> {
    /// `{"include_usage": true}`.
    pub fn include_usage() -> Self {
        StreamOptions {
            include_usage: Maybe::Value(true),
            ..StreamOptions::default()
        }
    }
}

impl<'a> ResponseFormat<'a> {
    /// A format of the given type.
    pub fn new(kind: ResponseFormatType<'a>) -> Self {
        ResponseFormat {
            kind: Maybe::Value(kind),
            ..ResponseFormat::default()
        }
    }
}
