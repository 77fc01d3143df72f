//! The `chatwire-mock` binary: the default `serve` (banner, requests, graceful shutdown on
//! SIGTERM) and the `validate` subcommand's output and exit codes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_chatwire-mock");

/// Waits for `child` to exit, failing the test if it hangs (a guard, not a timing check).
fn wait(mut child: Child) -> (ExitStatus, Child) {
    let (tx, rx) = mpsc::channel();
    let id = child.id();
    let handle = std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(());
        (status, child)
    });
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = Command::new("kill")
            .args(["-KILL", &id.to_string()])
            .status();
        panic!("chatwire-mock did not exit within 60 s");
    }
    let (status, child) = handle.join().unwrap();
    (status.unwrap(), child)
}

fn validate(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .arg("validate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let (status, mut child) = wait(child);
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code().unwrap_or(-1), out, err)
}

#[test]
fn validate_accepts_a_good_request() {
    let body = r#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}]}"#;
    assert_eq!(validate(&[], body), (0, "ok\n".to_owned(), String::new()));
    assert_eq!(validate(&["-"], body).0, 0);
}

#[test]
fn validate_prints_the_envelope_of_a_bad_request() {
    let (code, out, _) = validate(
        &[],
        r#"{"model":"qwen-max","messages":[{"role":"user","content":"Hi"}],"n":2}"#,
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = validate(
        &["--profile", "documented"],
        r#"{"model":"qwen-max","messages":[{"role":"user","content":"Hi"}],"n":2}"#,
    );
    assert_eq!(code, 1);
    let envelope: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(envelope["error"]["param"], "n");
    assert_eq!(envelope["error"]["code"], "invalid_parameter_error");
    assert!(envelope["request_id"].is_string());
    let (code, out, _) = validate(&[], "{not json");
    assert_eq!(code, 1);
    assert!(out.contains("not valid JSON"), "{out}");
}

#[test]
fn validate_reads_a_file_and_reports_usage_errors() {
    let path = std::env::temp_dir().join(format!("chatwire-validate-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"model":"nope","messages":[{"role":"user","content":"Hi"}]}"#,
    )
    .unwrap();
    let (code, out, _) = validate(&[path.to_str().unwrap()], "");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code, 1);
    assert!(out.contains("model_not_found"), "{out}");
    let (code, _, err) = validate(&["/no/such/file.json"], "");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/file.json"), "{err}");
    let (code, _, _) = validate(&["a", "b"], "");
    assert_eq!(code, 2);
}

#[test]
#[cfg(unix)]
fn serve_prints_the_banner_answers_and_stops_on_sigterm() {
    let (child, banner, addr) = serving(&["--api-key", "sk-cli"], &[]);
    assert!(
        banner.contains(&format!("http://{addr}/compatible-mode/v1")),
        "{banner}"
    );
    assert!(banner.contains(&format!("http://{addr}/v1")), "{banner}");
    assert!(banner.contains(&format!("curl http://{addr}/compatible-mode/v1/chat/completions -H 'Authorization: Bearer sk-cli'")), "{banner}");

    let body = r#"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Who are you?"}]}"#;
    let response = post_chat(&addr, "/compatible-mode/v1/chat/completions", body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("I am a large language model from Alibaba Cloud. My name is Qwen."));

    stop(child);
}

/// Runs `chatwire-mock decode` with `args`, feeding `stdin`.
fn decode(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let (status, mut child) = wait(child);
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code().unwrap_or(-1), out, err)
}

/// The seed's streamed answer, as the seed's curl sample frames it (ids shortened).
const SEED_STREAM: &str = concat!(
    "data: {\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"index\":0,\"logprobs\":null,\"finish_reason\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1715931028,\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3bb0\"}\n\n",
    "data: {\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":\"I am\"},\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1715931028,\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3bb0\"}\n\n",
    "data: {\"choices\":[{\"delta\":{\"content\":\" a large-scale\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1715931028,\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3bb0\"}\n\n",
    "data: {\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1715931028,\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3bb0\"}\n\n",
    "data: [DONE]\n\n",
);

#[test]
fn decode_prints_one_report() {
    for args in [&[][..], &["-"][..]] {
        let (code, out, err) = decode(args, SEED_STREAM.as_bytes());
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().count(), 1);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["done"], true);
        assert_eq!(report["error"], serde_json::Value::Null);
        assert_eq!(report["events"].as_array().unwrap().len(), 5);
        assert_eq!(report["events"][4]["data"], "[DONE]");
        assert_eq!(report["chunks"].as_array().unwrap().len(), 4);
        assert_eq!(
            report["chunks"][1]["choices"][0]["delta"]["content"],
            "I am"
        );
        let completion = &report["completion"];
        assert_eq!(completion["id"], "chatcmpl-3bb0");
        assert_eq!(completion["object"], "chat.completion");
        assert_eq!(completion["created"], 1715931028);
        assert_eq!(completion["model"], "qwen-plus");
        assert_eq!(
            completion["choices"][0],
            serde_json::json!({"index":0,"message":{"role":"assistant","content":"I am a large-scale"},"finish_reason":"stop","logprobs":null})
        );
        assert_eq!(completion["usage"], serde_json::Value::Null);
    }
}

