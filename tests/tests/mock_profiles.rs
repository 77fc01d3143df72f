//! The three profiles: every restriction of the seed's request table enforced by `documented`
//! (a 400 naming the param) and relaxed by `dashscope`; OpenAI's conventions in `openai`; the
//! seed's error-code table replayed through the `x-mock-error` header.

mod common;

use chatwire_mock::{MockServer, Profile};
use common::{chat, send};
use serde_json::Value;

const TOOLS: &str = r#""tools":[{"type":"function","function":{"name":"get_current_time","description":"Useful for when you want to know the current time.","parameters":{}}}]"#;

fn body(model: &str, extra: &str) -> String {
    format!(
        r#"{{"model":"{model}","messages":[{{"role":"user","content":"What time is it?"}}]{extra}}}"#
    )
}

async fn start(profile: Profile) -> MockServer {
    MockServer::builder()
        .profile(profile)
        .start()
        .await
        .unwrap()
}

/// Asserts a 400 naming `param` under `documented` and a 200 under `dashscope`.
async fn documented_only(request: &str, param: &str) {
    let documented = start(Profile::Documented).await;
    let answer = chat(&documented.base_url(), request).await;
    let envelope = answer.assert_error(400, "invalid_parameter_error");
    assert_eq!(envelope["error"]["param"], param, "{request}");
    let dashscope = start(Profile::DashScope).await;
    let answer = chat(&dashscope.base_url(), request).await;
    assert_eq!(answer.status, 200, "{request}: {}", answer.text());
}

