//! [`FinishReason`]: why a choice stopped.

use crate::types::macros::open_enum;

open_enum! {
    /// Why the model stopped generating a choice (`"finish_reason"`).
    ///
    /// Servers send values outside the documented set (Qwen coder models send `""`, vLLM
    /// sends `"abort"`): they are kept as [`FinishReason::Other`].
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::FinishReason;
    ///
    /// let reason: FinishReason<'_> = serde_json::from_str(r#""tool_calls""#).unwrap();
    /// assert_eq!(reason, FinishReason::ToolCalls);
    /// let reason: FinishReason<'_> = serde_json::from_str(r#""""#).unwrap();
    /// assert_eq!(reason, FinishReason::Other("".into()));
    /// assert_eq!(serde_json::to_string(&reason).unwrap(), r#""""#);
    /// ```
    pub enum FinishReason<'a> {
        /// A natural stop or a stop sequence.
        Stop = "stop",
        /// `max_tokens` or the context length was reached.
        Length = "length",
        /// The model called one or more tools.
        ToolCalls = "tool_calls",
        /// Content was omitted by a content filter.
        ContentFilter = "content_filter",
        /// The model called a function (legacy `function_call`).
        FunctionCall = "function_call",
    }
}
