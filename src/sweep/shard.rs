//! Shards: a sweep split across machines (a Slurm job array), one deterministic share of its
//! runs per shard, merged afterwards into the outputs one machine would have written.
//!
//! Shard `K` of `N` runs exactly the runs with `run % N == K − 1` into its own directory,
//! in the work area every sweep uses (`DIR/.runs/`, so a shard is resumed like a sweep), and
//! keeps the records there. When its last run is recorded it writes `DIR/shard.json`: the
//! sweep's state (fingerprint included), the scenario's text and overrides, and which shard
//! it is. A directory without `shard.json` is an unfinished shard. `merge.rs` reads them.
//!
//! This file is `shard.json`, the record of a finished shard; the split itself (`Shard`, which
//! runs shard K of N owns) is in `split.rs`, below the work area that records it.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::split::Shard;
use super::workdir::State;
use crate::output::OutputError;

/// The file a finished shard writes into its directory.
pub const SHARD_FILE: &str = "shard.json";
/// The version of `shard.json`.
const FORMAT: u32 = 1;

/// `shard.json`: a finished shard, and everything a merge needs to rebuild its sweep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardFile {
    pub format: u32,
    /// Shard `index` of `count`; `state.shard` says the same as `K/N`.
    pub index: usize,
    pub count: usize,
    /// The runs this shard recorded.
    pub runs: usize,
    /// The sweep, as its work area records it (fingerprint, version, overrides, levels,
    /// replicates).
    pub state: State,
    /// The scenario's text, verbatim: with `state` it rebuilds the sweep.
    pub scenario_text: String,
    /// When this shard finished (UTC, RFC 3339).
    pub finished: String,
}

impl ShardFile {
    pub fn new(
        shard: Shard,
        runs: usize,
        state: State,
        scenario_text: String,
        finished: String,
    ) -> ShardFile {
        ShardFile {
            format: FORMAT,
            index: shard.index,
            count: shard.count,
            runs,
            state,
            scenario_text,
            finished,
        }
    }

    pub fn shard(&self) -> Shard {
        Shard {
            index: self.index,
            count: self.count,
        }
    }

    /// The path of `shard.json` in a shard directory.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(SHARD_FILE)
    }

    /// Reads a shard directory's `shard.json`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<ShardFile>, SweepError> {
        let path = Self::path_in(dir);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(OutputError::io(&path)(e).into()),
        };
        let file: ShardFile = serde_json::from_str(&text).map_err(|e| {
            SweepError::Refused(format!(
                "{} is not a shard record this palermo can read ({e})",
                path.display()
            ))
        })?;
        let shard = file.shard();
        if file.format != FORMAT
            || shard.index == 0
            || shard.index > shard.count
            || file.state.shard != Some(shard.to_string())
        {
            return Err(SweepError::Refused(format!(
                "{} is not a shard record this palermo can read (format {}, shard {shard})",
                path.display(),
                file.format,
            )));
        }
        Ok(Some(file))
    }
}
