//! Thinking models: when a model thinks, and the reasoning text it streams before its answer.
//!
//! DashScope streams `reasoning_content` deltas before the `content` deltas of a thinking model
//! (`*-thinking*` and QwQ always; the hybrid models when `enable_thinking` is true, which is
//! the default of the open-source Qwen3 models), and refuses a non-streaming call that would
//! think.

use crate::generate::{truncate_tokens, Rng};
use crate::models::Thinking;
use crate::tools::Decision;

/// Whether a model with `thinking` thinks for a request whose `enable_thinking` is `enable`.
pub(crate) fn active(thinking: Thinking, enable: Option<bool>) -> bool {
    match thinking {
        Thinking::Never => false,
        Thinking::Always => true,
        Thinking::Optional { default } => enable.unwrap_or(default),
    }
}

const APPROACHES: &[&str] = &[
    "Let me think about what is being asked.",
    "First, I should understand the question.",
    "I need to work out what the user wants.",
];

const CHECKS: &[&str] = &[
    "A short and direct answer is best here.",
    "I should keep the answer clear and correct.",
    "Nothing here needs more than a brief reply.",
];

/// The reasoning before the step `decision`, about `query`, at most `budget` tokens long.
pub(crate) fn reasoning(
    query: &str,
    decision: &Decision,
    budget: Option<u64>,
    rng: &mut Rng,
) -> String {
    let mut text = String::from(rng.pick(APPROACHES));
    let quoted = query
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    if !quoted.is_empty() {
        text.push_str(" The user asks: \"");
        text.push_str(&quoted);
        text.push_str("\".");
    }
    match decision {
        Decision::Call(calls) => {
            let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
            text.push_str(" I need a tool for this, so I will call ");
            text.push_str(&names.join(" and "));
            text.push('.');
        }
        Decision::Answer(_) => {
            text.push_str(" The tool results are here, so I can answer with them now.");
        }
        Decision::Text => {
            text.push(' ');
            text.push_str(rng.pick(CHECKS));
        }
    }
    match budget {
        Some(limit) => truncate_tokens(&text, limit).0.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::count_tokens;

    #[test]
    fn who_thinks() {
        assert!(active(Thinking::Always, Some(false)));
        assert!(!active(Thinking::Never, Some(true)));
        assert!(active(Thinking::Optional { default: true }, None));
        assert!(!active(Thinking::Optional { default: true }, Some(false)));
        assert!(active(Thinking::Optional { default: false }, Some(true)));
        assert!(!active(Thinking::Optional { default: false }, None));
    }

    #[test]
    fn reasoning_quotes_the_question_and_respects_the_budget() {
        let text = reasoning(
            "How many r in strawberry?",
            &Decision::Text,
            None,
            &mut Rng::new(1),
        );
        assert!(text.contains("How many r in strawberry?"), "{text}");
        let short = reasoning(
            "How many r in strawberry?",
            &Decision::Text,
            Some(3),
            &mut Rng::new(1),
        );
        assert_eq!(count_tokens(&short), 3);
        assert!(text.starts_with(&short));
    }
}
