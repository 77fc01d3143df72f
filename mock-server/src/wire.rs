//! The seam between the HTTP layer and the reply engine: what the engine reads from a request
//! ([`ChatInput`]) and what it produces ([`Reply`]), and the rendering of a reply as a
//! `chat.completion` body.
//!
//! The engine never sees JSON: requests are parsed here into a small owned digest, and replies
//! are turned into wire bytes here (and chunk by chunk in `stream.rs`).

use serde::Serialize;
use serde_json::Value;

use crate::errors::ApiError;

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
    pub(crate) seed: Option<u64>,
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
    /// Reads the engine's digest out of a parsed request body.
    ///
    /// # Errors
    ///
    /// A 400 envelope naming the field when a field the engine needs has the wrong type.
    pub(crate) fn from_json(body: &Value) -> Result<Self, ApiError> {
        let obj = body.as_object().ok_or_else(|| {
            ApiError::invalid_parameter("The request body must be a JSON object.", None)
        })?;
        let model = match obj.get("model") {
            Some(Value::String(model)) => model.clone(),
            _ => {
                return Err(ApiError::invalid_parameter(
                    "The field `model` is required and must be a string.",
                    Some("model"),
                ))
            }
        };
        let messages = match obj.get("messages") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, m)| message(i, m))
                .collect::<Result<Vec<_>, _>>()?,
            _ => {
                return Err(ApiError::invalid_parameter(
                    "The field `messages` is required and must be an array.",
                    Some("messages"),
                ))
            }
        };
        let stream = obj.get("stream").and_then(Value::as_bool).unwrap_or(false);
        let include_usage = obj
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let n = obj
            .get("n")
            .and_then(Value::as_u64)
            .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX));
        let max_tokens = obj
            .get("max_tokens")
            .or_else(|| obj.get("max_completion_tokens"))
            .and_then(Value::as_u64);
        let stop = match obj.get("stop") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let tools = match obj.get("tools") {
            Some(Value::Array(items)) => items.iter().filter_map(tool).collect(),
            _ => Vec::new(),
        };
        let tool_choice = match obj.get("tool_choice") {
            Some(Value::String(s)) if s == "none" => ToolChoice::None,
            Some(Value::String(s)) if s == "required" => ToolChoice::Required,
            Some(Value::Object(choice)) => choice
                .get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
                .map_or(ToolChoice::Auto, |name| ToolChoice::Named(name.to_owned())),
            _ => ToolChoice::Auto,
        };
        let json_output = obj
            .get("response_format")
            .and_then(|f| f.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t == "json_object" || t == "json_schema");
        Ok(ChatInput {
            model,
            messages,
            stream,
            include_usage,
            n,
            max_tokens,
            stop,
            seed: obj.get("seed").and_then(Value::as_u64),
            tools,
            tool_choice,
            parallel_tool_calls: obj
                .get("parallel_tool_calls")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            enable_thinking: obj.get("enable_thinking").and_then(Value::as_bool),
            thinking_budget: obj.get("thinking_budget").and_then(Value::as_u64),
            json_output,
        })
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

/// Reads message `index`.
fn message(index: usize, value: &Value) -> Result<InMessage, ApiError> {
    let param = format!("messages[{index}]");
    let obj = value.as_object().ok_or_else(|| {
        ApiError::invalid_parameter(format!("`{param}` must be an object."), Some(&param))
    })?;
    let role = obj
        .get("role")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::invalid_parameter(
                format!("`{param}.role` is required and must be a string."),
                Some(&format!("{param}.role")),
            )
        })?
        .to_owned();
    let tool_calls = obj
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|calls| {
            calls
                .iter()
                .map(|call| InToolCall {
                    id: str_at(call, &["id"]).to_owned(),
                    name: str_at(call, &["function", "name"]).to_owned(),
                    arguments: str_at(call, &["function", "arguments"]).to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(InMessage {
        role,
        content: obj.get("content").map(text_of).unwrap_or_default(),
        name: obj.get("name").and_then(Value::as_str).map(str::to_owned),
        tool_call_id: obj
            .get("tool_call_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        tool_calls,
    })
}

/// The text of a `content` value: a string, or the `text` of each part of an array.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// Reads one function tool; other tool types are ignored.
fn tool(value: &Value) -> Option<InTool> {
    let function = value.get("function")?;
    Some(InTool {
        name: function.get("name")?.as_str()?.to_owned(),
        description: str_at(function, &["description"]).to_owned(),
        parameters: function.get("parameters").cloned().unwrap_or(Value::Null),
    })
}

/// The string at `path` inside `value`, or `""`.
fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
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
    /// `stop`, `length` or `tool_calls`.
    pub(crate) finish_reason: &'static str,
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
}

/// The identity of one response: its id, timestamp and model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) id: String,
    pub(crate) created: u64,
    pub(crate) model: String,
}

/// The `usage` object on the wire.
#[derive(Serialize)]
pub(crate) struct UsageWire {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    completion_tokens_details: Option<ReasoningTokens>,
}

#[derive(Serialize)]
struct ReasoningTokens {
    reasoning_tokens: u64,
}

impl From<UsageOut> for UsageWire {
    fn from(usage: UsageOut) -> Self {
        UsageWire {
            prompt_tokens: usage.prompt,
            completion_tokens: usage.completion,
            total_tokens: usage.prompt + usage.completion,
            completion_tokens_details: usage
                .reasoning
                .map(|reasoning_tokens| ReasoningTokens { reasoning_tokens }),
        }
    }
}

/// A `chat.completion` body, keys in the order the seed's HTTP sample shows.
#[derive(Serialize)]
struct CompletionWire<'a> {
    choices: Vec<ChoiceWire<'a>>,
    object: &'static str,
    usage: UsageWire,
    created: u64,
    system_fingerprint: Option<&'a str>,
    model: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct ChoiceWire<'a> {
    message: MessageWire<'a>,
    finish_reason: &'a str,
    index: usize,
    logprobs: Option<()>,
}

