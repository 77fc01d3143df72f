//! The command line: `serve` (the default), `validate`, and their flags, each with an
//! environment variable.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use chatwire_mock::{Config, Profile, Region, Server};

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
    Serve(Box<ServeArgs>),
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
        /// The profile to check against (documented, dashscope, openai).
        #[arg(long, env = "CHATWIRE_PROFILE", default_value_t = Profile::DashScope)]
        profile: Profile,
        /// Check the model against this region's catalogue (singapore, virginia, beijing).
        #[arg(long, env = "CHATWIRE_REGION")]
        region: Option<Region>,
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
    /// A directory of replay fixtures (*.json) and scenarios (*.scenario.json), tried before
    /// the built-in ones.
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
    /// How many of the most recent requests the journal (`/__admin/requests`) keeps; 0 keeps
    /// none. Older ones are dropped, and still counted.
    #[arg(long, env = "CHATWIRE_JOURNAL_LIMIT", default_value_t = chatwire_mock::DEFAULT_JOURNAL_LIMIT)]
    journal_limit: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "CHATWIRE_HEADER_READ_TIMEOUT", default_value_t = 30)]
    header_read_timeout: u64,
    /// Answer a request no scenario matches with a 404 envelope saying why, instead of the
    /// built-in reply.
    #[arg(long, env = "CHATWIRE_STRICT")]
    strict: bool,
    /// Pace every stream: `ttft_ms=200,chunk_ms=20,jitter_ms=5,seed=1`.
    #[arg(long, env = "CHATWIRE_PACING", value_name = "SPEC")]
    pacing: Option<chatwire_mock::Pacing>,
    /// Limit chat requests per API key: `rps=5,rpm=100,concurrency=2` (429 with Retry-After).
    #[arg(long, env = "CHATWIRE_RATE_LIMIT", value_name = "SPEC")]
    rate_limit: Option<chatwire_mock::RateLimit>,
    /// The `id` of a streamed tool call's continuation fragments: empty (`""`, DashScope's),
    /// omitted (OpenAI's) or repeated.
    #[arg(
        long,
        env = "CHATWIRE_TOOL_CALL_IDS",
        value_name = "STYLE",
        default_value = "empty"
    )]
    tool_call_ids: chatwire_mock::ContinuationIds,
    /// Stream parallel tool calls' fragments interleaved by index.
    #[arg(long, env = "CHATWIRE_INTERLEAVE_TOOL_CALLS")]
    interleave_tool_calls: bool,
    /// Key order of chunks and completions: openai (`id` first) or dashscope (`choices`
    /// first, `id` last).
    #[arg(
        long,
        env = "CHATWIRE_KEY_ORDER",
        value_name = "ORDER",
        default_value = "openai"
    )]
    key_order: chatwire_mock::KeyOrder,
    /// Add `prompt_tokens_details: {cached_tokens: 0}` to every usage.
    #[arg(long, env = "CHATWIRE_PROMPT_TOKENS_DETAILS")]
    prompt_tokens_details: bool,
    /// Record: write a cassette of every proxied chat request into DIR (needs --upstream).
    #[arg(
        long,
        env = "CHATWIRE_RECORD_TO",
        value_name = "DIR",
        requires = "upstream"
    )]
    record_to: Option<PathBuf>,
    /// The OpenAI-compatible base URL (plain http) to proxy chat requests to when recording.
    #[arg(
        long,
        env = "CHATWIRE_UPSTREAM",
        value_name = "URL",
        requires = "record_to"
    )]
    upstream: Option<String>,
    /// Replay: serve the cassettes of DIR byte-exact to requests with the same body.
    #[arg(long, env = "CHATWIRE_REPLAY", value_name = "DIR")]
    replay: Option<PathBuf>,
    /// Replay speed: `instant` or `recorded` (the recorded gaps between pieces).
    #[arg(long, env = "CHATWIRE_REPLAY_SPEED", default_value = "instant", value_parser = ["instant", "recorded"])]
    replay_speed: String,
    /// Which contract to follow: documented (the seed's tables, literally), dashscope (the
    /// live service) or openai (OpenAI's conventions).
    #[arg(long, env = "CHATWIRE_PROFILE", default_value_t = Profile::DashScope)]
    profile: Profile,
    /// Serve only this region's models: singapore (International), virginia (Global and
    /// US) or beijing (Chinese Mainland); every scope without it.
    #[arg(long, env = "CHATWIRE_REGION")]
    region: Option<Region>,
    /// Log filter (tracing's syntax: error, warn, info, debug, trace, or per-target rules).
    #[arg(long, env = "CHATWIRE_LOG", default_value = "info")]
    log_level: String,
}

impl Cli {
    /// Runs the chosen command.
    pub(crate) fn run(self) -> ExitCode {
        match self.command {
            None => serve(self.serve),
            Some(Command::Serve(args)) => serve(*args),
            Some(Command::Decode { file }) => decode(file),
            Some(Command::Validate {
                file,
                profile,
                region,
            }) => validate(file, profile, region),
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
    config.journal_limit = args.journal_limit;
    config.header_read_timeout = Duration::from_secs(args.header_read_timeout);
    config.strict = args.strict;
    config.pacing = args.pacing;
    config.rate_limit = args.rate_limit;
    config.record_to = args.record_to;
    config.upstream = args.upstream;
    config.replay_dir = args.replay;
    config.replay_at_recorded_speed = args.replay_speed == "recorded";
    config.quirks.tool_call_ids = args.tool_call_ids;
    config.quirks.interleave_tool_calls = args.interleave_tool_calls;
    config.quirks.prompt_tokens_details = args.prompt_tokens_details;
    config.quirks.key_order = args.key_order;
    config.profile = args.profile;
    config.region = args.region;
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
        let (profile, region) = (config.profile, config.region);
        let server = match Server::bind(config).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("chatwire-mock: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "{}",
            banner(
                server.local_addr(),
                first_key.as_deref(),
                key_count,
                profile,
                region
            )
        );
        server.run(shutdown_signal()).await;
        tracing::info!("stopped");
        ExitCode::SUCCESS
    })
}

/// The start-up banner: both base URLs and a curl line to paste.
fn banner(
    addr: SocketAddr,
    key: Option<&str>,
    key_count: usize,
    profile: Profile,
    region: Option<Region>,
) -> String {
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
    let region_line = match region {
        Some(region) => format!(
            "  region: {region} ({scopes} models); its documented base_url: {url}\n",
            scopes = region.scopes().join(" and "),
            url = region.base_url()
        ),
        None => "  region: none (the models of every deployment scope)\n".to_owned(),
    };
    format!(
        "chatwire-mock {version} listening on http://{addr}\n\
         \x20 base_url (Model Studio compatible-mode): {root}/compatible-mode/v1\n\
         \x20 base_url (OpenAI-style):                 {root}/v1\n\
         {region_line}\
         \x20 profile: {profile}\n\
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
fn validate(file: Option<PathBuf>, profile: Profile, region: Option<Region>) -> ExitCode {
    let body = match read_input(file.as_ref()) {
        Ok(body) => body,
        Err(message) => {
            eprintln!("chatwire-mock validate: {message}");
            return ExitCode::from(2);
        }
    };
    match chatwire_mock::check_request_with(&body, profile, region) {
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
