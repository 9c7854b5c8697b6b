//! Output: what a `palermo run` leaves on disk, and nothing else. The model never writes;
//! it hands back [`RunResult`]s and this module turns them into `timeseries.csv`,
//! `summary.csv` and `manifest.json` (columns documented in `docs/OUTPUTS.md`).
//!
//! - [`csv_rows`]: the CSV rows as `Serialize` structs, so the columns come from the counters'
//!   own field names and are never listed twice;
//! - [`manifest`]: what was run, from which text, when and how (the only clock reader);
//! - [`atomic`]: the output directory rule (no clobbering without `--force`) and files that
//!   appear complete or not at all;
//! - [`params_table`]: the parameter table as text and Markdown (`palermo params`, ODD);
//! - [`sweep_csv`]: the columns and cells of a sweep's files and of `compare.csv` (the sweep
//!   module decides their order and streams them);
//! - `error.rs`: [`OutputError`], below every other part.
//!
//! The parts never import this file: it declares them, re-exports what callers use and
//! writes a run's three files.

pub mod atomic;
pub mod csv_rows;
mod error;
pub mod manifest;
pub mod params_table;
pub mod sweep_csv;

use std::io::{self, Write};
use std::path::Path;

pub use atomic::{OutputDir, check_target};
pub use csv_rows::FinishedRun;
pub use error::OutputError;
pub use manifest::{Invocation, Manifest};
pub use params_table::{params_markdown, params_text};

use crate::metrics::RunResult;
use crate::scenario::Scenario;

/// The file of weekly rows.
pub const TIMESERIES_FILE: &str = "timeseries.csv";
/// The file of one row per run.
pub const SUMMARY_FILE: &str = "summary.csv";
/// The file describing the invocation.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The three files a run writes, in the order they are put in place.
pub const FILES: [&str; 3] = [TIMESERIES_FILE, SUMMARY_FILE, MANIFEST_FILE];

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
    })
}

/// Writes the three files of an invocation into `dir`: created if absent, refused if it holds
/// files and `force` is false. `runs` are in run order (run index = position). Each file is
/// written aside and renamed into place, so that every file is complete or absent.
pub fn write_results(
    dir: &Path,
    force: bool,
    scenarios: &[Scenario],
    runs: &[FinishedRun],
    manifest: &Manifest,
) -> Result<(), OutputError> {
    let out = OutputDir::prepare(dir, force)?;
    let staged = (|| {
        let mut timeseries = out.stage(TIMESERIES_FILE)?;
        write_timeseries(timeseries.writer(), runs).map_err(OutputError::io(timeseries.path()))?;
        let timeseries = timeseries.finish()?;

        let mut summary = out.stage(SUMMARY_FILE)?;
        csv_rows::write_summary(summary.writer(), scenarios, runs)?;
        let summary = summary.finish()?;

        let mut json = out.stage(MANIFEST_FILE)?;
        serde_json::to_writer_pretty(&mut *json.writer(), manifest)?;
        json.writer()
            .write_all(b"\n")
            .map_err(OutputError::io(json.path()))?;
        let json = json.finish()?;
        Ok(vec![timeseries, summary, json])
    })();
    match staged {
        Ok(files) => out.commit(files),
        Err(e) => {
            out.abandon();
            Err(e)
        }
    }
}

fn write_timeseries(w: &mut impl Write, runs: &[FinishedRun]) -> io::Result<()> {
    w.write_all(&csv_rows::timeseries_header().map_err(io::Error::other)?)?;
    for run in runs {
        w.write_all(&run.timeseries)?;
    }
    Ok(())
}
