//! `palermo run`: run scenarios and write `timeseries.csv`, `summary.csv` and
//! `manifest.json`. Every input is validated (files, overrides, names, the output directory)
//! before anything is created; the runs themselves are [`crate::batch`]'s, collected in job
//! order so that the output bytes never depend on the thread count; the files are written
//! last, by [`crate::output`].

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use super::common::{
    SettingsArgs, command_line, duplicate_names, load_all, parse_threads, progress_bar,
};
use super::error::CliError;
use crate::batch::run_batch;
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
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
    /// Replace timeseries.csv, summary.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
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
    // Refuse a non-empty or unwritable directory now rather than after hours of runs; it is
    // checked again just before writing.
    output::check_target(&args.out, args.force)?;

    let jobs: u64 = scenarios.iter().map(|s| u64::from(s.run.replicates)).sum();
    let progress = progress_bar(jobs, args.quiet);
    let batch = run_batch(&scenarios, args.threads, &|| progress.inc(1))?;
    progress.finish_and_clear();

    let manifest = batch.manifest(&scenarios, command_line(), started);
    output::write_results(&args.out, args.force, &scenarios, &batch.runs, &manifest)?;
    if !args.quiet {
        eprintln!("wrote {} runs to {}", batch.runs.len(), args.out.display());
    }
    if args.report {
        super::report::write_beside(&args.out, args.force, args.quiet)?;
    }
    Ok(())
}
