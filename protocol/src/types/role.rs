//! [`Role`]: who wrote a message.

use crate::types::macros::open_enum;

open_enum! {
    /// The author of a message (`"role"`).
    ///
    /// DashScope documents `system`, `user`, `assistant` and `tool`; OpenAI adds `developer`.
    /// Any other value is kept as [`Role::Other`] (request validation rejects it).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::Role;
    ///
    /// let role: Role<'_> = serde_json::from_str(r#""assistant""#).unwrap();
    /// assert_eq!(role, Role::Assistant);
    /// let role: Role<'_> = serde_json::from_str(r#""narrator""#).unwrap();
    /// assert!(matches!(role, Role::Other(_)));
    /// assert_eq!(role.as_str(), "narrator");
    /// ```
    pub enum Role<'a> {
        /// Instructions for the model; only at `messages[0]`.
        System = "system",
        /// The user.
        User = "user",
        /// The model.
        Assistant = "assistant",
        /// The result of a tool call.
        Tool = "tool",
        /// Instructions for the model (OpenAI's newer name for `system`).
        Developer = "developer",
    }
}
