//! `palermo serve`'s server: the classroom page and its JSON API, on loopback by default.
//!
//! The page (`assets.rs`, embedded at build time) shows two worlds A and B built from one
//! scenario and differing only in `--set` overrides; the API (`api.rs`) lists the scenarios
//! and lessons this server offers (`catalog.rs`) and describes one with its controls
//! (`describe.rs`), sharing the state of `shared.rs`; `POST /api/run` (`events.rs`) checks a request (`request.rs`), then runs
//! both sides replicate by replicate with common random numbers on a blocking thread and the
//! shared worker pool (`worlds.rs`), streaming each week as a server-sent event. The runs at
//! once are capped, as is the work one request may ask for. Connections, heads, bodies and
//! the time to an answer are bounded (`listen.rs`, `guard.rs`), so no client can exhaust the
//! server. The server prints nothing: it hands one line per request to the `log` the command
//! line gives it.

mod api;
mod assets;
pub mod catalog;
pub mod describe;
mod events;
mod guard;
mod listen;
pub mod request;
mod shared;
pub mod worlds;

pub use shared::{Log, MAX_RUNS_AT_ONCE};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tokio::sync::Semaphore;

use catalog::Catalog;
use shared::Shared;

/// What a server is started with.
#[derive(Clone, Debug)]
pub struct Options {
    pub host: String,
    pub port: u16,
    /// The folder of shipped scenarios (`scenarios/`).
    pub scenarios: PathBuf,
    /// The scenario named on the command line, offered first.
    pub scenario: Option<PathBuf>,
}

/// A bound server, not yet serving.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    address: SocketAddr,
    shared: Arc<Shared>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("cannot start the server: {0}")]
    Start(String),
}

/// Binds the listening socket (port 0: a free one) and prepares the runtime and the pool.
pub fn bind(options: &Options, log: Log) -> Result<Server, ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let at = format!("{}:{}", options.host, options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(&at))
        .map_err(|e| ServeError::Bind(at.clone(), e))?;
    let address = listener.local_addr().map_err(|e| ServeError::Bind(at, e))?;
    let pool = crate::sweep::exec::pool(None).map_err(ServeError::Start)?;
    let shared = Arc::new(Shared {
        catalog: Catalog::new(&options.scenarios, options.scenario.as_deref()),
        runs: Arc::new(Semaphore::new(MAX_RUNS_AT_ONCE)),
        pool: Arc::new(pool),
        log,
    });
    Ok(Server {
        runtime,
        listener,
        address,
        shared,
    })
}

impl Server {
    /// The address it listens on (with the port chosen when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The page's address, `http://HOST:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Serves until the process ends.
    pub fn run(self) -> Result<(), ServeError> {
        let app = router(self.shared);
        self.runtime.block_on(listen::serve(self.listener, app));
        Ok(())
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/api/scenarios", get(api::scenarios))
        .route("/api/scenario", get(api::scenario))
        .route("/api/lessons", get(api::lessons))
        .route("/api/check", post(api::check))
        .route("/api/run", post(events::run))
        .fallback(get(assets::asset).fallback(api::not_found));
    guard::bounded(routes)
        .layer(middleware::from_fn_with_state(shared.clone(), log_request))
        .with_state(shared)
}

/// The characters of a request's path a log line keeps.
const LOGGED_PATH_CHARS: usize = 200;

/// One line per request: method, path, status, milliseconds to the response's head.
async fn log_request(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // A hostile path may be kilobytes long: the log keeps its start.
    let path: String = request
        .uri()
        .path()
        .chars()
        .take(LOGGED_PATH_CHARS)
        .collect();
    let response = next.run(request).await;
    (shared.log)(format!(
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    ));
    response
}
