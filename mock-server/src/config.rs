//! The server's configuration, shared by the binary's flags and [`MockServerBuilder`].
//!
//! [`MockServerBuilder`]: crate::MockServerBuilder

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::pacing::Pacing;
use crate::profile::Profile;
use crate::quirks::Quirks;
use crate::ratelimit::RateLimit;
use crate::region::Region;
use crate::stream::ChunkHook;

/// The default address of the binary: `127.0.0.1:8080`.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);

/// The default request body limit: 8 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The default number of requests the journal keeps: the 10,000 most recent.
pub const DEFAULT_JOURNAL_LIMIT: usize = 10_000;

/// The default time a client has to send a request's headers: 30 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything a server needs to start.
///
/// # Example
///
/// ```
/// let mut config = chatwire_mock::Config::default();
/// config.api_keys.push("sk-test".to_owned());
/// config.seed = 7;
/// assert_eq!(config.addr.port(), 8080);
/// assert_eq!(config.body_limit, 8 * 1024 * 1024);
/// assert_eq!(config.journal_limit, 10_000);
/// assert_eq!(config.profile, chatwire_mock::Profile::DashScope);
/// assert_eq!(config.region, None);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The accepted API keys; empty accepts any non-empty Bearer token.
    pub api_keys: Vec<String>,
    /// A directory of replay fixtures tried before the built-in ones.
    pub fixtures_dir: Option<PathBuf>,
    /// The seed of ids, timestamps and generated text when a request carries no `seed`.
    pub seed: u64,
    /// A fixed `created` for every response, instead of one derived from the request.
    pub created: Option<u64>,
    /// The largest request body accepted; a larger one gets a 413.
    pub body_limit: usize,
    /// How many of the most recent requests the journal keeps; 0 keeps none (they are still
    /// counted).
    pub journal_limit: usize,
    /// How long a client may take to send a request's headers before the connection closes.
    pub header_read_timeout: Duration,
    /// How long a graceful shutdown waits for open responses to finish.
    pub shutdown_grace: Duration,
    /// With no scenario matching, answer 404 instead of the built-in reply.
    pub strict: bool,
    /// The pace of every stream that neither its scenario nor its request paces.
    pub pacing: Option<Pacing>,
    /// How details that providers write differently are written.
    pub quirks: Quirks,
    /// Where to write cassettes of proxied requests (with [`Config::upstream`]).
    pub record_to: Option<PathBuf>,
    /// The base URL (`http://…/v1`) chat requests are proxied to when recording.
    pub upstream: Option<String>,
    /// A directory of cassettes served byte-exact to requests with the same body.
    pub replay_dir: Option<PathBuf>,
    /// Replays cassettes with their recorded gaps instead of at once.
    pub replay_at_recorded_speed: bool,
    /// Limits on chat requests per API key.
    pub rate_limit: Option<RateLimit>,
    /// Which contract to follow where the seed, DashScope and OpenAI disagree.
    pub profile: Profile,
    /// The region whose deployment scopes' models are served; `None` serves every scope.
    pub region: Option<Region>,
    /// Awaited before each streamed event is produced.
    pub(crate) before_chunk: Option<ChunkHook>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: DEFAULT_ADDR,
            api_keys: Vec::new(),
            fixtures_dir: None,
            seed: 0,
            created: None,
            body_limit: DEFAULT_BODY_LIMIT,
            journal_limit: DEFAULT_JOURNAL_LIMIT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            shutdown_grace: Duration::from_secs(5),
            strict: false,
            pacing: None,
            rate_limit: None,
            record_to: None,
            upstream: None,
            replay_dir: None,
            replay_at_recorded_speed: false,
            quirks: Quirks::default(),
            profile: Profile::default(),
            region: None,
            before_chunk: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("api_keys", &self.api_keys.len())
            .field("fixtures_dir", &self.fixtures_dir)
            .field("seed", &self.seed)
            .field("created", &self.created)
            .field("body_limit", &self.body_limit)
            .field("journal_limit", &self.journal_limit)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("strict", &self.strict)
            .field("pacing", &self.pacing)
            .field("rate_limit", &self.rate_limit)
            .field("quirks", &self.quirks)
            .field("record_to", &self.record_to)
            .field("upstream", &self.upstream)
            .field("replay_dir", &self.replay_dir)
            .field("replay_at_recorded_speed", &self.replay_at_recorded_speed)
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("before_chunk", &self.before_chunk.is_some())
            .finish()
    }
}
