//! The reply engine: from a request's digest to the reply's choices and usage.
//!
//! One plan serves both delivery modes: the texts are cut into stream pieces here, a
//! non-streaming response joins them and a stream sends them one chunk each.

use crate::errors::ApiError;
use crate::fixtures::Fixtures;
use crate::generate::{
    count_tokens, mix, pieces, reply_text, tool_call_id, truncate_tokens, Rng, PER_MESSAGE_TOKENS,
    REPLY_PRIMER_TOKENS,
};
use crate::models::ModelInfo;
use crate::thinking;
use crate::tools::{self, Decision};
use crate::wire::{CallOut, ChatInput, ChoiceOut, FinishOut, Reply, UsageOut};

/// Plans the reply to `input` for a model described by `info`; `key` seeds everything random.
///
/// # Errors
///
/// DashScope's 400 when the model would think on a non-streaming call.
pub(crate) fn respond(
    input: &ChatInput,
    info: ModelInfo,
    fixtures: &Fixtures,
    key: u64,
) -> Result<Reply, ApiError> {
    let thinks = thinking::active(info.thinking, input.enable_thinking);
    if thinks && !input.stream {
        return Err(ApiError::thinking_needs_stream());
    }
    let decision = tools::decide(input);
    let fixture = match decision {
        Decision::Text => fixtures.find(input),
        _ => None,
    };
    let query = input.last_user_text();
    let mut reply = Reply {
        choices: Vec::new(),
        usage: UsageOut {
            prompt: prompt_tokens(input),
            completion: 0,
            reasoning: thinks.then_some(0),
        },
    };
    for index in 0..u64::from(input.n.max(1)) {
        let choice_key = mix(key ^ (index + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut rng = Rng::new(choice_key);
        let mut choice = ChoiceOut::default();
        if thinks {
            let text = thinking::reasoning(query, &decision, input.thinking_budget, &mut rng);
            let tokens = count_tokens(&text);
            reply.usage.completion += tokens;
            reply.usage.reasoning = reply.usage.reasoning.map(|r| r + tokens);
            choice.reasoning = pieces(&text, &mut rng);
        }
        match &decision {
            Decision::Call(calls) => {
                for (position, call) in calls.iter().enumerate() {
                    reply.usage.completion +=
                        count_tokens(&call.name) + count_tokens(&call.arguments);
                    choice.tool_calls.push(CallOut {
                        id: tool_call_id(mix(choice_key ^ position as u64)),
                        name: call.name.clone(),
                        arguments: pieces(&call.arguments, &mut rng),
                    });
                }
                choice.finish_reason = FinishOut::ToolCalls;
            }
            Decision::Answer(_) | Decision::Text => {
                let (full, given) = match (&decision, fixture) {
                    (Decision::Answer(text), _) => (text.clone(), None),
                    (_, Some(fixture)) => (fixture.pieces.concat(), Some(&fixture.pieces)),
                    _ => (reply_text(query, &mut rng), None),
                };
                let (full, given) = if input.json_output {
                    (json_wrapped(&full), None)
                } else {
                    (full, given)
                };
                let (text, finish) = limit(&full, &input.stop, input.max_tokens);
                reply.usage.completion += count_tokens(text);
                choice.content = match given {
                    Some(given) => cut_pieces(given, text.len()),
                    None => pieces(text, &mut rng),
                };
                choice.finish_reason = finish;
            }
        }
        reply.choices.push(choice);
    }
    Ok(reply)
}

/// Applies `stop` (the text ends before the first stop string) then `max_tokens`; returns the
/// kept text and the finish reason.
fn limit<'a>(text: &'a str, stop: &[String], max_tokens: Option<u64>) -> (&'a str, FinishOut) {
    let end = stop
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| text.find(s.as_str()))
        .min()
        .unwrap_or(text.len());
    let text = &text[..end];
    match max_tokens {
        Some(max) => match truncate_tokens(text, max) {
            (kept, true) => (kept, FinishOut::Length),
            (kept, false) => (kept, FinishOut::Stop),
        },
        None => (text, FinishOut::Stop),
    }
}

/// The first `len` bytes of the concatenation of `given`, keeping its piece boundaries.
fn cut_pieces(given: &[String], len: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut left = len;
    for piece in given {
        if left == 0 {
            break;
        }
        if piece.len() <= left {
            out.push(piece.clone());
            left -= piece.len();
        } else {
            // `len` comes from a token boundary of the concatenation, so it is a char boundary.
            out.push(piece.get(..left).unwrap_or(piece).to_owned());
            left = 0;
        }
    }
    out
}

