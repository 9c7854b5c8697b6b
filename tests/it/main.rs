//! The integration tests: one binary that drives the real `palermo` executable, as a user
//! would, through its command line, exit status, stderr and output files.
//!
//! - `architecture`: the structure of `src/` from its imports (no cycles, layers, sizes);
//! - `cli`: what `run`, `check` and `params` write;
//! - `bad_input`: every kind of bad input exits 2, says where, and creates nothing;
//! - `determinism`: output bytes do not depend on threads or on which scenarios run together;
//! - `sweep`: `palermo sweep`: files, statistics, threads, designs, bad sweeps;
//! - `sweep_resume`: kill and resume, damaged records, `palermo resume`, no clobbering;
//! - `signals`: SIGINT and SIGTERM during `run` and sweeps, two processes on one sweep;
//! - `signals_merge`: SIGINT and SIGTERM at many moments of `merge` and `report`;
//! - `faults`: a full disk during `run`, `sweep`, `merge` and `report`; a half-copied shard;
//! - `faults_readonly`: an output directory made read-only while `run` or a sweep works in it;
//! - `sweep_compare`: `palermo compare`;
//! - `resources`: memory flat in the replicates, the memory check and its estimate, `--dry-run`;
//! - `report`: `palermo report` and `--report` on each kind of directory;
//! - `sensitivity`: `sensitivity.csv` of sobol and morris sweeps;
//! - `validate`: `palermo validate`: exit statuses 0, 1 and 2, its files, threads;
//! - `serve`: `palermo serve`'s endpoints and event stream over HTTP;
//! - `serve_abuse`: the server under load, hostile requests and slow clients at once.

mod architecture;
mod bad_input;
mod calendar;
mod calibrate;
mod cli;
mod determinism;
mod docs;
mod faults;
mod faults_readonly;
mod golden;
mod patterns;
mod report;
mod resources;
mod sensitivity;
mod serve;
mod serve_abuse;
mod shard;
mod signals;
mod signals_merge;
mod sweep;
mod sweep_compare;
mod sweep_resume;
mod validate;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What one invocation of the binary did.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Asserts status 0 and returns self, showing stderr when it fails.
    #[track_caller]
    pub fn ok(self) -> Outcome {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        self
    }

    /// Asserts exit status 2 (bad input) and no panic.
    #[track_caller]
    pub fn bad_input(self) -> Outcome {
        assert_eq!(self.code, Some(2), "stderr: {}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }
}

/// Runs `palermo` with these arguments.
pub fn palermo<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .output()
        .expect("the palermo binary runs");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `palermo sweep SCENARIO --out DIR --quiet EXTRA...`.
fn sweep(scenario: &Path, out: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<String> = vec![
        "sweep".into(),
        scenario.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    palermo(args)
}

/// Waits (a minute at most) until `ready` holds, while the child still runs.
pub fn wait_until(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "not {what} within a minute");
        assert!(
            child.try_wait().unwrap().is_none(),
            "palermo ended before {what}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Starts `palermo ARGS` (no output) and kills it (SIGKILL: no chance to clean up) as soon
/// as `ready()` holds (see [`wait_until`]).
pub fn kill_when<I, S>(args: I, what: &str, ready: impl Fn() -> bool)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut child = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(&mut child, what, ready);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The funnel world of the golden file (`tests/fixtures/golden/funnel.toml`): small and busy.
pub fn funnel() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden/funnel.toml")
}

/// A fixture of `tests/fixtures/cli/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli")
        .join(name)
}

/// Reads a CSV file: its header and its records.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}
