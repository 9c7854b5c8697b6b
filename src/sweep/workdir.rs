//! The work area of a sweep: `DIR/.runs/`, what makes a sweep survive interruption.
//!
//! ```text
//! DIR/.runs/sweep.json        what this sweep is (its fingerprint), written first
//! DIR/.runs/lock              held (advisory lock) while a palermo process works here
//! DIR/.runs/runs/RUN.run      one record per finished run (record.rs), RUN on nine digits
//! DIR/.runs/*.tmp             the result files while they are being assembled
//! ```
//!
//! Each run record is written aside, flushed to disk and renamed into place, so it is either
//! complete or absent, whenever the process is stopped. `--resume` reads `sweep.json`,
//! refuses a sweep that differs from the one recorded, and skips every run whose record is
//! there and sound. The work area is removed once the results are in place, unless asked to
//! keep it.

use std::fs::{self, File, TryLockError};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::SweepError;
use super::level::Level;
use super::plan::Plan;
use super::split::Shard;
use crate::output::{OutputError, temporaries};
use crate::scenario::sweep::parse_sweep;
use crate::scenario::{self, Override};

/// The work area's directory name inside the output directory.
pub const WORK_DIR: &str = ".runs";
const STATE_FILE: &str = "sweep.json";
const LOCK_FILE: &str = "lock";
const RUNS_DIR: &str = "runs";
/// The version of the work area's layout and of `sweep.json`.
const FORMAT: u32 = 1;

/// What a sweep is, as recorded in `sweep.json`: enough to refuse resuming a different one,
/// and to say what differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub palermo_version: String,
    /// SHA-256 over everything that decides the runs' records (see [`fingerprint`]).
    pub fingerprint: String,
    pub scenario: String,
    /// The scenario file's absolute path, so that `palermo resume` finds it from any
    /// directory (absent from the work areas of palermo before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_absolute: Option<String>,
    pub scenario_sha256: String,
    /// The `--set` overrides (and `--seed`, `--weeks`, `--replicates`), as given.
    pub overrides: Vec<String>,
    pub design: String,
    pub points: usize,
    pub replicates: u32,
    pub runs: usize,
    pub timeseries: String,
    pub aggregate: String,
    /// `K/N` when this work area is shard K of N (`--shard`), none for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// When the sweep was first started (UTC, RFC 3339).
    pub started: String,
}

impl State {
    pub fn new(
        plan: &Plan,
        timeseries: Level,
        aggregate: Level,
        shard: Option<Shard>,
        fingerprint: String,
        started: String,
    ) -> State {
        State {
            format: FORMAT,
            palermo_version: env!("CARGO_PKG_VERSION").to_string(),
            fingerprint,
            scenario: plan.base.path.clone(),
            scenario_absolute: std::path::absolute(&plan.base.path)
                .ok()
                .map(|p| p.display().to_string()),
            scenario_sha256: crate::output::manifest::sha256_hex(&plan.base.text),
            overrides: plan.base.overrides.iter().map(|o| o.to_string()).collect(),
            design: plan.spec.design.name().to_string(),
            points: plan.point_count(),
            replicates: plan.replicates,
            runs: plan.runs(),
            timeseries: timeseries.name().to_string(),
            aggregate: aggregate.name().to_string(),
            shard: shard.map(|s| s.to_string()),
            started,
        }
    }

