//! `palermo validate SCENARIO --targets FILE`: run a scenario's replicates and hold each
//! target of the file to its real-world figure; prints one row per target (and with `--out`
//! writes `validation.csv`, `validation.md` and `manifest.json`). Exit status 0 when every
//! target passes, 1 when one fails (so that CI can hold a world to its targets), 2 for bad
//! input. Every input is checked (scenario, overrides, targets against the scenario, the
//! output directory, the memory the runs need) before anything runs; the work is
//! [`crate::validation`]'s.

use std::io;
use std::path::PathBuf;

use clap::Args;

use super::common::{SettingsArgs, ThreadsArg, load_all, manifest_json, print_text, progress_bar};
use super::error::CliError;
use super::memory;
use crate::budget::{Demand, RunSize};
use crate::output;
use crate::output::manifest::now_rfc3339;
use crate::validation::{self, Targets, Validation, report};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The scenario file (TOML) to validate.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The targets file (TOML; docs/VALIDATION.md describes it).
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Also write validation.csv, validation.md and manifest.json into DIR; created if
    /// absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace those files in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// Print the table as Markdown (as docs/VALIDATION.md holds it).
    #[arg(long)]
    pub markdown: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo validate`.
pub fn execute(args: &ValidateArgs) -> Result<(), CliError> {
    let started = now_rfc3339();
    let overrides = args.settings.overrides()?;
    let (scenarios, mut errors) = load_all(std::slice::from_ref(&args.scenario), &overrides);
    let targets = Targets::load(&args.targets).map_err(|e| errors.push(e.to_string()));
    let (Some(scenario), Ok(targets)) = (scenarios.first(), targets) else {
        return Err(CliError::BadInput(errors));
    };
    let resolved = targets
        .resolve(scenario)
        .map_err(|e| CliError::BadInput(vec![e.to_string()]))?;
    // Refuse an unusable --out before running anything; it is checked again when writing.
    if let Some(dir) = &args.out {
        output::check_target(dir, args.force)?;
    }

    // Like `compare`, it keeps a few numbers of each run, not its weeks.
    let size = RunSize::of(scenario);
    let threads = memory::check(size, &Demand::of_outcomes(size), args.threads.count)?;
    let bar = progress_bar(u64::from(scenario.run.replicates), args.quiet);
    let done = validation::validate(scenario, &targets, &resolved, threads, &|| bar.inc(1))?;
    bar.finish_and_clear();

    let markdown = done.markdown();
    if let Some(dir) = &args.out {
        let json = manifest_json(&scenarios, done.threads, started)?;
        report::write(dir, args.force, &done.rows, &markdown, &json)?;
    }
    let table = if args.markdown {
        markdown
    } else {
        format!(
            "{}\n{}\n",
            report::text(&done.rows),
            report::verdict_line(&done.rows, done.replicates)
        )
    };
    print_text(&mut io::stdout().lock(), &table)?;
    verdict(&done)
}

/// Exit status 0 when every target passes, else 1 with the targets that fail.
pub fn verdict(done: &Validation) -> Result<(), CliError> {
    if done.passed() {
        Ok(())
    } else {
        let failed = done.failed();
        Err(CliError::TargetsMissed(format!(
            "{} of {} targets fail: {}",
            failed.len(),
            done.rows.len(),
            failed.join(", ")
        )))
    }
}
