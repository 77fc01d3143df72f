//! [`Rules`]: the request checks that do not depend on the model, and their settings.

use crate::types::{ChatRequest, Maybe, Role, Stop, ToolType};
use crate::validate::{IntRange, Interval, ValidationError, ValidationErrorKind as Kind};

/// The settings of the model-independent request checks.
///
/// [`Rules::default`] follows the ranges of the contract's parameter table as real servers
/// enforce them (`top_p` in `(0, 1.0]`); [`Rules::documented`] reads the table literally
/// (`top_p` in the open `(0, 1.0)`, no `tools` with `stream: true`). Every field is public:
/// start from a profile and change what you need. A range set to `None` is not checked.
///
/// # Example
///
/// ```
/// use chatwire::types::{ChatRequest, Maybe, Message};
/// use chatwire::validate::Rules;
///
/// let mut request = ChatRequest::new("qwen-plus", vec![Message::user("Hi")]);
/// request.top_p = Maybe::Value(1.0);
/// assert!(Rules::default().check(&request).is_ok());
/// assert_eq!(Rules::documented().check(&request).unwrap_err().param(), "top_p");
///
/// let relaxed = Rules { top_p: None, ..Rules::documented() };
/// assert!(relaxed.check(&request).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The roles a message may have.
    pub roles: &'static [&'static str],
    /// Whether a system message may only be `messages[0]`.
    pub system_only_first: bool,
    /// The range of `temperature`.
    pub temperature: Option<Interval>,
    /// The range of `top_p`.
    pub top_p: Option<Interval>,
    /// The range of `presence_penalty`.
    pub presence_penalty: Option<Interval>,
    /// The range of `frequency_penalty`.
    pub frequency_penalty: Option<Interval>,
    /// The range of `n`.
    pub n: Option<IntRange>,
    /// Whether `n` must be 1 when `tools` is set.
    pub n_one_with_tools: bool,
    /// The range of `max_tokens`.
    pub max_tokens: Option<IntRange>,
    /// Whether a `stop` array may not mix strings and token ids (and must hold only
    /// strings, token ids or arrays of token ids).
    pub stop_homogeneous: bool,
    /// The longest tool function name, in characters.
    pub tool_name_max_len: usize,
    /// Whether tool function `parameters` must be a JSON object.
    pub tool_parameters_object: bool,
    /// Whether `stream_options` needs `stream: true`.
    pub stream_options_need_stream: bool,
    /// Whether `tools` may be used with `stream: true`.
    pub tools_with_stream: bool,
}

/// The roles DashScope accepts.
const ROLES: &[&str] = &["system", "user", "assistant", "tool"];

impl Default for Rules {
    /// The contract's ranges as servers enforce them: `temperature` in `[0, 2)`, `top_p` in
    /// `(0, 1.0]`, `presence_penalty` and `frequency_penalty` in `[-2.0, 2.0]`, `n` in
    /// `1..=4` and 1 with tools, `max_tokens` at least 1, roles `system`, `user`,
    /// `assistant`, `tool`, tools allowed with streaming.
    fn default() -> Self {
        Rules {
            roles: ROLES,
            system_only_first: true,
            temperature: Some(Interval::closed_open(0.0, 2.0)),
            top_p: Some(Interval::open_closed(0.0, 1.0)),
            presence_penalty: Some(Interval::closed(-2.0, 2.0)),
            frequency_penalty: Some(Interval::closed(-2.0, 2.0)),
            n: Some(IntRange::new(1, Some(4))),
            n_one_with_tools: true,
            max_tokens: Some(IntRange::new(1, None)),
            stop_homogeneous: true,
            tool_name_max_len: 64,
            tool_parameters_object: true,
            stream_options_need_stream: true,
            tools_with_stream: true,
        }
    }
}

