//! Output: what a `palermo run` leaves on disk, and nothing else. The model never writes;
//! it hands back [`RunResult`]s and this module turns them into `timeseries.csv`,
//! `summary.csv`, `routes.csv` and `manifest.json` (columns documented in `docs/OUTPUTS.md`).
//!
//! - [`csv_rows`]: the CSV rows as `Serialize` structs, so the columns come from the counters'
//!   own field names and are never listed twice;
//! - `number_cells.rs`: the numbers of a CSV row appended as the `csv` crate writes them,
//!   without its per-field cost (most of `timeseries.csv`);
//! - [`manifest`]: what was run, from which text, when and how (the only clock reader);
//! - [`atomic`]: the output directory rule (no clobbering without `--force`) and files that
//!   appear complete or not at all;
//! - [`params_table`]: the parameter table as text and Markdown (`palermo params`, ODD);
//! - [`RunFiles`] (`run_files.rs`): a run's three CSV files written while the runs finish;
//! - [`sweep_csv`]: the columns and cells of a sweep's files and of `compare.csv` (the sweep
//!   module decides their order and streams them);
//! - [`temporaries`]: every temporary file staged and not yet placed, so that a signal can
//!   remove them all before the process ends;
//! - `error.rs`: [`OutputError`], below every other part.
//!
//! The parts never import this file: it declares them, re-exports what callers use and
//! writes a run's four files.

pub mod atomic;
pub mod csv_rows;
mod error;
pub mod manifest;
mod number_cells;
pub mod params_table;
mod run_files;
pub mod sweep_csv;
pub mod temporaries;

use std::path::Path;

pub use atomic::{OutputDir, check_target};
pub use csv_rows::FinishedRun;
pub use error::OutputError;
pub use manifest::{Invocation, Manifest};
pub use params_table::{params_markdown, params_text};
pub use run_files::{
    FILES, MANIFEST_FILE, ROUTES_FILE, RunFiles, SUMMARY_FILE, TIMESERIES_FILE, csv_files,
};

use crate::metrics::RunResult;
use crate::scenario::Scenario;

/// Turns one finished run into what the writer keeps of it (its timeseries rows already
/// formatted, so that formatting happens in parallel and the weekly counters can be dropped).
pub fn finish_run(
    scenario: &Scenario,
    scenario_index: usize,
    run: usize,
    result: &RunResult,
) -> Result<FinishedRun, OutputError> {
    Ok(FinishedRun {
        scenario: scenario_index,
        replicate: result.replicate,
        seed: result.seed,
        summary: result.summary,
        timeseries: csv_rows::timeseries_rows(scenario, run, result)?,
        routes: csv_rows::routes_rows(scenario, run, result)?,
    })
}

/// Writes the four files of an invocation into `dir`: created if absent, refused if it holds
/// files and `force` is false. `runs` are in run order (run index = position). Each file is
/// written aside and renamed into place, so that every file is complete or absent. (`palermo
/// run` streams its runs into a [`RunFiles`] instead, as they finish.)
pub fn write_results(
    dir: &Path,
    force: bool,
    scenarios: &[Scenario],
    runs: &[FinishedRun],
    manifest: &Manifest,
) -> Result<(), OutputError> {
    let mut files = RunFiles::create(dir, force, scenarios)?;
    for run in runs {
        if let Err(e) = files.add(run) {
            files.abandon();
            return Err(e);
        }
    }
    files.finish(manifest)
}
