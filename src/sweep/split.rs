//! `Shard`: shard K of N of a sweep (`--shard K/N`) and which of the sweep's runs it owns,
//! a round-robin split that needs nothing but the number of runs. The work area records it
//! and `shard.json` (`shard.rs`) names it, so it sits below both.

use std::fmt;
use std::str::FromStr;

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