impl Rules {
    /// The parameter table read literally: as [`Rules::default`], but `top_p` in the open
    /// `(0, 1.0)` and `tools` not allowed with `stream: true` ("Cannot use with
    /// stream=True").
    pub fn documented() -> Self {
        Rules {
            top_p: Some(Interval::open(0.0, 1.0)),
            tools_with_stream: false,
            ..Rules::default()
        }
    }

    /// Checks `request`, stopping at the first broken rule.
    ///
    /// # Errors
    ///
    /// The first [`ValidationError`], in the order: model, messages (and each message's
    /// role), sampling parameters, `n`, `max_tokens`, `stop`, tools, streaming.
    pub fn check(&self, request: &ChatRequest<'_>) -> Result<(), ValidationError> {
        let mut sink = Sink::first();
        let _ = self.run(request, &mut sink);
        sink.into_first()
    }

    /// Checks `request` against every rule and returns every broken one, in order (empty
    /// when the request is valid).
    pub fn check_all(&self, request: &ChatRequest<'_>) -> Vec<ValidationError> {
        let mut sink = Sink::all();
        let _ = self.run(request, &mut sink);
        sink.into_all()
    }

    fn run(&self, request: &ChatRequest<'_>, sink: &mut Sink) -> Flow {
        if request.model.value().is_none_or(|model| model.is_empty()) {
            sink.report(Kind::Missing, "model", "Field required: model")?;
        }
        self.check_messages(request, sink)?;
        let reals = [
            ("temperature", &request.temperature, &self.temperature),
            ("top_p", &request.top_p, &self.top_p),
            (
                "presence_penalty",
                &request.presence_penalty,
                &self.presence_penalty,
            ),
            (
                "frequency_penalty",
                &request.frequency_penalty,
                &self.frequency_penalty,
            ),
        ];
        for (param, value, range) in reals {
            if let (Maybe::Value(value), Some(range)) = (value, range) {
                if !range.contains(*value) {
                    sink.report(Kind::OutOfRange, param, range_message(param, range))?;
                }
            }
        }
        let integers = [
            ("n", &request.n, &self.n),
            ("max_tokens", &request.max_tokens, &self.max_tokens),
        ];
        for (param, value, range) in integers {
            if let (Maybe::Value(value), Some(range)) = (value, range) {
                if !range.contains(*value) {
                    sink.report(Kind::OutOfRange, param, range_message(param, range))?;
                }
            }
        }
        let has_tools = !request.tools().is_empty();
        if self.n_one_with_tools && has_tools && request.n.value().is_some_and(|n| *n != 1) {
            sink.report(Kind::NWithTools, "n", "n must be 1 when tools are set")?;
        }
        self.check_stop(request, sink)?;
        self.check_tools(request, sink)?;
        if self.stream_options_need_stream
            && request.stream_options.is_value()
            && !request.is_stream()
        {
            sink.report(
                Kind::StreamOptionsWithoutStream,
                "stream_options",
                "stream_options is only allowed when stream is true",
            )?;
        }
        if !self.tools_with_stream && has_tools && request.is_stream() {
            sink.report(
                Kind::ToolsWithStream,
                "tools",
                "tools cannot be used with stream=true",
            )?;
        }
        Ok(())
    }

    fn check_messages(&self, request: &ChatRequest<'_>, sink: &mut Sink) -> Flow {
        let Some(messages) = request.messages.value() else {
            return sink.report(Kind::Missing, "messages", "Field required: messages");
        };
        if messages.is_empty() {
            return sink.report(Kind::Empty, "messages", "messages must not be empty");
        }
        for (i, message) in messages.iter().enumerate() {
            let param = || format!("messages[{i}].role");
            let Some(role) = message.role.value() else {
                sink.report(
                    Kind::Missing,
                    param(),
                    format!("Field required: messages[{i}].role"),
                )?;
                continue;
            };
            if !self.roles.iter().any(|allowed| role.eq_str(allowed)) {
                let message = format!(
                    "Role must be in [{}], got '{}'",
                    self.roles.join(", "),
                    role.as_str()
                );
                sink.report(Kind::InvalidRole, param(), message)?;
            } else if self.system_only_first && i != 0 && *role == Role::System {
                sink.report(
                    Kind::SystemNotFirst,
                    param(),
                    "The system message can only appear in messages[0]",
                )?;
            }
        }
        Ok(())
    }

