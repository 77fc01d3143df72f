//! Streams a chat completion from the mock server with hyper, printing the tokens as they
//! arrive.
//!
//! ```sh
//! cargo run -p chatwire-examples --example stream_hyper
//! ```
//!
//! hyper gives the response body as frames; `http_body_util::BodyDataStream` turns it into
//! a stream of `Bytes`, and `chatwire::adapters::ChunkStream` into a stream of typed items.

use std::error::Error;
use std::io::Write;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyDataStream, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

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

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let http_request = Request::post(format!("{base_url}/chat/completions"))
        .header(AUTHORIZATION, "Bearer sk-example")
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(request.to_json())))?;
    let response = client.request(http_request).await?;
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()).into());
    }

    let mut items = ChunkStream::new(BodyDataStream::new(response.into_body()));
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
