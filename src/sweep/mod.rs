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
//! - [`compare`]: paired differences between two scenarios or two points of a sweep.
//!
//! [`execute`] ties them together: prepare the directory, run or read back every run,
//! assemble, put the files in place, remove the work area.

pub mod assemble;
pub mod compare;
pub mod design;
pub mod exec;
pub mod plan;
pub mod record;
pub mod workdir;

use std::fs;
use std::io::{ErrorKind, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

pub use plan::Plan;

use crate::output::atomic::Pending;
use crate::output::manifest::{Invocation, Manifest, SweepManifest, SweepRecord, now_rfc3339};
use crate::output::{OutputDir, OutputError, check_target};
use crate::run::run_replicate;
use crate::scenario::ScenarioError;
use assemble::{Assembler, Outputs};
use record::{Expected, RunRecord};
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
/// the result files assembled in run order and put in place, the work area removed.
pub fn execute(
    plan: &Plan,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Report, SweepError> {
    let started = now_rfc3339();
    let (ts, agg) = (options.timeseries, options.aggregate);
    let fingerprint = workdir::fingerprint(plan, ts, agg);
    let state = State::new(plan, ts, agg, fingerprint.clone(), started.clone());
    let (area, first_started) = prepare(&options.dir, options, &state)?;

    let pool = exec::pool(options.threads).map_err(SweepError::Threads)?;

    let runs = plan.runs();
    let done = (0..runs).filter(|&r| area.has_run(r)).count();
    progress.start(runs - done, done);

    let out = OutputDir::existing(&options.dir);
    let stage = |name: &str| out.stage_at(name, area.staging_path(name));
    let files = Outputs {
        summary: stage(SUMMARY_FILE)?,
        points: stage(POINTS_FILE)?,
        aggregate: (agg != Level::None)
            .then(|| stage(AGGREGATE_FILE))
            .transpose()?,
        timeseries: (ts != Level::None)
            .then(|| stage(TIMESERIES_FILE))
            .transpose()?,
    };
    let mut assembler = Assembler::new(plan, ts, agg, files)?;
    let stored = ts.max(agg);
    let per_week = record::rows_per_week(stored, plan.base.countries.len());
    let weeks = plan.base.run.weeks as usize;
    let mut resumed = 0;
    // Enough results in flight to keep every thread busy while one slow run is awaited.
    let window = 4 * pool.current_num_threads().max(1);
    exec::ordered(
        &pool,
        runs,
        window,
        |run| -> Result<(RunRecord, bool), SweepError> {
            let point = plan.point_of(run);
            let expected = Expected {
                fingerprint: &fingerprint,
                run,
                point,
                replicate: plan.replicate_of(run),
                weeks,
                rows_per_week: per_week,
            };
            // A sound record is reused; a missing or damaged one is computed (again).
            if let Some(rec) = area
                .read_run(run)
                .and_then(|text| record::decode(&text, &expected).ok())
            {
                return Ok((rec, true));
            }
            let scenario = plan.scenario(point)?;
            let result = run_replicate(&scenario, expected.replicate);
            let text = record::encode(&fingerprint, run, point, &result, stored)
                .map_err(OutputError::from)?;
            area.write_run(run, &text)?;
            progress.run_done();
            let rec = record::decode(&text, &expected)
                .map_err(|reason| SweepError::Record { run, reason })?;
            Ok((rec, false))
        },
        |_, (rec, was_resumed)| {
            resumed += usize::from(was_resumed);
            assembler.add(&rec).map_err(SweepError::from)
        },
    )?;

    let mut files = assembler.finish()?;
    if let Some(bounds) = &plan.points.bounds {
        files.push((PROBLEM_FILE, write_problem(&out, &area, plan, bounds)?));
        files.push((SAMPLES_FILE, write_samples(&out, &area, plan)?));
    }
    let manifest = SweepManifest {
        manifest: Manifest::new(
            std::slice::from_ref(&plan.base),
            runs,
            Invocation {
                command_line: options.command_line.clone(),
                threads: pool.current_num_threads(),
                started,
                finished: now_rfc3339(),
            },
        ),
        sweep: SweepRecord {
            design: plan.spec.design.name().to_string(),
            parameters: plan.points.paths.clone(),
            points: plan.point_count(),
            replicates: plan.replicates,
            design_seed: plan.design_seed,
            timeseries: ts.name().to_string(),
            aggregate: agg.name().to_string(),
            fingerprint,
            first_started,
            computed_runs: runs - resumed,
            resumed_runs: resumed,
        },
    };
    let mut json = out.stage_at(MANIFEST_FILE, area.staging_path(MANIFEST_FILE))?;
    serde_json::to_writer_pretty(&mut json, &manifest).map_err(OutputError::from)?;
    json.write_all(b"\n")
        .map_err(OutputError::io(json.path()))?;
    files.push((MANIFEST_FILE, json.finish()?));

    // Files of an earlier sweep in this directory that this one does not write would be
    // mistaken for its own: remove them before putting the new ones in place.
    let written: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    for name in FILES.iter().filter(|n| !written.contains(n)) {
        remove_if_present(&options.dir.join(name))?;
    }
    let pending: Vec<Pending> = files.into_iter().map(|(_, p)| p).collect();
    out.commit(pending)?;
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

/// Checks the directory rule of a sweep and opens its work area: returns it and when the
/// sweep was first started. Nothing is changed when the sweep is refused.
fn prepare(dir: &Path, options: &Options, state: &State) -> Result<(WorkArea, String), SweepError> {
    let has_work = WorkArea::exists_in(dir);
    if options.force {
        match fs::metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(OutputError::NotADirectory {
                    path: dir.to_path_buf(),
                }
                .into());
            }
            _ => {}
        }
        // Never pull a work area from under another process: discarding takes the lock.
        WorkArea::discard(dir)?;
        return Ok((WorkArea::create(dir, state)?, state.started.clone()));
    }
    if has_work {
        if !options.resume {
            return Err(SweepError::Refused(format!(
                "{} holds the work area of a sweep (.runs/, an interrupted sweep or one kept with --keep-runs): add --resume to continue it, or --force to start again",
                dir.display()
            )));
        }
        let (area, recorded) = WorkArea::open(dir)?;
        let differences = recorded.differences(state);
        if !differences.is_empty() {
            return Err(SweepError::Refused(format!(
                "cannot resume the sweep in {}: {}; run the command it was started with, or use --force to start again",
                dir.display(),
                differences.join("; ")
            )));
        }
        return Ok((area, recorded.started));
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
    Ok((WorkArea::create(dir, state)?, state.started.clone()))
}

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(OutputError::io(path)(e)),
        _ => Ok(()),
    }
}

/// `problem.json`: the SALib problem of a sampled design.
fn write_problem(
    out: &OutputDir,
    area: &WorkArea,
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
    let mut staged = out.stage_at(PROBLEM_FILE, area.staging_path(PROBLEM_FILE))?;
    serde_json::to_writer_pretty(&mut staged, &problem)?;
    staged
        .write_all(b"\n")
        .map_err(OutputError::io(staged.path()))?;
    staged.finish()
}

/// `samples.csv`: the value of each parameter at each point, in point order (SALib's row
/// order for sobol and morris).
fn write_samples(out: &OutputDir, area: &WorkArea, plan: &Plan) -> Result<Pending, OutputError> {
    let staged = out.stage_at(SAMPLES_FILE, area.staging_path(SAMPLES_FILE))?;
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
