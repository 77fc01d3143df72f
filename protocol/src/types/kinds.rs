//! The smaller open sets of strings: the `object` of a response, the `service_tier`, the
//! `type` of a tool and of a response format.

use crate::types::macros::open_enum;

open_enum! {
    /// What a response body is (`"object"`).
    ///
    /// Azure sends `""` on its prompt-filter chunk, Perplexity `"chat.completion.done"` on
    /// its last chunk: both are [`ObjectKind::Other`].
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::ObjectKind;
    ///
    /// assert_eq!(ObjectKind::from("chat.completion.chunk"), ObjectKind::ChatCompletionChunk);
    /// assert_eq!(ObjectKind::ChatCompletion.as_str(), "chat.completion");
    /// ```
    pub enum ObjectKind<'a> {
        /// A whole completion.
        ChatCompletion = "chat.completion",
        /// One chunk of a streamed completion.
        ChatCompletionChunk = "chat.completion.chunk",
    }
}

open_enum! {
    /// The processing tier that served a request (`"service_tier"`).
    ///
    /// Groq sends `"on_demand"`, Snowflake `""`: both are [`ServiceTier::Other`].
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::ServiceTier;
    ///
    /// assert_eq!(ServiceTier::from("default"), ServiceTier::Default);
    /// assert_eq!(ServiceTier::from("on_demand").as_str(), "on_demand");
    /// ```
    pub enum ServiceTier<'a> {
        /// Chosen by the server.
        Auto = "auto",
        /// The standard tier.
        Default = "default",
        /// The flexible (cheaper, slower) tier.
        Flex = "flex",
        /// The scale tier.
        Scale = "scale",
        /// The priority tier.
        Priority = "priority",
    }
}

open_enum! {
    /// The kind of a tool or tool call (`"type"`); only `"function"` is documented.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::ToolType;
    ///
    /// assert_eq!(ToolType::from("function"), ToolType::Function);
    /// ```
    pub enum ToolType<'a> {
        /// A function the model may call.
        Function = "function",
    }
}

open_enum! {
    /// The kind of a `response_format` (`"type"`).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::ResponseFormatType;
    ///
    /// assert_eq!(ResponseFormatType::from("json_object"), ResponseFormatType::JsonObject);
    /// ```
    pub enum ResponseFormatType<'a> {
        /// Free text (the default).
        Text = "text",
        /// Any JSON object.
        JsonObject = "json_object",
        /// JSON following the schema given in `json_schema`.
        JsonSchema = "json_schema",
    }
}
