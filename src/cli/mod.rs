//! The commands of the `palermo` binary: the terminal layer, and the only library code that
//! prints. One file per command, named by the command, owns its clap arguments and its
//! terminal output; `common.rs` holds what they share (the run settings and `--threads`,
//! loading scenarios, progress bars, writing to stdout) and [`CliError`] (in `error.rs`) is
//! what they all return, which `main` maps to an exit status. clap derives the parser from
//! the structs; no command holds model logic: the work is the library's (`batch`, `sweep`,
//! `output`), which any other front end calls the same way.
//!
//! Every command validates its input before it creates anything, and results never depend on
//! the thread count: runs are collected in job order (`compare`) or streamed in run order
//! (`palermo run`, sweeps). `memory.rs` checks that the runs fit in memory before they start;
//! `signals.rs` stops on SIGINT or SIGTERM without leaving a temporary file.
//!
//! A new command is a new file here with its `Args` struct and `execute`, one variant of
//! [`Command`] and one arm of [`execute`].

// The command modules are public (each `Args` and `execute` is that command's whole surface);
// rustdoc also resolves the `[sweep]` of the help texts below to `sweep`, which must be public.
pub mod calibrate;
pub mod check;
mod common;
pub mod compare;
mod error;
mod memory;
pub mod merge;
pub mod params;
pub mod report;
pub mod resume;
pub mod run;
mod run_cost;
pub mod serve;
mod signals;
pub mod sweep;
pub mod validate;

use clap::{Parser, Subcommand};

pub use calibrate::CalibrateArgs;
pub use check::CheckArgs;
pub use common::SettingsArgs;
pub use compare::CompareArgs;
pub use error::CliError;
pub use merge::MergeArgs;
pub use params::ParamsArgs;
pub use report::ReportArgs;
pub use resume::ResumeArgs;
pub use run::RunArgs;
pub use serve::ServeArgs;
pub use sweep::{LevelArg, SweepArgs};
pub use validate::ValidateArgs;

/// palermo: an agent-based simulator of human trafficking, international cooperation and
/// enforcement.
#[derive(Debug, Parser)]
#[command(name = "palermo", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write timeseries.csv, summary.csv and manifest.json.
    Run(RunArgs),
    /// Run the [sweep] of a scenario: every point of its design, each for several replicates,
    /// in parallel and resumable; writes points.csv, aggregate.csv, summary.csv, manifest.json.
    Sweep(SweepArgs),
    /// Continue the interrupted sweep (or shard) in DIR with the scenario, options and
    /// shard it was started with.
    Resume(ResumeArgs),
    /// Merge the shard directories of a sweep run with --shard K/N into the outputs the
    /// same sweep would have written on one machine.
    Merge(MergeArgs),
    /// Compare two scenarios replicate by replicate (B − A, common random numbers), or two
    /// points of a finished sweep; prints a table, and writes compare.csv with --out.
    Compare(CompareArgs),
    /// Run a scenario's replicates and hold it to the real-world targets of a file: one row
    /// per target (mean, 95 % CI, pass or fail); exit 1 if one fails.
    Validate(ValidateArgs),
    /// Fit free parameters (--free PATH=LOW..HIGH) to the calibrate targets of a targets
    /// file by adaptive ABC-SMC; writes the posterior and a calibrated scenario with --out.
    Calibrate(CalibrateArgs),
    /// Validate scenarios (and their [sweep] sections) without running them.
    Check(CheckArgs),
    /// List every parameter: path, default, range, unit and meaning.
    Params(ParamsArgs),
    /// Write report.html, a self-contained page of charts and tables, for a directory written
    /// by run, sweep or compare --out.
    Report(ReportArgs),
    /// Serve the classroom page: two worlds A and B side by side, on http://127.0.0.1:8080/.
    Serve(ServeArgs),
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    signals::install();
    match cli.command {
        Command::Run(args) => run::execute(&args),
        Command::Sweep(args) => sweep::execute(&args),
        Command::Resume(args) => resume::execute(&args),
        Command::Merge(args) => merge::execute(&args),
        Command::Compare(args) => compare::execute(&args),
        Command::Validate(args) => validate::execute(&args),
        Command::Calibrate(args) => calibrate::execute(&args),
        Command::Check(args) => check::execute(&args),
        Command::Params(args) => params::execute(&args),
        Command::Report(args) => report::execute(&args),
        Command::Serve(args) => serve::execute(&args),
    }
}