    fn check_stop(&self, request: &ChatRequest<'_>, sink: &mut Sink) -> Flow {
        match request.stop.value() {
            Some(stop @ Stop::Mixed(_)) if self.stop_homogeneous => {
                if stop.mixes_text_and_tokens() {
                    sink.report(
                        Kind::MixedStop,
                        "stop",
                        "stop must not mix strings and token ids in the same array",
                    )
                } else {
                    sink.report(
                        Kind::InvalidStop,
                        "stop",
                        "stop must be a string, or an array of strings, token ids or arrays of token ids",
                    )
                }
            }
            _ => Ok(()),
        }
    }

    fn check_tools(&self, request: &ChatRequest<'_>, sink: &mut Sink) -> Flow {
        for (i, tool) in request.tools().iter().enumerate() {
            if tool.kind.value() != Some(&ToolType::Function) {
                sink.report(
                    Kind::InvalidToolType,
                    format!("tools[{i}].type"),
                    "The type of a tool must be 'function'",
                )?;
            }
            let Some(function) = tool.function.value() else {
                sink.report(
                    Kind::Missing,
                    format!("tools[{i}].function"),
                    format!("Field required: tools[{i}].function"),
                )?;
                continue;
            };
            match function.name.value() {
                None => sink.report(
                    Kind::Missing,
                    format!("tools[{i}].function.name"),
                    format!("Field required: tools[{i}].function.name"),
                )?,
                Some(name) if !self.valid_tool_name(&name.to_cow()) => sink.report(
                    Kind::InvalidToolName,
                    format!("tools[{i}].function.name"),
                    format!(
                        "The name of a tool function may only contain letters, digits, '_' and '-', with at most {} characters",
                        self.tool_name_max_len
                    ),
                )?,
                Some(_) => {}
            }
            if let Maybe::Value(parameters) = &function.parameters {
                if self.tool_parameters_object && !parameters.is_object() {
                    sink.report(
                        Kind::ToolParametersNotObject,
                        format!("tools[{i}].function.parameters"),
                        "The parameters of a tool function must be a JSON Schema object",
                    )?;
                }
            }
        }
        Ok(())
    }

    fn valid_tool_name(&self, name: &str) -> bool {
        !name.is_empty()
            && name.len() <= self.tool_name_max_len
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }
}

/// DashScope's wording for a parameter out of its range.
fn range_message(param: &str, range: &dyn std::fmt::Display) -> String {
    match param {
        "temperature" => format!("Temperature should be in {range}"),
        _ => format!("Range of {param} should be {range}"),
    }
}

/// `Err` stops the checks (only when collecting the first error).
pub(crate) type Flow = Result<(), Halt>;

/// The checks stopped early.
pub(crate) struct Halt;

/// Where checks report errors: keeps the first, or all of them.
pub(crate) struct Sink {
    errors: Vec<ValidationError>,
    first_only: bool,
}

impl Sink {
    pub(crate) fn first() -> Self {
        Sink {
            errors: Vec::new(),
            first_only: true,
        }
    }

    pub(crate) fn all() -> Self {
        Sink {
            errors: Vec::new(),
            first_only: false,
        }
    }

    pub(crate) fn report(
        &mut self,
        kind: Kind,
        param: impl Into<String>,
        message: impl Into<String>,
    ) -> Flow {
        self.errors.push(ValidationError::new(kind, param, message));
        if self.first_only {
            Err(Halt)
        } else {
            Ok(())
        }
    }

    pub(crate) fn into_first(self) -> Result<(), ValidationError> {
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    pub(crate) fn into_all(self) -> Vec<ValidationError> {
        self.errors
    }
}