    /// Why `self` (recorded) and `now` (this invocation) are not the same sweep, most
    /// telling reason first.
    pub fn differences(&self, now: &State) -> Vec<String> {
        let mut out = Vec::new();
        if self.format != now.format || self.palermo_version != now.palermo_version {
            out.push(format!(
                "it was started by palermo {} and this is palermo {}",
                self.palermo_version, now.palermo_version
            ));
        }
        if self.scenario_sha256 != now.scenario_sha256 {
            out.push(format!(
                "the scenario text differs from the one it was started with ({}, sha256 {}…; now {}…)",
                self.scenario,
                &self.scenario_sha256[..self.scenario_sha256.len().min(12)],
                &now.scenario_sha256[..now.scenario_sha256.len().min(12)]
            ));
        } else if self.scenario != now.scenario {
            out.push(format!(
                "it was started from {} (the file's name labels its rows), not {}",
                self.scenario, now.scenario
            ));
        }
        if self.overrides != now.overrides {
            let show = |o: &[String]| {
                if o.is_empty() {
                    "none".to_string()
                } else {
                    o.join(" ")
                }
            };
            out.push(format!(
                "it was started with overrides [{}], and this command has [{}]",
                show(&self.overrides),
                show(&now.overrides)
            ));
        }
        if self.replicates != now.replicates {
            out.push(format!(
                "it has {} replicates per point, and this command {}",
                self.replicates, now.replicates
            ));
        }
        if self.timeseries != now.timeseries || self.aggregate != now.aggregate {
            out.push(format!(
                "it was started with --timeseries {} --aggregate {}, and this command has --timeseries {} --aggregate {}",
                self.timeseries, self.aggregate, now.timeseries, now.aggregate
            ));
        }
        if self.shard != now.shard {
            let what = |s: &Option<String>| {
                s.as_ref()
                    .map_or("the whole sweep".to_string(), |k| format!("shard {k}"))
            };
            out.push(format!(
                "it holds {}, and this command runs {}",
                what(&self.shard),
                what(&now.shard)
            ));
        }
        if out.is_empty() && self.fingerprint != now.fingerprint {
            out.push(format!(
                "its design differs ({} of {} points; now {} of {})",
                self.design, self.points, now.design, now.points
            ));
        }
        out
    }
}

impl State {
    /// Reads the state recorded in `dir`'s work area (without taking its lock).
    pub fn read(dir: &Path) -> Result<State, SweepError> {
        let path = WorkArea::path_in(dir).join(STATE_FILE);
        let text = fs::read_to_string(&path).map_err(OutputError::io(&path))?;
        serde_json::from_str(&text).map_err(|e| {
            SweepError::Refused(format!(
                "{} is not a sweep state this palermo can read ({e}); use --force to start the sweep again",
                path.display()
            ))
        })
    }

    /// The sweep this state records, rebuilt from the scenario's text (which the caller reads
    /// from the recorded file, or from a shard's record) with the recorded overrides.
    pub fn plan(&self, scenario_text: &str) -> Result<Plan, SweepError> {
        let overrides = self
            .overrides
            .iter()
            .map(|text| Override::parse(text))
            .collect::<Result<Vec<_>, _>>()?;
        let base = scenario::parse(scenario_text, &self.scenario, &overrides)?;
        let Some(spec) = parse_sweep(&base)? else {
            return Err(SweepError::Refused(format!(
                "{} has no [sweep] section any more",
                self.scenario
            )));
        };
        Ok(Plan::new(base, spec, Some(self.replicates))?)
    }

    /// The recorded levels of weekly data: `timeseries`, `aggregate`.
    pub fn levels(&self) -> Result<(Level, Level), SweepError> {
        Ok((level(&self.timeseries)?, level(&self.aggregate)?))
    }

    /// The recorded shard, if the work area is one.
    pub fn shard(&self) -> Result<Option<Shard>, SweepError> {
        self.shard
            .as_deref()
            .map(|text| text.parse().map_err(SweepError::Refused))
            .transpose()
    }
}

fn level(name: &str) -> Result<Level, SweepError> {
    [Level::None, Level::World, Level::Countries]
        .into_iter()
        .find(|l| l.name() == name)
        .ok_or_else(|| SweepError::Refused(format!("unknown level of weekly data `{name}`")))
}

