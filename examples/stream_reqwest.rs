//! Streams a chat completion from the mock server with reqwest, printing the tokens as they
//! arrive.
//!
//! ```sh
//! cargo run -p chatwire-examples --example stream_reqwest
//! ```
//!
//! `reqwest::Response::bytes_stream()` is a stream of `Bytes`; `chatwire::adapters::ChunkStream`
//! turns it into a stream of typed items. The body is read from the socket only as fast as the
//! loop below asks for items.

use std::error::Error;
use std::io::Write;

use futures::StreamExt;
use reqwest::header::CONTENT_TYPE;

use chatwire::adapters::ChunkStream;
use chatwire::stream::OwnedStreamItem;
use chatwire::types::{ChatRequest, Message, StreamOptions};

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let server = chatwire_mock::MockServer::start().await;
    run(&server.base_url(), &mut std::io::stdout()).await?;
    println!();
    Ok(())
}

/// Asks `base_url` "Who are you?" in a streamed request, writes every token to `out` as it
/// arrives, and returns the whole answer.
pub async fn run(base_url: &str, out: &mut impl Write) -> Result<String, Box<dyn Error>> {
    let request = ChatRequest::new(
        "qwen-plus",
        vec![
            Message::system("You are a helpful assistant."),
            Message::user("Who are you?"),
        ],
    )
    .with_stream(StreamOptions::include_usage());

    let response = reqwest::Client::new()
        .post(format!("{base_url}/chat/completions"))
        .bearer_auth("sk-example")
        .header(CONTENT_TYPE, "application/json")
        .body(request.to_json())
        .send()
        .await?
        .error_for_status()?;

    let mut items = ChunkStream::new(response.bytes_stream());
    let mut answer = String::new();
    while let Some(item) = items.next().await {
        match item? {
            OwnedStreamItem::Chunk(chunk) => {
                for choice in chunk.choices() {
                    if let Some(token) = choice.text() {
                        write!(out, "{token}")?;
                        out.flush()?;
                        token.unescape_into(&mut answer);
                    }
                }
            }
            OwnedStreamItem::Error(envelope) => return Err(envelope.to_json().into()),
            _ => {} // [DONE], keep-alives
        }
    }
    match items.end() {
        Some(end) if end.is_clean() => Ok(answer),
        end => Err(format!("the stream was cut: {end:?}").into()),
    }
}
