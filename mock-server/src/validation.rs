//! Request validation: chatwire's checks of the documented parameter table, then the checks
//! that depend on the model, with the capabilities the catalogue gives it — as strict as the
//! [`Profile`] asks.

use chatwire::types::{ChatRequest, Role};
use chatwire::validate::{
    check_model, Interval, ModelCapabilities, Rules, Thinking as WireThinking,
};

use crate::errors::ApiError;
use crate::models::{self, ModelInfo, Thinking};
use crate::profile::Profile;

/// Checks `request`, for the model `name` described by `info`, against the rules of
/// `profile`.
///
/// # Errors
///
/// The 400 envelope of the first rule broken, naming its `param`.
pub(crate) fn check(
    request: &ChatRequest<'_>,
    name: &str,
    info: ModelInfo,
    profile: Profile,
) -> Result<(), ApiError> {
    rules(profile)
        .check(request)
        .map_err(|e| ApiError::invalid(&e))?;
    if profile == Profile::Documented {
        check_documented(request, name)?;
    }
    check_model(request, &capabilities(name, info, profile)).map_err(|e| ApiError::invalid(&e))
}

/// The model-independent rules: the seed's table read literally for
/// [`Profile::Documented`] (`top_p` in `(0, 1.0)`, no tools with a stream, and `temperature`
/// in `[0, 2)` without 0, as "Do not set this to 0" asks), the ranges the live service
/// enforces otherwise.
fn rules(profile: Profile) -> Rules {
    match profile {
        Profile::Documented => Rules {
            temperature: Some(Interval::open(0.0, 2.0)),
            ..Rules::documented()
        },
        _ => Rules::default(),
    }
}

/// The seed's statements that chatwire's rules do not cover: "the last element must have
/// the user role" (a `tool` result may close the conversation too, as the seed's own
/// tool-calling example sends), and `presence_penalty` only on qwen1.5 and later.
fn check_documented(request: &ChatRequest<'_>, name: &str) -> Result<(), ApiError> {
    let messages = request.messages();
    if let Some(last) = messages.last() {
        let role = last.role.value();
        if !matches!(role, Some(Role::User | Role::Tool)) {
            return Err(ApiError::parameter(
                format!("messages[{}].role", messages.len() - 1),
                "The last message must have the user role",
            ));
        }
    }
    if request.presence_penalty.is_value() && !models::documented_presence_penalty(name) {
        return Err(ApiError::parameter(
            "presence_penalty",
            format!(
                "presence_penalty is only supported on Qwen models of qwen1.5 and later, not {name}"
            ),
        ));
    }
    Ok(())
}

/// What a model may do under `profile`. The seed's table (documented): `n` > 1 only on
/// qwen-plus, tools only on the qwen-turbo, qwen-plus and qwen-max families. The live service
/// (dashscope, openai): `n` > 1 and tools, streamed or not, on every model. Thinking as the
/// catalogue says; a thinking call without a stream is refused later, with DashScope's own
/// message.
pub(crate) fn capabilities(name: &str, info: ModelInfo, profile: Profile) -> ModelCapabilities {
    let documented = profile == Profile::Documented;
    ModelCapabilities {
        multiple_choices: !documented || models::allows_many_choices(name),
        tools: !documented || models::documented_tools(name),
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

    fn run_as(profile: Profile, body: &str) -> Result<(), ApiError> {
        let request = ChatRequest::from_json(body).unwrap();
        let name = request.model.value().unwrap().to_cow().into_owned();
        check(&request, &name, lookup(&name, scope::ALL).unwrap(), profile)
    }

    fn run(body: &str) -> Result<(), ApiError> {
        run_as(Profile::DashScope, body)
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
            for profile in Profile::ALL {
                let err = run_as(
                    profile,
                    &format!(r#"{{"model":"qwen-plus",{USER},{field}}}"#),
                )
                .unwrap_err();
                assert_eq!(err.param().as_deref(), Some(param), "{field}");
                assert_eq!(err.status(), 400);
            }
        }
    }

    #[test]
    fn n_only_on_qwen_plus_when_documented() {
        let many = format!(r#"{{"model":"qwen-max",{USER},"n":2}}"#);
        assert!(run(&many).is_ok());
        let err = run_as(Profile::Documented, &many).unwrap_err();
        assert_eq!(err.param().as_deref(), Some("n"));
        assert!(run_as(
            Profile::Documented,
            &format!(r#"{{"model":"qwen-plus",{USER},"n":2}}"#)
        )
        .is_ok());
    }

    #[test]
    fn documented_specifics() {
        for (body, param) in [
            (r#""temperature":0"#, "temperature"),
            (r#""top_p":1.0"#, "top_p"),
        ] {
            let text = format!(r#"{{"model":"qwen-plus",{USER},{body}}}"#);
            assert!(run(&text).is_ok(), "{text}");
            let err = run_as(Profile::Documented, &text).unwrap_err();
            assert_eq!(err.param().as_deref(), Some(param), "{text}");
        }
        let assistant_last = r#"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}"#;
        assert!(run(assistant_last).is_ok());
        let err = run_as(Profile::Documented, assistant_last).unwrap_err();
        assert_eq!(err.param().as_deref(), Some("messages[1].role"));
    }

    #[test]
    fn tools_everywhere_and_thinking_ignored_where_unsupported() {
        let tools = r#""tools":[{"type":"function","function":{"name":"f","parameters":{}}}]"#;
        let streamed = format!(r#"{{"model":"qwen3-coder-plus",{USER},{tools},"stream":true}}"#);
        assert!(run(&streamed).is_ok());
        assert!(run_as(Profile::OpenAi, &streamed).is_ok());
        let err = run_as(Profile::Documented, &streamed).unwrap_err();
        assert_eq!(err.param().as_deref(), Some("tools"));
        assert!(run(&format!(
            r#"{{"model":"qwen-max",{USER},"enable_thinking":true}}"#
        ))
        .is_ok());
    }
}
