//! `palermo merge`: the shard directories of a sweep run with `--shard K/N`, assembled by
//! [`crate::sweep::merge`] into the outputs one machine would have written, with a progress
//! bar and a final line saying what was merged.

use std::path::PathBuf;

use clap::Args;

use super::common::{SweepProgress, command_line};
use super::error::CliError;
use crate::sweep::merge::{MergeOptions, merge};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out directories of shards 1 to N of one sweep, in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output directory; created if absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the sweep's files in a non-empty DIR, leaving other files alone.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo merge`.
pub fn execute(args: &MergeArgs) -> Result<(), CliError> {
    let progress = SweepProgress::new(args.quiet);
    let report = merge(
        &MergeOptions {
            shards: args.shards.clone(),
            out: args.out.clone(),
            force: args.force,
            command_line: command_line(),
        },
        &progress,
    )?;
    progress.bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "merged {} shards: {} runs ({} points × {} replicates) to {}",
            args.shards.len(),
            report.runs,
            report.points,
            report.replicates,
            args.out.display()
        );
    }
    Ok(())
}
