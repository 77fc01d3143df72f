//! The two ways a stream leaves the server: at once, in one piece, when nothing times it (no
//! pacing, no chunk hook, no reset fault), and event by event otherwise. A client sees the
//! same bytes and the same headers either way.

mod common;

use chatwire_mock::{KeyOrder, MockServer, Profile, Quirks};
use common::{chat, seed_request, Answer};

/// Streaming request bodies: the seed's question, several thinking choices, tool calls.
fn requests() -> Vec<String> {
    vec![
        seed_request(r#""stream":true"#),
        seed_request(r#""stream":true,"stream_options":{"include_usage":true},"seed":11"#),
        r#"{"model":"qwen-plus","n":2,"enable_thinking":true,"stream":true,"messages":[{"role":"user","content":"Tell me about Singapore's weather."}]}"#.to_owned(),
        r#"{"model":"qwen-plus","stream":true,"stream_options":{"include_usage":true},"tool_choice":"required","tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],"messages":[{"role":"user","content":"Weather in Paris?"}]}"#.to_owned(),
    ]
}

/// A server with `profile` and `quirks`; `per_event` adds a chunk hook that does nothing but
/// makes every stream go out event by event.
async fn server(profile: Profile, quirks: Quirks, per_event: bool) -> MockServer {
    let builder = MockServer::builder()
        .seed(5)
        .created(1_715_252_778)
        .profile(profile)
        .quirks(quirks);
    let builder = if per_event {
        builder.before_chunk(|_| async {})
    } else {
        builder
    };
    builder.start().await.expect("a server")
}

fn same_answer(at_once: &Answer, per_event: &Answer, what: &str) {
    assert_eq!(at_once.status, 200, "{what}: {}", at_once.text());
    assert_eq!(at_once.status, per_event.status, "{what}");
    assert_eq!(at_once.text(), per_event.text(), "{what}");
    for name in [
        "content-type",
        "cache-control",
        "x-request-id",
        "transfer-encoding",
    ] {
        assert_eq!(
            at_once.header(name),
            per_event.header(name),
            "{what}: {name}"
        );
    }
    assert_eq!(
        at_once.header("transfer-encoding"),
        Some("chunked"),
        "{what}"
    );
    assert_eq!(
        at_once.sse_data().last().map(String::as_str),
        Some("[DONE]")
    );
}

#[tokio::test]
async fn at_once_and_event_by_event_streams_carry_the_same_bytes() {
    let dashscope_order = {
        let mut quirks = Quirks::default();
        quirks.key_order = KeyOrder::DashScope;
        quirks.interleave_tool_calls = true;
        quirks
    };
    for profile in [Profile::DashScope, Profile::OpenAi] {
        for quirks in [Quirks::default(), dashscope_order] {
            let at_once = server(profile, quirks, false).await;
            let per_event = server(profile, quirks, true).await;
            for body in requests() {
                let a = chat(&at_once.base_url(), &body).await;
                let b = chat(&per_event.base_url(), &body).await;
                same_answer(&a, &b, &format!("{profile:?} {quirks:?} {body}"));
            }
        }
    }
}

/// A zero pacing (`x-mock-pacing: ttft_ms=0,chunk_ms=0`) waits for nothing, so the stream goes
/// out at once, with the bytes of an unpaced one.
#[tokio::test]
async fn a_zero_pacing_sends_the_unpaced_bytes() {
    let server = server(Profile::DashScope, Quirks::default(), false).await;
    let body = seed_request(r#""stream":true"#);
    let plain = chat(&server.base_url(), &body).await;
    let zero = common::send(
        "POST",
        &format!("{}/chat/completions", server.base_url()),
        &[
            ("authorization", "Bearer sk-test"),
            ("x-mock-pacing", "ttft_ms=0,chunk_ms=0"),
        ],
        body,
    )
    .await;
    same_answer(&plain, &zero, "zero pacing");
}
