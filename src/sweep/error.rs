//! `SweepError`: why a sweep, a resume or a merge did not complete, and whether that was bad
//! input (exit 2) or a failure of the system (exit 1). Every part of `sweep/` returns it, so
//! it lives below all of them.

use crate::output::OutputError;
use crate::scenario::ScenarioError;

/// Why a sweep did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The output directory or its work area refuses this sweep (not empty, another sweep,
    /// locked): bad input, nothing was changed.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{0}")]
    Threads(String),
    /// A run record this process just wrote does not read back: a bug or a failing disk.
    #[error("run {run}: its record does not read back: {reason}")]
    Record { run: usize, reason: String },
}

impl SweepError {
    /// `true` where the user asked for something impossible (exit 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            SweepError::Refused(_) | SweepError::Scenario(_) => true,
            SweepError::Output(e) => e.is_bad_input(),
            SweepError::Threads(_) | SweepError::Record { .. } => false,
        }
    }
}