#[tokio::test]
async fn tools_cannot_be_used_with_stream() {
    let request = body("qwen-plus", &format!(r#",{TOOLS},"stream":true"#));
    documented_only(&request, "tools").await;
    // Without a stream the documented profile takes them on qwen-plus.
    let documented = start(Profile::Documented).await;
    let answer = chat(
        &documented.base_url(),
        &body("qwen-plus", &format!(",{TOOLS}")),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn tools_only_on_qwen_turbo_plus_max() {
    for model in [
        "qwen3-max",
        "qwen-flash",
        "qwen3-coder-plus",
        "qwen2.5-72b-instruct",
    ] {
        documented_only(&body(model, &format!(",{TOOLS}")), "tools").await;
    }
    let documented = start(Profile::Documented).await;
    for model in [
        "qwen-turbo",
        "qwen-plus-latest",
        "qwen-max-2025-01-25",
        "qwen-plus-us",
    ] {
        let answer = chat(&documented.base_url(), &body(model, &format!(",{TOOLS}"))).await;
        assert_eq!(answer.status, 200, "{model}: {}", answer.text());
    }
}

#[tokio::test]
async fn n_above_one_only_on_qwen_plus() {
    documented_only(&body("qwen-max", r#","n":2"#), "n").await;
    documented_only(&body("qwen-turbo", r#","n":4"#), "n").await;
    let documented = start(Profile::Documented).await;
    let answer = chat(&documented.base_url(), &body("qwen-plus", r#","n":3"#)).await;
    assert_eq!(answer.json()["choices"].as_array().unwrap().len(), 3);
    let dashscope = start(Profile::DashScope).await;
    let answer = chat(&dashscope.base_url(), &body("qwen-max", r#","n":2"#)).await;
    assert_eq!(answer.json()["choices"].as_array().unwrap().len(), 2);
    // n must be 1 with tools, and at most 4, in every profile.
    for profile in Profile::ALL {
        let server = start(profile).await;
        for extra in [format!(r#","n":2,{TOOLS}"#), r#","n":5"#.to_owned()] {
            let answer = chat(&server.base_url(), &body("qwen-plus", &extra)).await;
            assert_eq!(answer.status, 400, "{profile} {extra}");
            assert_eq!(answer.json()["error"]["param"], "n");
        }
    }
}

#[tokio::test]
async fn top_p_is_open_at_one() {
    documented_only(&body("qwen-plus", r#","top_p":1.0"#), "top_p").await;
    for profile in Profile::ALL {
        let server = start(profile).await;
        let ok = chat(&server.base_url(), &body("qwen-plus", r#","top_p":0.999"#)).await;
        assert_eq!(ok.status, 200, "{profile}");
        let zero = chat(&server.base_url(), &body("qwen-plus", r#","top_p":0"#)).await;
        assert_eq!(zero.status, 400, "{profile}");
    }
}

#[tokio::test]
async fn temperature_not_zero_and_below_two() {
    documented_only(&body("qwen-plus", r#","temperature":0"#), "temperature").await;
    for profile in Profile::ALL {
        let server = start(profile).await;
        let ok = chat(
            &server.base_url(),
            &body("qwen-plus", r#","temperature":1.99"#),
        )
        .await;
        assert_eq!(ok.status, 200, "{profile}");
        let two = chat(
            &server.base_url(),
            &body("qwen-plus", r#","temperature":2"#),
        )
        .await;
        assert_eq!(two.status, 400, "{profile}");
        assert_eq!(two.json()["error"]["param"], "temperature");
    }
}

#[tokio::test]
async fn the_last_message_is_the_user_s() {
    let request = r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}"#;
    documented_only(request, "messages[1].role").await;
    // The seed's own tool-calling example ends its second round with the tool's result.
    let round_two = format!(
        r#"{{"model":"qwen-plus",{TOOLS},"messages":[{{"role":"user","content":"What time is it?"}},{{"role":"assistant","content":"","tool_calls":[{{"id":"call_1","type":"function","function":{{"name":"get_current_time","arguments":"{{}}"}}}}]}},{{"role":"tool","name":"get_current_time","content":"Current time: 2024-04-15 17:15:18."}}]}}"#
    );
    let documented = start(Profile::Documented).await;
    let answer = chat(&documented.base_url(), &round_two).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test]
async fn presence_penalty_on_every_listed_model() {
    // Every model the seed lists is of qwen1.5 or later, so the documented restriction
    // accepts the parameter on all of them; its range holds in every profile.
    for name in [
        "qwen-plus",
        "qwen-max",
        "qwen2.5-7b-instruct",
        "qwen-math-turbo",
    ] {
        let request = body(name, r#","presence_penalty":1.5"#);
        for profile in Profile::ALL {
            assert!(
                chatwire_mock::check_request_with(request.as_bytes(), profile, None).is_ok(),
                "{profile} {name}"
            );
        }
    }
    let out_of_range = body("qwen-plus", r#","presence_penalty":2.5"#);
    for profile in Profile::ALL {
        let rejected =
            chatwire_mock::check_request_with(out_of_range.as_bytes(), profile, None).unwrap_err();
        assert!(rejected.body().contains(r#""param":"presence_penalty""#));
    }
}

fn chunks(answer: &common::Answer) -> Vec<Value> {
    answer
        .sse_data()
        .iter()
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

#[tokio::test]
async fn openai_finish_chunk_has_an_empty_delta() {
    let request = body("qwen-plus", r#","stream":true"#);
    let dashscope = start(Profile::DashScope).await;
    let ds = chunks(&chat(&dashscope.base_url(), &request).await);
    let finish = ds.last().unwrap();
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        finish["choices"][0]["delta"],
        serde_json::json!({"content": ""})
    );
    let openai = start(Profile::OpenAi).await;
    let oa = chunks(&chat(&openai.base_url(), &request).await);
    let finish = oa.last().unwrap();
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    assert_eq!(finish["choices"][0]["delta"], serde_json::json!({}));
    // Everything before the finish chunk is the same.
    assert_eq!(ds[..ds.len() - 1], oa[..oa.len() - 1]);
}

#[tokio::test]
async fn openai_errors_have_no_request_id_and_openai_wording() {
    let openai = start(Profile::OpenAi).await;
    let answer = chat(&openai.base_url(), &body("qwen-plus", r#","top_p":0"#)).await;
    assert_eq!(answer.status, 400);
    let envelope = answer.json();
    assert!(envelope.get("request_id").is_none(), "{envelope}");
    assert!(answer.header("x-request-id").is_some());
    assert_eq!(envelope["error"]["param"], "top_p");
    assert_eq!(envelope["error"]["code"], "invalid_value");
    let message = envelope["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Invalid 'top_p': "), "{message}");
    assert!(!message.contains("InternalError"), "{message}");

    let url = format!("{}/chat/completions", openai.base_url());
    let wrong = MockServer::builder()
        .profile(Profile::OpenAi)
        .api_key("sk-right-key")
        .start()
        .await
        .unwrap();
    let wrong_url = format!("{}/chat/completions", wrong.base_url());
    let answer = send(
        "POST",
        &wrong_url,
        &[("authorization", "Bearer sk-wrong-key-1234")],
        body("qwen-plus", ""),
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.text(),
        r#"{"error":{"message":"Incorrect API key provided: sk-************34. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
    );
    let missing = send("POST", &url, &[], body("qwen-plus", "")).await;
    assert_eq!(missing.status, 401);
    let envelope = missing.json();
    assert!(envelope["error"]["code"].is_null(), "{envelope}");
    assert!(envelope["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("You didn't provide an API key."));

    let unknown = chat(&openai.base_url(), &body("gpt-4o", "")).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.json().get("request_id").is_none());
    assert_eq!(unknown.json()["error"]["code"], "model_not_found");
}

#[tokio::test]
async fn dashscope_errors_keep_the_request_id() {
    let server = start(Profile::DashScope).await;
    let answer = chat(&server.base_url(), &body("qwen-plus", r#","top_p":0"#)).await;
    let envelope = answer.assert_error(400, "invalid_parameter_error");
    assert!(envelope["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("<400> InternalError.Algo.InvalidParameter: "));
}

async fn forced(server: &MockServer, row: &str) -> common::Answer {
    send(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &[("authorization", "Bearer sk-test"), ("x-mock-error", row)],
        body("qwen-plus", ""),
    )
    .await
}

#[tokio::test]
async fn the_seed_error_table_on_request() {
    let server = start(Profile::DashScope).await;
    for (row, status, message, code) in [
        (
            "400",
            400,
            "Invalid Request Error. See the error message for details.",
            "invalid_request_error",
        ),
        (
            "401",
            401,
            "Incorrect API key provided. ",
            "invalid_api_key",
        ),
        (
            "429",
            429,
            "Rate limit reached for requests",
            "rate_limit_exceeded",
        ),
        (
            "429-rate-limit",
            429,
            "Rate limit reached for requests",
            "rate_limit_exceeded",
        ),
        (
            "429-quota",
            429,
            "Rate limit reached for requests",
            "insufficient_quota",
        ),
        (
            "500",
            500,
            "You exceeded your current quota, please check your plan and billing details",
            "internal_error",
        ),
        (
            "503",
            503,
            "The engine is currently overloaded, please try again later",
            "engine_overloaded",
        ),
    ] {
        let answer = forced(&server, row).await;
        assert_eq!(answer.status, status, "{row}");
        let envelope = answer.json();
        assert_eq!(envelope["error"]["message"], message, "{row}");
        assert_eq!(envelope["error"]["code"], code, "{row}");
        assert_eq!(
            envelope["request_id"].as_str(),
            answer.header("x-request-id")
        );
    }
    let unknown = forced(&server, "418").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("x-mock-error"));

    let openai = start(Profile::OpenAi).await;
    let quota = forced(&openai, "429-quota").await;
    assert_eq!(quota.status, 429);
    assert_eq!(
        quota.json()["error"]["message"],
        "You exceeded your current quota, please check your plan and billing details."
    );
    assert!(quota.json().get("request_id").is_none());
}

#[tokio::test]
async fn openai_tool_call_continuations_carry_only_the_arguments() {
    let weather = r#","tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}],"stream":true"#;
    let request = format!(
        r#"{{"model":"qwen-plus","messages":[{{"role":"user","content":"How is the weather in Singapore?"}}]{weather}}}"#
    );
    let fragments = |chunks: Vec<Value>| -> Vec<Value> {
        chunks
            .into_iter()
            .filter_map(|c| c["choices"][0]["delta"]["tool_calls"].get(0).cloned())
            .collect()
    };
    let dashscope = start(Profile::DashScope).await;
    let ds = fragments(chunks(&chat(&dashscope.base_url(), &request).await));
    let openai = start(Profile::OpenAi).await;
    let oa = fragments(chunks(&chat(&openai.base_url(), &request).await));
    assert!(ds.len() > 1, "{ds:?}");
    assert_eq!(ds.len(), oa.len());
    assert_eq!(ds[0], oa[0]);
    assert!(oa[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    for (d, o) in ds[1..].iter().zip(&oa[1..]) {
        assert_eq!(d["id"], "");
        assert_eq!(d["type"], "function");
        assert!(o.get("id").is_none() && o.get("type").is_none(), "{o}");
        assert_eq!(d["function"]["arguments"], o["function"]["arguments"]);
        assert_eq!(o["index"], 0);
    }
}
