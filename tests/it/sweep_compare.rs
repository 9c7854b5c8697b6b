//! `palermo compare` through the real binary: a scenario compared with itself differs by
//! exactly zero, the replicates of two scenarios are paired, and two points of a sweep are
//! compared; `compare.csv`'s columns and statistics.

use std::fs;
use std::path::Path;

use palermo::metrics::stats::Estimate;

use crate::sweep::{column, names_in, num};
use crate::{fixture, palermo, read_csv, sweep};

/// `compare.csv` as (outcome, cells).
fn compare_rows(dir: &Path) -> Vec<Vec<String>> {
    let (header, rows) = read_csv(&dir.join("compare.csv"));
    assert_eq!(
        header,
        [
            "outcome",
            "n",
            "a_mean",
            "b_mean",
            "diff_mean",
            "diff_sd",
            "diff_ci_low",
            "diff_ci_high"
        ]
    );
    rows
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let tiny = fixture("tiny.toml");
    let shown = palermo([
        "compare".as_ref(),
        tiny.as_os_str(),
        tiny.as_os_str(),
        "--replicates".as_ref(),
        "3".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();
    assert!(
        shown.stdout.contains("common random numbers"),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.lines().nth(1).unwrap().starts_with("outcome"));
    let rows = compare_rows(&out);
    assert_eq!(rows.len(), 34);
    for r in &rows {
        match r[1].as_str() {
            "0" => assert!(r[2..].iter().all(String::is_empty), "{r:?}"),
            // One pair: a difference of zero, but no spread to speak of.
            "1" => assert_eq!(r[4..], ["0.0", "", "", ""], "{r:?}"),
            _ => {
                assert_eq!(r[2], r[3], "{r:?}");
                assert_eq!(r[4..], ["0.0", "0.0", "0.0", "0.0"], "{r:?}");
            }
        }
    }
    assert!(out.join("manifest.json").exists());
    // Not again into the same directory without --force.
    let again = palermo([
        "compare".as_ref(),
        tiny.as_os_str(),
        tiny.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .bad_input();
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
}

#[test]
fn compare_pairs_replicates_of_two_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let a = fixture("tiny.toml");
    let b = tmp.path().join("corrupt.toml");
    let text = fs::read_to_string(&a).unwrap();
    fs::write(&b, text.replace("corruption = 0.3", "corruption = 0.9")).unwrap();
    let out = tmp.path().join("cmp");
    palermo([
        "compare".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "--replicates".as_ref(),
        "4".as_ref(),
        "--weeks".as_ref(),
        "30".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();
    // The same runs through `palermo run`: replicate r of A against replicate r of B.
    let runs = tmp.path().join("runs");
    palermo([
        "run".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "--replicates".as_ref(),
        "4".as_ref(),
        "--weeks".as_ref(),
        "30".as_ref(),
        "--out".as_ref(),
        runs.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();
    let (header, summary) = read_csv(&runs.join("summary.csv"));
    let rows = compare_rows(&out);
    let mut differs = false;
    for r in &rows {
        let k = column(&header, &r[0]);
        let pairs: Vec<(f64, f64)> = (0..4)
            .filter_map(|i| Some((num(&summary[i][k])?, num(&summary[4 + i][k])?)))
            .collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
        assert_eq!(r[1], pairs.len().to_string(), "{}", r[0]);
        if pairs.is_empty() {
            continue;
        }
        let e = Estimate::paired(&xs, &ys);
        assert_eq!(num(&r[4]), Some(e.mean), "{}", r[0]);
        assert_eq!(num(&r[6]), e.low().is_finite().then(|| e.low()), "{}", r[0]);
        differs |= e.mean != 0.0;
    }
    assert!(differs, "corruption 0.9 changes something");
}

#[test]
fn compare_two_points_of_a_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep(&fixture("tiny_sweep.toml"), &out, &[]).ok();
    let cmp = tmp.path().join("cmp");
    palermo([
        "compare".as_ref(),
        out.as_os_str(),
        "--points".as_ref(),
        "1".as_ref(),
        "4".as_ref(),
        "--out".as_ref(),
        cmp.as_os_str(),
    ])
    .ok();
    assert_eq!(names_in(&cmp), ["compare.csv"]);
    let (header, summary) = read_csv(&out.join("summary.csv"));
    let victims = column(&header, "victims_total");
    let a: Vec<f64> = summary[3..6]
        .iter()
        .map(|r| num(&r[victims]).unwrap())
        .collect();
    let b: Vec<f64> = summary[12..15]
        .iter()
        .map(|r| num(&r[victims]).unwrap())
        .collect();
    let rows = compare_rows(&cmp);
    assert_eq!(rows[0][0], "victims_total");
    assert_eq!(num(&rows[0][4]), Some(Estimate::paired(&a, &b).mean));

    let e = palermo([
        "compare".as_ref(),
        out.as_os_str(),
        "--points".as_ref(),
        "1".as_ref(),
        "6".as_ref(),
    ])
    .bad_input();
    assert!(e.stderr.contains("no point 6"), "{}", e.stderr);
    palermo(["compare".as_ref(), fixture("tiny.toml").as_os_str()]).bad_input();
}
