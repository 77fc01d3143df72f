//! Accumulates a streamed chat completion into the completion a non-streamed request
//! returns, and compares the two.
//!
//! ```sh
//! cargo run -p chatwire-examples --example accumulate
//! ```
//!
//! `ChunkStream::completion()` drives the stream to its end and folds every chunk into an
//! owned `ChatCompletion` (text concatenated, tool calls merged by index, the usage of the
//! last chunk), with the errors the server reported and how the stream ended.

use std::error::Error;

use reqwest::header::CONTENT_TYPE;

use chatwire::adapters::ChunkStream;
use chatwire::stream::Collected;
use chatwire::types::{ChatCompletion, ChatRequest, Message, StreamOptions};

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let server = chatwire_mock::MockServer::start().await;
    let (streamed, whole) = run(&server.base_url()).await?;
    println!(
        "accumulated from the stream:\n{}",
        streamed.completion.to_json()
    );
    println!("returned whole:\n{whole}");
    Ok(())
}

/// Sends the same question to `base_url` streamed and not streamed; returns what the stream
/// accumulated to and the JSON text of the non-streamed answer, after checking that both
/// say the same.
pub async fn run(base_url: &str) -> Result<(Collected, String), Box<dyn Error>> {
    let messages = vec![
        Message::system("You are a helpful assistant."),
        Message::user("Who are you?"),
    ];
    let client = reqwest::Client::new();
    let post = |body: String| {
        client
            .post(format!("{base_url}/chat/completions"))
            .bearer_auth("sk-example")
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };

    // Streamed, and accumulated.
    let request =
        ChatRequest::new("qwen-plus", messages.clone()).with_stream(StreamOptions::include_usage());
    let response = post(request.to_json()).await?.error_for_status()?;
    let streamed = ChunkStream::new(response.bytes_stream())
        .completion()
        .await?;
    if !streamed.is_complete() {
        return Err(format!(
            "the stream ended {:?} with errors {:?}",
            streamed.end, streamed.errors
        )
        .into());
    }

    // Not streamed.
    let request = ChatRequest::new("qwen-plus", messages);
    let whole = post(request.to_json())
        .await?
        .error_for_status()?
        .text()
        .await?;
    let completion = ChatCompletion::from_json(&whole)?;

    let text = |completion: &ChatCompletion<'_>| {
        completion.choices()[0]
            .message
            .value()
            .and_then(|message| message.content_text())
            .map(|text| text.to_string())
    };
    if text(&streamed.completion) != text(&completion) {
        return Err("the streamed and the whole answer differ".into());
    }
    Ok((streamed, whole))
}
