//! The seed's own Python examples (the OpenAI SDK and LangChain) against the mock server, with
//! only `base_url` and the key changed, asserting on what they print.
//!
//! A virtual environment is made under the target directory on first use (and reused), with
//! `openai` and `langchain-openai` installed by pip. Without python3 or pip the tests print
//! `SKIPPED: …` and are reported as skipped — unless `CHATWIRE_REQUIRE_PYTHON=1` (CI), when they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::process::ExitCode;
use std::sync::OnceLock;

use chatwire_mock::MockServer;
use chatwire_tests::{harness, CheckResult, Skip};
use common::{guard, SEED_ANSWER, SEED_PIECES};
use serde_json::{json, Value};

/// The packages the scripts import, by pip name and import name.
const PACKAGES: [(&str, &str); 2] = [
    ("openai", "openai"),
    ("langchain-openai", "langchain_openai"),
];

/// The API key the tests' servers accept.
const KEY: &str = "sk-chatwire-test";

/// The venv's python, made once per test process, or [`Skip`] when it cannot be had.
fn python() -> Result<&'static Path, Skip> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(prepare_venv) {
        Ok(path) => Ok(path),
        Err(reason) => {
            if std::env::var("CHATWIRE_REQUIRE_PYTHON").is_ok_and(|v| v == "1") {
                panic!(
                    "CHATWIRE_REQUIRE_PYTHON=1 but the Python clients are unavailable: {reason}"
                );
            }
            println!("SKIPPED: Python client conformance: {reason}");
            Err(Skip(reason.clone()))
        }
    }
}

/// Runs `test` on a fresh multi-threaded runtime (the mock server and the script run side by
/// side).
fn block_on(test: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(test);
}

/// Finds or makes the venv and installs the packages into it.
fn prepare_venv() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = root.join("chatwire-python-venv");
    let venv_python = venv.join("bin").join("python");
    if imports_ok(&venv_python) {
        return Ok(venv_python);
    }
    let system = std::env::var("CHATWIRE_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let version = Command::new(&system)
        .arg("--version")
        .output()
        .map_err(|e| format!("{system} not found: {e}"))?;
    if !version.status.success() {
        return Err(format!("{system} --version failed"));
    }
    // Build in a private folder and move it into place, so that concurrent test processes
    // never see a half-made venv.
    let staging = root.join(format!("chatwire-python-venv.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    run(
        Command::new(&system).args(["-m", "venv"]).arg(&staging),
        "python3 -m venv",
    )?;
    let staging_python = staging.join("bin").join("python");
    let mut pip = Command::new(&staging_python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    pip.args(PACKAGES.iter().map(|(name, _)| *name));
    run(&mut pip, "pip install openai langchain-openai")?;
    if !imports_ok(&staging_python) {
        return Err("the packages were installed but do not import".to_owned());
    }
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&staging, &venv).is_err() {
        // Another process won the race; use its venv.
        let _ = std::fs::remove_dir_all(&staging);
    }
    if imports_ok(&venv_python) {
        Ok(venv_python)
    } else {
        Err(format!("{} is not usable", venv.display()))
    }
}

fn imports_ok(python: &Path) -> bool {
    let imports = PACKAGES
        .iter()
        .map(|(_, module)| *module)
        .collect::<Vec<_>>()
        .join(", ");
    python.is_file()
        && Command::new(python)
            .args(["-c", &format!("import {imports}")])
            .output()
            .is_ok_and(|o| o.status.success())
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Runs `tests/python/{script}` against a fresh server; returns its standard output.
async fn run_script(python: &Path, script: &str) -> String {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    run_script_on(python, script, &server).await
}

/// Runs `tests/python/{script}` against `server`; returns its standard output.
async fn run_script_on(python: &Path, script: &str, server: &MockServer) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let mut command = Command::new(python);
    command
        .arg(&path)
        .env("CHATWIRE_BASE_URL", server.base_url())
        .env("DASHSCOPE_API_KEY", KEY)
        .env("PYTHONWARNINGS", "ignore")
        .env("PYTHONIOENCODING", "utf-8");
    let output = guard(tokio::task::spawn_blocking(move || command.output()))
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn openai_sdk_non_streaming() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "openai_non_streaming.py").await;
        let completion = &json_lines(&out)[0];
        assert_eq!(completion["object"], "chat.completion");
        assert_eq!(completion["model"], "qwen-plus");
        assert_eq!(completion["choices"][0]["message"]["content"], SEED_ANSWER);
        assert_eq!(completion["choices"][0]["message"]["role"], "assistant");
        assert_eq!(
            completion["choices"][0]["message"]["tool_calls"],
            Value::Null
        );
        assert_eq!(completion["choices"][0]["finish_reason"], "stop");
        assert_eq!(
            completion["usage"],
            json!({"completion_tokens": 16, "prompt_tokens": 22, "total_tokens": 38,
                   "completion_tokens_details": null, "prompt_tokens_details": null})
        );
    });
    Ok(())
}

fn openai_sdk_streaming_with_include_usage() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "openai_streaming.py").await;
        let chunks = json_lines(&out);
        assert_eq!(chunks.len(), 8, "{out}");
        assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
        let pieces: Vec<&str> = chunks[1..6]
            .iter()
            .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
            .collect();
        assert_eq!(pieces, SEED_PIECES);
        assert_eq!(chunks[6]["choices"][0]["finish_reason"], "stop");
        assert_eq!(chunks[7]["choices"], json!([]));
        assert_eq!(chunks[7]["usage"]["completion_tokens"], 16);
        assert_eq!(chunks[7]["usage"]["prompt_tokens"], 22);
        assert_eq!(chunks[7]["usage"]["total_tokens"], 38);
        assert!(chunks[..7].iter().all(|c| c["usage"].is_null()));
    });
    Ok(())
}

