//! [`Usage`]: token counts.

use crate::types::macros::{json_entry_points, wire_object};
use crate::types::Maybe;

wire_object! {
    /// Token consumption of a request (`"usage"`).
    ///
    /// Counts are `u64`; a count of another type (a float, a string) is kept raw in
    /// [`extra`](Self::extra) instead of failing the whole response. Provider additions
    /// (Groq's `queue_time`, DeepSeek's `prompt_cache_hit_tokens`, OpenRouter's `cost`) are
    /// kept in `extra` too.
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::Usage;
    ///
    /// let usage = Usage::from_json(
    ///     r#"{"prompt_tokens":295,"completion_tokens":22,"total_tokens":317,
    ///         "prompt_tokens_details":{"cached_tokens":256},"queue_time":0.04}"#,
    /// )
    /// .unwrap();
    /// assert_eq!(usage.cached_tokens(), Some(256));
    /// assert_eq!(usage.reasoning_tokens(), None);
    /// assert_eq!(usage.extra.get("queue_time").unwrap().get(), "0.04");
    /// assert_eq!(Usage::new(22, 16), Usage::from_json(
    ///     r#"{"prompt_tokens":22,"completion_tokens":16,"total_tokens":38}"#).unwrap());
    /// ```
    pub struct Usage<'a> {
        /// Tokens in the input.
        prompt_tokens: Maybe<u64> => lenient,
        /// Tokens generated.
        completion_tokens: Maybe<u64> => lenient,
        /// Their sum (some servers add more, such as search or tool tokens).
        total_tokens: Maybe<u64> => lenient,
        /// Details of the input tokens.
        prompt_tokens_details: Maybe<PromptTokensDetails<'a>>,
        /// Details of the generated tokens.
        completion_tokens_details: Maybe<CompletionTokensDetails<'a>>,
    }
}

json_entry_points!(Usage, "token usage");

wire_object! {
    /// Details of the input tokens (`"prompt_tokens_details"`).
    pub struct PromptTokensDetails<'a> {
        /// Input tokens served from the context cache.
        cached_tokens: Maybe<u64> => lenient,
    }
}

wire_object! {
    /// Details of the generated tokens (`"completion_tokens_details"`).
    pub struct CompletionTokensDetails<'a> {
        /// Tokens spent on reasoning (thinking models).
        reasoning_tokens: Maybe<u64> => lenient,
    }
}

impl Usage<'_> {
    /// Usage with the prompt and completion counts and their sum.
    pub fn new(prompt_tokens: u64, completion_tokens: u64) -> Self {
        Usage {
            prompt_tokens: Maybe::Value(prompt_tokens),
            completion_tokens: Maybe::Value(completion_tokens),
            total_tokens: Maybe::Value(prompt_tokens.saturating_add(completion_tokens)),
            ..Usage::default()
        }
    }

    /// Sets `prompt_tokens_details.cached_tokens`.
    #[must_use]
    pub fn with_cached_tokens(mut self, cached_tokens: u64) -> Self {
        self.prompt_tokens_details
            .get_or_insert_with(PromptTokensDetails::default)
            .cached_tokens = Maybe::Value(cached_tokens);
        self
    }

    /// Sets `completion_tokens_details.reasoning_tokens`.
    #[must_use]
    pub fn with_reasoning_tokens(mut self, reasoning_tokens: u64) -> Self {
        self.completion_tokens_details
            .get_or_insert_with(CompletionTokensDetails::default)
            .reasoning_tokens = Maybe::Value(reasoning_tokens);
        self
    }

    /// `prompt_tokens_details.cached_tokens`, when present.
    pub fn cached_tokens(&self) -> Option<u64> {
        self.prompt_tokens_details
            .value()
            .and_then(|details| details.cached_tokens.value().copied())
    }

    /// `completion_tokens_details.reasoning_tokens`, when present.
    pub fn reasoning_tokens(&self) -> Option<u64> {
        self.completion_tokens_details
            .value()
            .and_then(|details| details.reasoning_tokens.value().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_another_type_goes_to_extra() {
        let text = r#"{"prompt_tokens":"12","completion_tokens":3.0,"total_tokens":15}"#;
        let usage = Usage::from_json(text).unwrap();
        assert!(usage.prompt_tokens.is_absent());
        assert!(usage.completion_tokens.is_absent());
        assert_eq!(usage.total_tokens.value(), Some(&15));
        assert_eq!(usage.extra.get("prompt_tokens").unwrap().get(), r#""12""#);
        let back: serde_json::Value = serde_json::from_str(&usage.to_json()).unwrap();
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value() {
        let usage = Usage::from_json(r#"{"total_tokens":1.5,"total_tokens":7}"#).unwrap();
        assert_eq!(usage.total_tokens.value(), Some(&7));
        assert!(usage.extra.is_empty());
        let usage = Usage::from_json(r#"{"total_tokens":7,"total_tokens":1.5}"#).unwrap();
        assert!(usage.total_tokens.is_absent());
        assert_eq!(usage.extra.get("total_tokens").unwrap().get(), "1.5");
        let usage = Usage::from_json(r#"{"total_tokens":7,"total_tokens":null}"#).unwrap();
        assert!(usage.total_tokens.is_null());
    }

    #[test]
    fn builders_fill_details() {
        let usage = Usage::new(3, 4)
            .with_cached_tokens(2)
            .with_reasoning_tokens(1);
        assert_eq!(usage.total_tokens.value(), Some(&7));
        assert_eq!(
            usage.to_json(),
            r#"{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1}}"#
        );
    }
}
