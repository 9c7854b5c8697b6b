//! A batch of runs: every replicate of every scenario of one invocation, run in parallel and
//! handed over in job order. This is the library side of `palermo run`, with no terminal in
//! it, so that any front end (the command line, a web page, a report) runs scenarios the same
//! way and gets the same bytes: jobs are numbered (scenario, replicate) in that order, run on
//! a pool of `sweep::exec`, and each result is turned into what `output` writes.
//!
//! [`write_batch`] streams the runs into the output files as they finish (through the
//! bounded reorder buffer of `exec::ordered`), so that memory does not grow with the number
//! of runs; [`stream_batch`] hands them to any consumer; [`run_batch`] keeps them all, for a
//! caller that wants them in memory; [`map_runs`] keeps what a caller makes of each run.

use std::num::NonZeroUsize;
use std::path::Path;

use rayon::ThreadPool;

use crate::metrics::RunResult;
use crate::output::manifest::now_rfc3339;
use crate::output::{self, FinishedRun, Invocation, Manifest, RunFiles};
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

/// What a streamed batch did: how many runs, on how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Streamed {
    pub runs: usize,
    pub threads: usize,
}

/// Runs replicates `0..run.replicates` of every scenario, scenario by scenario, on `threads`
/// worker threads (all cores if `None`); `progress` is called after each run, from the
/// worker that finished it, and `consume` with each finished run, on this thread, in job
/// order. At most [`exec::window`] finished runs wait for their turn. The results never
/// depend on the thread count or on scheduling.
///
/// Fails (a [`SweepError`], as a sweep's runs do) when the threads cannot be started, a
/// run's rows cannot be formatted or `consume` fails; the caller has validated the scenarios.
pub fn stream_batch(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
    consume: impl FnMut(FinishedRun) -> Result<(), SweepError>,
) -> Result<Streamed, SweepError> {
    let pool = exec::pool(threads).map_err(SweepError::Threads)?;
    run_on(&pool, scenarios, progress, &finish, consume)
}

/// What a caller makes of each finished run, on the worker that ran it: from the run's
/// scenario, the scenario's index, the run index and its result.
pub type MakeRun<'a, T> =
    dyn Fn(&Scenario, usize, usize, &RunResult) -> Result<T, SweepError> + Sync + 'a;

/// What `palermo run` keeps of a run: its rows.
fn finish(
    scenario: &Scenario,
    index: usize,
    run: usize,
    result: &RunResult,
) -> Result<FinishedRun, SweepError> {
    Ok(output::finish_run(scenario, index, run, result)?)
}

/// The same jobs as [`stream_batch`], each run's result handed to `keep` (with its scenario,
/// the scenario's index and the run index) on the worker that ran it, so that a caller that
/// needs only a few numbers of each run (`palermo validate`) keeps those, not every week.
/// Returns what `keep` made, in job order, and the number of threads used.
pub fn map_runs<T: Send>(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
    keep: &MakeRun<'_, T>,
) -> Result<(Vec<T>, usize), SweepError> {
    let pool = exec::pool(threads).map_err(SweepError::Threads)?;
    let mut kept = Vec::new();
    let streamed = run_on(&pool, scenarios, progress, keep, |k| {
        kept.push(k);
        Ok(())
    })?;
    Ok((kept, streamed.threads))
}

/// What the batch functions share: every job on `pool`, `make` on each run's result on its
/// worker, `consume` with each in job order on this thread.
fn run_on<T: Send>(
    pool: &ThreadPool,
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
    make: &MakeRun<'_, T>,
    mut consume: impl FnMut(T) -> Result<(), SweepError>,
) -> Result<Streamed, SweepError> {
    let jobs: Vec<(usize, u32)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.run.replicates).map(move |r| (i, r)))
        .collect();
    let threads = pool.current_num_threads();
    exec::ordered(
        pool,
        jobs.len(),
        exec::window(threads),
        |run| {
            let (s, replicate) = jobs[run];
            let result = run_replicate(&scenarios[s], replicate);
            let made = make(&scenarios[s], s, run, &result)?;
            progress();
            Ok(made)
        },
        |_, made| consume(made),
    )?;
    Ok(Streamed {
        runs: jobs.len(),
        threads,
    })
}

/// Runs the batch as [`run_batch`] does, on a pool the caller keeps (the server's).
pub fn run_batch_on(
    pool: &ThreadPool,
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
) -> Result<Batch, SweepError> {
    let mut runs = Vec::new();
    let streamed = run_on(pool, scenarios, progress, &finish, |run| {
        runs.push(run);
        Ok(())
    })?;
    Ok(Batch {
        runs,
        threads: streamed.threads,
    })
}

