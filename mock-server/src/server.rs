//! Running a server: [`Server`] binds and serves until told to stop (the binary's way);
//! [`MockServer`] runs one in the background of a test, on an ephemeral port, until dropped.

use std::fmt;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::fixtures::Fixtures;
use crate::journal::ReceivedRequest;
use crate::pacing::Pacing;
use crate::quirks::Quirks;
use crate::ratelimit::RateLimit;
use crate::record::Cassettes;
use crate::router::{self, State};
use crate::scenario::Scenarios;
use crate::stream::ChunkPoint;
use crate::verify::Expectation;

/// The path prefix of DashScope's compatible mode.
const COMPATIBLE_MODE: &str = "/compatible-mode/v1";

/// A server that could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    kind: StartErrorKind,
    message: String,
}

/// Why a server could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartErrorKind {
    /// The address could not be bound.
    Bind,
    /// A fixtures directory or file could not be read or parsed.
    Fixtures,
}

impl StartError {
    /// Why the server could not start.
    pub fn kind(&self) -> StartErrorKind {
        self.kind
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StartError {}

/// A bound server, ready to serve.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut config = chatwire_mock::Config::default();
/// config.addr = "127.0.0.1:0".parse().unwrap();
/// let server = chatwire_mock::Server::bind(config).await.unwrap();
/// assert_ne!(server.local_addr().port(), 0);
/// // `server.run(shutdown_signal).await` serves until the signal completes.
/// server.run(async {}).await;
/// # }
/// ```
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
    /// Connections accepted and not yet closed.
    active: Arc<AtomicUsize>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.listener.local_addr().ok())
            .field("config", &self.state.config)
            .finish()
    }
}

impl Server {
    /// Loads the fixtures and binds `config.addr`.
    ///
    /// # Errors
    ///
    /// [`StartErrorKind::Fixtures`] for an unreadable fixtures directory or file,
    /// [`StartErrorKind::Bind`] when the address cannot be bound.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        let fixtures = match &config.fixtures_dir {
            Some(dir) => Fixtures::with_dir(dir).map_err(|e| StartError {
                kind: StartErrorKind::Fixtures,
                message: e.to_string(),
            })?,
            None => Fixtures::builtin(),
        };
        let scenarios = match &config.fixtures_dir {
            Some(dir) => Scenarios::with_dir(dir).map_err(|e| StartError {
                kind: StartErrorKind::Fixtures,
                message: e.to_string(),
            })?,
            None => Scenarios::builtin(),
        };
        let cassettes = match &config.replay_dir {
            Some(dir) => Some(Cassettes::load(dir).map_err(|message| StartError {
                kind: StartErrorKind::Fixtures,
                message,
            })?),
            None => None,
        };
        if let Some(dir) = &config.record_to {
            std::fs::create_dir_all(dir).map_err(|e| StartError {
                kind: StartErrorKind::Fixtures,
                message: format!("cannot make the cassette directory {}: {e}", dir.display()),
            })?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| StartError {
                kind: StartErrorKind::Bind,
                message: format!("cannot listen on {}: {e}", config.addr),
            })?;
        Ok(Server {
            listener,
            state: Arc::new(State::new(config, fixtures, scenarios, cassettes)),
            active: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        // Invariant: a bound listener has a local address; fall back to the configured one.
        self.listener.local_addr().unwrap_or(self.state.config.addr)
    }

    /// Serves until `shutdown` completes, then stops accepting, lets open responses finish
    /// for at most the configured grace period, and returns.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Server {
            listener,
            state,
            active,
        } = self;
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        // A stream is written one small frame per event: without this, Nagle's
                        // algorithm holds each frame back until the client's delayed ACK
                        // (about 40 ms per response on Linux). A socket that refuses the option
                        // is still served.
                        let _ = stream.set_nodelay(true);
                        let timeout = state.config.header_read_timeout;
                        let state = Arc::clone(&state);
                        let service = service_fn(move |req| router::handle(Arc::clone(&state), req));
                        let conn = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .header_read_timeout(timeout)
                            .serve_connection(TokioIo::new(stream), service);
                        let conn = graceful.watch(conn);
                        let open = Open::new(&active);
                        tokio::spawn(async move {
                            let _open = open;
                            if let Err(e) = conn.await {
                                tracing::debug!(%peer, error = %e, "connection closed with an error");
                            }
                        });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off briefly, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        drop(listener);
        let grace = state.config.shutdown_grace;
        if tokio::time::timeout(grace, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("shutdown grace period over; closing open connections");
        }
    }
}

