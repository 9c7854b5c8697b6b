//! `OutputError`: why results could not be written, and whether that was bad input (exit 2)
//! or a failure of the system (exit 1). Every writer in `output/` (and the sweep's) returns
//! it, so it lives below all of them.

use std::io;
use std::path::{Path, PathBuf};

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The directory holds files and `--force` was not given.
    #[error("output directory {} is not empty: use --force to replace its results", .dir.display())]
    NotEmpty { dir: PathBuf },
    /// Something that is not a directory is in the way.
    #[error("output path {} exists and is not a directory", .path.display())]
    NotADirectory { path: PathBuf },
    /// Files cannot be created in the directory (or in the ancestor it would be created in):
    /// no permission, or a read-only file system.
    #[error("cannot write to output directory {}: cannot create files in {} ({source})", .dir.display(), .at.display())]
    NotWritable {
        dir: PathBuf,
        at: PathBuf,
        source: io::Error,
    },
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl OutputError {
    /// `true` where the user asked for something impossible (exit 2), `false` where the
    /// system failed (exit 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            OutputError::NotEmpty { .. }
                | OutputError::NotADirectory { .. }
                | OutputError::NotWritable { .. }
        )
    }

    pub(crate) fn io(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
        move |source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
