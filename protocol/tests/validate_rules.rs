//! Table tests for every request rule: values at the edges pass, values just outside fail
//! with the right parameter and kind.

use chatwire::types::{ChatRequest, ErrorCode};
use chatwire::validate::{
    check_model, check_model_all, validate, validate_all, ModelCapabilities, Rules,
    ValidationErrorKind as Kind,
};
use serde_json::{json, Value};

/// A valid request with `patch`'s fields set (a `null` in the patch removes the field).
fn request_text(patch: &Value) -> String {
    let mut request =
        json!({"model": "qwen-plus", "messages": [{"role": "user", "content": "Hi"}]});
    for (key, value) in patch.as_object().expect("patch is an object") {
        if value.is_null() {
            request.as_object_mut().expect("object").remove(key);
        } else {
            request[key] = value.clone();
        }
    }
    request.to_string()
}

/// The first error expected: parameter and kind (`None`: the request is valid).
type Expected = Option<(&'static str, Kind)>;

/// `(patch, expected)`.
type Case = (Value, Expected);

fn run(rules: &Rules, cases: Vec<Case>) {
    for (patch, expected) in cases {
        let text = request_text(&patch);
        let request = ChatRequest::from_json(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let first = rules.check(&request);
        let all = rules.check_all(&request);
        match (&first, expected) {
            (Ok(()), None) => assert!(all.is_empty(), "{text}: {all:?}"),
            (Err(error), Some((param, kind))) => {
                assert_eq!((error.param(), error.kind()), (param, kind), "{text}");
                assert_eq!(all.first(), Some(error), "{text}");
                let envelope = error.to_envelope();
                assert_eq!(envelope.error.param.value().unwrap(), param);
            }
            (got, expected) => panic!("{text}: got {got:?}, expected {expected:?}"),
        }
    }
}

fn ok(patch: Value) -> Case {
    (patch, None)
}

fn err(patch: Value, param: &'static str, kind: Kind) -> Case {
    (patch, Some((param, kind)))
}

#[test]
fn model_and_messages_are_required() {
    run(
        &Rules::default(),
        vec![
            ok(json!({})),
            err(json!({"model": null}), "model", Kind::Missing),
            err(json!({"model": ""}), "model", Kind::Missing),
            err(json!({"messages": null}), "messages", Kind::Missing),
            err(json!({"messages": []}), "messages", Kind::Empty),
        ],
    );
    let request = ChatRequest::from_json(r#"{"model":null,"messages":null}"#).unwrap();
    let params: Vec<_> = validate_all(&request)
        .iter()
        .map(|e| e.param().to_owned())
        .collect();
    assert_eq!(params, ["model", "messages"]);
}

#[test]
fn roles_must_be_valid_and_system_only_first() {
    let user = json!({"role": "user", "content": "q"});
    let system = json!({"role": "system", "content": "s"});
    run(
        &Rules::default(),
        vec![
            ok(json!({"messages": [system, user]})),
            ok(json!({"messages": [system, user,
                {"role": "assistant", "content": null, "tool_calls": []},
                {"role": "tool", "content": "r", "tool_call_id": "c"}]})),
            err(
                json!({"messages": [user, system]}),
                "messages[1].role",
                Kind::SystemNotFirst,
            ),
            err(
                json!({"messages": [system, user, system]}),
                "messages[2].role",
                Kind::SystemNotFirst,
            ),
            err(
                json!({"messages": [{"content": "q"}]}),
                "messages[0].role",
                Kind::Missing,
            ),
            err(
                json!({"messages": [user, {"role": null}]}),
                "messages[1].role",
                Kind::Missing,
            ),
            err(
                json!({"messages": [{"role": "narrator", "content": "q"}]}),
                "messages[0].role",
                Kind::InvalidRole,
            ),
            err(
                json!({"messages": [user, {"role": "developer", "content": "q"}]}),
                "messages[1].role",
                Kind::InvalidRole,
            ),
            err(
                json!({"messages": [{"role": "User", "content": "q"}]}),
                "messages[0].role",
                Kind::InvalidRole,
            ),
        ],
    );
    let developer = Rules {
        roles: &["system", "user", "assistant", "tool", "developer"],
        ..Rules::default()
    };
    run(
        &developer,
        vec![ok(
            json!({"messages": [{"role": "developer", "content": "q"}, user]}),
        )],
    );
}

#[test]
fn temperature_is_in_zero_to_two_open() {
    run(
        &Rules::default(),
        vec![
            ok(json!({"temperature": 0})),
            ok(json!({"temperature": 0.0})),
            ok(json!({"temperature": 1.99})),
            ok(json!({"temperature": 1.9999999999})),
            err(json!({"temperature": 2}), "temperature", Kind::OutOfRange),
            err(json!({"temperature": 2.0}), "temperature", Kind::OutOfRange),
            err(
                json!({"temperature": -0.0001}),
                "temperature",
                Kind::OutOfRange,
            ),
            err(
                json!({"temperature": 1e300}),
                "temperature",
                Kind::OutOfRange,
            ),
        ],
    );
}

#[test]
fn top_p_is_in_zero_open_to_one_closed() {
    run(
        &Rules::default(),
        vec![
            ok(json!({"top_p": 1.0})),
            ok(json!({"top_p": 1})),
            ok(json!({"top_p": 0.0001})),
            ok(json!({"top_p": 5e-324})),
            err(json!({"top_p": 0}), "top_p", Kind::OutOfRange),
            err(json!({"top_p": 1.0000001}), "top_p", Kind::OutOfRange),
            err(json!({"top_p": -0.5}), "top_p", Kind::OutOfRange),
        ],
    );
    // The table read literally: (0, 1.0) open.
    run(
        &Rules::documented(),
        vec![
            ok(json!({"top_p": 0.9999})),
            err(json!({"top_p": 1.0}), "top_p", Kind::OutOfRange),
            err(json!({"top_p": 0}), "top_p", Kind::OutOfRange),
        ],
    );
}

#[test]
fn penalties_are_in_minus_two_to_two() {
    for param in ["presence_penalty", "frequency_penalty"] {
        run(
            &Rules::default(),
            vec![
                ok(json!({param: -2.0})),
                ok(json!({param: 2.0})),
                ok(json!({param: 0})),
                err(json!({param: -2.0001}), param, Kind::OutOfRange),
                err(json!({param: 2.0001}), param, Kind::OutOfRange),
            ],
        );
    }
}

#[test]
fn n_is_one_to_four_and_one_with_tools() {
    let tools = json!([{"type": "function", "function": {"name": "f", "parameters": {}}}]);
    run(
        &Rules::default(),
        vec![
            ok(json!({"n": 1})),
            ok(json!({"n": 4})),
            err(json!({"n": 0}), "n", Kind::OutOfRange),
            err(json!({"n": 5}), "n", Kind::OutOfRange),
            err(json!({"n": -1}), "n", Kind::OutOfRange),
            ok(json!({"n": 1, "tools": tools})),
            ok(json!({"n": 2, "tools": []})),
            err(json!({"n": 2, "tools": tools}), "n", Kind::NWithTools),
        ],
    );
}

#[test]
fn max_tokens_is_at_least_one() {
    run(
        &Rules::default(),
        vec![
            ok(json!({"max_tokens": 1})),
            ok(json!({"max_tokens": i64::MAX})),
            err(json!({"max_tokens": 0}), "max_tokens", Kind::OutOfRange),
            err(json!({"max_tokens": -5}), "max_tokens", Kind::OutOfRange),
        ],
    );
}

#[test]
fn stop_arrays_do_not_mix_strings_and_token_ids() {
    run(
        &Rules::default(),
        vec![
            ok(json!({"stop": "END"})),
            ok(json!({"stop": []})),
            ok(json!({"stop": ["a", "b"]})),
            ok(json!({"stop": [104307, 3]})),
            ok(json!({"stop": [[104307], [1, 2]]})),
            err(json!({"stop": ["Hello", 104307]}), "stop", Kind::MixedStop),
            err(json!({"stop": [[1], "a"]}), "stop", Kind::MixedStop),
            err(json!({"stop": [1.5]}), "stop", Kind::InvalidStop),
            err(json!({"stop": [-1]}), "stop", Kind::InvalidStop),
            err(json!({"stop": [1, [2]]}), "stop", Kind::InvalidStop),
        ],
    );
}

#[test]
fn tool_names_types_and_parameters() {
    let tool = |name: &str, parameters: Value| json!({"tools": [{"type": "function", "function": {"name": name, "parameters": parameters}}]});
    let longest = "a".repeat(64);
    let too_long = "a".repeat(65);
    run(
        &Rules::default(),
        vec![
            ok(tool("get_current_weather", json!({"type": "object"}))),
            ok(tool("a-b_C9", json!({}))),
            ok(tool(&longest, json!({}))),
            ok(json!({"tools": [{"type": "function", "function": {"name": "f"}}]})),
            ok(
                json!({"tools": [{"type": "function", "function": {"name": "f", "parameters": null}}]}),
            ),
            err(
                tool(&too_long, json!({})),
                "tools[0].function.name",
                Kind::InvalidToolName,
            ),
            err(
                tool("get weather", json!({})),
                "tools[0].function.name",
                Kind::InvalidToolName,
            ),
            err(
                tool("get.weather", json!({})),
                "tools[0].function.name",
                Kind::InvalidToolName,
            ),
            err(
                tool("天气", json!({})),
                "tools[0].function.name",
                Kind::InvalidToolName,
            ),
            err(
                tool("", json!({})),
                "tools[0].function.name",
                Kind::InvalidToolName,
            ),
            err(
                tool("f", json!([])),
                "tools[0].function.parameters",
                Kind::ToolParametersNotObject,
            ),
            err(
                tool("f", json!("{}")),
                "tools[0].function.parameters",
                Kind::ToolParametersNotObject,
            ),
            err(
                json!({"tools": [{"type": "function", "function": {"parameters": {}}}]}),
                "tools[0].function.name",
                Kind::Missing,
            ),
            err(
                json!({"tools": [{"type": "function"}]}),
                "tools[0].function",
                Kind::Missing,
            ),
            err(
                json!({"tools": [{"type": "function", "function": {"name": "f"}}, {"type": "retrieval", "function": {"name": "g"}}]}),
                "tools[1].type",
                Kind::InvalidToolType,
            ),
            err(
                json!({"tools": [{"function": {"name": "g"}}]}),
                "tools[0].type",
                Kind::InvalidToolType,
            ),
        ],
    );
}

#[test]
fn stream_options_need_stream() {
    let options = json!({"include_usage": true});
    run(
        &Rules::default(),
        vec![
            ok(json!({"stream": true, "stream_options": options})),
            ok(json!({"stream": false})),
            err(
                json!({"stream": false, "stream_options": options}),
                "stream_options",
                Kind::StreamOptionsWithoutStream,
            ),
            err(
                json!({"stream_options": options}),
                "stream_options",
                Kind::StreamOptionsWithoutStream,
            ),
        ],
    );
}

#[test]
fn tools_with_stream_only_under_the_documented_profile() {
    let patch = json!({"stream": true, "tools": [{"type": "function", "function": {"name": "f"}}]});
    run(&Rules::default(), vec![ok(patch.clone())]);
    run(
        &Rules::documented(),
        vec![err(patch, "tools", Kind::ToolsWithStream)],
    );
}

#[test]
fn validate_uses_the_default_rules_and_builds_the_documented_envelope() {
    let text = request_text(&json!({"temperature": 2}));
    let request = ChatRequest::from_json(&text).unwrap();
    let error = validate(&request).unwrap_err();
    assert_eq!(error.message(), "Temperature should be in [0.0, 2.0)");
    let envelope = error.to_envelope();
    assert_eq!(
        envelope.error.kind.value().unwrap(),
        "invalid_request_error"
    );
    assert_eq!(
        envelope.error.code.value(),
        Some(&ErrorCode::Text("invalid_parameter_error".into()))
    );
    assert_eq!(
        envelope.error.message.value().unwrap(),
        "<400> InternalError.Algo.InvalidParameter: Temperature should be in [0.0, 2.0)"
    );
    let text = request_text(&json!({"top_p": 0}));
    let request = ChatRequest::from_json(&text).unwrap();
    assert_eq!(
        validate(&request)
            .unwrap_err()
            .to_envelope()
            .error
            .message
            .value()
            .unwrap(),
        "<400> InternalError.Algo.InvalidParameter: Range of top_p should be (0.0, 1.0]"
    );
}

#[test]
fn check_all_collects_every_broken_rule_in_order() {
    let patch = json!({
        "model": "",
        "messages": [{"role": "user", "content": "q"}, {"role": "system", "content": "s"}, {"role": "bot"}],
        "temperature": 3, "top_p": 0, "presence_penalty": 9, "frequency_penalty": -9, "n": 9,
        "max_tokens": 0, "stop": ["a", 1],
        "tools": [{"type": "x", "function": {"name": "bad name", "parameters": 1}}],
        "stream_options": {"include_usage": true}
    });
    let text = request_text(&patch);
    let request = ChatRequest::from_json(&text).unwrap();
    let params: Vec<_> = validate_all(&request)
        .iter()
        .map(|e| e.param().to_owned())
        .collect();
    assert_eq!(
        params,
        [
            "model",
            "messages[1].role",
            "messages[2].role",
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
            "n",
            "max_tokens",
            "n",
            "stop",
            "tools[0].type",
            "tools[0].function.name",
            "tools[0].function.parameters",
            "stream_options",
        ]
    );
}

/// `(model, patch, expected)` for the model-dependent checks with documented capabilities.
fn run_model(cases: Vec<(&str, Value, Expected)>) {
    for (model, patch, expected) in cases {
        let mut patch = patch;
        patch["model"] = json!(model);
        let text = request_text(&patch);
        let request = ChatRequest::from_json(&text).unwrap();
        let caps = ModelCapabilities::documented(model);
        let result = check_model(&request, &caps);
        match (&result, expected) {
            (Ok(()), None) => assert!(check_model_all(&request, &caps).is_empty()),
            (Err(e), Some((param, kind))) => {
                assert_eq!((e.param(), e.kind()), (param, kind), "{text}");
                assert_eq!(check_model_all(&request, &caps).first(), Some(e));
            }
            (got, expected) => panic!("{text}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn model_dependent_rules() {
    let tools = json!([{"type": "function", "function": {"name": "f"}}]);
    run_model(vec![
        ("qwen-plus", json!({"n": 4}), None),
        ("qwen-plus-latest", json!({"n": 2}), None),
        ("qwen-turbo", json!({"n": 1}), None),
        (
            "qwen-turbo",
            json!({"n": 2}),
            Some(("n", Kind::UnsupportedByModel)),
        ),
        ("qwen-max", json!({"tools": tools}), None),
        ("qwen-turbo-latest", json!({"tools": tools}), None),
        (
            "qwen-math-plus",
            json!({"tools": tools}),
            Some(("tools", Kind::UnsupportedByModel)),
        ),
        ("qwq-plus", json!({"stream": true}), None),
        (
            "qwq-plus",
            json!({}),
            Some(("stream", Kind::UnsupportedByModel)),
        ),
        (
            "qwq-plus",
            json!({"stream": true, "enable_thinking": false}),
            Some(("enable_thinking", Kind::UnsupportedByModel)),
        ),
        (
            "qwen3-235b-a22b-thinking-2507",
            json!({"stream": true, "enable_thinking": true}),
            None,
        ),
        ("qwen3-8b", json!({"enable_thinking": false}), None),
        (
            "qwen3-8b",
            json!({"enable_thinking": true}),
            Some(("stream", Kind::UnsupportedByModel)),
        ),
        (
            "qwen3-8b",
            json!({"enable_thinking": true, "stream": true, "thinking_budget": 100}),
            None,
        ),
        ("qwen-plus", json!({"enable_thinking": true}), None),
        (
            "qwen2.5-7b-instruct",
            json!({"enable_thinking": true}),
            Some(("enable_thinking", Kind::UnsupportedByModel)),
        ),
        (
            "qwen2.5-7b-instruct",
            json!({"enable_thinking": false}),
            None,
        ),
        (
            "qwen2.5-7b-instruct",
            json!({"thinking_budget": 10}),
            Some(("thinking_budget", Kind::UnsupportedByModel)),
        ),
    ]);
}

#[test]
fn max_tokens_against_the_model_limit() {
    let caps = ModelCapabilities {
        max_output_tokens: Some(8192),
        ..ModelCapabilities::default()
    };
    for (max_tokens, ok) in [(8192, true), (8193, false)] {
        let text = request_text(&json!({"max_tokens": max_tokens}));
        let request = ChatRequest::from_json(&text).unwrap();
        let result = check_model(&request, &caps);
        assert_eq!(result.is_ok(), ok, "{max_tokens}");
        if let Err(e) = result {
            assert_eq!((e.param(), e.kind()), ("max_tokens", Kind::OutOfRange));
            assert_eq!(e.message(), "Range of max_tokens should be [1, 8192]");
        }
    }
    // Everything is allowed by the default capabilities.
    let text = request_text(
        &json!({"n": 4, "enable_thinking": true, "tools": [{"type": "function", "function": {"name": "f"}}]}),
    );
    assert!(check_model(
        &ChatRequest::from_json(&text).unwrap(),
        &ModelCapabilities::default()
    )
    .is_ok());
}
