//! SIGINT and SIGTERM through the real binary, at several moments of `palermo run` and of a
//! sweep: the process exits with 130 or 143, nothing stands under a final name that was not
//! there before, no temporary file is left, and a stopped sweep says how to resume and
//! resumes to the bytes of a sweep never stopped; a stopped fit says how to resume. The moments are found by watching the
//! output directory (a staged file appears; so many run records are written).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::{calibrate, fixture, sweep, wait_until};

/// Every file under `dir` (recursively), as paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                found.push(rel.display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// The temporary files under `dir`.
pub fn temporaries(dir: &Path) -> Vec<String> {
    files_under(dir)
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect()
}

/// Flags that make `palermo run` of the tiny fixture long enough to be stopped midway: 400
/// replicates of 300 weeks on one thread.
pub const LONG_RUN: [&str; 7] = [
    "--replicates",
    "400",
    "--set",
    "run.weeks=300",
    "--threads",
    "1",
    "--quiet",
];

/// A sweep of the tiny fixture long enough to be stopped midway: 6 points × 60 replicates of
/// 300 weeks on one thread, 360 runs in a few seconds.
pub const LONG_SWEEP: [&str; 6] = [
    "--set",
    "run.weeks=300",
    "--replicates",
    "60",
    "--threads",
    "1",
];