/// One accepted connection, counted in the server's active connections until dropped (when
/// the connection's task ends, however it ends).
struct Open(Arc<AtomicUsize>);

impl Open {
    fn new(active: &Arc<AtomicUsize>) -> Self {
        active.fetch_add(1, Ordering::Relaxed);
        Open(Arc::clone(active))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A mock server running in the background on `127.0.0.1`, for tests; it stops when dropped.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = chatwire_mock::MockServer::start().await;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert!(server.base_url().ends_with("/compatible-mode/v1"));
/// assert_eq!(server.openai_base_url(), format!("{}/v1", server.uri()));
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    expectations: Mutex<Vec<Expectation>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    active: Arc<AtomicUsize>,
}

impl MockServer {
    /// Starts a server with the built-in defaults on an ephemeral port of `127.0.0.1`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, which leaves a test nothing to run against.
    pub async fn start() -> MockServer {
        match MockServer::builder().start().await {
            Ok(server) => server,
            Err(e) => panic!("chatwire-mock could not start: {e}"),
        }
    }

    /// A builder to configure a server before starting it.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            config: Config {
                addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                ..Config::default()
            },
        }
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The number of client connections open right now: accepted and not yet closed (a
    /// connection counts until its task has ended). Tests use it to check that clients which
    /// vanish leave nothing behind.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = chatwire_mock::MockServer::start().await;
    /// assert_eq!(server.active_connections(), 0);
    /// # }
    /// ```
    pub fn active_connections(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// `http://127.0.0.1:PORT`, without a path.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to give an OpenAI-compatible client, DashScope's:
    /// `http://127.0.0.1:PORT/compatible-mode/v1`.
    pub fn base_url(&self) -> String {
        format!("{}{COMPATIBLE_MODE}", self.uri())
    }

    /// The OpenAI-style base URL: `http://127.0.0.1:PORT/v1`.
    pub fn openai_base_url(&self) -> String {
        format!("{}/v1", self.uri())
    }

    /// The most recent `journal_limit` (default 10,000) requests received since start or the
    /// last [`reset_requests`](MockServer::reset_requests) (admin requests aside), oldest
    /// first. Older ones are dropped from the journal;
    /// [`received_count`](MockServer::received_count) still counts them.
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.state.journal.list()
    }

    /// How many requests were received since start or the last
    /// [`reset_requests`](MockServer::reset_requests) (admin requests aside), including those
    /// the journal no longer keeps: at least `received_requests().len()`, and more by the
    /// number dropped once the journal has held `journal_limit` requests.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = chatwire_mock::MockServer::start().await;
    /// assert_eq!(server.received_count(), 0);
    /// assert!(server.received_requests().is_empty());
    /// # }
    /// ```
    pub fn received_count(&self) -> u64 {
        self.state.journal.total()
    }

    /// Forgets the requests received so far, and their count.
    pub fn reset_requests(&self) {
        self.state.journal.clear();
    }

    /// Adds an expectation, checked when the server is dropped: an unmet one panics the test
    /// (unless it is already panicking).
    pub fn expect(&self, expectation: Expectation) {
        self.expectations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(expectation);
    }

    /// Checks every expectation now.
    ///
    /// # Errors
    ///
    /// A message naming each unmet expectation, or saying that the journal dropped requests
    /// since the last [`reset_requests`](MockServer::reset_requests), which leaves the
    /// expectations uncheckable (raise [`MockServerBuilder::journal_limit`]).
    pub fn verify(&self) -> Result<(), String> {
        let expectations = self.expectations.lock().unwrap_or_else(|e| e.into_inner());
        if expectations.is_empty() {
            return Ok(());
        }
        let (received, total) = self.state.journal.snapshot();
        let kept = received.len() as u64;
        if total > kept {
            return Err(format!(
                "the journal kept only the last {kept} of {total} requests (journal_limit {limit}); \
                 expectations cannot be checked: raise journal_limit",
                limit = self.state.journal.limit()
            ));
        }
        let failures: Vec<String> = expectations
            .iter()
            .filter_map(|e| e.check(&received).err())
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }

    /// Stops accepting connections and waits for open responses to finish (at most the
    /// configured grace period).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // The server task may already be gone; nothing to stop then.
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // A panic inside the server task has already been reported by tokio.
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server task may already be gone; nothing to stop then.
            let _ = stop.send(());
        }
        if !std::thread::panicking() {
            let unmet = self.verify();
            // Taken so that a second drop path (shutdown, then drop) does not check twice.
            self.expectations
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            if let Err(message) = unmet {
                panic!("chatwire-mock: unmet expectations: {message}");
            }
        }
    }
}

