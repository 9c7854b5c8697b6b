//! Validation: a scenario held to the real-world figures it should reproduce (`palermo
//! validate`, `docs/VALIDATION.md`). The library side, which prints nothing:
//!
//! - [`targets`]: the targets file, parsed with located errors, and checked against a
//!   scenario ([`Targets::resolve`]);
//! - [`statistic`]: a target's statistic in one run, over its countries and weeks;
//! - [`report`]: one [`Row`] per target (mean, 95 % CI, share inside, pass or fail under
//!   the stated rule) and the table as text, Markdown and `validation.csv`.
//!
//! This file runs the replicates through [`crate::batch::map_runs`] (in parallel, kept in
//! replicate order, so the table is the same bytes whatever the thread count) and keeps only
//! each run's statistics.

mod parse;
pub mod report;
pub mod statistic;
pub mod targets;

#[cfg(test)]
mod tests;

use std::num::NonZeroUsize;

pub use parse::TARGETS_SCHEMA;
pub use report::Row;
pub use targets::{Expected, Resolved, Role, Statistic, Target, Targets};

use crate::batch::map_runs;
use crate::metrics::RunResult;
use crate::scenario::Scenario;
use crate::sweep::SweepError;

/// A finished validation: one row per target, in the file's order.
#[derive(Clone, Debug)]
pub struct Validation {
    pub rows: Vec<Row>,
    pub replicates: u32,
    /// The threads the runs used (for the manifest).
    pub threads: usize,
}

impl Validation {
    /// Whether every target passes.
    pub fn passed(&self) -> bool {
        self.rows.iter().all(|r| r.pass)
    }

    /// The names of the targets that fail.
    pub fn failed(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| !r.pass)
            .map(|r| r.target.name.as_str())
            .collect()
    }

    /// The Markdown table and the verdict line under it (what `docs/VALIDATION.md` holds).
    pub fn markdown(&self) -> String {
        format!(
            "{}\n{}.\n",
            report::markdown(&self.rows),
            report::verdict_line(&self.rows, self.replicates)
        )
    }
}

/// Runs replicates `0..run.replicates` of `scenario` on `threads` threads (all cores if
/// `None`) and holds each target to its figure; `resolved` is [`Targets::resolve`]'s answer
/// for this scenario. `progress` is called after each run.
pub fn validate(
    scenario: &Scenario,
    targets: &Targets,
    resolved: &[Resolved],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Validation, SweepError> {
    let scenarios = std::slice::from_ref(scenario);
    let (per_run, threads) = map_runs(scenarios, threads, progress, &|_, _, _, run| {
        Ok(statistics(&targets.targets, resolved, scenario, run))
    })?;
    let rows = targets
        .targets
        .iter()
        .enumerate()
        .map(|(k, t)| Row::new(t.clone(), per_run.iter().map(|v| v[k]).collect()))
        .collect();
    Ok(Validation {
        rows,
        replicates: scenario.run.replicates,
        threads,
    })
}

/// Each target's statistic in one run of `scenario`, scaled as the target says (`None` where
/// undefined); `resolved` is [`Targets::resolve`]'s answer for these targets.
pub fn statistics(
    targets: &[Target],
    resolved: &[Resolved],
    scenario: &Scenario,
    run: &RunResult,
) -> Vec<Option<f64>> {
    targets
        .iter()
        .zip(resolved)
        .map(|(t, at)| statistic::value(&t.statistic, at, scenario, run).map(|x| x * t.scale))
        .collect()
}
