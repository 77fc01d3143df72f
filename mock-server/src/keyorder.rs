//! DashScope's key order: its compatible mode writes `choices` first and `id` last
//! (`{"choices":[{"delta":{…,"role":…},"finish_reason","index","logprobs"}],"object","usage",
//! "created","system_fingerprint","model","id"}`), where OpenAI writes `id` first. The mock
//! writes OpenAI's order and, with the quirk switch, rewrites each body into DashScope's,
//! moving raw values without re-serializing them.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Which object of a response is being reordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Choice,
    Delta,
}

/// DashScope's rank of `key` at `level`; unlisted keys keep their order after the listed ones.
fn rank(level: Level, key: &str) -> usize {
    let order: &[&str] = match level {
        Level::Top => &[
            "choices",
            "object",
            "usage",
            "created",
            "system_fingerprint",
            "model",
            "id",
        ],
        Level::Choice => &["delta", "message", "finish_reason", "index", "logprobs"],
        Level::Delta => &["content", "reasoning_content", "tool_calls", "role"],
    };
    order.iter().position(|k| *k == key).unwrap_or(order.len())
}

/// An object's members in their order, values kept raw.
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// `json` (a chunk or a completion) in DashScope's key order; unchanged if it is not an object.
pub(crate) fn dashscope(json: &str) -> String {
    reorder(json, Level::Top).unwrap_or_else(|| json.to_owned())
}

fn reorder(json: &str, level: Level) -> Option<String> {
    let Entries(mut entries) = serde_json::from_str(json).ok()?;
    entries.sort_by_key(|(k, _)| rank(level, k));
    let mut out = String::with_capacity(json.len());
    out.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).ok()?);
        out.push(':');
        let raw = value.get();
        let inner = match (level, key.as_str()) {
            (Level::Top, "choices") => {
                let items: Vec<Box<RawValue>> = serde_json::from_str(raw).ok()?;
                let items: Vec<String> = items
                    .iter()
                    .map(|c| reorder(c.get(), Level::Choice).unwrap_or_else(|| c.get().to_owned()))
                    .collect();
                Some(format!("[{}]", items.join(",")))
            }
            (Level::Choice, "delta") => reorder(raw, Level::Delta),
            _ => None,
        };
        out.push_str(inner.as_deref().unwrap_or(raw));
    }
    out.push('}');
    Some(out)
}

/// An SSE `data: {json}\n\n` event in DashScope's key order (`[DONE]` unchanged).
pub(crate) fn dashscope_event(event: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(event).ok()?;
    let json = text.strip_prefix("data: ")?.strip_suffix("\n\n")?;
    if !json.starts_with('{') {
        return None;
    }
    Some(format!("data: {}\n\n", dashscope(json)).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_take_dashscope_s_order() {
        let openai = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"qwen-plus","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":"","x":1},"finish_reason":null,"logprobs":null}],"usage":null}"#;
        assert_eq!(
            dashscope(openai),
            r#"{"choices":[{"delta":{"content":"","role":"assistant","x":1},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1,"system_fingerprint":null,"model":"qwen-plus","id":"c"}"#
        );
        let a: serde_json::Value = serde_json::from_str(openai).unwrap();
        let b: serde_json::Value = serde_json::from_str(&dashscope(openai)).unwrap();
        assert_eq!(a, b);
        assert_eq!(dashscope("[1]"), "[1]");
        assert_eq!(dashscope_event(b"data: [DONE]\n\n"), None);
        let event = dashscope_event(b"data: {\"id\":\"c\",\"choices\":[]}\n\n").unwrap();
        assert_eq!(event, b"data: {\"choices\":[],\"id\":\"c\"}\n\n");
    }
}
