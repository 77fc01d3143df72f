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
    let mut child = Command::new(BIN)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--api-key",
            "sk-cli",
            "--log-level",
            "warn",
        ])
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
    assert!(
        banner.contains(&format!("http://{addr}/compatible-mode/v1")),
        "{banner}"
    );
    assert!(banner.contains(&format!("http://{addr}/v1")), "{banner}");
    assert!(banner.contains(&format!("curl http://{addr}/compatible-mode/v1/chat/completions -H 'Authorization: Bearer sk-cli'")), "{banner}");

    let body = r#"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Who are you?"}]}"#;
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /compatible-mode/v1/chat/completions HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer sk-cli\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("I am a large language model from Alibaba Cloud. My name is Qwen."));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, _) = wait(child);
    assert!(status.success(), "{status:?}");
}
