//! The command line: `serve` (the default), `validate`, and their flags, each with an
//! environment variable.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use chatwire_mock::{Config, Server};

/// A mock of the Model Studio (DashScope compatible-mode) Chat Completions API.
#[derive(Debug, Parser)]
#[command(
    name = "chatwire-mock",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the mock API (the default when no subcommand is given).
    Serve(ServeArgs),
    /// Decode a captured SSE stream: print one JSON object with its events, chunks, whether
    /// it ended with [DONE], an in-stream error, and the accumulated completion. Exit 0 when
    /// decoded, 1 on malformed input.
    Decode {
        /// The stream file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Check a chat-completion request body: print `ok` and exit 0, or print the error
    /// envelope the server would send and exit 1.
    Validate {
        /// The request body file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CHATWIRE_ADDR", default_value_t = chatwire_mock::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// An accepted API key (repeatable, or comma-separated in the variable); with none, any
    /// non-empty Bearer token is accepted.
    #[arg(long = "api-key", env = "CHATWIRE_API_KEYS", value_delimiter = ',')]
    api_keys: Vec<String>,
    /// A directory of replay fixtures (*.json), tried before the built-in ones.
    #[arg(long, env = "CHATWIRE_FIXTURES", value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Seed of ids, timestamps and generated text for requests without a `seed`.
    #[arg(long, env = "CHATWIRE_SEED", default_value_t = 0)]
    seed: u64,
    /// Pin `created` of every response to this UNIX timestamp.
    #[arg(long, env = "CHATWIRE_CREATED")]
    created: Option<u64>,
    /// Largest accepted request body, in bytes (413 above it).
    #[arg(long, env = "CHATWIRE_BODY_LIMIT", default_value_t = chatwire_mock::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "CHATWIRE_HEADER_READ_TIMEOUT", default_value_t = 30)]
    header_read_timeout: u64,
    /// Log filter (tracing's syntax: error, warn, info, debug, trace, or per-target rules).
    #[arg(long, env = "CHATWIRE_LOG", default_value = "info")]
    log_level: String,
}

impl Cli {
    /// Runs the chosen command.
    pub(crate) fn run(self) -> ExitCode {
        match self.command {
            None => serve(self.serve),
            Some(Command::Serve(args)) => serve(args),
            Some(Command::Decode { file }) => decode(file),
            Some(Command::Validate { file }) => validate(file),
        }
    }
}

/// Serves until Ctrl-C or SIGTERM.
fn serve(args: ServeArgs) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let mut config = Config::default();
    config.addr = args.addr;
    config.api_keys = args
        .api_keys
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    config.fixtures_dir = args.fixtures;
    config.seed = args.seed;
    config.created = args.created;
    config.body_limit = args.body_limit;
    config.header_read_timeout = Duration::from_secs(args.header_read_timeout);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("chatwire-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let first_key = config.api_keys.first().cloned();
        let key_count = config.api_keys.len();
        let server = match Server::bind(config).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("chatwire-mock: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "{}",
            banner(server.local_addr(), first_key.as_deref(), key_count)
        );
        server.run(shutdown_signal()).await;
        tracing::info!("stopped");
        ExitCode::SUCCESS
    })
}

/// The start-up banner: both base URLs and a curl line to paste.
fn banner(addr: SocketAddr, key: Option<&str>, key_count: usize) -> String {
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    };
    let root = format!("http://{shown}");
    let keys = match key_count {
        0 => "any non-empty Bearer token".to_owned(),
        1 => "1 configured key".to_owned(),
        n => format!("{n} configured keys"),
    };
    format!(
        "chatwire-mock {version} listening on http://{addr}\n\
         \x20 base_url (Model Studio compatible-mode): {root}/compatible-mode/v1\n\
         \x20 base_url (OpenAI-style):                 {root}/v1\n\
         \x20 API key: {keys}\n\
         Try it:\n\
         \x20 curl {root}/compatible-mode/v1/chat/completions -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' -d '{{\"model\":\"qwen-plus\",\"messages\":[{{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}},{{\"role\":\"user\",\"content\":\"Who are you?\"}}]}}'\n\
         Press Ctrl-C to stop.",
        version = env!("CARGO_PKG_VERSION"),
        key = key.unwrap_or("sk-test"),
    )
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}

/// `decode [FILE|-]`.
fn decode(file: Option<PathBuf>) -> ExitCode {
    let input = match read_input(file.as_ref()) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("chatwire-mock decode: {message}");
            return ExitCode::from(2);
        }
    };
    match chatwire_mock::decode_stream(&input) {
        Ok(decoded) => {
            println!("{}", decoded.json());
            if decoded.discarded_bytes() > 0 {
                eprintln!(
                    "chatwire-mock decode: the input ends inside an event; its last {} bytes were discarded",
                    decoded.discarded_bytes()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("chatwire-mock decode: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `validate [FILE|-]`.
fn validate(file: Option<PathBuf>) -> ExitCode {
    let body = match read_input(file.as_ref()) {
        Ok(body) => body,
        Err(message) => {
            eprintln!("chatwire-mock validate: {message}");
            return ExitCode::from(2);
        }
    };
    match chatwire_mock::check_request(&body) {
        Ok(()) => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Err(rejection) => {
            println!("{}", rejection.body());
            ExitCode::FAILURE
        }
    }
}

/// The bytes of `file`, or of standard input for `-` or none.
fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(buf)
        }
    }
}
