//! `palermo merge`: the shards of a sweep assembled into the outputs one machine would have
//! written, byte for byte (the manifest's times and command line aside).
//!
//! Every shard directory must hold a finished shard (`shard.json`) of the same sweep (the
//! same fingerprint, made by this palermo version) and together the shards must be 1 to N
//! of N, each once. The sweep is rebuilt from the scenario text and overrides the shards
//! recorded, its fingerprint checked against theirs, every record checked present, and then
//! the records are read in run order, each from the shard that holds it, through the same
//! assembler as a sweep on one machine. Nothing is written to the output directory before
//! all of that has passed, and the files are put in place only when all are complete.

use std::path::{Path, PathBuf};

use super::assemble::{Assembler, Outputs};
use super::error::SweepError;
use super::finish::{finish, sweep_record};
use super::plan::Plan;
use super::record::{self, RunRecord, expected};
use super::report::{Progress, Report};
use super::shard::{SHARD_FILE, ShardFile};
use super::split::Shard;
use super::workdir::{self, WorkArea};
use crate::output::OutputDir;
use crate::output::manifest::{Invocation, now_rfc3339};

/// What to merge, and where.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    pub shards: Vec<PathBuf>,
    pub out: PathBuf,
    /// Replace the sweep's files in a non-empty output directory.
    pub force: bool,
    pub command_line: Vec<String>,
}

/// One shard directory, checked and locked.
struct Opened {
    dir: PathBuf,
    file: ShardFile,
    area: WorkArea,
}

/// Merges the shards into `options.out`; `progress` counts the records assembled.
pub fn merge(options: &MergeOptions, progress: &dyn Progress) -> Result<Report, SweepError> {
    let started = now_rfc3339();
    let shards = open_all(&options.shards)?;
    check_together(&shards)?;
    let first = &shards[0].file;
    let plan = first.state.plan(&first.scenario_text)?;
    let (ts, agg) = first.state.levels()?;
    let fingerprint = workdir::fingerprint(&plan, ts, agg);
    if fingerprint != first.state.fingerprint {
        return Err(SweepError::Refused(format!(
            "the sweep rebuilt from {}'s scenario text does not have the fingerprint its shards recorded: were the shards edited by hand?",
            shards[0].dir.display()
        )));
    }
    // Shard K of N is at position K − 1 from here on.
    let mut by_index: Vec<&Opened> = shards.iter().collect();
    by_index.sort_by_key(|s| s.file.index);
    let count = first.count;
    let runs = plan.runs();
    for s in &by_index {
        let shard = s.file.shard();
        let missing = (0..shard.len(runs))
            .map(|j| shard.run(j))
            .find(|&run| !s.area.has_run(run));
        if s.file.runs != shard.len(runs) || missing.is_some() {
            return Err(SweepError::Refused(format!(
                "{} (shard {shard}) is incomplete: {}; resume that shard with `palermo sweep ... --shard {shard} --resume`",
                s.dir.display(),
                missing.map_or_else(
                    || format!("it recorded {} runs of {}", s.file.runs, shard.len(runs)),
                    |run| format!("the record of run {run} is missing")
                )
            )));
        }
    }
    for s in &by_index {
        if same_dir(&s.dir, &options.out) {
            return Err(SweepError::Refused(format!(
                "--out {} is one of the shard directories: merge into a new directory",
                options.out.display()
            )));
        }
    }

    let out = OutputDir::prepare(&options.out, options.force)?;
    let stage = |name: &str| out.stage(name);
    let written = (|| {
        let rows_per_week = record::rows_per_week(ts.max(agg), plan.base.countries.len());
        let mut assembler = Assembler::new(&plan, ts, agg, Outputs::stage(&stage, ts, agg)?)?;
        progress.start(runs, 0);
        for run in 0..runs {
            let holder = by_index[run % count];
            let rec = read_record(holder, &plan, &fingerprint, rows_per_week, run)?;
            assembler.add(&rec)?;
            progress.run_done();
        }
        let first_started = by_index
            .iter()
            .map(|s| s.file.state.started.as_str())
            .min()
            .unwrap_or(&started)
            .to_string();
        let mut sweep = sweep_record(&plan, ts, agg, fingerprint.clone(), first_started, runs, 0);
        sweep.shards = Some(count);
        let invocation = Invocation {
            command_line: options.command_line.clone(),
            threads: 1,
            started,
            finished: String::new(),
        };
        finish(&plan, &out, &stage, assembler.finish()?, invocation, sweep)
    })();
    if let Err(e) = written {
        out.abandon();
        return Err(e);
    }
    Ok(Report {
        points: plan.point_count(),
        replicates: plan.replicates,
        runs,
        computed: 0,
        resumed: runs,
    })
}