fn openai_sdk_tool_calling_loop() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "openai_tool_calling.py").await;
        let round1 = out
            .lines()
            .find(|l| l.starts_with("Model output in round 1:"))
            .expect(&out);
        assert!(round1.contains("'name': 'get_current_weather'"), "{round1}");
        assert!(
            round1.contains(r#"'arguments': '{"location": "Singapore"}'"#),
            "{round1}"
        );
        assert!(round1.contains("'finish_reason': 'tool_calls'"), "{round1}");
        let tools: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("Tool output:"))
            .collect();
        assert_eq!(tools.len(), 2, "{out}");
        assert_eq!(tools[0], "Tool output: It is rainy in Singapore today. ");
        assert!(
            tools[1].starts_with("Tool output: Current time: "),
            "{}",
            tools[1]
        );
        let round2 = out
            .lines()
            .find(|l| l.starts_with("Model output in round 2:"))
            .expect(&out);
        assert!(round2.contains("'name': 'get_current_time'"), "{round2}");
        assert!(round2.contains("'arguments': '{}'"), "{round2}");
        let time = tools[1].trim_start_matches("Tool output: ");
        let answer = out
            .lines()
            .find(|l| l.starts_with("Final answer:"))
            .expect(&out);
        assert_eq!(
            answer,
            format!(
                "Final answer: Based on the tool results: It is rainy in Singapore today. {time}"
            )
        );
        assert!(out.contains("Model output in round 3:"));
        assert!(!out.contains("Model output in round 4:"));
    });
    Ok(())
}

fn langchain_invoke() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "langchain_invoke.py").await;
        let message = &json_lines(&out)[0];
        assert_eq!(message["content"], SEED_ANSWER);
        assert_eq!(message["type"], "ai");
        let meta = &message["response_metadata"];
        assert_eq!(meta["token_usage"]["completion_tokens"], 16);
        assert_eq!(meta["token_usage"]["prompt_tokens"], 22);
        assert_eq!(meta["token_usage"]["total_tokens"], 38);
        assert_eq!(meta["model_name"], "qwen-plus");
        assert_eq!(meta["finish_reason"], "stop");
        assert_eq!(message["tool_calls"], json!([]));
    });
    Ok(())
}

fn langchain_stream() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "langchain_stream.py").await;
        let chunks = json_lines(&out);
        let text: String = chunks
            .iter()
            .map(|c| c["content"].as_str().unwrap())
            .collect();
        assert_eq!(text, SEED_ANSWER);
        assert!(chunks.iter().all(|c| c["type"] == "AIMessageChunk"));
        assert!(
            chunks
                .iter()
                .any(|c| c["response_metadata"]["finish_reason"] == "stop"),
            "{out}"
        );
        let usage = chunks
            .iter()
            .rev()
            .find_map(|c| c["usage_metadata"].as_object())
            .expect(&out);
        assert_eq!(usage["input_tokens"], 22);
        assert_eq!(usage["output_tokens"], 16);
        assert_eq!(usage["total_tokens"], 38);
    });
    Ok(())
}

fn openai_sdk_exceptions_for_error_answers() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let out = run_script(python, "openai_errors.py").await;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "401 AuthenticationError invalid_api_key None True",
                "400 BadRequestError invalid_parameter_error n True",
                "400 BadRequestError invalid_parameter_error None True",
                "404 NotFoundError model_not_found None True",
            ]
        );
    });
    Ok(())
}

fn openai_sdk_retries_429_and_503_and_reads_an_in_stream_error() -> CheckResult {
    let python = python()?;
    block_on(async move {
        let server = MockServer::builder().api_key(KEY).start().await.unwrap();
        // max_retries=2: each error scenario is tried three times, as the journal shows.
        server.expect(
            chatwire_mock::Expectation::requests()
                .scenario("429-limit-requests")
                .times(3),
        );
        server.expect(
            chatwire_mock::Expectation::requests()
                .scenario("503-overloaded")
                .times(3),
        );
        let out = run_script_on(python, "openai_retries.py", &server).await;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(
            lines[0].starts_with("429-limit-requests RateLimitError 429 "),
            "{out}"
        );
        assert!(lines[0].contains("Requests rate limit exceeded"), "{out}");
        assert!(
            lines[1].starts_with("503-overloaded InternalServerError 503 "),
            "{out}"
        );
        assert!(
            lines[1].contains("The engine is currently overloaded, please try again later"),
            "{out}"
        );
        assert!(
            lines[2].starts_with("stream-error-after-2 APIError - "),
            "{out}"
        );
        assert!(
            lines[2].contains("Output data may contain inappropriate content."),
            "{out}"
        );
        let received = server.received_requests();
        assert_eq!(received.len(), 7, "{received:?}");
        assert!(received
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer ****test")));
        server.verify().unwrap();
    });
    Ok(())
}

fn main() -> ExitCode {
    harness::run(
        "python_clients",
        &[
            ("openai_sdk_non_streaming", openai_sdk_non_streaming),
            (
                "openai_sdk_streaming_with_include_usage",
                openai_sdk_streaming_with_include_usage,
            ),
            ("openai_sdk_tool_calling_loop", openai_sdk_tool_calling_loop),
            ("langchain_invoke", langchain_invoke),
            ("langchain_stream", langchain_stream),
            (
                "openai_sdk_exceptions_for_error_answers",
                openai_sdk_exceptions_for_error_answers,
            ),
            (
                "openai_sdk_retries_429_and_503_and_reads_an_in_stream_error",
                openai_sdk_retries_429_and_503_and_reads_an_in_stream_error,
            ),
        ],
    )
}