/// [`LONG_SWEEP`] with `--timeseries world`, run once undisturbed into `tmp/whole`: that
/// directory, and the arguments of the same sweep into `out`.
pub fn long_sweep(tmp: &Path, out: &Path) -> (PathBuf, Vec<String>) {
    let scenario = fixture("tiny_sweep.toml");
    let extra = [&LONG_SWEEP[..], &["--timeseries", "world"]].concat();
    let whole = tmp.join("whole");
    sweep(&scenario, &whole, &extra).ok();
    let mut args: Vec<String> = ["sweep", scenario.to_str().unwrap(), "--out"]
        .map(String::from)
        .to_vec();
    args.extend([out.display().to_string(), "--quiet".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    (whole, args)
}

/// The result files of a sweep with `--timeseries world`.
pub const SWEEP_FILES: [&str; 4] = [
    "summary.csv",
    "points.csv",
    "aggregate.csv",
    "timeseries.csv",
];

/// Asserts that each of `files` has the same bytes in `a` and in `b`.
#[track_caller]
pub fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for file in files {
        assert!(
            fs::read(a.join(file)).unwrap() == fs::read(b.join(file)).unwrap(),
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Starts `palermo ARGS` with stderr captured.
pub fn start(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Sends `signal` (INT or TERM) and returns the exit status and stderr.
fn stop(child: Child, signal: &str) -> (Option<i32>, String) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn status_of(signal: &str) -> i32 {
    match signal {
        "INT" => 130,
        "TERM" => 143,
        _ => unreachable!(),
    }
}

#[test]
fn a_stopped_run_leaves_no_file_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = fixture("tiny.toml");
    let tiny = tiny.to_str().unwrap();
    let long = LONG_RUN;
    for signal in ["INT", "TERM"] {
        // A new directory: removed again, with the staged files in it.
        let out = tmp.path().join(format!("new-{signal}"));
        let out_s = out.to_str().unwrap();
        let mut child = start(&[&["run", tiny, "--out", out_s], &long[..]].concat());
        wait_until(&mut child, "a file is staged", || {
            !temporaries(&out).is_empty()
        });
        let (code, stderr) = stop(child, signal);
        assert_eq!(code, Some(status_of(signal)), "{stderr}");
        assert!(
            stderr.contains(&format!("interrupted by SIG{signal}")),
            "{stderr}"
        );
        assert!(!out.exists(), "left {:?}", files_under(&out));

        // An existing directory with --force: the earlier results stand, unchanged.
        let kept = tmp.path().join(format!("kept-{signal}"));
        fs::create_dir(&kept).unwrap();
        fs::write(kept.join("summary.csv"), "earlier results\n").unwrap();
        let kept_s = kept.to_str().unwrap();
        let mut child = start(&[&["run", tiny, "--out", kept_s, "--force"], &long[..]].concat());
        wait_until(&mut child, "a file is staged", || {
            !temporaries(&kept).is_empty()
        });
        let (code, stderr) = stop(child, signal);
        assert_eq!(code, Some(status_of(signal)), "{stderr}");
        assert_eq!(files_under(&kept), ["summary.csv"]);
        assert_eq!(
            fs::read_to_string(kept.join("summary.csv")).unwrap(),
            "earlier results\n"
        );
    }
}

/// The records in a sweep's work area.
pub fn records(out: &Path) -> usize {
    files_under(&out.join(".runs/runs"))
        .iter()
        .filter(|f| f.ends_with(".run"))
        .count()
}

/// Stops the sweep (or resume) `child` in `out` with `signal` once `runs` are recorded,
/// and checks what it leaves: status, message, records kept, no result and no temporary.
fn stop_sweep(mut child: Child, out: &Path, runs: usize, signal: &str) -> usize {
    wait_until(&mut child, &format!("{runs} runs are recorded"), || {
        out.join(".runs/sweep.json").is_file() && records(out) >= runs
    });
    let (code, stderr) = stop(child, signal);
    assert_eq!(code, Some(status_of(signal)), "{stderr}");
    let resume = format!("`palermo resume {}` continues the sweep", out.display());
    assert!(stderr.contains(&resume), "{stderr}");
    assert_eq!(temporaries(out), Vec::<String>::new());
    let results: Vec<String> = files_under(out)
        .into_iter()
        .filter(|f| !f.starts_with(".runs"))
        .collect();
    assert!(results.is_empty(), "no result before the end: {results:?}");
    records(out)
}

#[test]
fn a_sweep_stopped_again_and_again_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let out: PathBuf = tmp.path().join("stopped");
    let out_s = out.to_str().unwrap();
    let (whole, sweep_args) = long_sweep(tmp.path(), &out);
    let sweep_args: Vec<&str> = sweep_args.iter().map(String::as_str).collect();
    let resume_args = ["resume", out_s, "--threads", "1", "--quiet"];
    // At the start (no run recorded yet, or hardly any), after some runs, after most.
    let first = stop_sweep(start(&sweep_args), &out, 0, "TERM");
    let some = stop_sweep(start(&resume_args), &out, first + 20, "INT");
    let most = stop_sweep(start(&resume_args), &out, 300, "TERM");
    assert!(
        first < some && some < most && most < 360,
        "{first} {some} {most}"
    );

    crate::palermo(resume_args).ok();
    assert_same_files(&whole, &out, &SWEEP_FILES);
    assert!(!out.join(".runs").exists());
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sweep"]["resumed_runs"], most);
}

#[test]
fn two_processes_never_work_in_one_sweep_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny_sweep.toml");
    let out = tmp.path().join("busy");
    let out_s = out.to_str().unwrap();
    let extra = LONG_SWEEP;
    let mut first = start(
        &[
            &[
                "sweep",
                scenario.to_str().unwrap(),
                "--out",
                out_s,
                "--quiet",
            ],
            &extra[..],
        ]
        .concat(),
    );
    wait_until(&mut first, "a run is recorded", || records(&out) >= 1);
    // A second process, by each way in: refused with exit 2, nothing touched.
    let mut resume = extra.to_vec();
    resume.push("--resume");
    let mut force = extra.to_vec();
    force.push("--force");
    for second in [
        crate::palermo(["resume", out_s]),
        sweep(&scenario, &out, &resume),
        sweep(&scenario, &out, &force),
    ] {
        let refused = second.bad_input();
        assert!(
            refused
                .stderr
                .contains("another palermo process is working in"),
            "{}",
            refused.stderr
        );
    }
    assert!(out.join(".runs/sweep.json").is_file());
    let (code, _) = stop(first, "TERM");
    assert_eq!(code, Some(143));
    // Once the first has gone, the sweep can be resumed.
    sweep(&scenario, &out, &resume).ok();
    assert!(out.join("points.csv").is_file());
}

#[test]
fn a_stopped_fit_says_how_to_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let targets = tmp.path().join("targets.toml");
    fs::write(&targets, calibrate::ESCAPE_TARGETS).unwrap();
    let out = tmp.path().join("fit");
    let mut extra = vec![
        "--targets",
        targets.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    extra.extend(calibrate::LONG_FIT);
    let args = calibrate::calibrate_args(&extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = start(&args);
    wait_until(&mut child, "a generation is recorded", || {
        calibrate::recorded_generations(&out) >= 1
    });
    let (code, stderr) = stop(child, "INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("complete generations are kept") && stderr.contains("--resume"),
        "{stderr}"
    );
    assert!(temporaries(&out).is_empty(), "{:?}", files_under(&out));
    assert!(!out.join("posterior.csv").exists());
}
