//! [`CliError`]: why a command failed, and the exit status and messages `main` shows for it.
//! It lives apart from `mod.rs` because every command returns it and `mod.rs` dispatches to
//! every command: one file below both keeps the imports one-way.

use crate::output::OutputError;
use crate::report::ReportError;
use crate::sweep::SweepError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input is wrong (scenario files, `--set`, names, the output directory): exit 2.
    /// One message per problem found.
    #[error("{}", .0.join("\n"))]
    BadInput(Vec<String>),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    #[error(transparent)]
    Report(#[from] ReportError),
    /// `palermo validate` ran, and some targets fail: exit 1, so that CI can hold a world
    /// to its targets.
    #[error("{0}")]
    TargetsMissed(String),
    /// Anything else the system refused (writing to the terminal): exit 1.
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// The process exit status: 2 for bad input, 1 for other failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Output(e) if e.is_bad_input() => 2,
            CliError::Sweep(e) if e.is_bad_input() => 2,
            CliError::Report(e) if e.is_bad_input() => 2,
            CliError::Output(_)
            | CliError::Sweep(_)
            | CliError::Report(_)
            | CliError::TargetsMissed(_)
            | CliError::Other(_) => 1,
        }
    }

    /// The messages to show, one per line.
    pub fn messages(&self) -> Vec<String> {
        match self {
            CliError::BadInput(messages) => messages.clone(),
            other => vec![other.to_string()],
        }
    }
}
