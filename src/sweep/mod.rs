//! Parameter sweeps: many points of one scenario, each run for several replicates, run in
//! parallel, resumable, written in run order. `docs/SWEEPS.md` is the user's side of this.
//!
//! - [`design`]: the points of a grid, list, Latin hypercube, Saltelli (Sobol') or Morris
//!   design, from the validated `[sweep]` section (`scenario::sweep`);
//! - [`plan`]: the base scenario, the points, the replicates and the run numbering
//!   (`run = point × replicates + replicate`);
//! - [`record`]: what is kept of one run, the unit of work of resume and of shards;
//! - [`workdir`]: the work area `DIR/.runs/` (state, lock, atomic run records);
//! - [`exec`]: rayon workers over run indices, results handed over in order with
//!   back-pressure (the only place palermo uses threads, `palermo run` included);
//! - [`assemble`]: the result files, streamed in run order with per-point statistics;
//! - [`shard`]: `shard.json`, the record of a finished shard (`--shard K/N`), and `split.rs`
//!   the deterministic share of a sweep's runs that shard K of N owns ([`Shard`]);
//! - [`merge`]: shards assembled into the outputs one machine would have written;
//! - [`compare`]: paired differences between two scenarios or two points of a sweep;
//! - below them all, small files of shared vocabulary that import nothing of the sweep's
//!   own: `error.rs` ([`SweepError`]), `level.rs` ([`Level`]), `files.rs` (the names of the
//!   files written), `report.rs` ([`Progress`], [`Report`]); and `finish.rs`, what follows
//!   the runs (staging, manifest, SALib files, `sensitivity.rs`'s indices, putting them in
//!   place), shared with [`merge`].
//!
//! [`execute`] ties them together: prepare the directory, run or read back every run,
//! assemble, put the files in place, remove the work area. The parts never import this
//! file; it only declares them, re-exports their public types and orchestrates.

pub mod assemble;
pub mod compare;
pub mod design;
mod error;
pub mod exec;
mod files;
mod finish;
mod level;
pub mod merge;
pub mod plan;
pub mod record;
mod report;
mod sensitivity;
pub mod shard;
mod split;
pub mod workdir;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

pub use error::SweepError;
pub use files::{
    AGGREGATE_FILE, COMPARE_FILE, FILES, MANIFEST_FILE, POINTS_FILE, PROBLEM_FILE, SAMPLES_FILE,
    SENSITIVITY_FILE, SUMMARY_FILE, TIMESERIES_FILE,
};
pub use level::Level;
pub use plan::Plan;
pub use report::{Progress, Report};
pub use sensitivity::BOOTSTRAP_RESAMPLES;
pub use split::Shard;

use crate::output::manifest::{Invocation, now_rfc3339};
use crate::output::{OutputDir, OutputError, check_target};
use crate::run::run_replicate;
use assemble::{Assembler, Outputs};
use finish::{finish, remove_if_present, sweep_record};
use record::{Expected, RunRecord};
use shard::ShardFile;
use workdir::{State, WorkArea};

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct Options {
    pub dir: PathBuf,
    pub timeseries: Level,
    pub aggregate: Level,
    pub threads: Option<NonZeroUsize>,
    /// Continue the sweep recorded in `dir`, or start it if `dir` holds none.
    pub resume: bool,
    /// Start again in a non-empty `dir`, discarding any work area.
    pub force: bool,
    /// Leave the work area (the run records) in place after the results are written.
    pub keep_runs: bool,
    /// Run only this shard's runs and keep their records, for `palermo merge`.
    pub shard: Option<Shard>,
    pub command_line: Vec<String>,
}

/// Runs a sweep into `options.dir`: every run computed or read back from the work area,
/// the result files assembled in run order and put in place, the work area removed. With
/// `options.shard`, only that shard's runs are computed, their records kept and
/// `shard.json` written; [`merge::merge`] assembles the shards.
pub fn execute(
    plan: &Plan,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Report, SweepError> {
    let started = now_rfc3339();
    let (ts, agg) = (options.timeseries, options.aggregate);
    if let Some(shard) = options.shard {
        shard.check(plan.runs()).map_err(SweepError::Refused)?;
    }
    let fingerprint = workdir::fingerprint(plan, ts, agg);
    let state = State::new(
        plan,
        ts,
        agg,
        options.shard,
        fingerprint.clone(),
        started.clone(),
    );
    // From here on, `state` is the one the work area records (a resumed sweep keeps when it
    // was first started), so that a shard's `shard.json` says what its `sweep.json` says.
    let (area, state) = prepare(&options.dir, options, state)?;
    // Until every run of this invocation is recorded again, the directory is not a finished
    // shard: a `shard.json` left from before would vouch for runs that may be gone.
    remove_if_present(&ShardFile::path_in(&options.dir))?;

    let pool = exec::pool(options.threads).map_err(SweepError::Threads)?;
    let source = Source::new(plan, &area, &fingerprint, ts.max(agg));
    if let Some(shard) = options.shard {
        return run_shard(plan, &pool, &source, shard, state, progress);
    }

    let runs = plan.runs();
    let done = (0..runs).filter(|&r| area.has_run(r)).count();
    progress.start(runs - done, done);

    let out = OutputDir::existing(&options.dir);
    let stage = |name: &str| out.stage_at(name, area.staging_path(name));
    let mut assembler = Assembler::new(plan, ts, agg, Outputs::stage(&stage, ts, agg)?)?;
    let mut resumed = 0;
    exec::ordered(
        &pool,
        runs,
        exec::window(pool.current_num_threads()),
        |run| source.obtain(run, progress),
        |_, (rec, was_resumed)| {
            resumed += usize::from(was_resumed);
            assembler.add(&rec).map_err(SweepError::from)
        },
    )?;

    let sweep = sweep_record(
        plan,
        ts,
        agg,
        fingerprint,
        state.started,
        runs - resumed,
        resumed,
    );
    let invocation = Invocation {
        command_line: options.command_line.clone(),
        threads: pool.current_num_threads(),
        started,
        finished: String::new(),
    };
    finish(plan, &out, &stage, assembler.finish()?, invocation, sweep)?;
    if !options.keep_runs {
        area.remove()?;
    }
    Ok(Report {
        points: plan.point_count(),
        replicates: plan.replicates,
        runs,
        computed: runs - resumed,
        resumed,
    })
}

/// Where the records of a sweep's runs come from: its work area, or the model.
struct Source<'a> {
    plan: &'a Plan,
    area: &'a WorkArea,
    fingerprint: &'a str,
    /// The level of weekly data the records keep.
    stored: Level,
    rows_per_week: usize,
}

