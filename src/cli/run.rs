//! `palermo run`: run scenarios and write `timeseries.csv`, `summary.csv` and
//! `manifest.json`. Every input is validated (files, overrides, names, the output directory)
//! before anything is created, and so is the memory the runs will need (`memory.rs`); the
//! runs themselves are [`crate::batch`]'s, streamed into the files in job order so that the
//! output bytes never depend on the thread count and memory not on the number of runs.
//! `--dry-run` prints what the runs would cost instead (`run_cost.rs`).

use std::path::PathBuf;

use clap::Args;

use super::common::{
    SettingsArgs, ThreadsArg, command_line, duplicate_names, load_all, progress_bar,
};
use super::error::CliError;
use super::memory;
use super::run_cost;
use crate::batch::{Destination, write_batch};
use crate::budget::BatchCost;
use crate::output::{self, manifest::now_rfc3339};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML); their file stems name them and must differ.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output directory; created if absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Replace timeseries.csv, summary.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// Check the scenarios and print what the runs would cost (runs, approximate time,
    /// memory, output size), then stop: nothing is run or written.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write report.html, the charts and tables of the results (palermo report DIR).
    #[arg(long)]
    pub report: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo run`.
pub fn execute(args: &RunArgs) -> Result<(), CliError> {
    let started = now_rfc3339();
    let overrides = args.settings.overrides()?;
    let (scenarios, mut errors) = load_all(&args.scenarios, &overrides);
    errors.extend(duplicate_names(&scenarios));
    if !errors.is_empty() {
        return Err(CliError::BadInput(errors));
    }
    let cost = BatchCost::of(&scenarios);
    if args.dry_run {
        return run_cost::print(&cost, args.threads.count);
    }
    // Refuse a non-empty or unwritable directory now rather than after hours of runs; it is
    // checked again when the files are staged.
    output::check_target(&args.out, args.force)?;
    let threads = memory::check(cost.largest, &cost.demand(), args.threads.count)?;

    let progress = progress_bar(cost.runs, args.quiet);
    let to = Destination {
        dir: &args.out,
        force: args.force,
        command_line: command_line(),
        started,
    };
    let written = write_batch(&scenarios, threads, &to, &|| progress.inc(1))?;
    progress.finish_and_clear();
    if !args.quiet {
        eprintln!("wrote {} runs to {}", written.runs, args.out.display());
    }
    if args.report {
        super::report::write_beside(&args.out, args.force, args.quiet)?;
    }
    Ok(())
}
