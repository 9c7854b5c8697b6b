//! `palermo calibrate` through the real binary: bad free parameters are exit status 2 with
//! `palermo check`'s messages and nothing written; a small fit writes its files, its last
//! generation's weights sum to 1, and the same bytes come out whatever `--threads` is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Outcome, fixture, palermo, read_csv};

fn baseline_targets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/baseline.toml")
}

/// `palermo calibrate tiny.toml --targets targets/baseline.toml --quiet EXTRA...`, small.
fn calibrate(extra: &[&str]) -> Outcome {
    let mut args: Vec<String> = vec![
        "calibrate".into(),
        fixture("tiny.toml").display().to_string(),
        "--targets".into(),
        baseline_targets().display().to_string(),
        "--quiet".into(),
        "--weeks".into(),
        "104".into(),
        "--replicates".into(),
        "2".into(),
        "--particles".into(),
        "24".into(),
        "--max-runs".into(),
        "600".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    palermo(args)
}

#[test]
fn bad_free_parameters_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let out_text = out.display().to_string();
    let shown = calibrate(&[
        "--free",
        "model.nope=0..1",
        "--free",
        "all.corruption=0..2",
        "--free",
        "run.weeks=1..3",
        "--free",
        "model.deterrence=0.5",
        "--out",
        &out_text,
    ])
    .bad_input();
    for needle in [
        "unknown model parameter `nope`",
        "corruption = 2 is outside [0, 1]",
        "a run setting cannot be fitted",
        "expected PATH=LOW..HIGH",
    ] {
        assert!(shown.stderr.contains(needle), "{needle}: {}", shown.stderr);
    }
    assert!(!out.exists(), "nothing is written for bad input");
}

#[test]
fn a_small_fit_writes_its_files_the_same_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        calibrate(&[
            "--free",
            "model.deterrence=0.1..5",
            "--free",
            "all.enforcement.training=0.1..0.9",
            "--threads",
            threads,
            "--out",
            &out.display().to_string(),
        ])
        .ok();
        out
    };
    let (one, two) = (run("1"), run("3"));
    for name in [
        "posterior.csv",
        "generations.csv",
        "parameters.csv",
        "calibrated.toml",
    ] {
        let a = fs::read(one.join(name)).unwrap();
        assert_eq!(a, fs::read(two.join(name)).unwrap(), "{name}");
    }
    let (header, rows) = read_csv(&one.join("posterior.csv"));
    assert_eq!(
        &header[..6],
        [
            "particle",
            "generation",
            "weight",
            "model.deterrence",
            "all.enforcement.training",
            "distance"
        ]
    );
    let last = rows
        .iter()
        .map(|r| r[1].clone())
        .max_by_key(|g| g.parse::<u32>().unwrap())
        .unwrap();
    let weights: f64 = rows
        .iter()
        .filter(|r| r[1] == last)
        .map(|r| r[2].parse::<f64>().unwrap())
        .sum();
    assert!((weights - 1.0).abs() < 1e-9, "{weights}");
    let (_, params) = read_csv(&one.join("parameters.csv"));
    assert_eq!(params.len(), 2);
    let calibrated = fs::read_to_string(one.join("calibrated.toml")).unwrap();
    assert!(
        calibrated.contains("--set model.deterrence="),
        "{calibrated}"
    );
    // A non-empty output directory is not clobbered.
    calibrate(&[
        "--free",
        "model.deterrence=0.1..5",
        "--out",
        &one.display().to_string(),
    ])
    .bad_input();
}
