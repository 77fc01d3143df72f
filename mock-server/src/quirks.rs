//! DashScope quirk switches: how the mock writes details that providers write differently.

/// What a tool call's continuation fragments carry as `id`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContinuationIds {
    /// `"id":""`, as DashScope streams them (the default).
    #[default]
    Empty,
    /// No `id` key, as OpenAI streams them.
    Omitted,
    /// The first fragment's id again.
    Repeated,
}

impl std::str::FromStr for ContinuationIds {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "empty" => Ok(ContinuationIds::Empty),
            "omitted" => Ok(ContinuationIds::Omitted),
            "repeated" => Ok(ContinuationIds::Repeated),
            other => Err(format!(
                "unknown continuation id style {other:?} (empty, omitted, repeated)"
            )),
        }
    }
}

/// The key order of response objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyOrder {
    /// OpenAI's: `id`, `object`, `created`, `model`, …, `choices`, `usage` (the default).
    #[default]
    OpenAi,
    /// DashScope's: `choices`, `object`, `usage`, `created`, `system_fingerprint`, `model`,
    /// `id`; in a choice `delta` first, in a delta `role` last.
    DashScope,
}

impl std::str::FromStr for KeyOrder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "openai" => Ok(KeyOrder::OpenAi),
            "dashscope" => Ok(KeyOrder::DashScope),
            other => Err(format!("unknown key order {other:?} (openai, dashscope)")),
        }
    }
}

/// The quirk switches of a server.
///
/// # Example
///
/// ```
/// use chatwire_mock::{ContinuationIds, Quirks};
/// let mut quirks = Quirks::default();
/// assert_eq!(quirks.tool_call_ids, ContinuationIds::Empty);
/// quirks.tool_call_ids = "omitted".parse().unwrap();
/// quirks.interleave_tool_calls = true;
/// quirks.prompt_tokens_details = true;
/// assert!("sometimes".parse::<ContinuationIds>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quirks {
    /// The `id` of continuation fragments of a streamed tool call.
    pub tool_call_ids: ContinuationIds,
    /// Streams parallel tool calls' fragments interleaved by index (call 0, call 1, call 0,
    /// …) instead of one call after the other.
    pub interleave_tool_calls: bool,
    /// Adds `"prompt_tokens_details":{"cached_tokens":0}` to every usage.
    pub prompt_tokens_details: bool,
    /// The key order of chunks and completions.
    pub key_order: KeyOrder,
}
