//! Faults of the disk through the real binary: a write that fails half-way during a run, a
//! sweep, a merge and a report, and a shard directory copied half-way. A full disk is made
//! with a file size limit (`ulimit -f`, in a shell around palermo): past it a write fails
//! with EFBIG, the same failing `write` as ENOSPC on a full disk, and it needs no root and
//! no mount. Each fault must exit 1 with a message naming the file, leave nothing under a
//! final name and no temporary file, and leave a sweep resumable to the same bytes.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::signals::{SWEEP_FILES, assert_same_files, files_under, temporaries};
use crate::{Outcome, fixture, palermo, sweep};

/// Runs `palermo ARGS` with files limited to `kib` KiB.
fn limited(kib: u64, args: &[&str]) -> Outcome {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -f {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .output()
        .unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exit 1 (not a signal's death), a message naming `file` and the cause.
#[track_caller]
fn failed_writing(outcome: &Outcome, file: &str) {
    assert_eq!(outcome.code, Some(1), "stderr: {}", outcome.stderr);
    assert!(
        outcome.stderr.contains(file) && outcome.stderr.contains("File too large"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
}

#[test]
fn a_full_disk_during_a_run_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let tiny = fixture("tiny.toml");
    let args = [
        "run",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replicates",
        "20",
    ];
    failed_writing(&limited(64, &args), "timeseries.csv");
    assert!(!out.exists(), "left {:?}", files_under(&out));
    // An earlier result in the directory stands, with --force too.
    fs::create_dir(&out).unwrap();
    fs::write(out.join("timeseries.csv"), "earlier\n").unwrap();
    failed_writing(
        &limited(64, &[&args[..], &["--force"]].concat()),
        "timeseries.csv",
    );
    assert_eq!(files_under(&out), ["timeseries.csv"]);
    assert_eq!(
        fs::read_to_string(out.join("timeseries.csv")).unwrap(),
        "earlier\n"
    );
}

#[test]
fn a_full_disk_during_a_sweep_leaves_it_resumable() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny_sweep.toml");
    let extra = [
        "--replicates",
        "10",
        "--timeseries",
        "world",
        "--threads",
        "2",
    ];
    let whole = tmp.path().join("whole");
    sweep(&scenario, &whole, &extra).ok();
    let scenario_s = scenario.to_str().unwrap();
    // 1 KiB: a run record does not fit; 64 KiB: the records do, the assembled
    // timeseries.csv does not.
    for (kib, file) in [(1, ".run.tmp"), (64, "timeseries.csv")] {
        let out = tmp.path().join(format!("full-{kib}"));
        let args = [
            &["sweep", scenario_s, "--out", out.to_str().unwrap()],
            &extra[..],
        ]
        .concat();
        failed_writing(&limited(kib, &args), file);
        assert_eq!(temporaries(&out), Vec::<String>::new());
        let results: Vec<String> = files_under(&out)
            .into_iter()
            .filter(|f| !f.starts_with(".runs"))
            .collect();
        assert!(results.is_empty(), "{results:?}");
        // Room again: the sweep resumes to the bytes of one that never failed.
        palermo(["resume", out.to_str().unwrap(), "--quiet"]).ok();
        assert_same_files(&whole, &out, &SWEEP_FILES);
    }
}

/// Two shards of the tiny sweep, in `dir/shard1` and `dir/shard2`.
fn shards(dir: &Path) -> [String; 2] {
    let scenario = fixture("tiny_sweep.toml");
    [1, 2].map(|k| {
        let out = dir.join(format!("shard{k}"));
        let shard = format!("{k}/2");
        sweep(
            &scenario,
            &out,
            &["--shard", &shard, "--timeseries", "world"],
        )
        .ok();
        out.display().to_string()
    })
}

#[test]
fn a_full_disk_during_a_merge_and_a_report_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let [a, b] = shards(tmp.path());
    let merged = tmp.path().join("merged");
    let merged_s = merged.to_str().unwrap();
    failed_writing(&limited(4, &["merge", &a, &b, "--out", merged_s]), "merged");
    assert!(!merged.exists(), "left {:?}", files_under(&merged));
    palermo(["merge", &a, &b, "--out", merged_s, "--quiet"]).ok();
    let before = files_under(&merged);
    failed_writing(&limited(4, &["report", merged_s]), "report.html");
    assert_eq!(files_under(&merged), before, "no report, no temporary");
}

#[test]
fn a_shard_copied_half_way_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let [a, b] = shards(tmp.path());
    // A copy that stopped before the last records: shard.json came first.
    let copy = tmp.path().join("copy");
    fs::create_dir_all(copy.join(".runs/runs")).unwrap();
    for f in files_under(Path::new(&b)) {
        let keep = !f.starts_with(".runs/runs/") || f.as_str() < ".runs/runs/000000005";
        if keep {
            fs::copy(Path::new(&b).join(&f), copy.join(&f)).unwrap();
        }
    }
    let merged = tmp.path().join("merged");
    let refused = palermo([
        "merge",
        &a,
        copy.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ])
    .bad_input();
    assert!(
        refused.stderr.contains("is missing") && refused.stderr.contains("copy"),
        "{}",
        refused.stderr
    );
    assert!(!merged.exists());
}