/// Configures a [`MockServer`].
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = chatwire_mock::MockServer::builder()
///     .api_key("sk-test")
///     .seed(42)
///     .created(1_715_252_778)
///     .body_limit(64 * 1024)
///     .journal_limit(100)
///     .start()
///     .await
///     .unwrap();
/// assert_ne!(server.address().port(), 0);
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct MockServerBuilder {
    config: Config,
}

impl MockServerBuilder {
    /// Starts from a whole configuration (its address included).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Listens on `addr` instead of an ephemeral loopback port.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.config.addr = addr;
        self
    }

    /// Accepts this API key (repeatable); without any, every non-empty Bearer token is
    /// accepted.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_keys.push(key.into());
        self
    }

    /// Seeds ids, timestamps and generated text for requests that carry no `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Pins `created` of every response.
    pub fn created(mut self, created: u64) -> Self {
        self.config.created = Some(created);
        self
    }

    /// Sets the request body limit in bytes (413 above it).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// Sets how many of the most recent requests the journal keeps (default
    /// [`DEFAULT_JOURNAL_LIMIT`](crate::DEFAULT_JOURNAL_LIMIT)); 0 keeps none, though
    /// [`MockServer::received_count`] still counts them.
    pub fn journal_limit(mut self, entries: usize) -> Self {
        self.config.journal_limit = entries;
        self
    }

    /// Sets how long a client may take to send a request's headers.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_read_timeout = timeout;
        self
    }

    /// Follows `profile` where the seed, DashScope and OpenAI disagree (default:
    /// [`Profile::DashScope`](crate::Profile::DashScope)).
    pub fn profile(mut self, profile: crate::Profile) -> Self {
        self.config.profile = profile;
        self
    }

    /// Serves the models of `region`'s deployment scopes only (default: every scope).
    pub fn region(mut self, region: crate::Region) -> Self {
        self.config.region = Some(region);
        self
    }

    /// Adds the replay fixtures of `dir` (see the crate docs).
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.fixtures_dir = Some(dir.into());
        self
    }

    /// Awaits `hook` before each event of every stream is produced: the stream's next event
    /// is serialized and sent only when the hook's future completes. Tests use it to hold a
    /// stream at a known point.
    pub fn before_chunk<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(ChunkPoint) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.config.before_chunk = Some(Arc::new(move |point| Box::pin(hook(point))));
        self
    }

    /// With no scenario matching a request, answers a 404 envelope saying why instead of the
    /// built-in reply.
    pub fn strict(mut self) -> Self {
        self.config.strict = true;
        self
    }

    /// Paces every stream that neither its scenario nor its request paces.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.config.pacing = Some(pacing);
        self
    }

    /// Limits chat requests per API key (429 `limit_requests` with `Retry-After` above).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.config.rate_limit = Some(limit);
        self
    }

    /// Proxies chat requests to `upstream` (a plain-`http` base URL such as
    /// `http://127.0.0.1:8080/compatible-mode/v1`) and records a cassette of each in `dir`.
    pub fn record_to(mut self, dir: impl Into<PathBuf>, upstream: impl Into<String>) -> Self {
        self.config.record_to = Some(dir.into());
        self.config.upstream = Some(upstream.into());
        self
    }

    /// Serves the cassettes of `dir` byte-exact to requests with the same body; `recorded_speed`
    /// keeps the recorded gaps between pieces.
    pub fn replay_from(mut self, dir: impl Into<PathBuf>, recorded_speed: bool) -> Self {
        self.config.replay_dir = Some(dir.into());
        self.config.replay_at_recorded_speed = recorded_speed;
        self
    }

    /// Sets the quirk switches.
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.config.quirks = quirks;
        self
    }

    /// Binds and starts serving in the background.
    ///
    /// # Errors
    ///
    /// See [`Server::bind`].
    pub async fn start(self) -> Result<MockServer, StartError> {
        let server = Server::bind(self.config).await?;
        let addr = server.local_addr();
        let state = Arc::clone(&server.state);
        let active = Arc::clone(&server.active);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            // A dropped sender also means stop.
            let _ = stopped.await;
        }));
        Ok(MockServer {
            addr,
            state,
            expectations: Mutex::new(Vec::new()),
            stop: Some(stop),
            task: Some(task),
            active,
        })
    }
}
