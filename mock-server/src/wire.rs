//! The seam between the HTTP layer and the reply engine: what the engine reads from a request
//! ([`ChatInput`], a digest of chatwire's [`ChatRequest`]) and what it produces ([`Reply`]),
//! and the rendering of a reply as a `chat.completion` with chatwire's [`ChatCompletion`].
//!
//! The engine never sees JSON: requests are digested here, and replies are turned into wire
//! types here (and chunk by chunk in `stream.rs`).

use chatwire::types::{
    ChatCompletion, ChatRequest, Choice, FinishReason, JsonStr, Maybe, Message, MessageContent,
    RawJson, ResponseFormatType, ResponseMessage, Stop, Tool, ToolCall,
    ToolChoice as WireToolChoice, Usage,
};
use serde_json::Value;

/// The parts of a chat request the engine acts on.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChatInput {
    pub(crate) model: String,
    pub(crate) messages: Vec<InMessage>,
    pub(crate) stream: bool,
    pub(crate) include_usage: bool,
    pub(crate) n: u32,
    pub(crate) max_tokens: Option<u64>,
    pub(crate) stop: Vec<String>,
    pub(crate) tools: Vec<InTool>,
    pub(crate) tool_choice: ToolChoice,
    pub(crate) parallel_tool_calls: bool,
    pub(crate) enable_thinking: Option<bool>,
    pub(crate) thinking_budget: Option<u64>,
    pub(crate) json_output: bool,
}

/// One message of the conversation, text parts joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InMessage {
    pub(crate) role: String,
    pub(crate) content: String,
    pub(crate) name: Option<String>,
    pub(crate) tool_call_id: Option<String>,
    pub(crate) tool_calls: Vec<InToolCall>,
}

/// A tool call an assistant message made earlier in the conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InToolCall {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) arguments: String,
}

/// A function tool the client offers.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct InTool {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) parameters: Value,
}

/// The request's `tool_choice`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum ToolChoice {
    /// `"auto"` or absent: call a tool when the conversation needs one.
    #[default]
    Auto,
    /// `"none"`: never call.
    None,
    /// `"required"`: call at least one tool.
    Required,
    /// `{"type":"function","function":{"name":..}}`: call this one.
    Named(String),
}

impl ChatInput {
    /// Digests a parsed (and validated) request.
    pub(crate) fn from_request(request: &ChatRequest<'_>) -> Self {
        let text = |s: &JsonStr<'_>| s.to_cow().into_owned();
        let stop = match request.stop.value() {
            Some(Stop::Text(s)) => vec![text(s)],
            Some(Stop::Texts(list)) => list.iter().map(text).collect(),
            _ => Vec::new(),
        };
        let tool_choice = match request.tool_choice.value() {
            Some(WireToolChoice::None) => ToolChoice::None,
            Some(WireToolChoice::Required) => ToolChoice::Required,
            Some(named @ WireToolChoice::Named(_)) => named
                .function_name()
                .map_or(ToolChoice::Auto, |name| ToolChoice::Named(text(name))),
            _ => ToolChoice::Auto,
        };
        let json_output = request
            .response_format
            .value()
            .and_then(|f| f.kind.value())
            .is_some_and(|kind| {
                matches!(
                    kind,
                    ResponseFormatType::JsonObject | ResponseFormatType::JsonSchema
                )
            });
        let max_completion_tokens = request
            .extra
            .get("max_completion_tokens")
            .and_then(|raw| raw.parse::<u64>().ok());
        let positive = |v: Option<&i64>| v.and_then(|v| u64::try_from(*v).ok());
        ChatInput {
            model: request.model.value().map(text).unwrap_or_default(),
            messages: request.messages().iter().map(message).collect(),
            stream: request.is_stream(),
            include_usage: request.include_usage(),
            n: request
                .n
                .value()
                .map_or(1, |n| u32::try_from(*n).unwrap_or(1).max(1)),
            max_tokens: positive(request.max_tokens.value()).or(max_completion_tokens),
            stop,
            tools: request.tools().iter().filter_map(tool).collect(),
            tool_choice,
            parallel_tool_calls: request.parallel_tool_calls.value() == Some(&true),
            enable_thinking: request.enable_thinking.value().copied(),
            thinking_budget: positive(request.thinking_budget.value()),
            json_output,
        }
    }

    /// The content of the last user message, or `""`.
    pub(crate) fn last_user_text(&self) -> &str {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == "user")
            .map_or("", |m| m.content.as_str())
    }
}

