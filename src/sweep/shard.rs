//! Shards: a sweep split across machines (a Slurm job array), one deterministic share of its
//! runs per shard, merged afterwards into the outputs one machine would have written.
//!
//! Shard `K` of `N` runs exactly the runs with `run % N == K − 1` into its own directory,
//! in the work area every sweep uses (`DIR/.runs/`, so a shard is resumed like a sweep), and
//! keeps the records there. When its last run is recorded it writes `DIR/shard.json`: the
//! sweep's state (fingerprint included), the scenario's text and overrides, and which shard
//! it is. A directory without `shard.json` is an unfinished shard. `merge.rs` reads them.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::SweepError;
use super::workdir::State;
use crate::output::OutputError;

/// The file a finished shard writes into its directory.
pub const SHARD_FILE: &str = "shard.json";
/// The version of `shard.json`.
const FORMAT: u32 = 1;

/// Shard `index` of `count` (1-based, as `--shard K/N` and Slurm's array indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether `run` belongs to this shard. The split is round-robin, so that every shard
    /// gets a share of every point and the shards take about the same time.
    pub fn contains(self, run: usize) -> bool {
        run % self.count == self.index - 1
    }

    /// The number of this shard's runs out of `runs`.
    pub fn len(self, runs: usize) -> usize {
        runs.saturating_sub(self.index - 1).div_ceil(self.count)
    }

    /// Whether this shard has no run out of `runs`.
    pub fn is_empty(self, runs: usize) -> bool {
        self.len(runs) == 0
    }

    /// Refuses a split into more shards than a sweep of `runs` runs has: some would be empty.
    pub fn check(self, runs: usize) -> Result<(), String> {
        if self.count > runs {
            return Err(format!(
                "--shard {self}: this sweep has {runs} runs, so at most {runs} shards have work: use N ≤ {runs}"
            ));
        }
        Ok(())
    }

    /// The `j`th run of this shard.
    pub fn run(self, j: usize) -> usize {
        self.index - 1 + j * self.count
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let wrong = || {
            format!(
                "`{text}` is not a shard: write K/N, shard K of N, with 1 ≤ K ≤ N (for example 3/8)"
            )
        };
        let (k, n) = text.split_once('/').ok_or_else(wrong)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| wrong())?,
            n.trim().parse().map_err(|_| wrong())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "`{text}`: shard K of N needs 1 ≤ K ≤ N, and {index} is not in [1, {count}]"
            ));
        }
        Ok(Shard { index, count })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_runs_round_robin_without_gap_or_overlap() {
        for runs in [0, 1, 7, 12, 13] {
            for count in 1..=5 {
                let mut seen = vec![0; runs];
                for index in 1..=count {
                    let shard = Shard { index, count };
                    let mine: Vec<usize> = (0..shard.len(runs)).map(|j| shard.run(j)).collect();
                    assert!(mine.iter().all(|&r| r < runs && shard.contains(r)));
                    assert_eq!(
                        mine.len(),
                        (0..runs).filter(|&r| shard.contains(r)).count(),
                        "{shard} of {runs}"
                    );
                    for r in mine {
                        seen[r] += 1;
                    }
                }
                assert!(seen.iter().all(|&n| n == 1), "{runs} runs, {count} shards");
            }
        }
    }

    #[test]
    fn shard_text_is_k_of_n() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["3/2", "0/4", "1/0", "2", "a/b", "-1/3", "1/2/3", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains(bad) && e.contains('K'), "{bad}: {e}");
        }
        assert!(
            "3/2"
                .parse::<Shard>()
                .unwrap_err()
                .contains("not in [1, 2]")
        );
    }
}
