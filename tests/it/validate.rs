//! `palermo validate` through the real binary: exit status 0 when every target passes, 1
//! when one fails (naming it), 2 for bad input (nothing run, nothing written); the files of
//! `--out`, no clobbering without `--force`, and the same bytes whatever `--threads` is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Outcome, fixture, palermo, read_csv};

fn targets(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/targets")
        .join(name)
}

/// `palermo validate tiny.toml --targets FILE --quiet EXTRA...`.
fn validate(targets_file: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<String> = vec![
        "validate".into(),
        fixture("tiny.toml").display().to_string(),
        "--targets".into(),
        targets_file.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    palermo(args)
}

#[test]
fn every_target_met_is_exit_status_0() {
    let shown = validate(&targets("pass.toml"), &["--replicates", "3"]).ok();
    for name in [
        "identification_is_a_share",
        "victims_are_not_negative",
        "at_home_over_at_home",
    ] {
        assert!(shown.stdout.contains(name), "{}", shown.stdout);
    }
    assert!(
        shown.stdout.contains("3 of 3 targets pass (3 replicates"),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("at_home / at_home (Aurelia, Borealis; weeks 2–10)")
    );
    assert!(shown.stderr.is_empty(), "{}", shown.stderr);
}

#[test]
fn a_target_missed_is_exit_status_1_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("v");
    let out_arg = out.display().to_string();
    let shown = validate(&targets("fail.toml"), &["--out", &out_arg]);
    assert_eq!(shown.code, Some(1), "{}", shown.stderr);
    assert!(
        shown
            .stderr
            .contains("error: 1 of 2 targets fail: negative_victims"),
        "{}",
        shown.stderr
    );
    assert!(
        shown.stdout.contains("1 of 2 targets pass"),
        "{}",
        shown.stdout
    );
    // The files are written all the same: a failing world is a result, not an error.
    let (header, rows) = read_csv(&out.join("validation.csv"));
    assert_eq!(header, palermo::validation::report::COLUMNS);
    let cell = |row: &[String], column: &str| {
        row[header.iter().position(|h| h == column).unwrap()].clone()
    };
    assert_eq!(
        (
            cell(&rows[0], "target").as_str(),
            cell(&rows[0], "result").as_str()
        ),
        ("negative_victims", "fail")
    );
    assert_eq!(cell(&rows[0], "low"), "-inf");
    assert_eq!(cell(&rows[0], "inside_share"), "0.0");
    assert_eq!(cell(&rows[1], "result"), "pass");
    assert_eq!(cell(&rows[1], "replicates"), "2");
    let md = fs::read_to_string(out.join("validation.md")).unwrap();
    assert!(
        md.starts_with("| target |") && md.contains("| negative_victims |"),
        "{md}"
    );
    assert!(out.join("manifest.json").is_file());

    // A second run into the same directory is refused (2) without --force, allowed with it.
    let again = validate(&targets("fail.toml"), &["--out", &out_arg]).bad_input();
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let forced = validate(&targets("fail.toml"), &["--out", &out_arg, "--force"]);
    assert_eq!(forced.code, Some(1), "{}", forced.stderr);
}

#[test]
fn the_table_does_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = |threads: &str| {
        let out = tmp.path().join(format!("t{threads}"));
        let out_arg = out.display().to_string();
        validate(
            &targets("pass.toml"),
            &["--replicates", "4", "--threads", threads, "--out", &out_arg],
        )
        .ok();
        fs::read(out.join("validation.csv")).unwrap()
    };
    assert_eq!(csv("1"), csv("3"));
}

#[test]
fn bad_input_is_exit_status_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let out_arg = out.display().to_string();
    let bad_targets = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad_targets/unknown_statistic.toml");
    let wrong_country = tmp.path().join("country.toml");
    fs::write(
        &wrong_country,
        "schema = 1\n[[target]]\nname = \"x\"\nstatistic = \"victims_total\"\n\
         countries = [\"Atlantis\"]\nband = [0, 1]\nrole = \"hold_out\"\nsource = \"s\"\nyear = 2026\n",
    )
    .unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![bad_targets.display().to_string()],
            "unknown_statistic.toml:5:1: `conviction_rat` in `statistic` is not a column",
        ),
        (
            vec![wrong_country.display().to_string()],
            "country.toml:5:14: unknown country `Atlantis`",
        ),
        (
            vec![
                targets("pass.toml").display().to_string(),
                "--weeks".into(),
                "5".into(),
            ],
            "weeks = [2, 10] ends after the 5 recorded weeks",
        ),
        (
            vec![
                targets("pass.toml").display().to_string(),
                "--set".into(),
                "all.nope=1".into(),
            ],
            "unknown country parameter `nope`",
        ),
        (
            vec!["/nonexistent/targets.toml".into()],
            "cannot read the targets file",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec![
            "validate".to_string(),
            fixture("tiny.toml").display().to_string(),
            "--targets".into(),
        ];
        full.extend(args);
        full.extend(["--out".to_string(), out_arg.clone()]);
        let shown = palermo(&full).bad_input();
        assert!(
            shown.stderr.contains(expected),
            "{expected}\nnot in\n{}",
            shown.stderr
        );
        assert!(
            !out.exists(),
            "{expected}: the output directory was created"
        );
    }
}