/// The reply as the JSON object a `response_format` of JSON asks for.
fn json_wrapped(text: &str) -> String {
    format!(
        "{{\"answer\": {}}}",
        serde_json::Value::String(text.to_owned())
    )
}

/// The prompt's tokens: every message's content and tool calls plus the template's overhead,
/// the tool definitions, and the reply primer.
fn prompt_tokens(input: &ChatInput) -> u64 {
    let messages: u64 = input
        .messages
        .iter()
        .map(|m| {
            PER_MESSAGE_TOKENS
                + count_tokens(&m.content)
                + m.tool_calls
                    .iter()
                    .map(|c| count_tokens(&c.name) + count_tokens(&c.arguments))
                    .sum::<u64>()
        })
        .sum();
    let tools: u64 = input
        .tools
        .iter()
        .map(|t| {
            count_tokens(&t.name)
                + count_tokens(&t.description)
                + count_tokens(&t.parameters.to_string())
        })
        .sum();
    messages + tools + REPLY_PRIMER_TOKENS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{lookup, scope};
    use crate::wire::InMessage;

    fn seed_input() -> ChatInput {
        ChatInput {
            model: "qwen-plus".into(),
            messages: vec![
                InMessage {
                    role: "system".into(),
                    content: "You are a helpful assistant.".into(),
                    ..InMessage::default()
                },
                InMessage {
                    role: "user".into(),
                    content: "Who are you?".into(),
                    ..InMessage::default()
                },
            ],
            n: 1,
            ..ChatInput::default()
        }
    }

    fn plan(input: &ChatInput) -> Result<Reply, ApiError> {
        let info = lookup(&input.model, scope::ALL).unwrap();
        respond(input, info, &Fixtures::builtin(), 1)
    }

    #[test]
    fn the_seed_request_replays_the_seed_answer() {
        let reply = plan(&seed_input()).unwrap();
        assert_eq!(
            reply.choices[0].content,
            [
                "I am a",
                " large language model from",
                " Alibaba",
                " Cloud.",
                " My name is Qwen."
            ]
        );
        assert_eq!(reply.choices[0].finish_reason, FinishOut::Stop);
        assert_eq!(
            reply.usage,
            UsageOut {
                prompt: 22,
                completion: 16,
                reasoning: None
            }
        );
    }

    #[test]
    fn max_tokens_and_stop() {
        let mut input = seed_input();
        input.max_tokens = Some(4);
        let reply = plan(&input).unwrap();
        assert_eq!(reply.choices[0].content.concat(), "I am a large");
        assert_eq!(reply.choices[0].content, ["I am a", " large"]);
        assert_eq!(reply.choices[0].finish_reason, FinishOut::Length);
        assert_eq!(reply.usage.completion, 4);
        let mut input = seed_input();
        input.stop = vec!["Cloud".into()];
        let reply = plan(&input).unwrap();
        assert_eq!(
            reply.choices[0].content.concat(),
            "I am a large language model from Alibaba "
        );
        assert_eq!(reply.choices[0].finish_reason, FinishOut::Stop);
    }

    #[test]
    fn thinking_needs_a_stream() {
        let mut input = seed_input();
        input.enable_thinking = Some(true);
        assert_eq!(plan(&input).unwrap_err(), ApiError::thinking_needs_stream());
        input.stream = true;
        let reply = plan(&input).unwrap();
        assert!(!reply.choices[0].reasoning.is_empty());
        let reasoning = reply.usage.reasoning.unwrap();
        assert_eq!(reply.usage.completion, 16 + reasoning);
    }

    #[test]
    fn n_choices_are_counted() {
        let mut input = seed_input();
        input.messages[1].content = "Tell me something.".into();
        input.n = 3;
        let reply = plan(&input).unwrap();
        assert_eq!(reply.choices.len(), 3);
        let total: u64 = reply
            .choices
            .iter()
            .map(|c| count_tokens(&c.content.concat()))
            .sum();
        assert_eq!(reply.usage.completion, total);
        assert_ne!(reply.choices[0].content, reply.choices[1].content);
    }

    #[test]
    fn json_output_is_json() {
        let mut input = seed_input();
        input.json_output = true;
        let reply = plan(&input).unwrap();
        let text = reply.choices[0].content.concat();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(value["answer"].as_str().unwrap().contains("Qwen"));
    }
}
