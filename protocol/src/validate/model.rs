//! [`ModelCapabilities`] and [`check_model`]: the request checks that depend on the model.

use crate::types::{ChatRequest, JsonStr};
use crate::validate::rules::{Flow, Sink};
use crate::validate::{ValidationError, ValidationErrorKind as Kind};

/// What a model supports, as far as request validation is concerned. Supplied by the caller
/// (a server knows its models); [`ModelCapabilities::documented`] derives it from the
/// contract's statements for the documented model names.
///
/// # Example
///
/// ```
/// use chatwire::types::{ChatRequest, Maybe, Message};
/// use chatwire::validate::{check_model, ModelCapabilities};
///
/// let mut request = ChatRequest::new("qwen-turbo", vec![Message::user("Hi")]);
/// request.n = Maybe::Value(2);
/// let caps = ModelCapabilities::documented("qwen-turbo");
/// let err = check_model(&request, &caps).unwrap_err();
/// assert_eq!(err.param(), "n");
/// assert!(check_model(&request, &ModelCapabilities::documented("qwen-plus")).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelCapabilities {
    /// Whether `n` may be greater than 1 (only `qwen-plus`, per the contract).
    pub multiple_choices: bool,
    /// Whether the model takes `tools` (`qwen-turbo`, `qwen-plus`, `qwen-max`, per the
    /// contract).
    pub tools: bool,
    /// Whether and how the model thinks.
    pub thinking: Thinking,
    /// Whether thinking output is only available as a stream (Qwen3 open-source models,
    /// QwQ).
    pub thinking_requires_stream: bool,
    /// The most tokens the model may generate, if known.
    pub max_output_tokens: Option<i64>,
}

/// Whether a model thinks before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Thinking {
    /// Never: `enable_thinking: true` and `thinking_budget` are rejected.
    Unsupported,
    /// A hybrid model: `enable_thinking` switches it on or off; `default_on` when unset.
    Optional {
        /// Whether the model thinks when `enable_thinking` is not set.
        default_on: bool,
    },
    /// Always (thinking-only models): `enable_thinking: false` is rejected.
    Always,
}

impl Default for ModelCapabilities {
    /// Everything allowed: `n > 1`, tools, optional thinking (off by default), no stream
    /// requirement, no output limit.
    fn default() -> Self {
        ModelCapabilities {
            multiple_choices: true,
            tools: true,
            thinking: Thinking::Optional { default_on: false },
            thinking_requires_stream: false,
            max_output_tokens: None,
        }
    }
}

impl ModelCapabilities {
    /// The capabilities the contract states for a model name: `n > 1` only for the
    /// `qwen-plus` family; tools for the `qwen-turbo`, `qwen-plus` and `qwen-max` families
    /// (and the `qwen3-`/`qwen3.5-` models, whose documentation takes tools too); thinking
    /// always on for `qwq-*` and `*-thinking*` models, optional (off by default) for other
    /// `qwen3`/`qwen3.5` models, and unsupported for the rest; thinking output only as a
    /// stream for the open-source `qwen3` models and QwQ.
    ///
    /// A heuristic over names, good for a mock server; a real deployment knows better.
    pub fn documented(model: &str) -> Self {
        let family = |prefix: &str| model == prefix || model.starts_with(&format!("{prefix}-"));
        let qwen3 = model.starts_with("qwen3-") || model.starts_with("qwen3.5-");
        let commercial = [
            "qwen-max",
            "qwen-plus",
            "qwen-flash",
            "qwen-turbo",
            "qwen3-max",
            "qwen3.5-plus",
        ]
        .iter()
        .any(|p| family(p));
        let thinking = if model.starts_with("qwq") || model.contains("-thinking") {
            Thinking::Always
        } else if (qwen3 && !model.contains("-instruct") && !model.contains("-coder"))
            || ["qwen-plus", "qwen-flash", "qwen-turbo"]
                .iter()
                .any(|p| family(p))
        {
            Thinking::Optional { default_on: false }
        } else {
            Thinking::Unsupported
        };
        ModelCapabilities {
            multiple_choices: family("qwen-plus"),
            tools: ["qwen-turbo", "qwen-plus", "qwen-max", "qwen-flash"]
                .iter()
                .any(|p| family(p))
                || qwen3,
            thinking,
            thinking_requires_stream: model.starts_with("qwq") || (qwen3 && !commercial),
            max_output_tokens: None,
        }
    }
}

/// Checks what depends on the model: `n > 1`, `tools`, thinking, and `max_tokens` against
/// the model's output limit. Run after [`validate`](crate::validate::validate).
///
/// # Errors
///
/// The first [`ValidationError`] (kind
/// [`UnsupportedByModel`](crate::validate::ValidationErrorKind::UnsupportedByModel), or
/// [`OutOfRange`](crate::validate::ValidationErrorKind::OutOfRange) for `max_tokens`).
pub fn check_model(
    request: &ChatRequest<'_>,
    capabilities: &ModelCapabilities,
) -> Result<(), ValidationError> {
    let mut sink = Sink::first();
    let _ = run(request, capabilities, &mut sink);
    sink.into_first()
}

/// Like [`check_model`], but returns every problem (empty when there is none).
pub fn check_model_all(
    request: &ChatRequest<'_>,
    capabilities: &ModelCapabilities,
) -> Vec<ValidationError> {
    let mut sink = Sink::all();
    let _ = run(request, capabilities, &mut sink);
    sink.into_all()
}

fn run(request: &ChatRequest<'_>, caps: &ModelCapabilities, sink: &mut Sink) -> Flow {
    let model = request
        .model
        .value()
        .map(JsonStr::to_cow)
        .unwrap_or_default();
    if !caps.multiple_choices && request.n.value().is_some_and(|n| *n > 1) {
        sink.report(
            Kind::UnsupportedByModel,
            "n",
            format!("The model {model} does not support n greater than 1"),
        )?;
    }
    if !caps.tools && !request.tools().is_empty() {
        sink.report(
            Kind::UnsupportedByModel,
            "tools",
            format!("The model {model} does not support tools"),
        )?;
    }
    let enable = request.enable_thinking.value().copied();
    match caps.thinking {
        Thinking::Unsupported if enable == Some(true) => sink.report(
            Kind::UnsupportedByModel,
            "enable_thinking",
            format!("The model {model} does not support enable_thinking"),
        )?,
        Thinking::Always if enable == Some(false) => sink.report(
            Kind::UnsupportedByModel,
            "enable_thinking",
            format!("The model {model} only supports enable_thinking=true"),
        )?,
        _ => {}
    }
    if caps.thinking == Thinking::Unsupported && request.thinking_budget.is_value() {
        sink.report(
            Kind::UnsupportedByModel,
            "thinking_budget",
            format!("The model {model} does not support thinking_budget"),
        )?;
    }
    let thinks = match caps.thinking {
        Thinking::Unsupported => false,
        Thinking::Optional { default_on } => enable.unwrap_or(default_on),
        Thinking::Always => true,
    };
    if thinks && caps.thinking_requires_stream && !request.is_stream() {
        sink.report(
            Kind::UnsupportedByModel,
            "stream",
            format!("The model {model} only supports stream mode when thinking, please enable the stream parameter"),
        )?;
    }
    if let (Some(limit), Some(max_tokens)) = (caps.max_output_tokens, request.max_tokens.value()) {
        if *max_tokens > limit {
            sink.report(
                Kind::OutOfRange,
                "max_tokens",
                format!("Range of max_tokens should be [1, {limit}]"),
            )?;
        }
    }
    Ok(())
}
