//! Metrics (MODEL.md §2 step 12 and §3): the week's counters per country, and per-run totals
//! and rates. Mechanisms only add to counters; `output/` decides how they are written.
//!
//! - `counters.rs`: [`WeekCounters`], the columns of `timeseries.csv`, and [`world_total`];
//! - [`summary`]: [`RunSummary`], per-run totals and rates computed from the counters;
//! - [`stats`]: statistics across replicates (mean, sd, confidence interval);
//! - [`routes`]: [`RouteFlows`], the persons recruited per route in a run (`routes.csv`).
//!
//! This file holds [`RunResult`], which gathers the counters and the summary of one run;
//! the parts never import it.

mod counters;
pub mod routes;
pub mod stats;
pub mod summary;

pub use counters::{WeekCounters, world_total};
pub use routes::{RouteFlow, RouteFlows};
pub use summary::RunSummary;

/// Everything one run produces: `weeks[w][c]` is country `c` in week `w`; the world row is
/// not stored (it is the sum, see [`RunResult::world_week`]).
#[derive(Clone, Debug)]
pub struct RunResult {
    pub seed: u64,
    pub replicate: u32,
    pub weeks: Vec<Vec<WeekCounters>>,
    pub summary: RunSummary,
    /// Persons recruited per route over the recorded weeks (empty where a run is read back
    /// from a sweep's records, which do not keep them).
    pub routes: RouteFlows,
}

impl RunResult {
    pub fn world_week(&self, week: usize) -> WeekCounters {
        world_total(&self.weeks[week])
    }
}