/// Reads every shard directory's `shard.json` and locks its work area.
fn open_all(dirs: &[PathBuf]) -> Result<Vec<Opened>, SweepError> {
    if dirs.is_empty() {
        return Err(SweepError::Refused(
            "give the shard directories to merge".to_string(),
        ));
    }
    let mut opened = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let Some(file) = ShardFile::read(dir)? else {
            return Err(SweepError::Refused(if WorkArea::exists_in(dir) {
                format!(
                    "{} holds an unfinished shard (no {}): resume it with `palermo sweep ... --shard K/N --resume` and merge when it is done",
                    dir.display(),
                    SHARD_FILE
                )
            } else if dir.is_dir() {
                format!(
                    "{} is not a shard directory (no {}): give the --out directories of `palermo sweep --shard K/N`",
                    dir.display(),
                    SHARD_FILE
                )
            } else {
                format!("{} is not a directory", dir.display())
            }));
        };
        if !WorkArea::exists_in(dir) {
            return Err(SweepError::Refused(format!(
                "{} has a {} but no run records ({}/): was it copied without its hidden directory?",
                dir.display(),
                SHARD_FILE,
                workdir::WORK_DIR
            )));
        }
        // A shard given twice would meet its own lock: say what is wrong instead.
        if let Some(other) = opened.iter().find(|o: &&Opened| o.file.index == file.index) {
            return Err(given_twice(file.shard(), &other.dir, dir));
        }
        let (area, state) = WorkArea::open(dir)?;
        if state != file.state {
            return Err(SweepError::Refused(format!(
                "{}: its {} and its work area describe different sweeps: run the shard again",
                dir.display(),
                SHARD_FILE
            )));
        }
        opened.push(Opened {
            dir: dir.clone(),
            file,
            area,
        });
    }
    Ok(opened)
}

/// The shards must be of one sweep, made by this palermo, and be 1 to N of N, each once.
fn check_together(shards: &[Opened]) -> Result<(), SweepError> {
    let first = &shards[0];
    let version = env!("CARGO_PKG_VERSION");
    for s in shards {
        if s.file.state.palermo_version != version {
            return Err(SweepError::Refused(format!(
                "{} was made by palermo {}, and this is palermo {version}: merge with the palermo that made the shards",
                s.dir.display(),
                s.file.state.palermo_version
            )));
        }
    }
    for s in &shards[1..] {
        let differences = first.file.state.differences(&s.file.state);
        // The shard itself differs by construction; anything else makes it foreign.
        let foreign: Vec<&String> = differences
            .iter()
            .filter(|d| !d.starts_with("it holds shard"))
            .collect();
        if !foreign.is_empty() || s.file.state.fingerprint != first.file.state.fingerprint {
            let why = if foreign.is_empty() {
                "its fingerprint differs".to_string()
            } else {
                foreign
                    .iter()
                    .map(|d| d.replace("this command", "the other"))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return Err(SweepError::Refused(format!(
                "{} and {} are shards of different sweeps ({} against {}): {why}",
                first.dir.display(),
                s.dir.display(),
                first.file.state.scenario,
                s.file.state.scenario
            )));
        }
        if s.file.count != first.file.count {
            return Err(SweepError::Refused(format!(
                "{} is shard {} and {} is shard {}: the shards of one merge split the sweep the same way (the same N)",
                first.dir.display(),
                first.file.shard(),
                s.dir.display(),
                s.file.shard()
            )));
        }
    }
    let count = first.file.count;
    let mut holder: Vec<Option<&Path>> = vec![None; count];
    for s in shards {
        let slot = &mut holder[s.file.index - 1];
        if let Some(other) = slot {
            return Err(given_twice(s.file.shard(), other, &s.dir));
        }
        *slot = Some(&s.dir);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| holder[k - 1].is_none())
        .map(|index| Shard { index, count }.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Refused(format!(
            "shard{} {} of this sweep {} missing: a merge needs all {count} shards",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            if missing.len() > 1 { "are" } else { "is" }
        )));
    }
    Ok(())
}

fn given_twice(shard: Shard, a: &Path, b: &Path) -> SweepError {
    SweepError::Refused(format!(
        "shard {shard} is given twice: {} and {}",
        a.display(),
        b.display()
    ))
}

/// A run's record from the shard that holds it; a damaged one stops the merge.
fn read_record(
    holder: &Opened,
    plan: &Plan,
    fingerprint: &str,
    rows_per_week: usize,
    run: usize,
) -> Result<RunRecord, SweepError> {
    let expected = expected(plan, fingerprint, rows_per_week, run);
    let shard = holder.file.shard();
    let text = holder.area.read_run(run).ok_or_else(|| {
        SweepError::Refused(format!(
            "{} (shard {shard}): the record of run {run} cannot be read; resume that shard with --resume",
            holder.dir.display()
        ))
    })?;
    record::decode(&text, &expected).map_err(|reason| {
        SweepError::Refused(format!(
            "{} (shard {shard}): the record of run {run} is damaged ({reason}); resume that shard with --resume to compute it again",
            holder.dir.display()
        ))
    })
}

/// Whether two paths name the same directory (both existing).
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
