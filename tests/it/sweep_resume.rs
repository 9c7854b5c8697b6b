//! A sweep's work area through the real binary: a killed sweep resumed to the same bytes, a
//! damaged or missing run record computed again, `palermo resume DIR` (a whole sweep or a
//! shard), resumes that are refused and why, and output directories that are never
//! clobbered without `--force`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::sweep::names_in;
use crate::{fixture, kill_when, palermo, sweep};

/// The records in a sweep's work area.
fn records(out: &Path) -> usize {
    fs::read_dir(out.join(".runs/runs"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".run"))
            })
            .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny_sweep.toml");
    // 6 points × 60 replicates of 300 weeks, one thread: long enough (a few seconds, most
    // of it flushing records to disk) to be stopped midway.
    let extra = [
        "--set",
        "run.weeks=300",
        "--replicates",
        "60",
        "--threads",
        "1",
    ];
    let whole = tmp.path().join("whole");
    sweep(&scenario, &whole, &extra).ok();

    let out = tmp.path().join("killed");
    let mut args = vec!["sweep".as_ref(), scenario.as_os_str(), "--out".as_ref()];
    args.extend([out.as_os_str(), "--quiet".as_ref()]);
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    kill_when(args, "5 runs are recorded", || records(&out) >= 5);
    let done = records(&out);
    assert!(
        (5..360).contains(&done),
        "killed midway: {done} of 360 runs recorded"
    );
    assert!(
        !out.join("summary.csv").exists(),
        "no result before the end"
    );

    // Without --resume, the unfinished sweep is not touched.
    let refused = sweep(&scenario, &out, &extra).bad_input();
    assert!(refused.stderr.contains("--resume"), "{}", refused.stderr);
    // Resuming a different sweep is refused, and says why.
    let mut other: Vec<&str> = extra.to_vec();
    other[1] = "run.weeks=301";
    let mut args = other.clone();
    args.push("--resume");
    let refused = sweep(&scenario, &out, &args).bad_input();
    assert!(
        refused.stderr.contains("cannot resume") && refused.stderr.contains("run.weeks=301"),
        "{}",
        refused.stderr
    );
    assert_eq!(records(&out), done, "a refused resume changes nothing");

    let mut args = extra.to_vec();
    args.push("--resume");
    sweep(&scenario, &out, &args).ok();
    for file in ["summary.csv", "points.csv", "aggregate.csv"] {
        assert!(
            fs::read(whole.join(file)).unwrap() == fs::read(out.join(file)).unwrap(),
            "{file} differs after resuming"
        );
    }
    assert!(
        !out.join(".runs").exists(),
        "the work area is removed at the end"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sweep"]["resumed_runs"], done);
    assert_eq!(manifest["sweep"]["computed_runs"], 360 - done);
}

#[test]
fn a_damaged_record_is_computed_again() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&fixture("tiny_sweep.toml"), &out, &["--keep-runs"]).ok();
    let before = fs::read(out.join("points.csv")).unwrap();
    let record = out.join(".runs/runs/000000004.run");
    let text = fs::read_to_string(&record).unwrap();
    fs::write(&record, &text[..text.len() / 2]).unwrap();
    fs::remove_file(out.join(".runs/runs/000000011.run")).unwrap();
    sweep(&fixture("tiny_sweep.toml"), &out, &["--resume"]).ok();
    assert_eq!(fs::read(out.join("points.csv")).unwrap(), before);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sweep"]["computed_runs"], 2);
}

#[test]
fn directories_are_never_clobbered() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let refused = sweep(&fixture("tiny_sweep.toml"), &out, &[]).bad_input();
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    let refused = sweep(&fixture("tiny_sweep.toml"), &out, &["--resume"]).bad_input();
    assert!(
        refused.stderr.contains("no sweep to resume"),
        "{}",
        refused.stderr
    );
    assert_eq!(names_in(&out), ["notes.txt"]);

    sweep(
        &fixture("tiny_sweep.toml"),
        &out,
        &["--force", "--timeseries", "world"],
    )
    .ok();
    assert!(out.join("timeseries.csv").exists());
    // A forced sweep without timeseries removes the old one rather than leave it stale.
    sweep(&fixture("tiny_sweep.toml"), &out, &["--force"]).ok();
    assert_eq!(
        names_in(&out),
        [
            "aggregate.csv",
            "manifest.json",
            "notes.txt",
            "points.csv",
            "summary.csv"
        ]
    );
    // --resume on a finished sweep, whose work area is gone, is refused: it is not empty.
    sweep(&fixture("tiny_sweep.toml"), &out, &["--resume"]).bad_input();
}

