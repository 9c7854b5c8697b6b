//! `ReportError`: why a report could not be made, always naming the file, and whether that was
//! bad input (exit status 2: not a palermo directory, a missing or damaged file, a report in
//! the way) or a failure of the system while writing (exit status 1).

use std::path::{Path, PathBuf};

use crate::output::OutputError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Nothing in the directory says what palermo wrote there.
    #[error(
        "{}: not a directory palermo wrote: expected timeseries.csv, summary.csv and manifest.json (palermo run), points.csv (palermo sweep) or compare.csv (palermo compare --out)",
        .dir.display()
    )]
    NotPalermo { dir: PathBuf },
    /// A file the report needs is absent or unreadable.
    #[error("{}: cannot read {what}: {reason}", .path.display())]
    Unreadable {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
    /// A file is there but not as palermo writes it.
    #[error("{}: {message}", .path.display())]
    Damaged { path: PathBuf, message: String },
    /// A report exists where this one would go.
    #[error("{} exists: use --force to replace it", .path.display())]
    Exists { path: PathBuf },
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl ReportError {
    /// `true` where the input is wrong (exit 2); `false` where the system failed (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ReportError::Output(e) => e.is_bad_input(),
            _ => true,
        }
    }

    /// A damaged file: `path: message`.
    pub fn damaged(path: &Path, message: impl Into<String>) -> ReportError {
        ReportError::Damaged {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