/// The fingerprint of a sweep: SHA-256 over the palermo version, the scenario's name and
/// text, the overrides, the replicates, the levels of weekly data kept, and every point's
/// values. Two invocations with the same fingerprint produce the same run records. Threads
/// and shards are not part of it.
pub fn fingerprint(plan: &Plan, timeseries: Level, aggregate: Level) -> String {
    let mut h = Sha256::new();
    let mut line = |parts: &[&str]| {
        h.update(parts.join(" ").as_bytes());
        h.update(b"\n");
    };
    line(&[
        "palermo-sweep",
        &FORMAT.to_string(),
        env!("CARGO_PKG_VERSION"),
    ]);
    line(&["scenario", &plan.base.name]);
    line(&[
        "text",
        &crate::output::manifest::sha256_hex(&plan.base.text),
    ]);
    for o in &plan.base.overrides {
        line(&["override", &o.to_string()]);
    }
    line(&["replicates", &plan.replicates.to_string()]);
    line(&[
        "timeseries",
        timeseries.name(),
        "aggregate",
        aggregate.name(),
    ]);
    line(&[
        "design",
        plan.spec.design.name(),
        &plan.design_seed.to_string(),
    ]);
    for point in 0..plan.point_count() {
        let ovs: Vec<String> = plan
            .overrides_of(point)
            .iter()
            .map(|o| o.to_string())
            .collect();
        line(&["point", &point.to_string(), &ovs.join(";")]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// An open work area, locked for this process.
#[derive(Debug)]
pub struct WorkArea {
    root: PathBuf,
    runs: PathBuf,
    /// Held for the lifetime of the work area: the lock is released when it is dropped or
    /// the process ends, however it ends.
    _lock: File,
}

impl WorkArea {
    /// The work area's path inside an output directory.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(WORK_DIR)
    }

    /// Whether `dir` holds a sweep's work area.
    pub fn exists_in(dir: &Path) -> bool {
        Self::path_in(dir).join(STATE_FILE).is_file()
    }

    /// Creates the work area of a new sweep in `dir` (created if absent) and records its
    /// state first, so that from then on the sweep can be resumed.
    pub fn create(dir: &Path, state: &State) -> Result<WorkArea, SweepError> {
        let root = Self::path_in(dir);
        let runs = root.join(RUNS_DIR);
        fs::create_dir_all(&runs).map_err(OutputError::io(&runs))?;
        let area = WorkArea::lock(root, runs)?;
        let text = serde_json::to_string_pretty(state).map_err(OutputError::from)? + "\n";
        area.write_atomically(&area.root.join(STATE_FILE), text.as_bytes())?;
        Ok(area)
    }

    /// Opens the work area of a sweep being resumed, with its recorded state.
    pub fn open(dir: &Path) -> Result<(WorkArea, State), SweepError> {
        let root = Self::path_in(dir);
        let runs = root.join(RUNS_DIR);
        fs::create_dir_all(&runs).map_err(OutputError::io(&runs))?;
        let area = WorkArea::lock(root, runs)?;
        let state = State::read(dir)?;
        Ok((area, state))
    }

    /// Removes the work area in `dir`, if any, once no other process holds it.
    pub fn discard(dir: &Path) -> Result<(), SweepError> {
        let root = Self::path_in(dir);
        if !root.is_dir() {
            return Ok(());
        }
        let runs = root.join(RUNS_DIR);
        WorkArea::lock(root, runs)?.remove()?;
        Ok(())
    }

    fn lock(root: PathBuf, runs: PathBuf) -> Result<WorkArea, SweepError> {
        let path = root.join(LOCK_FILE);
        let file = File::create(&path).map_err(OutputError::io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(WorkArea {
                root,
                runs,
                _lock: file,
            }),
            Err(TryLockError::WouldBlock) => Err(SweepError::Refused(format!(
                "another palermo process is working in {}: wait for it to finish (or stop it) before resuming",
                root.parent().unwrap_or(&root).display()
            ))),
            Err(TryLockError::Error(e)) => Err(OutputError::io(&path)(e).into()),
        }
    }

    /// The output directory this work area is in.
    pub fn dir(&self) -> &Path {
        self.root.parent().unwrap_or(&self.root)
    }

    /// The record file of a run.
    pub fn run_path(&self, run: usize) -> PathBuf {
        self.runs.join(format!("{run:09}.run"))
    }

    /// Whether a run's record exists (it may still turn out damaged when read).
    pub fn has_run(&self, run: usize) -> bool {
        self.run_path(run).is_file()
    }

    /// A run's record text, if it exists and is readable text.
    pub fn read_run(&self, run: usize) -> Option<String> {
        fs::read_to_string(self.run_path(run)).ok()
    }

    /// Writes a run's record: aside, to disk, then renamed into place.
    pub fn write_run(&self, run: usize, text: &str) -> Result<(), OutputError> {
        self.write_atomically(&self.run_path(run), text.as_bytes())
    }

    /// Writes a file of the sweep (a run record, `sweep.json`, a shard's `shard.json`):
    /// aside, to disk, then renamed into place.
    pub fn write_atomically(&self, dest: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        let mut tmp = dest.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let written = temporaries::create(&tmp).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        });
        if let Err(e) = written {
            // A full disk or a file size limit: leave no partial temporary behind.
            let _ = temporaries::remove(&tmp);
            return Err(OutputError::io(&tmp)(e));
        }
        temporaries::rename_all([(tmp.as_path(), dest)]).map_err(|(dest, e)| {
            let _ = temporaries::remove(&tmp);
            OutputError::io(&dest)(e)
        })
    }

    /// Where a result file is assembled before it is renamed into the output directory.
    pub fn staging_path(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.tmp"))
    }

    /// Removes the work area (after the results are in place).
    pub fn remove(self) -> Result<(), OutputError> {
        let root = self.root.clone();
        drop(self);
        match fs::remove_dir_all(&root) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(OutputError::io(&root)(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            format: FORMAT,
            palermo_version: "0.1.0".into(),
            fingerprint: "f".into(),
            scenario: "s.toml".into(),
            scenario_absolute: None,
            scenario_sha256: "a".repeat(64),
            overrides: vec![],
            design: "grid".into(),
            points: 4,
            replicates: 2,
            runs: 8,
            timeseries: "none".into(),
            aggregate: "world".into(),
            shard: None,
            started: "2024-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn records_are_atomic_and_the_lock_is_exclusive() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let area = WorkArea::create(&dir, &state()).unwrap();
        assert!(WorkArea::exists_in(&dir));
        assert!(!area.has_run(3));
        area.write_run(3, "hello").unwrap();
        assert_eq!(area.read_run(3).as_deref(), Some("hello"));
        assert!(area.run_path(3).ends_with(".runs/runs/000000003.run"));
        let leftovers: Vec<_> = fs::read_dir(dir.join(".runs/runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");

        let busy = WorkArea::open(&dir).unwrap_err();
        assert!(
            busy.to_string().contains("another palermo process"),
            "{busy}"
        );
        drop(area);
        let (area, recorded) = WorkArea::open(&dir).unwrap();
        assert_eq!(recorded, state());
        area.remove().unwrap();
        assert!(!dir.join(".runs").exists());
        assert!(dir.exists());
    }

    #[test]
    fn differences_say_what_changed() {
        let a = state();
        assert!(a.differences(&a).is_empty());
        let b = State {
            overrides: vec!["all.ngo=0.5".into()],
            replicates: 3,
            ..a.clone()
        };
        let d = a.differences(&b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("[none]") && d[0].contains("[all.ngo=0.5]"));
        assert!(d[1].contains("2 replicates"));
        let c = State {
            scenario_sha256: "b".repeat(64),
            ..a.clone()
        };
        assert!(a.differences(&c)[0].contains("scenario text differs"));
        let e = State {
            fingerprint: "g".into(),
            points: 5,
            ..a.clone()
        };
        assert!(a.differences(&e)[0].contains("design differs"));
        let f = State {
            shard: Some("2/4".into()),
            ..a.clone()
        };
        let d = a.differences(&f);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("the whole sweep") && d[0].contains("shard 2/4"));
    }
}