/// Runs the batch as [`stream_batch`] does, keeping every run.
pub fn run_batch(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Batch, SweepError> {
    let pool = exec::pool(threads).map_err(SweepError::Threads)?;
    run_batch_on(&pool, scenarios, progress)
}

/// Where and how [`write_batch`] writes.
#[derive(Clone, Debug)]
pub struct Destination<'a> {
    /// The output directory: created if absent, refused if not empty unless `force`.
    pub dir: &'a Path,
    pub force: bool,
    pub command_line: Vec<String>,
    /// When the invocation started (RFC 3339).
    pub started: String,
}

/// Runs the batch and writes `timeseries.csv`, `summary.csv` and `manifest.json` into
/// `to.dir`, each run written as soon as its turn comes: the same bytes as
/// [`output::write_results`] of [`run_batch`]'s runs, in memory bounded by the threads
/// rather than by the number of runs. The threads are started before anything is created;
/// on failure the staged files are removed and nothing new stands under a final name.
pub fn write_batch(
    scenarios: &[Scenario],
    threads: Option<NonZeroUsize>,
    to: &Destination<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Streamed, SweepError> {
    let pool = exec::pool(threads).map_err(SweepError::Threads)?;
    let mut files = RunFiles::create(to.dir, to.force, scenarios)?;
    let streamed = match run_on(&pool, scenarios, progress, &finish, |run| {
        files.add(&run).map_err(SweepError::from)
    }) {
        Ok(streamed) => streamed,
        Err(e) => {
            files.abandon();
            return Err(e);
        }
    };
    let manifest = manifest(
        scenarios,
        streamed,
        to.command_line.clone(),
        to.started.clone(),
    );
    files.finish(&manifest)?;
    Ok(streamed)
}

/// The manifest of a batch of `scenarios` that ran as `streamed` says, started at `started`
/// (RFC 3339) by `command_line`, finished now.
pub fn manifest(
    scenarios: &[Scenario],
    streamed: Streamed,
    command_line: Vec<String>,
    started: String,
) -> Manifest {
    Manifest::new(
        scenarios,
        streamed.runs,
        Invocation {
            command_line,
            threads: streamed.threads,
            started,
            finished: now_rfc3339(),
        },
    )
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
        let streamed = Streamed {
            runs: self.runs.len(),
            threads: self.threads,
        };
        manifest(scenarios, streamed, command_line, started)
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

    /// Streamed into files as they finish, the runs make the bytes that writing them all at
    /// the end makes, and nothing is left beside the three files.
    #[test]
    fn streamed_files_are_the_collected_files() {
        let scenarios = [tiny("tiny.toml", 3), tiny("tiny2.toml", 2)];
        let t = tempfile::tempdir().unwrap();
        let (streamed_dir, collected_dir) = (t.path().join("streamed"), t.path().join("collected"));
        let to = Destination {
            dir: &streamed_dir,
            force: false,
            command_line: vec!["palermo".into()],
            started: "then".into(),
        };
        let streamed = write_batch(&scenarios, NonZeroUsize::new(2), &to, &|| {}).unwrap();
        assert_eq!(
            streamed,
            Streamed {
                runs: 5,
                threads: 2
            }
        );
        let batch = run_batch(&scenarios, NonZeroUsize::new(3), &|| {}).unwrap();
        let manifest = batch.manifest(&scenarios, vec!["palermo".into()], "then".into());
        output::write_results(&collected_dir, false, &scenarios, &batch.runs, &manifest).unwrap();
        for file in [
            output::TIMESERIES_FILE,
            output::SUMMARY_FILE,
            output::ROUTES_FILE,
        ] {
            let read = |dir: &Path| std::fs::read(dir.join(file)).unwrap();
            assert_eq!(read(&streamed_dir), read(&collected_dir), "{file}");
        }
        // Made in memory (the page's downloads), they are the same bytes again.
        for (file, bytes) in output::csv_files(&scenarios, &batch.runs).unwrap() {
            assert_eq!(
                std::fs::read(streamed_dir.join(file)).unwrap(),
                bytes,
                "{file}"
            );
        }
        let mut names: Vec<String> = std::fs::read_dir(&streamed_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = output::FILES.to_vec();
        expected.sort();
        assert_eq!(names, expected, "the files of a run, and nothing else");

        // A non-empty directory is refused before the threads run anything.
        let done = AtomicUsize::new(0);
        let refused = write_batch(&scenarios, None, &to, &|| {
            done.fetch_add(1, Ordering::Relaxed);
        });
        assert!(refused.is_err());
        assert_eq!(done.into_inner(), 0);
    }
}
