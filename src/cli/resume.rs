//! `palermo resume DIR`: the sweep (or shard) recorded in DIR's work area, continued with the
//! scenario file, overrides, levels and shard it was started with, and run like
//! `palermo sweep` ([`super::sweep::run_sweep`]).

use std::path::PathBuf;

use clap::Args;

use super::common::{ThreadsArg, command_line};
use super::error::CliError;
use super::sweep::run_sweep;
use crate::sweep;
use crate::sweep::shard::ShardFile;
use crate::sweep::workdir::{State, WORK_DIR, WorkArea};

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The --out directory of the interrupted sweep or shard.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Keep the run records (DIR/.runs/) after the results are written.
    #[arg(long)]
    pub keep_runs: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo resume`.
pub fn execute(args: &ResumeArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !WorkArea::exists_in(dir) {
        let shard = ShardFile::path_in(dir).is_file();
        return Err(CliError::BadInput(vec![if shard {
            format!(
                "{} is a finished shard: merge it with `palermo merge`",
                dir.display()
            )
        } else {
            format!(
                "{} holds no sweep to resume (no {}/ work area: the sweep finished, or never started there)",
                dir.display(),
                WORK_DIR
            )
        }]));
    }
    let state = State::read(dir)?;
    // The path as given, from here; else the absolute path recorded when it started, so
    // that a resume works from any directory.
    let text = std::fs::read_to_string(&state.scenario)
        .or_else(|e| match &state.scenario_absolute {
            Some(absolute) => std::fs::read_to_string(absolute),
            None => Err(e),
        })
        .map_err(|e| {
            CliError::BadInput(vec![format!(
                "the sweep in {} was started from {}{}, which cannot be read ({e}): restore the file, or run `palermo sweep SCENARIO --resume` with the command it was started with",
                dir.display(),
                state.scenario,
                state
                    .scenario_absolute
                    .as_ref()
                    .map_or(String::new(), |a| format!(" ({a})")),
            )])
        })?;
    let plan = state.plan(&text)?;
    let (timeseries, aggregate) = state.levels()?;
    let options = sweep::Options {
        dir: dir.clone(),
        timeseries,
        aggregate,
        threads: args.threads.count,
        resume: true,
        force: false,
        keep_runs: args.keep_runs,
        shard: state.shard()?,
        command_line: command_line(),
    };
    if !args.quiet {
        let what = state
            .shard
            .as_ref()
            .map_or("sweep".to_string(), |k| format!("shard {k} of the sweep"));
        let overrides = if state.overrides.is_empty() {
            String::new()
        } else {
            format!(" with --set {}", state.overrides.join(" --set "))
        };
        eprintln!("resuming the {what} of {}{overrides}", state.scenario);
    }
    run_sweep(&plan, &options, args.quiet)
}