#[derive(Serialize)]
struct MessageWire<'a> {
    role: &'static str,
    content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_content: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolCallWire<'a>>,
}

#[derive(Serialize)]
struct ToolCallWire<'a> {
    function: FunctionWire<'a>,
    id: &'a str,
    index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct FunctionWire<'a> {
    arguments: String,
    name: &'a str,
}

/// Renders a non-streaming `chat.completion` body.
pub(crate) fn completion_body(meta: &Meta, reply: &Reply) -> Vec<u8> {
    let body = CompletionWire {
        choices: reply
            .choices
            .iter()
            .enumerate()
            .map(|(index, choice)| ChoiceWire {
                message: MessageWire {
                    role: "assistant",
                    content: choice.content.concat(),
                    reasoning_content: choice.reasoning_text(),
                    tool_calls: choice
                        .tool_calls
                        .iter()
                        .enumerate()
                        .map(|(index, call)| ToolCallWire {
                            function: FunctionWire {
                                arguments: call.arguments.concat(),
                                name: &call.name,
                            },
                            id: &call.id,
                            index,
                            kind: "function",
                        })
                        .collect(),
                },
                finish_reason: choice.finish_reason,
                index,
                logprobs: None,
            })
            .collect(),
        object: "chat.completion",
        usage: reply.usage.into(),
        created: meta.created,
        system_fingerprint: None,
        model: &meta.model,
        id: &meta.id,
    };
    to_json(&body)
}

/// Serializes a value made only of strings, numbers, options and vectors.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Invariant: the wire structs hold no maps with non-string keys and no floats, the only
    // things serde_json can refuse; an empty object stands in if that ever changes.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_tool_request() {
        let body: Value = serde_json::from_str(
            r#"{"model":"qwen-plus","messages":[
                {"role":"user","content":"How is the weather in Singapore?"},
                {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"get_current_weather","arguments":"{\"location\":\"Singapore\"}"}}]},
                {"role":"tool","name":"get_current_weather","content":"It is rainy."}],
              "tools":[{"type":"function","function":{"name":"get_current_weather",
                  "description":"Weather","parameters":{}}}],
              "stream":true,"stream_options":{"include_usage":true},"stop":["x","y"],"n":2}"#,
        )
        .unwrap();
        let input = ChatInput::from_json(&body).unwrap();
        assert_eq!(input.model, "qwen-plus");
        assert_eq!(input.messages.len(), 3);
        assert_eq!(input.messages[1].tool_calls[0].name, "get_current_weather");
        assert_eq!(
            input.messages[2].name.as_deref(),
            Some("get_current_weather")
        );
        assert_eq!(input.tools[0].name, "get_current_weather");
        assert!(input.stream && input.include_usage);
        assert_eq!(input.stop, ["x", "y"]);
        assert_eq!(input.n, 2);
        assert_eq!(input.last_user_text(), "How is the weather in Singapore?");
    }

    #[test]
    fn content_parts_are_joined() {
        let body: Value = serde_json::from_str(
            r#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            ChatInput::from_json(&body).unwrap().messages[0].content,
            "ab"
        );
    }

    #[test]
    fn missing_model_names_the_param() {
        let body: Value = serde_json::from_str(r#"{"messages":[]}"#).unwrap();
        let err = ChatInput::from_json(&body).unwrap_err();
        assert_eq!(err.param(), Some("model"));
    }

    #[test]
    fn completion_body_has_the_documented_shape() {
        let reply = Reply {
            choices: vec![ChoiceOut {
                content: vec!["Hi".into(), " there".into()],
                finish_reason: "stop",
                ..ChoiceOut::default()
            }],
            usage: UsageOut {
                prompt: 3,
                completion: 2,
                reasoning: None,
            },
        };
        let meta = Meta {
            id: "chatcmpl-1".into(),
            created: 7,
            model: "qwen-plus".into(),
        };
        let body = String::from_utf8(completion_body(&meta, &reply)).unwrap();
        assert_eq!(
            body,
            r#"{"choices":[{"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop","index":0,"logprobs":null}],"object":"chat.completion","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"created":7,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-1"}"#
        );
    }
}