#[test]
fn decode_reports_an_in_stream_error_and_exits_0() {
    let stream = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n\
                  data: {\"error\":{\"message\":\"Output data may contain inappropriate content.\",\"type\":\"data_inspection_failed\",\"param\":null,\"code\":\"data_inspection_failed\"},\"request_id\":\"r1\"}\n\n";
    let (code, out, _) = decode(&[], stream.as_bytes());
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["done"], false);
    assert_eq!(report["error"]["code"], "data_inspection_failed");
    assert_eq!(
        report["completion"]["choices"][0]["message"]["content"],
        "Hi"
    );
}

#[test]
fn decode_fails_on_malformed_input_and_usage_errors() {
    let (code, out, err) = decode(&[], b"data: {\"choices\": [oops\n\n");
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("malformed JSON in SSE event 0"), "{err}");
    let (code, _, err) = decode(&["/no/such/stream.sse"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/stream.sse"), "{err}");
    let (code, _, _) = decode(&["a", "b"], b"");
    assert_eq!(code, 2);
    // A stream cut inside an event still decodes; the loss is reported on stderr.
    let (code, out, err) = decode(&[], b"data: [DONE]\n\ndata: {\"id\"");
    assert_eq!(code, 0);
    assert!(out.contains("\"done\":true"));
    assert!(err.contains("discarded"), "{err}");
}

/// The test-bench flags are parsed, and a bad value is a usage error (exit 2) naming it.
#[test]
fn bench_flags_are_checked() {
    for (flag, value, complaint) in [
        ("--pacing", "ttft=1", "unknown pacing key"),
        ("--rate-limit", "rps=many", "is not a number"),
        (
            "--tool-call-ids",
            "sometimes",
            "unknown continuation id style",
        ),
        ("--key-order", "alphabetical", "unknown key order"),
        ("--replay-speed", "fast", "invalid value"),
        ("--journal-limit", "many", "invalid digit"),
    ] {
        let child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", flag, value])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (status, mut child) = wait(child);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(complaint), "{flag} {value}: {err}");
    }
    let child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--record-to",
            "/tmp/never",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, mut child) = wait(child);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("--upstream"), "{err}");
}

#[test]
#[cfg(unix)]
fn serve_takes_region_and_profile_and_prints_the_region_s_base_url() {
    let (child, banner, addr) =
        serving(&["--profile", "openai"], &[("CHATWIRE_REGION", "beijing")]);
    assert!(
        banner.contains("region: beijing (Chinese Mainland models); its documented base_url: https://dashscope.aliyuncs.com/compatible-mode/v1"),
        "{banner}"
    );
    assert!(banner.contains("profile: openai"), "{banner}");
    let response = exchange(
        &addr,
        &format!(
            "GET /v1/models HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer sk-cli\r\nconnection: close\r\n\r\n"
        ),
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""id":"qwen-math-plus""#), "{response}");
    assert!(!response.contains(r#""id":"qwen-plus-us""#), "{response}");

    stop(child);
}

/// Starts `serve` with `args` (and `--addr 127.0.0.1:0 --log-level warn`) and `env`, and reads
/// its banner: the child, the banner, and the address it listens on.
#[cfg(unix)]
fn serving(args: &[&str], env: &[(&str, &str)]) -> (Child, String, String) {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--log-level", "warn"])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("Press Ctrl-C") {
        assert_ne!(stdout.read_line(&mut banner).unwrap(), 0, "{banner}");
    }
    let addr = banner
        .lines()
        .next()
        .and_then(|l| l.split("http://").nth(1))
        .unwrap()
        .to_owned();
    (child, banner, addr)
}

/// Stops a server started by [`serving`] with SIGTERM; it must exit cleanly.
#[cfg(unix)]
fn stop(child: Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, _) = wait(child);
    assert!(status.success(), "{status:?}");
}

/// POSTs the chat request `body` to `path` on `addr` with the key `sk-cli`, on a fresh
/// connection; the whole response.
#[cfg(unix)]
fn post_chat(addr: &str, path: &str, body: &str) -> String {
    exchange(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer sk-cli\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// Sends `request` to `addr` on a fresh connection and reads the whole response.
#[cfg(unix)]
fn exchange(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
#[cfg(unix)]
fn serve_keeps_the_journal_limit_s_most_recent_requests() {
    let (child, _, addr) = serving(&["--journal-limit", "2"], &[]);
    for model in ["qwen-plus", "qwen-max", "qwen-turbo"] {
        let body =
            format!(r#"{{"model":"{model}","messages":[{{"role":"user","content":"Hi"}}]}}"#);
        let response = post_chat(&addr, "/v1/chat/completions", &body);
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    let response = exchange(
        &addr,
        &format!("GET /__admin/requests HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"),
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("x-mock-journal-total: 3\r\n"),
        "{response}"
    );
    let listed = response.split("\r\n\r\n").nth(1).unwrap();
    assert!(!listed.contains(r#"\"qwen-plus\""#), "{listed}");
    let max = listed.find(r#"\"qwen-max\""#).expect(listed);
    let turbo = listed.find(r#"\"qwen-turbo\""#).expect(listed);
    assert!(max < turbo, "{listed}");

    stop(child);
}

#[test]
fn serve_rejects_an_unknown_region() {
    let output = Command::new(BIN)
        .args(["--region", "frankfurt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("unknown region `frankfurt`"), "{err}");
}
