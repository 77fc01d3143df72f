//! Request validation: chatwire's checks of the documented parameter table, then the checks
//! that depend on the model, with the capabilities the catalogue gives it.

use chatwire::types::ChatRequest;
use chatwire::validate::{check_model, validate, ModelCapabilities, Thinking as WireThinking};

use crate::errors::ApiError;
use crate::models::{self, ModelInfo, Thinking};

/// Checks `request`, for the model `name` described by `info`, against the documented rules.
///
/// # Errors
///
/// The 400 envelope of the first rule broken, naming its `param`.
pub(crate) fn check(
    request: &ChatRequest<'_>,
    name: &str,
    info: ModelInfo,
) -> Result<(), ApiError> {
    validate(request).map_err(|e| ApiError::invalid(&e))?;
    check_model(request, &capabilities(name, info)).map_err(|e| ApiError::invalid(&e))
}

/// What the live service lets a model do: `n` > 1 only on qwen-plus (as the seed says), tools
/// and streamed tool calls on every model, thinking as the catalogue says. A thinking call
/// without a stream is refused later, with DashScope's own message.
pub(crate) fn capabilities(name: &str, info: ModelInfo) -> ModelCapabilities {
    ModelCapabilities {
        multiple_choices: models::allows_many_choices(name),
        tools: true,
        thinking: match info.thinking {
            // DashScope ignores `enable_thinking` on models that cannot think.
            Thinking::Never => WireThinking::Optional { default_on: false },
            Thinking::Optional { default } => WireThinking::Optional {
                default_on: default,
            },
            Thinking::Always => WireThinking::Always,
        },
        thinking_requires_stream: false,
        max_output_tokens: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{lookup, scope};

    fn run(body: &str) -> Result<(), ApiError> {
        let request = ChatRequest::from_json(body).unwrap();
        let name = request.model.value().unwrap().to_cow().into_owned();
        check(&request, &name, lookup(&name, scope::ALL).unwrap())
    }

    const USER: &str = r#""messages":[{"role":"user","content":"hi"}]"#;

    #[test]
    fn ranges() {
        assert!(run(&format!(r#"{{"model":"qwen-plus",{USER}}}"#)).is_ok());
        for (field, param) in [
            (r#""temperature":2"#, "temperature"),
            (r#""top_p":0"#, "top_p"),
            (r#""presence_penalty":-2.5"#, "presence_penalty"),
            (r#""n":5"#, "n"),
            (r#""max_tokens":0"#, "max_tokens"),
            (r#""stop":["a",1]"#, "stop"),
            (
                r#""tools":[{"type":"function","function":{"name":"bad name"}}]"#,
                "tools[0].function.name",
            ),
        ] {
            let err = run(&format!(r#"{{"model":"qwen-plus",{USER},{field}}}"#)).unwrap_err();
            assert_eq!(err.param().as_deref(), Some(param), "{field}");
            assert_eq!(err.status(), 400);
        }
    }

    #[test]
    fn n_only_on_qwen_plus() {
        assert!(run(&format!(r#"{{"model":"qwen-plus",{USER},"n":2}}"#)).is_ok());
        let err = run(&format!(r#"{{"model":"qwen-max",{USER},"n":2}}"#)).unwrap_err();
        assert_eq!(err.param().as_deref(), Some("n"));
    }

    #[test]
    fn tools_everywhere_and_thinking_ignored_where_unsupported() {
        let tools = r#""tools":[{"type":"function","function":{"name":"f","parameters":{}}}]"#;
        assert!(run(&format!(
            r#"{{"model":"qwen3-coder-plus",{USER},{tools},"stream":true}}"#
        ))
        .is_ok());
        assert!(run(&format!(
            r#"{{"model":"qwen-max",{USER},"enable_thinking":true}}"#
        ))
        .is_ok());
    }
}
