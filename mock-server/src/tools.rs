//! The tool-calling engine: decides from the conversation's state whether to call tools, which
//! ones with which arguments, or to answer from the tool results already present.
//!
//! The state is the current turn, everything after the last user message:
//! - which tools the user's question needs: the tools whose name words (`get_current_weather`
//!   gives `weather`) occur in the question, in the order they occur there;
//! - which of them have been answered: a `tool` message answers a call, found by its
//!   `tool_call_id`, else by its `name`, else by its position after the assistant message
//!   that made the calls;
//! - the last message's role: after a user message, call the first tool still needed (all of
//!   them with `parallel_tool_calls`); after a tool result, call the next one still needed or,
//!   when none is left, answer from the results. A result therefore never triggers the same call
//!   again.

use serde_json::Value;

use crate::wire::{ChatInput, InMessage, InTool, ToolChoice};

/// What the model does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Calls these tools.
    Call(Vec<PlannedCall>),
    /// Answers with this text, made from the tool results.
    Answer(String),
    /// Answers as it would without tools.
    Text,
}

/// One call the model makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedCall {
    pub(crate) name: String,
    /// The arguments JSON text, formatted as Qwen does (`{"location": "Singapore"}`).
    pub(crate) arguments: String,
}

/// Decides the next step for `input`.
pub(crate) fn decide(input: &ChatInput) -> Decision {
    let turn_start = input
        .messages
        .iter()
        .rposition(|m| m.role == "user")
        .map_or(0, |i| i + 1);
    let results = tool_results(&input.messages, turn_start);
    let last_role = input.messages.last().map_or("", |m| m.role.as_str());

    if input.tools.is_empty() || input.tool_choice == ToolChoice::None {
        return if last_role == "tool" {
            Decision::Answer(answer_text(&results))
        } else {
            Decision::Text
        };
    }
    let query = input.last_user_text();
    let mut wanted: Vec<&InTool> = match &input.tool_choice {
        ToolChoice::Named(name) => input.tools.iter().filter(|t| t.name == *name).collect(),
        _ => relevant(query, &input.tools),
    };
    if wanted.is_empty() && input.tool_choice == ToolChoice::Required {
        wanted.extend(input.tools.first());
    }
    let pending: Vec<&InTool> = wanted
        .into_iter()
        .filter(|t| !results.iter().any(|r| r.name == t.name))
        .collect();
    match last_role {
        "user" | "tool" if !pending.is_empty() => {
            let take = if input.parallel_tool_calls {
                pending.len()
            } else {
                1
            };
            Decision::Call(
                pending
                    .into_iter()
                    .take(take)
                    .map(|tool| PlannedCall {
                        name: tool.name.clone(),
                        arguments: arguments(tool, query),
                    })
                    .collect(),
            )
        }
        "tool" => Decision::Answer(answer_text(&results)),
        _ => Decision::Text,
    }
}

/// A tool result of the current turn.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ToolResult<'a> {
    name: &'a str,
    content: &'a str,
}

