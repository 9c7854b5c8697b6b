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
//! - [`shard`]: a deterministic share of a sweep's runs (`--shard K/N`), and `shard.json`;
//! - [`merge`]: shards assembled into the outputs one machine would have written;
//! - [`compare`]: paired differences between two scenarios or two points of a sweep.
//!
//! [`execute`] ties them together: prepare the directory, run or read back every run,
//! assemble, put the files in place, remove the work area.

pub mod assemble;
pub mod compare;
pub mod design;
pub mod exec;
pub mod merge;
pub mod plan;
pub mod record;
pub mod shard;
pub mod workdir;

use std::fs;
use std::io::{ErrorKind, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

pub use plan::Plan;
pub use shard::Shard;

use crate::output::atomic::{Pending, Staged};
use crate::output::manifest::{Invocation, Manifest, SweepManifest, SweepRecord, now_rfc3339};
use crate::output::{OutputDir, OutputError, check_target};
use crate::run::run_replicate;
use crate::scenario::ScenarioError;
use assemble::{Assembler, Outputs};
use record::{Expected, RunRecord};
use shard::ShardFile;
use workdir::{State, WorkArea};

/// One row per run.
pub const SUMMARY_FILE: &str = "summary.csv";
/// One row per point: the parameter values and statistics of every outcome.
pub const POINTS_FILE: &str = "points.csv";
/// One row per point, week and country: statistics of the weekly counters.
pub const AGGREGATE_FILE: &str = "aggregate.csv";
/// One row per run, week and country, on request.
pub const TIMESERIES_FILE: &str = "timeseries.csv";
pub const MANIFEST_FILE: &str = "manifest.json";
/// The SALib problem of a sampled design.
pub const PROBLEM_FILE: &str = "problem.json";
/// The sample matrix of a sampled design, in SALib's row order.
pub const SAMPLES_FILE: &str = "samples.csv";
/// The paired differences of `palermo compare`.
pub const COMPARE_FILE: &str = "compare.csv";
/// Every file a sweep may write, in the order they are put in place.
pub const FILES: [&str; 7] = [
    SUMMARY_FILE,
    POINTS_FILE,
    AGGREGATE_FILE,
    TIMESERIES_FILE,
    PROBLEM_FILE,
    SAMPLES_FILE,
    MANIFEST_FILE,
];

/// How much per-week data a sweep keeps: for `timeseries.csv` (per run) and `aggregate.csv`
/// (per point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No weekly rows.
    None,
    /// The world rows only (`country = ALL`).
    World,
    /// Every country, then the world.
    Countries,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::World => "world",
            Level::Countries => "countries",
        }
    }
}

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

/// What the terminal shows while a sweep runs (the library never prints).
pub trait Progress: Sync {
    /// The sweep starts: `to_run` runs to compute, `done` already recorded.
    fn start(&self, to_run: usize, done: usize);
    /// One more run computed.
    fn run_done(&self);
}

