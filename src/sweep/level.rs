//! `Level`: how much per-week data a sweep keeps (`--timeseries`, `--aggregate`). The run
//! records, the work area's state and the assembler all depend on it, so it sits below them.

/// How much per-week data a sweep keeps: for `timeseries.csv` (per run) and `aggregate.csv`
/// (per point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No weekly rows.
    None,
    /// The world rows only (`country = ALL`).
    World,
    /// Every country, then the world.
    Countries,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::World => "world",
            Level::Countries => "countries",
        }
    }
}
