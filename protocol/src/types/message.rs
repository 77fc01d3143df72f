//! [`Message`]: one message of a request's conversation.

use crate::types::macros::wire_object;
use crate::types::{JsonStr, Maybe, MessageContent, Role, ToolCall};

wire_object! {
    /// One message of the conversation sent in a request (`messages[i]`).
    ///
    /// Every field is optional at the wire level so that a malformed message still parses
    /// and [request validation](crate::validate) can name what is wrong with it
    /// (`messages[2].role`).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{Message, Role};
    ///
    /// let message = Message::user("Who are you?");
    /// assert_eq!(
    ///     serde_json::to_string(&message).unwrap(),
    ///     r#"{"role":"user","content":"Who are you?"}"#
    /// );
    /// let tool = Message::tool("It is rainy.", "call_1");
    /// assert_eq!(tool.role.value(), Some(&Role::Tool));
    /// assert_eq!(tool.tool_call_id.value().unwrap(), "call_1");
    /// ```
    pub struct Message<'a> {
        /// Who wrote the message.
        role: Maybe<Role<'a>>,
        /// The text, or content parts (text and images).
        content: Maybe<MessageContent<'a>>,
        /// A name for the author (or the function, in legacy tool messages).
        name: Maybe<JsonStr<'a>>,
        /// The tool calls an assistant message made.
        tool_calls: Maybe<Vec<ToolCall<'a>>>,
        /// The call a tool message answers.
        tool_call_id: Maybe<JsonStr<'a>>,
        /// DashScope partial mode: the model continues this assistant message.
        partial: Maybe<bool>,
        /// The reasoning of an earlier assistant turn, sent back (DeepSeek, Qwen).
        reasoning_content: Maybe<JsonStr<'a>>,
    }
}

impl<'a> Message<'a> {
    /// A message with a role and text or parts.
    pub fn new(role: Role<'a>, content: impl Into<MessageContent<'a>>) -> Self {
        Message {
            role: Maybe::Value(role),
            content: Maybe::Value(content.into()),
            ..Message::default()
        }
    }

    /// A system message.
    pub fn system(content: impl Into<MessageContent<'a>>) -> Self {
        Self::new(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<MessageContent<'a>>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<MessageContent<'a>>) -> Self {
        Self::new(Role::Assistant, content)
    }

    /// A tool message answering the call `tool_call_id`.
    pub fn tool(
        content: impl Into<MessageContent<'a>>,
        tool_call_id: impl Into<JsonStr<'a>>,
    ) -> Self {
        Message {
            tool_call_id: Maybe::Value(tool_call_id.into()),
            ..Self::new(Role::Tool, content)
        }
    }

    /// Adds a tool call (for assistant messages).
    #[must_use]
    pub fn with_tool_call(mut self, call: ToolCall<'a>) -> Self {
        self.tool_calls.get_or_insert_with(Vec::new).push(call);
        self
    }

    /// The role, when present.
    pub fn role(&self) -> Option<&Role<'a>> {
        self.role.value()
    }
}
