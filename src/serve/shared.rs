//! What every handler of the server shares, below the router (`mod.rs`) and the handlers
//! (`api.rs`, `events.rs`) so that imports go one way: the catalog, the run permits, the
//! worker pool and the log.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::catalog::Catalog;

/// Runs the server allows at once; a request beyond them is refused (429), not queued.
pub const MAX_RUNS_AT_ONCE: usize = 4;

/// Where one line per request goes (the command line prints it on stderr).
pub type Log = Arc<dyn Fn(String) + Send + Sync>;

/// The state of a server, shared by every request.
pub struct Shared {
    pub catalog: Catalog,
    pub runs: Arc<Semaphore>,
    pub pool: Arc<rayon::ThreadPool>,
    pub log: Log,
}