/// Digests one message.
fn message(m: &Message<'_>) -> InMessage {
    let text = |s: &JsonStr<'_>| s.to_cow().into_owned();
    let mut content = String::new();
    if let Some(c) = m.content.value() {
        c.text_into(&mut content);
    }
    InMessage {
        role: m
            .role()
            .map(|r| r.as_str().into_owned())
            .unwrap_or_default(),
        content,
        name: m.name.value().map(text),
        tool_call_id: m.tool_call_id.value().map(text),
        tool_calls: m
            .tool_calls
            .value()
            .map(|calls| {
                calls
                    .iter()
                    .map(|call| {
                        let function = call.function.value();
                        InToolCall {
                            id: call.id.value().map(text).unwrap_or_default(),
                            name: function
                                .and_then(|f| f.name.value())
                                .map(text)
                                .unwrap_or_default(),
                            arguments: function
                                .and_then(|f| f.arguments.value())
                                .map(text)
                                .unwrap_or_default(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Digests one function tool; other tool types are ignored.
fn tool(t: &Tool<'_>) -> Option<InTool> {
    let function = t.function.value()?;
    Some(InTool {
        name: function.name.value()?.to_cow().into_owned(),
        description: function
            .description
            .value()
            .map(|d| d.to_cow().into_owned())
            .unwrap_or_default(),
        parameters: function
            .parameters
            .value()
            .and_then(|p| p.parse::<Value>().ok())
            .unwrap_or(Value::Null),
    })
}

/// What the engine answers: one entry per choice, and the usage of them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) choices: Vec<ChoiceOut>,
    pub(crate) usage: UsageOut,
}

/// One choice of a reply, its texts already cut into the pieces a stream sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChoiceOut {
    /// Reasoning pieces, empty when the model did not think.
    pub(crate) reasoning: Vec<String>,
    /// Content pieces.
    pub(crate) content: Vec<String>,
    /// Tool calls, empty for a text answer.
    pub(crate) tool_calls: Vec<CallOut>,
    /// Why the choice ended.
    pub(crate) finish_reason: FinishOut,
}

/// Why a choice ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum FinishOut {
    /// The text ended, or a stop string was reached.
    #[default]
    Stop,
    /// `max_tokens` was reached.
    Length,
    /// The model called tools.
    ToolCalls,
}

impl ChoiceOut {
    /// The whole reasoning text, if the model thought.
    pub(crate) fn reasoning_text(&self) -> Option<String> {
        (!self.reasoning.is_empty()).then(|| self.reasoning.concat())
    }
}

/// One tool call of a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallOut {
    pub(crate) id: String,
    pub(crate) name: String,
    /// The arguments JSON text, cut into stream pieces.
    pub(crate) arguments: Vec<String>,
}

/// Token counts of a reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UsageOut {
    pub(crate) prompt: u64,
    pub(crate) completion: u64,
    /// Reasoning tokens (part of `completion`), when the model thought.
    pub(crate) reasoning: Option<u64>,
    /// Cached prompt tokens, written as `prompt_tokens_details` when set.
    pub(crate) cached: Option<u64>,
}

/// The identity of one response: its id, timestamp and model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) id: String,
    pub(crate) created: u64,
    pub(crate) model: String,
}

impl UsageOut {
    /// The `usage` object on the wire.
    pub(crate) fn to_wire(self) -> Usage<'static> {
        let usage = Usage::new(self.prompt, self.completion);
        let usage = match self.cached {
            Some(cached) => usage.with_cached_tokens(cached),
            None => usage,
        };
        match self.reasoning {
            Some(reasoning) => usage.with_reasoning_tokens(reasoning),
            None => usage,
        }
    }
}

impl FinishOut {
    /// The wire value.
    pub(crate) fn to_wire(self) -> FinishReason<'static> {
        match self {
            FinishOut::Stop => FinishReason::Stop,
            FinishOut::Length => FinishReason::Length,
            FinishOut::ToolCalls => FinishReason::ToolCalls,
        }
    }
}