/// The tool results after `turn_start`, each attributed to the tool it answers.
fn tool_results(messages: &[InMessage], turn_start: usize) -> Vec<ToolResult<'_>> {
    let mut out = Vec::new();
    // The calls of the latest assistant message that made some, and how many results followed.
    let mut open_calls: &[crate::wire::InToolCall] = &[];
    let mut position = 0;
    for (i, message) in messages.iter().enumerate() {
        match message.role.as_str() {
            "assistant" if !message.tool_calls.is_empty() => {
                open_calls = &message.tool_calls;
                position = 0;
            }
            "tool" => {
                let by_id = message.tool_call_id.as_deref().and_then(|id| {
                    messages[..i]
                        .iter()
                        .flat_map(|m| &m.tool_calls)
                        .find(|c| c.id == id)
                        .map(|c| c.name.as_str())
                });
                let name = by_id
                    .or(message.name.as_deref())
                    .or_else(|| open_calls.get(position).map(|c| c.name.as_str()))
                    .unwrap_or("");
                position += 1;
                if i >= turn_start {
                    out.push(ToolResult {
                        name,
                        content: &message.content,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The final answer made from the tool results.
fn answer_text(results: &[ToolResult<'_>]) -> String {
    let outputs: Vec<&str> = results
        .iter()
        .map(|r| r.content.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if outputs.is_empty() {
        return "I could not get any result from the tools.".to_owned();
    }
    format!("Based on the tool results: {}", outputs.join(" "))
}

/// Words of a tool name that say nothing about what it is for.
const GENERIC_WORDS: &[&str] = &[
    "get", "set", "fetch", "current", "query", "the", "a", "an", "of", "for", "to", "by", "info",
    "data", "tool", "function", "api", "find", "lookup", "list", "check", "retrieve", "my", "now",
    "do", "run", "call", "make", "show", "tell",
];

/// The tools whose name words occur in `query`, in order of first occurrence.
fn relevant<'a>(query: &str, tools: &'a [InTool]) -> Vec<&'a InTool> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut found: Vec<(usize, usize, &InTool)> = tools
        .iter()
        .enumerate()
        .filter_map(|(order, tool)| {
            let keys = name_words(&tool.name);
            words
                .iter()
                .position(|w| {
                    keys.iter()
                        .any(|k| w == k || (w.starts_with(k.as_str()) && w.len() <= k.len() + 2))
                })
                .map(|at| (at, order, tool))
        })
        .collect();
    found.sort_by_key(|&(at, order, _)| (at, order));
    found.into_iter().map(|(_, _, tool)| tool).collect()
}

/// The meaningful lowercase words of a tool name (`getCurrentWeather`, `get-current_weather`).
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.push(current);
    words
        .into_iter()
        .filter(|w| w.len() > 1 && !GENERIC_WORDS.contains(&w.as_str()))
        .collect()
}

/// Property names that hold a place.
const PLACE_WORDS: &[&str] = &[
    "location",
    "city",
    "place",
    "country",
    "region",
    "address",
    "destination",
    "area",
];

/// Property names that hold free text from the question.
const TEXT_WORDS: &[&str] = &[
    "query", "question", "text", "prompt", "input", "q", "keyword",
];

/// The arguments for `tool`, filled from its parameter schema and the question.
fn arguments(tool: &InTool, query: &str) -> String {
    let Some(properties) = tool.parameters.get("properties").and_then(Value::as_object) else {
        return "{}".to_owned();
    };
    let required: Vec<&str> = tool
        .parameters
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    for (name, schema) in properties {
        let is_required = required.contains(&name.as_str());
        let lower = name.to_lowercase();
        let enum_first = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .cloned();
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string");
        let value = if let Some(first) = enum_first {
            Some(first)
        } else if kind == "string" && PLACE_WORDS.iter().any(|w| lower.contains(w)) {
            place(query)
                .or_else(|| is_required.then(|| "Beijing".to_owned()))
                .map(Value::String)
        } else if kind == "string" && TEXT_WORDS.contains(&lower.as_str()) {
            Some(Value::String(query.trim().to_owned()))
        } else if is_required {
            Some(match kind {
                "integer" | "number" => Value::from(1),
                "boolean" => Value::Bool(true),
                "array" => Value::Array(Vec::new()),
                "object" => Value::Object(serde_json::Map::new()),
                _ => Value::String(query.trim().to_owned()),
            })
        } else {
            None
        };
        if let Some(value) = value {
            fields.push(format!("{}: {}", Value::String(name.clone()), value));
        }
    }
    format!("{{{}}}", fields.join(", "))
}

/// Words that start a sentence with a capital without naming a place.
const NOT_PLACES: &[&str] = &[
    "How", "What", "Which", "Where", "When", "Who", "Why", "Is", "Are", "Can", "Could", "Please",
    "Tell", "The", "I", "It", "Do", "Does", "Will", "Would",
];

/// The place a question names: the capitalised words after `in`, `at`, `for` or `of`, else the
/// first capitalised word that does not start a question.
fn place(query: &str) -> Option<String> {
    let words: Vec<&str> = query
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let capital = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    let run_from = |start: usize| -> Option<String> {
        let run: Vec<&str> = words[start..]
            .iter()
            .take_while(|w| capital(w) && !NOT_PLACES.contains(w))
            .copied()
            .collect();
        (!run.is_empty()).then(|| run.join(" "))
    };
    words
        .iter()
        .enumerate()
        .filter(|(_, w)| matches!(w.to_lowercase().as_str(), "in" | "at" | "for" | "of"))
        .find_map(|(i, _)| run_from(i + 1))
        .or_else(|| {
            words
                .iter()
                .position(|w| capital(w) && !NOT_PLACES.contains(w))
                .and_then(run_from)
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::InToolCall;

    fn seed_tools() -> Vec<InTool> {
        vec![
            InTool {
                name: "get_current_time".into(),
                description: "Useful for when you want to know the current time.".into(),
                parameters: json!({}),
            },
            InTool {
                name: "get_current_weather".into(),
                description: "Useful for querying the weather in a specific city.".into(),
                parameters: json!({"type":"object","properties":{"location":{"type":"string"}}}),
            },
        ]
    }

    fn msg(role: &str, content: &str) -> InMessage {
        InMessage {
            role: role.into(),
            content: content.into(),
            ..InMessage::default()
        }
    }

    fn call_msg(calls: &[(&str, &str)]) -> InMessage {
        InMessage {
            role: "assistant".into(),
            tool_calls: calls
                .iter()
                .map(|(id, name)| InToolCall {
                    id: (*id).into(),
                    name: (*name).into(),
                    arguments: "{}".into(),
                })
                .collect(),
            ..InMessage::default()
        }
    }

    const QUERY: &str = "How is the weather in Singapore? What time is it now?";

    fn seed_input(messages: Vec<InMessage>) -> ChatInput {
        ChatInput {
            model: "qwen-plus".into(),
            messages,
            tools: seed_tools(),
            ..ChatInput::default()
        }
    }

    #[test]
    fn the_seed_loop_calls_weather_then_time_then_answers() {
        let mut messages = vec![msg("user", QUERY)];
        let first = decide(&seed_input(messages.clone()));
        assert_eq!(
            first,
            Decision::Call(vec![PlannedCall {
                name: "get_current_weather".into(),
                arguments: r#"{"location": "Singapore"}"#.into()
            }])
        );
        // The seed's script appends the assistant message and a tool message with only a name.
        messages.push(call_msg(&[("call_a", "get_current_weather")]));
        let mut weather = msg("tool", "It is rainy in Singapore today. ");
        weather.name = Some("get_current_weather".into());
        messages.push(weather);
        let second = decide(&seed_input(messages.clone()));
        assert_eq!(
            second,
            Decision::Call(vec![PlannedCall {
                name: "get_current_time".into(),
                arguments: "{}".into()
            }])
        );
        messages.push(call_msg(&[("call_b", "get_current_time")]));
        let mut time = msg("tool", "Current time: 2024-04-15 17:15:18.");
        time.name = Some("get_current_time".into());
        messages.push(time);
        let Decision::Answer(text) = decide(&seed_input(messages)) else {
            panic!("expected an answer");
        };
        assert!(text.contains("rainy in Singapore"), "{text}");
        assert!(
            text.contains("Current time: 2024-04-15 17:15:18."),
            "{text}"
        );
    }

    #[test]
    fn results_found_by_id_and_by_position() {
        let mut messages = vec![
            msg("user", QUERY),
            call_msg(&[
                ("call_a", "get_current_weather"),
                ("call_b", "get_current_time"),
            ]),
        ];
        let mut by_id = msg("tool", "Current time: noon.");
        by_id.tool_call_id = Some("call_b".into());
        messages.push(by_id);
        // Only the time is answered: the weather is still needed.
        let Decision::Call(calls) = decide(&seed_input(messages.clone())) else {
            panic!("expected a call");
        };
        assert_eq!(calls[0].name, "get_current_weather");
        let positional = vec![
            msg("user", QUERY),
            call_msg(&[
                ("call_a", "get_current_weather"),
                ("call_b", "get_current_time"),
            ]),
            msg("tool", "Rainy."),
            msg("tool", "Noon."),
        ];
        assert_eq!(
            decide(&seed_input(positional)),
            Decision::Answer("Based on the tool results: Rainy. Noon.".into())
        );
    }

    #[test]
    fn parallel_calls_all_at_once() {
        let mut input = seed_input(vec![msg("user", QUERY)]);
        input.parallel_tool_calls = true;
        let Decision::Call(calls) = decide(&input) else {
            panic!("expected calls");
        };
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["get_current_weather", "get_current_time"]);
    }

    #[test]
    fn unrelated_questions_and_tool_choice() {
        assert_eq!(
            decide(&seed_input(vec![msg("user", "Tell me a joke.")])),
            Decision::Text
        );
        let mut none = seed_input(vec![msg("user", QUERY)]);
        none.tool_choice = ToolChoice::None;
        assert_eq!(decide(&none), Decision::Text);
        let mut required = seed_input(vec![msg("user", "Tell me a joke.")]);
        required.tool_choice = ToolChoice::Required;
        assert!(matches!(decide(&required), Decision::Call(c) if c[0].name == "get_current_time"));
        let mut named = seed_input(vec![msg("user", "Hello")]);
        named.tool_choice = ToolChoice::Named("get_current_weather".into());
        assert!(matches!(decide(&named), Decision::Call(c) if c[0].name == "get_current_weather"));
    }

    #[test]
    fn a_new_user_turn_starts_over() {
        let mut messages = vec![
            msg("user", "What time is it?"),
            call_msg(&[("c1", "get_current_time")]),
            msg("tool", "Noon."),
            msg("assistant", "It is noon."),
            msg("user", "What time is it now?"),
        ];
        assert!(
            matches!(decide(&seed_input(messages.clone())), Decision::Call(c) if c[0].name == "get_current_time")
        );
        messages.truncate(3);
        assert_eq!(
            decide(&seed_input(messages)),
            Decision::Answer("Based on the tool results: Noon.".into())
        );
    }

    #[test]
    fn argument_filling() {
        let tool = InTool {
            name: "search".into(),
            description: String::new(),
            parameters: json!({"type":"object","properties":{
                "city":{"type":"string"},
                "unit":{"type":"string","enum":["celsius","fahrenheit"]},
                "days":{"type":"integer"},
                "query":{"type":"string"}},
              "required":["days"]}),
        };
        assert_eq!(
            arguments(&tool, "Search for hotels in San Francisco please"),
            r#"{"city": "San Francisco", "days": 1, "query": "Search for hotels in San Francisco please", "unit": "celsius"}"#
        );
        assert_eq!(place("what about Paris"), Some("Paris".into()));
        assert_eq!(place("How are you?"), None);
    }

    #[test]
    fn name_words_split() {
        assert_eq!(name_words("get_current_weather"), ["weather"]);
        assert_eq!(name_words("getStockPrice"), ["stock", "price"]);
    }
}