#[test]
fn resume_needs_only_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("mine.toml");
    fs::copy(fixture("tiny_sweep.toml"), &scenario).unwrap();
    let out = tmp.path().join("out");
    let options = [
        "--set",
        "all.ngo=0.5",
        "--timeseries",
        "world",
        "--keep-runs",
    ];
    sweep(&scenario, &out, &options).ok();
    let files = [
        "summary.csv",
        "points.csv",
        "aggregate.csv",
        "timeseries.csv",
    ];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();

    // "Interrupted": results not yet written, some runs not recorded.
    for f in files.iter().chain(&["manifest.json"]) {
        fs::remove_file(out.join(f)).unwrap();
    }
    for run in [0, 7, 17] {
        fs::remove_file(out.join(format!(".runs/runs/{run:09}.run"))).unwrap();
    }
    let e = palermo(["resume".as_ref(), out.as_os_str()]).ok();
    assert!(
        e.stderr.contains("resuming the sweep of") && e.stderr.contains("--set all.ngo=0.5"),
        "{}",
        e.stderr
    );
    for (f, bytes) in files.iter().zip(&before) {
        assert!(&fs::read(out.join(f)).unwrap() == bytes, "{f} after resume");
    }
    assert!(!out.join(".runs").exists(), "no --keep-runs this time");
    let e = palermo(["resume".as_ref(), out.as_os_str()]).bad_input();
    assert!(
        e.stderr.contains("holds no sweep to resume"),
        "{}",
        e.stderr
    );

    // A shard resumes as a shard.
    let shard = tmp.path().join("shard");
    sweep(&scenario, &shard, &["--shard", "1/2"]).ok();
    fs::remove_file(shard.join("shard.json")).unwrap();
    fs::remove_file(shard.join(".runs/runs/000000004.run")).unwrap();
    let e = palermo(["resume".as_ref(), shard.as_os_str()]).ok();
    assert!(e.stderr.contains("shard 1/2"), "{}", e.stderr);
    assert!(shard.join("shard.json").is_file() && shard.join(".runs/runs/000000004.run").is_file());

    // The scenario changed, or is gone: refused, and nothing is touched.
    let again = tmp.path().join("again");
    sweep(&scenario, &again, &["--keep-runs"]).ok();
    fs::remove_file(again.join("summary.csv")).unwrap();
    let text = fs::read_to_string(&scenario).unwrap();
    fs::write(&scenario, format!("{text}\n# edited\n")).unwrap();
    let e = palermo(["resume".as_ref(), again.as_os_str()]).bad_input();
    assert!(e.stderr.contains("scenario text differs"), "{}", e.stderr);
    fs::remove_file(&scenario).unwrap();
    let e = palermo(["resume".as_ref(), again.as_os_str()]).bad_input();
    assert!(
        e.stderr.contains("which cannot be read") && e.stderr.contains("mine.toml"),
        "{}",
        e.stderr
    );
    assert!(!again.join("summary.csv").exists());
    assert_eq!(records(&again), 18);
}

/// A sweep started with a relative scenario path, from the scenario's directory, resumes
/// from any other directory: the work area records the file's absolute path too. The rows
/// keep the path as it was given.
#[test]
fn resume_works_from_any_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (start, elsewhere) = (tmp.path().join("start"), tmp.path().join("elsewhere"));
    fs::create_dir(&start).unwrap();
    fs::create_dir(&elsewhere).unwrap();
    fs::copy(fixture("tiny_sweep.toml"), start.join("mine.toml")).unwrap();
    let out = tmp.path().join("out");
    let ran = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .current_dir(&start)
        .args(["sweep", "mine.toml", "--keep-runs", "--quiet", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(ran.success());
    let before = fs::read(out.join("points.csv")).unwrap();
    fs::remove_file(out.join("points.csv")).unwrap();
    fs::remove_file(out.join(".runs/runs/000000003.run")).unwrap();
    let resumed = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .current_dir(&elsewhere)
        .arg("resume")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{stderr}");
    assert!(
        stderr.contains("resuming the sweep of mine.toml"),
        "{stderr}"
    );
    assert!(fs::read(out.join("points.csv")).unwrap() == before);
}
