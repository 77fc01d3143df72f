//! The documented surface of the mock server: routes, authentication, and every error answer as
//! an envelope with a `request_id` matching the `x-request-id` header.

mod common;

use chatwire_mock::MockServer;
use common::{chat, seed_request, send};

#[tokio::test]
async fn both_prefixes_serve_chat_completions() {
    let server = MockServer::start().await;
    for base in [server.base_url(), server.openai_base_url()] {
        let answer = chat(&base, &seed_request("")).await;
        assert_eq!(answer.status, 200, "{base}: {}", answer.text());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let body = answer.json();
        assert_eq!(body["object"], "chat.completion");
        let id = body["id"].as_str().unwrap();
        assert_eq!(
            Some(id),
            answer
                .header("x-request-id")
                .map(|r| format!("chatcmpl-{r}"))
                .as_deref()
        );
    }
}

#[tokio::test]
async fn the_401_envelope_is_the_seed_s() {
    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    for auth in [
        None,
        Some("sk-no-scheme"),
        Some("Bearer "),
        Some("Basic c2s6eA=="),
    ] {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", *a)).collect();
        let answer = send("POST", &url, &headers, seed_request("")).await;
        let body = answer.assert_error(401, "invalid_api_key");
        let rid = body["request_id"].as_str().unwrap();
        assert_eq!(
            answer.text(),
            format!(
                r#"{{"error":{{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"}},"request_id":"{rid}"}}"#
            ),
            "{auth:?}"
        );
    }
}

#[tokio::test]
async fn configured_keys_reject_others() {
    let server = MockServer::builder()
        .api_key("sk-one")
        .api_key("sk-two")
        .start()
        .await
        .unwrap();
    let url = format!("{}/chat/completions", server.base_url());
    let with = |key: &'static str| {
        let url = url.clone();
        async move {
            let auth = format!("Bearer {key}");
            send("POST", &url, &[("authorization", &auth)], seed_request("")).await
        }
    };
    assert_eq!(with("sk-two").await.status, 200);
    with("sk-three").await.assert_error(401, "invalid_api_key");
}

#[tokio::test]
async fn unknown_model_is_404_model_not_found() {
    let server = MockServer::start().await;
    let answer = chat(
        &server.base_url(),
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#,
    )
    .await;
    let body = answer.assert_error(404, "model_not_found");
    assert_eq!(
        body["error"]["message"],
        "The model `gpt-4o` does not exist or you do not have access to it."
    );
}

#[tokio::test]
async fn wrong_method_is_405_and_unknown_path_404() {
    let server = MockServer::start().await;
    let auth = [("authorization", "Bearer sk-test")];
    let get = send(
        "GET",
        &format!("{}/chat/completions", server.base_url()),
        &auth,
        "",
    )
    .await;
    get.assert_error(405, "method_not_allowed");
    assert_eq!(get.header("allow"), Some("POST"));
    let post = send(
        "POST",
        &format!("{}/models", server.openai_base_url()),
        &auth,
        "",
    )
    .await;
    post.assert_error(405, "method_not_allowed");
    assert_eq!(post.header("allow"), Some("GET"));
    for path in [
        "/v1/embeddings",
        "/",
        "/compatible-mode/v2/chat/completions",
    ] {
        send("POST", &format!("{}{path}", server.uri()), &auth, "")
            .await
            .assert_error(404, "not_found");
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let server = MockServer::builder()
        .body_limit(1024)
        .start()
        .await
        .unwrap();
    let big = seed_request(&format!(r#""user":"{}""#, "x".repeat(2048)));
    // Declared by Content-Length.
    chat(&server.base_url(), &big)
        .await
        .assert_error(413, "request_too_large");
    // Sent chunked, without a length: counted while read.
    let url = format!("{}/chat/completions", server.base_url());
    let answer = send_chunked(&url, big.as_bytes()).await;
    answer.assert_error(413, "request_too_large");
    // Under the limit still works.
    assert_eq!(
        chat(&server.base_url(), &seed_request("")).await.status,
        200
    );
}

/// Sends `body` with `transfer-encoding: chunked` (no content-length).
async fn send_chunked(url: &str, body: &[u8]) -> common::Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let uri: hyper::Uri = url.parse().unwrap();
    let authority = uri.authority().unwrap().to_string();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let mut request = format!(
        "POST {} HTTP/1.1\r\nhost: {authority}\r\nauthorization: Bearer sk\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        uri.path()
    )
    .into_bytes();
    for part in body.chunks(100) {
        request.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        request.extend_from_slice(part);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    // The server may answer and close before reading everything; a failed write is fine.
    let _ = stream.write_all(&request).await;
    let mut raw = Vec::new();
    common::guard(stream.read_to_end(&mut raw)).await.unwrap();
    parse_raw(&raw)
}

/// Parses a whole `connection: close` HTTP/1.1 response with a content-length body.
fn parse_raw(raw: &[u8]) -> common::Answer {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut headers = hyper::HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        headers.append(
            hyper::header::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            value.trim().parse().unwrap(),
        );
    }
    common::Answer {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    let server = MockServer::start().await;
    for body in [r#"{"model":"qwen-plus","#, "not json", "", "[1,2]"] {
        let answer = chat(&server.base_url(), body).await;
        answer.assert_error(400, "invalid_parameter_error");
    }
}

#[tokio::test]
async fn validation_errors_name_the_param() {
    let server = MockServer::start().await;
    let user = r#""messages":[{"role":"user","content":"Hi"}]"#;
    for (extra, param) in [
        (r#""temperature":2.5"#, "temperature"),
        (r#""top_p":1.5"#, "top_p"),
        (r#""n":9"#, "n"),
        (r#""max_tokens":0"#, "max_tokens"),
        (r#""stop":["a",42]"#, "stop"),
    ] {
        let answer = chat(
            &server.base_url(),
            &format!(r#"{{"model":"qwen-plus",{user},{extra}}}"#),
        )
        .await;
        let body = answer.assert_error(400, "invalid_parameter_error");
        assert_eq!(body["error"]["param"], param, "{extra}: {body}");
    }
    let missing = chat(&server.base_url(), &format!("{{{user}}}")).await;
    assert_eq!(
        missing.assert_error(400, "invalid_parameter_error")["error"]["param"],
        "model"
    );
}

#[tokio::test]
async fn models_are_listed_under_both_prefixes() {
    let server = MockServer::start().await;
    let auth = [("authorization", "Bearer sk-test")];
    for base in [server.base_url(), server.openai_base_url()] {
        let answer = send("GET", &format!("{base}/models"), &auth, "").await;
        assert_eq!(answer.status, 200);
        let body = answer.json();
        assert_eq!(body["object"], "list");
        let ids: Vec<&str> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        for id in [
            "qwen-plus",
            "qwen3-max",
            "qwen-flash-us",
            "qwq-plus",
            "qwen2.5-0.5b-instruct",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        assert!(body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["object"] == "model"));
    }
    let one = send(
        "GET",
        &format!("{}/models/qwen-plus", server.base_url()),
        &auth,
        "",
    )
    .await;
    assert_eq!(one.json()["id"], "qwen-plus");
    send(
        "GET",
        &format!("{}/models/gpt-4o", server.base_url()),
        &auth,
        "",
    )
    .await
    .assert_error(404, "model_not_found");
    send("GET", &format!("{}/models", server.base_url()), &[], "")
        .await
        .assert_error(401, "invalid_api_key");
}