impl<'a> Source<'a> {
    fn new(plan: &'a Plan, area: &'a WorkArea, fingerprint: &'a str, stored: Level) -> Self {
        Source {
            plan,
            area,
            fingerprint,
            stored,
            rows_per_week: record::rows_per_week(stored, plan.base.countries.len()),
        }
    }

    fn expected(&self, run: usize) -> Expected<'a> {
        record::expected(self.plan, self.fingerprint, self.rows_per_week, run)
    }

    /// The record of `run`, and whether it was read back rather than computed: a sound
    /// record in the work area is reused; a missing or damaged one is computed (again).
    fn obtain(&self, run: usize, progress: &dyn Progress) -> Result<(RunRecord, bool), SweepError> {
        let expected = self.expected(run);
        if let Some(rec) = self
            .area
            .read_run(run)
            .and_then(|text| record::decode(&text, &expected).ok())
        {
            return Ok((rec, true));
        }
        let scenario = self.plan.scenario(expected.point)?;
        let result = run_replicate(&scenario, expected.replicate);
        let text = record::encode(self.fingerprint, run, expected.point, &result, self.stored)
            .map_err(OutputError::from)?;
        self.area.write_run(run, &text)?;
        progress.run_done();
        let rec = record::decode(&text, &expected)
            .map_err(|reason| SweepError::Record { run, reason })?;
        Ok((rec, false))
    }
}

/// Computes (or reads back) one shard's runs, keeps their records, and writes `shard.json`
/// last: a shard directory with it is complete.
fn run_shard(
    plan: &Plan,
    pool: &rayon::ThreadPool,
    source: &Source<'_>,
    shard: Shard,
    state: State,
    progress: &dyn Progress,
) -> Result<Report, SweepError> {
    let mine = shard.len(plan.runs());
    let done = (0..mine)
        .filter(|&j| source.area.has_run(shard.run(j)))
        .count();
    progress.start(mine - done, done);
    let mut resumed = 0;
    exec::ordered(
        pool,
        mine,
        exec::window(pool.current_num_threads()),
        |j| source.obtain(shard.run(j), progress),
        |_, (_, was_resumed)| {
            resumed += usize::from(was_resumed);
            Ok(())
        },
    )?;
    let file = ShardFile::new(shard, mine, state, plan.base.text.clone(), now_rfc3339());
    let text = serde_json::to_string_pretty(&file).map_err(OutputError::from)? + "\n";
    source
        .area
        .write_atomically(&ShardFile::path_in(source.area.dir()), text.as_bytes())?;
    Ok(Report {
        points: plan.point_count(),
        replicates: plan.replicates,
        runs: mine,
        computed: mine - resumed,
        resumed,
    })
}

/// Checks the directory rule of a sweep and opens its work area: returns it and the state it
/// records (this invocation's for a new sweep; the first invocation's, which differs only in
/// when it started, for a resumed one). Nothing is changed when the sweep is refused.
fn prepare(dir: &Path, options: &Options, state: State) -> Result<(WorkArea, State), SweepError> {
    let has_work = WorkArea::exists_in(dir);
    if options.force {
        // Not a file, and writable (or creatable), whatever it holds.
        check_target(dir, true)?;
        // Never pull a work area from under another process: discarding takes the lock.
        WorkArea::discard(dir)?;
        return Ok((WorkArea::create(dir, &state)?, state));
    }
    if has_work {
        if !options.resume {
            return Err(SweepError::Refused(format!(
                "{} holds the work area of a sweep (.runs/, an interrupted sweep or one kept with --keep-runs): add --resume to continue it, or --force to start again",
                dir.display()
            )));
        }
        let (area, recorded) = WorkArea::open(dir)?;
        let differences = recorded.differences(&state);
        if !differences.is_empty() {
            return Err(SweepError::Refused(format!(
                "cannot resume the sweep in {}: {}; run the command it was started with, or use --force to start again",
                dir.display(),
                differences.join("; ")
            )));
        }
        return Ok((area, recorded));
    }
    if let Err(e) = check_target(dir, false) {
        return Err(match e {
            OutputError::NotEmpty { .. } if options.resume => SweepError::Refused(format!(
                "{} holds no sweep to resume (no {} work area) and is not empty: use --force to start a sweep there",
                dir.display(),
                workdir::WORK_DIR
            )),
            other => other.into(),
        });
    }
    Ok((WorkArea::create(dir, &state)?, state))
}