/// Renders a non-streaming `chat.completion` body.
pub(crate) fn completion_body(meta: &Meta, reply: &Reply) -> Vec<u8> {
    let mut completion = ChatCompletion::new(meta.id.clone(), meta.model.clone(), meta.created)
        .with_usage(reply.usage.to_wire());
    completion.system_fingerprint = Maybe::Null;
    for (index, choice) in (0u32..).zip(&reply.choices) {
        let mut message = if choice.tool_calls.is_empty() {
            ResponseMessage::assistant(choice.content.concat())
        } else {
            let calls = (0u32..)
                .zip(&choice.tool_calls)
                .map(|(position, call)| {
                    let mut wire = ToolCall::function(
                        call.id.clone(),
                        call.name.clone(),
                        call.arguments.concat(),
                    );
                    // DashScope numbers the calls of a message, as in a stream. (A number always
                    // serializes.)
                    if let Ok(index) = RawJson::from_value(&position) {
                        wire.extra.push("index", index);
                    }
                    wire
                })
                .collect();
            let mut message = ResponseMessage::from_tool_calls(calls);
            message.content = Maybe::Value(MessageContent::text(String::new()));
            message
        };
        if let Some(reasoning) = choice.reasoning_text() {
            message = message.with_reasoning_content(reasoning);
        }
        let mut wire =
            Choice::new(index, message).with_finish_reason(choice.finish_reason.to_wire());
        wire.logprobs = Maybe::Null;
        completion = completion.with_choice(wire);
    }
    let text: usize = reply
        .choices
        .iter()
        .flat_map(|c| c.content.iter().chain(&c.reasoning))
        .map(String::len)
        .sum();
    // Room for the envelope and the texts (escapes aside), so the buffer rarely grows.
    let mut out = Vec::with_capacity(512 + text + 384 * reply.choices.len());
    completion.write_json(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> ChatInput {
        ChatInput::from_request(&ChatRequest::from_json(body).unwrap())
    }

    #[test]
    fn reads_the_seed_tool_request() {
        let input = input(
            r#"{"model":"qwen-plus","messages":[
                {"role":"user","content":"How is the weather in Singapore?"},
                {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"get_current_weather","arguments":"{\"location\":\"Singapore\"}"}}]},
                {"role":"tool","name":"get_current_weather","content":"It is rainy."}],
              "tools":[{"type":"function","function":{"name":"get_current_weather",
                  "description":"Weather","parameters":{}}}],
              "stream":true,"stream_options":{"include_usage":true},"stop":["x","y"],"n":2,
              "max_completion_tokens":9,"tool_choice":{"type":"function","function":{"name":"f"}}}"#,
        );
        assert_eq!(input.model, "qwen-plus");
        assert_eq!(input.messages.len(), 3);
        assert_eq!(input.messages[1].tool_calls[0].name, "get_current_weather");
        assert_eq!(
            input.messages[1].tool_calls[0].arguments,
            r#"{"location":"Singapore"}"#
        );
        assert_eq!(
            input.messages[2].name.as_deref(),
            Some("get_current_weather")
        );
        assert_eq!(input.tools[0].name, "get_current_weather");
        assert!(input.stream && input.include_usage);
        assert_eq!(input.stop, ["x", "y"]);
        assert_eq!(input.n, 2);
        assert_eq!(input.max_tokens, Some(9));
        assert_eq!(input.tool_choice, ToolChoice::Named("f".into()));
        assert_eq!(input.last_user_text(), "How is the weather in Singapore?");
    }

    #[test]
    fn content_parts_are_joined() {
        let input = input(
            r#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b\u0021"}]}]}"#,
        );
        assert_eq!(input.messages[0].content, "ab!");
    }

    #[test]
    fn completion_body_has_the_documented_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                content: vec!["Hi".into(), " there".into()],
                ..ChoiceOut::default()
            }],
            usage: UsageOut {
                prompt: 3,
                completion: 2,
                reasoning: None,
                cached: None,
            },
        };
        let meta = Meta {
            id: "chatcmpl-1".into(),
            created: 7,
            model: "qwen-plus".into(),
        };
        let body: Value = serde_json::from_slice(&completion_body(&meta, &reply)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"choices":[{"message":{"role":"assistant","content":"Hi there"},
                "finish_reason":"stop","index":0,"logprobs":null}],"object":"chat.completion",
                "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"created":7,
                "system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-1"})
        );
    }

    #[test]
    fn tool_calls_are_numbered_and_content_is_empty() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                tool_calls: vec![CallOut {
                    id: "call_1".into(),
                    name: "f".into(),
                    arguments: vec!["{".into(), "}".into()],
                }],
                finish_reason: FinishOut::ToolCalls,
                ..ChoiceOut::default()
            }],
            usage: UsageOut::default(),
        };
        let meta = Meta {
            id: "x".into(),
            created: 1,
            model: "qwen-plus".into(),
        };
        let body: Value = serde_json::from_slice(&completion_body(&meta, &reply)).unwrap();
        let message = &body["choices"][0]["message"];
        assert_eq!(message["content"], "");
        assert_eq!(
            message["tool_calls"][0],
            serde_json::json!({"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"},"index":0})
        );
        assert_eq!(body["choices"][0]["finish_reason"], "tool_calls");
    }
}
