//! A batch of runs: every replicate of every scenario of one invocation, run in parallel and
//! kept in job order. This is the library side of `palermo run`, with no terminal in it, so
//! that any front end (the command line, a web page, a report) runs scenarios the same way and
//! gets the same bytes: jobs are numbered (scenario, replicate) in that order, run on a pool
//! of `sweep::exec`, and each result is turned into what `output::write_results` writes.

use std::num::NonZeroUsize;

use crate::metrics::RunResult;
use crate::output::manifest::now_rfc3339;
use crate::output::{self, FinishedRun, Invocation, Manifest};
use crate::run::run_replicate;
use crate::scenario::Scenario;
use crate::sweep::{SweepError, exec};

/// The finished runs of a batch, in job order (run index = position), and the number of
/// threads they ran on (for the manifest).
#[derive(Debug)]
pub struct Batch {
    pub runs: Vec<FinishedRun>,
    pub threads: usize,
}

/// Runs replicates `0..run.replicates` of every scenario, scenario by scenario, on `threads`
/// worker threads (all cores if `None`); `progress` is called after each run, from the
/// worker that finished it. The results never depend on the thread count or on scheduling.
///
/// Fails (a [`SweepError`], as a sweep's runs do) when the threads cannot be started or a
/// run's rows cannot be formatted; the caller has validated the scenarios.
pub fn run_batch(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Batch, SweepError> {
    let (runs, threads) = map_runs(scenarios, threads, progress, &|s, run, result| {
        Ok(output::finish_run(&scenarios[s], s, run, result)?)
    })?;
    Ok(Batch { runs, threads })
}

/// The same jobs as [`run_batch`], each run's result handed to `keep` (with the index of its
/// scenario and its run index) on the worker that ran it, so that a caller that needs only a
/// few numbers of each run (`palermo validate`) keeps those, not every week. Returns what
/// `keep` made, in job order, and the number of threads used.
pub fn map_runs<T: Send>(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
    keep: &(dyn Fn(usize, usize, &RunResult) -> Result<T, SweepError> + Sync),
) -> Result<(Vec<T>, usize), SweepError> {
    let pool = exec::pool(threads).map_err(SweepError::Threads)?;
    let jobs: Vec<(usize, u32)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.run.replicates).map(move |r| (i, r)))
        .collect();
    let kept = exec::map(&pool, jobs.len(), |run| {
        let (s, replicate) = jobs[run];
        let result = run_replicate(&scenarios[s], replicate);
        let kept = keep(s, run, &result);
        progress();
        kept
    })?;
    Ok((kept, pool.current_num_threads()))
}

impl Batch {
    /// The manifest of this batch of `scenarios`, started at `started` (RFC 3339) by
    /// `command_line`, finished now.
    pub fn manifest(
        &self,
        scenarios: &[Scenario],
        command_line: Vec<String>,
        started: String,
    ) -> Manifest {
        Manifest::new(
            scenarios,
            self.runs.len(),
            Invocation {
                command_line,
                threads: self.threads,
                started,
                finished: now_rfc3339(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::scenario::{self, Override};

    fn tiny(file: &str, replicates: u32) -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cli")
            .join(file);
        let set = Override::parse(&format!("run.replicates={replicates}")).unwrap();
        scenario::load(&path, &[set]).unwrap()
    }

    /// Jobs are (scenario, replicate) in that order, each reported once, and the bytes do not
    /// depend on the number of threads.
    #[test]
    fn runs_in_job_order_whatever_the_threads() {
        let scenarios = [tiny("tiny.toml", 3), tiny("tiny2.toml", 2)];
        let batch = |threads: usize| {
            let done = AtomicUsize::new(0);
            let batch = run_batch(&scenarios, NonZeroUsize::new(threads), &|| {
                done.fetch_add(1, Ordering::Relaxed);
            })
            .unwrap();
            assert_eq!(done.into_inner(), 5);
            assert_eq!(batch.threads, threads);
            batch
        };
        let (one, three) = (batch(1), batch(3));
        let keys: Vec<(usize, u32)> = one.runs.iter().map(|r| (r.scenario, r.replicate)).collect();
        assert_eq!(keys, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]);
        for (a, b) in one.runs.iter().zip(&three.runs) {
            assert_eq!((a.seed, &a.timeseries), (b.seed, &b.timeseries));
        }
        let manifest = one.manifest(&scenarios, vec!["palermo".into()], "then".into());
        assert_eq!((manifest.runs, manifest.threads), (5, 1));
    }
}
