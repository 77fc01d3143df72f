//! Request validation: the documented parameter table's rules, each violation a 400 envelope
//! naming the parameter.

use serde_json::Value;

use crate::errors::ApiError;
use crate::models;
use crate::wire::ChatInput;

/// Checks `body` (already digested into `input`) against the documented rules.
///
/// # Errors
///
/// The 400 envelope of the first rule broken.
pub(crate) fn check(body: &Value, input: &ChatInput) -> Result<(), ApiError> {
    let bad = |param: &str, message: String| Err(ApiError::invalid_parameter(message, Some(param)));
    if input.messages.is_empty() {
        return bad("messages", "`messages` must not be empty.".into());
    }
    for (i, m) in input.messages.iter().enumerate() {
        if !matches!(
            m.role.as_str(),
            "system" | "user" | "assistant" | "tool" | "developer"
        ) {
            return bad(
                &format!("messages[{i}].role"),
                format!(
                    "`messages[{i}].role` must be one of system, user, assistant, tool; got {:?}.",
                    m.role
                ),
            );
        }
    }
    let number = |name: &str| body.get(name).filter(|v| !v.is_null());
    if let Some(v) = number("temperature") {
        match v.as_f64() {
            Some(t) if (0.0..2.0).contains(&t) => {}
            _ => {
                return bad(
                    "temperature",
                    "`temperature` must be a number in [0, 2).".into(),
                )
            }
        }
    }
    if let Some(v) = number("top_p") {
        match v.as_f64() {
            Some(p) if p > 0.0 && p <= 1.0 => {}
            _ => return bad("top_p", "`top_p` must be a number in (0, 1.0].".into()),
        }
    }
    if let Some(v) = number("presence_penalty") {
        match v.as_f64() {
            Some(p) if (-2.0..=2.0).contains(&p) => {}
            _ => {
                return bad(
                    "presence_penalty",
                    "`presence_penalty` must be a number in [-2.0, 2.0].".into(),
                )
            }
        }
    }
    if let Some(v) = number("n") {
        match v.as_u64() {
            Some(1..=4) => {}
            _ => return bad("n", "`n` must be an integer from 1 to 4.".into()),
        }
    }
    if input.n > 1 && !models::allows_many_choices(&input.model) {
        return bad(
            "n",
            format!(
                "`n` greater than 1 is supported only for the qwen-plus model, not `{}`.",
                input.model
            ),
        );
    }
    if input.n > 1 && !input.tools.is_empty() {
        return bad("n", "`n` must be 1 when `tools` is set.".into());
    }
    for name in ["max_tokens", "max_completion_tokens"] {
        if let Some(v) = number(name) {
            if v.as_u64().is_none_or(|m| m < 1) {
                return bad(name, format!("`{name}` must be a positive integer."));
            }
        }
    }
    if let Some(v) = number("seed") {
        if v.as_u64().is_none() {
            return bad("seed", "`seed` must be an unsigned 64-bit integer.".into());
        }
    }
    if let Some(v) = number("stream") {
        if !v.is_boolean() {
            return bad("stream", "`stream` must be a boolean.".into());
        }
    }
    if let Some(v) = number("stop") {
        let ok = match v {
            Value::String(_) => true,
            Value::Array(items) => {
                items.iter().all(Value::is_string)
                    || items.iter().all(|i| {
                        i.is_u64() || i.as_array().is_some_and(|a| a.iter().all(Value::is_u64))
                    })
            }
            _ => false,
        };
        if !ok {
            return bad(
                "stop",
                "`stop` must be a string or an array of strings or of token ids, not a mix.".into(),
            );
        }
    }
    if let Some(tools) = number("tools") {
        let Some(tools) = tools.as_array() else {
            return bad("tools", "`tools` must be an array.".into());
        };
        for (i, tool) in tools.iter().enumerate() {
            if tool.get("type").and_then(Value::as_str) != Some("function") {
                return bad(
                    &format!("tools[{i}].type"),
                    format!("`tools[{i}].type` must be \"function\"."),
                );
            }
            let name = tool
                .get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let valid = !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !valid {
                return bad(
                    &format!("tools[{i}].function.name"),
                    format!(
                        "`tools[{i}].function.name` must be 1 to 64 letters, digits, underscores or hyphens."
                    ),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Result<(), ApiError> {
        let value: Value = serde_json::from_str(body).unwrap();
        let input = ChatInput::from_json(&value)?;
        check(&value, &input)
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
            (r#""seed":-1"#, "seed"),
            (r#""stop":["a",1]"#, "stop"),
            (
                r#""tools":[{"type":"function","function":{"name":"bad name"}}]"#,
                "tools[0].function.name",
            ),
        ] {
            let err = run(&format!(r#"{{"model":"qwen-plus",{USER},{field}}}"#)).unwrap_err();
            assert_eq!(err.param(), Some(param), "{field}");
            assert_eq!(err.status(), 400);
        }
    }

    #[test]
    fn n_only_on_qwen_plus() {
        assert!(run(&format!(r#"{{"model":"qwen-plus",{USER},"n":2}}"#)).is_ok());
        let err = run(&format!(r#"{{"model":"qwen-max",{USER},"n":2}}"#)).unwrap_err();
        assert_eq!(err.param(), Some("n"));
    }
}
