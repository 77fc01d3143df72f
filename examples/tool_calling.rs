//! The contract's tool-calling loop, as a small Rust client: the model may call a weather
//! tool and a time tool, over as many rounds as it needs, before it answers.
//!
//! ```sh
//! cargo run -p chatwire-examples --example tool_calling
//! cargo run -p chatwire-examples --example tool_calling -- "What is the weather in Hangzhou?"
//! ```
//!
//! Each round sends the conversation with the tools (not streamed, as the contract's example
//! does), reads the `ChatCompletion`, runs the first tool the model called, appends the
//! assistant's message and the tool's result to the conversation, and asks again; it stops
//! when the model answers without calling a tool.

use std::error::Error;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;

use chatwire::types::{
    ChatCompletion, ChatRequest, FunctionDefinition, JsonStr, Maybe, Message, RawJson, Tool,
    ToolCall,
};

/// The contract's sample question.
const QUESTION: &str = "How is the weather in Singapore? What time is it now?";

/// More rounds than this is a model going round in circles.
const MAX_ROUNDS: usize = 8;

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let question = std::env::args()
        .nth(1)
        .unwrap_or_else(|| QUESTION.to_owned());
    let server = chatwire_mock::MockServer::start().await;
    let transcript = run(&server.base_url(), &question).await?;
    for line in transcript.lines {
        println!("{line}\n{}", "-".repeat(60));
    }
    println!("Final answer: {}", transcript.answer);
    Ok(())
}

/// What [`run`] did.
pub struct Transcript {
    /// The tools called, in order.
    pub calls: Vec<String>,
    /// One line per model output and tool output.
    pub lines: Vec<String>,
    /// The model's final answer.
    pub answer: String,
}

/// Runs the tool-calling loop for `question` against `base_url`.
pub async fn run(base_url: &str, question: &str) -> Result<Transcript, Box<dyn Error>> {
    let client = reqwest::Client::new();
    let mut messages: Vec<Message<'static>> =
        vec![Message::user(JsonStr::from(question.to_owned()))];
    let mut transcript = Transcript {
        calls: Vec::new(),
        lines: Vec::new(),
        answer: String::new(),
    };
    for round in 1..=MAX_ROUNDS {
        let mut request = ChatRequest::new("qwen-plus", messages.clone());
        for tool in tools()? {
            request = request.with_tool(tool);
        }
        let body = client
            .post(format!("{base_url}/chat/completions"))
            .bearer_auth("sk-example")
            .header(CONTENT_TYPE, "application/json")
            .body(request.to_json())
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let completion = ChatCompletion::from_json(&body)?;
        let message = completion
            .choices()
            .first()
            .and_then(|choice| choice.message.value())
            .ok_or("the completion has no message")?;
        transcript
            .lines
            .push(format!("Model output in round {round}: {body}"));

        let content = message
            .content_text()
            .map(ToString::to_string)
            .unwrap_or_default();
        let Some(call) = message.calls().first() else {
            transcript.answer = content;
            return Ok(transcript);
        };

        // The assistant's turn goes back into the conversation, tool calls included.
        let mut assistant = Message::assistant(JsonStr::from(content));
        for call in message.calls() {
            assistant = assistant.with_tool_call(call.clone().into_owned());
        }
        messages.push(assistant);

        // Like the contract's example, run the first call.
        let name = call.name().map(ToString::to_string).unwrap_or_default();
        let output = call_tool(&name, call)?;
        transcript.lines.push(format!("Tool output: {output}"));
        let id = call.id.value().map(ToString::to_string).unwrap_or_default();
        let mut result = Message::tool(JsonStr::from(output), id);
        result.name = Maybe::Value(name.clone().into());
        messages.push(result);
        transcript.calls.push(name);
    }
    Err(format!("no final answer after {MAX_ROUNDS} rounds").into())
}

/// The two tools of the contract's example.
fn tools() -> Result<[Tool<'static>; 2], Box<dyn Error>> {
    Ok([
        Tool::function(
            FunctionDefinition::new("get_current_time")
                .with_description("Useful for when you want to know the current time.")
                .with_parameters(RawJson::from_json("{}")?),
        ),
        Tool::function(
            FunctionDefinition::new("get_current_weather")
                .with_description("Useful for querying the weather in a specific city.")
                .with_parameters(RawJson::from_json(
                    r#"{"type":"object","properties":{"location":{"type":"string","description":"A city or county, such as Beijing, Hangzhou, or Yuhang District."}},"required":["location"]}"#,
                )?),
        ),
    ])
}

/// Runs the tool `name` with the call's arguments.
fn call_tool(name: &str, call: &ToolCall<'_>) -> Result<String, Box<dyn Error>> {
    match name {
        "get_current_weather" => {
            let arguments = call
                .arguments()
                .map(|a| a.to_cow().into_owned())
                .unwrap_or_default();
            let arguments: serde_json::Value = serde_json::from_str(&arguments)?;
            let location = arguments["location"]
                .as_str()
                .ok_or("get_current_weather needs a location")?;
            Ok(format!("It is rainy in {location} today."))
        }
        "get_current_time" => Ok(format!("Current time: {}.", now_utc())),
        other => Err(format!("the model called an unknown tool: {other}").into()),
    }
}

/// The current time, `YYYY-MM-DD HH:MM:SS` in UTC.
fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date, in 400-year eras from 0000-03-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}