/// What a finished sweep did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub points: usize,
    pub replicates: u32,
    pub runs: usize,
    /// Runs computed by this invocation.
    pub computed: usize,
    /// Runs read back from the work area (a resumed sweep).
    pub resumed: usize,
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
    let mut assembler = Assembler::new(plan, ts, agg, stage_outputs(&stage, ts, agg)?)?;
    let mut resumed = 0;
    exec::ordered(
        &pool,
        runs,
        window(&pool),
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
    finish(plan, &out, &stage, assembler, invocation, sweep)?;
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

/// Enough results in flight to keep every thread busy while one slow run is awaited.
fn window(pool: &rayon::ThreadPool) -> usize {
    4 * pool.current_num_threads().max(1)
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
        expected(self.plan, self.fingerprint, self.rows_per_week, run)
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

/// Which record a reader of `run` expects.
fn expected<'a>(
    plan: &Plan,
    fingerprint: &'a str,
    rows_per_week: usize,
    run: usize,
) -> Expected<'a> {
    Expected {
        fingerprint,
        run,
        point: plan.point_of(run),
        replicate: plan.replicate_of(run),
        weeks: plan.base.run.weeks as usize,
        rows_per_week,
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
        window(pool),
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

/// Opens the staged result files of a sweep at these levels.
fn stage_outputs(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    ts: Level,
    agg: Level,
) -> Result<Outputs, OutputError> {
    Ok(Outputs {
        summary: stage(SUMMARY_FILE)?,
        points: stage(POINTS_FILE)?,
        aggregate: (agg != Level::None)
            .then(|| stage(AGGREGATE_FILE))
            .transpose()?,
        timeseries: (ts != Level::None)
            .then(|| stage(TIMESERIES_FILE))
            .transpose()?,
    })
}

/// The sweep part of the manifest.
fn sweep_record(
    plan: &Plan,
    ts: Level,
    agg: Level,
    fingerprint: String,
    first_started: String,
    computed_runs: usize,
    resumed_runs: usize,
) -> SweepRecord {
    SweepRecord {
        design: plan.spec.design.name().to_string(),
        parameters: plan.points.paths.clone(),
        points: plan.point_count(),
        replicates: plan.replicates,
        design_seed: plan.design_seed,
        timeseries: ts.name().to_string(),
        aggregate: agg.name().to_string(),
        fingerprint,
        first_started,
        computed_runs,
        resumed_runs,
        shards: None,
    }
}

/// Writes the files that follow the runs (SALib's, the manifest), then puts every result
/// file in place, removing those of an earlier sweep in the directory that this one does
/// not write. `invocation.finished` is set here.
fn finish(
    plan: &Plan,
    out: &OutputDir,
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    assembler: Assembler,
    mut invocation: Invocation,
    sweep: SweepRecord,
) -> Result<(), SweepError> {
    let mut files = assembler.finish()?;
    if let Some(bounds) = &plan.points.bounds {
        files.push((PROBLEM_FILE, write_problem(stage, plan, bounds)?));
        files.push((SAMPLES_FILE, write_samples(stage, plan)?));
    }
    invocation.finished = now_rfc3339();
    let manifest = SweepManifest {
        manifest: Manifest::new(std::slice::from_ref(&plan.base), plan.runs(), invocation),
        sweep,
    };
    let mut json = stage(MANIFEST_FILE)?;
    serde_json::to_writer_pretty(&mut json, &manifest).map_err(OutputError::from)?;
    json.write_all(b"\n")
        .map_err(OutputError::io(json.path()))?;
    files.push((MANIFEST_FILE, json.finish()?));

    // Files of an earlier sweep in this directory that this one does not write would be
    // mistaken for its own: remove them before putting the new ones in place.
    let written: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    for name in FILES.iter().filter(|n| !written.contains(n)) {
        remove_if_present(&out.path().join(name))?;
    }
    let pending: Vec<Pending> = files.into_iter().map(|(_, p)| p).collect();
    Ok(out.commit(pending)?)
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

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(OutputError::io(path)(e)),
        _ => Ok(()),
    }
}

/// `problem.json`: the SALib problem of a sampled design.
fn write_problem(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    plan: &Plan,
    bounds: &[(f64, f64)],
) -> Result<Pending, OutputError> {
    #[derive(serde::Serialize)]
    struct Problem<'a> {
        num_vars: usize,
        names: &'a [String],
        bounds: Vec<[f64; 2]>,
    }
    let problem = Problem {
        num_vars: plan.points.paths.len(),
        names: &plan.points.paths,
        bounds: bounds.iter().map(|&(a, b)| [a, b]).collect(),
    };
    let mut staged = stage(PROBLEM_FILE)?;
    serde_json::to_writer_pretty(&mut staged, &problem)?;
    staged
        .write_all(b"\n")
        .map_err(OutputError::io(staged.path()))?;
    staged.finish()
}

/// `samples.csv`: the value of each parameter at each point, in point order (SALib's row
/// order for sobol and morris).
fn write_samples(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    plan: &Plan,
) -> Result<Pending, OutputError> {
    let staged = stage(SAMPLES_FILE)?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(staged);
    w.write_record(&plan.points.paths)?;
    for point in 0..plan.point_count() {
        w.write_record(plan.cells(point))?;
    }
    let staged = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    staged.finish()
}
