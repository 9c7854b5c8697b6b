//! `palermo calibrate` through the real binary: bad free parameters are exit status 2 with
//! `palermo check`'s messages and nothing written; a small fit writes its files, its last
//! generation's weights sum to 1, and the same bytes come out whatever `--threads` is; the
//! calibrated scenario is validated against every target, with validate's exit status; a fit
//! killed after a few generations resumes to the same bytes as one never stopped.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Outcome, fixture, kill_when, palermo, read_csv};

/// The files a fit writes (beside `manifest.json`, which records times).
const FILES: [&str; 6] = [
    "posterior.csv",
    "generations.csv",
    "parameters.csv",
    "calibrated.toml",
    "validation.csv",
    "validation.md",
];

/// A finished fit: exit status 0 when the calibrated scenario passes every target, 1 when
/// one fails (as `palermo validate`), never a panic.
#[track_caller]
fn finished(o: Outcome) -> Outcome {
    assert!(matches!(o.code, Some(0 | 1)), "stderr: {}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    o
}

fn baseline_targets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/baseline.toml")
}

/// `palermo calibrate tiny.toml --targets targets/baseline.toml --quiet EXTRA...`, small.
fn calibrate(extra: &[&str]) -> Outcome {
    palermo(calibrate_args(extra))
}

/// The arguments of [`calibrate`]: the baseline's targets, 104 weeks, 2 replicates, 24
/// particles and 600 runs unless `extra` says otherwise.
pub fn calibrate_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "calibrate".into(),
        fixture("tiny.toml").display().to_string(),
        "--quiet".into(),
    ];
    let targets = baseline_targets().display().to_string();
    for (flag, value) in [
        ("--targets", targets.as_str()),
        ("--weeks", "104"),
        ("--replicates", "2"),
        ("--particles", "24"),
        ("--max-runs", "600"),
    ] {
        if !extra.contains(&flag) {
            args.extend([flag.to_string(), value.to_string()]);
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
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
fn bad_settings_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let shown = calibrate(&[
        "--free",
        "model.deterrence=0.1..5",
        "--alpha",
        "2",
        "--generations",
        "0",
        "--particles",
        "1",
        "--out",
        &out.display().to_string(),
    ])
    .bad_input();
    for needle in [
        "alpha must be in (0, 1)",
        "the generation cap must be at least 1",
        "at least 2 particles",
    ] {
        assert!(shown.stderr.contains(needle), "{needle}: {}", shown.stderr);
    }
    assert!(!out.exists(), "nothing is written for bad input");
    // A population too large to hold is refused, not a panic when it is allocated.
    let shown = calibrate(&[
        "--free",
        "model.deterrence=0.1..5",
        "--particles",
        "100000000000000000",
        "--max-runs",
        "100000000000000000",
        "--replicates",
        "1",
        "--out",
        &out.display().to_string(),
    ])
    .bad_input();
    assert!(
        shown.stderr.contains("at most 1000000 particles"),
        "{}",
        shown.stderr
    );
    assert!(!out.exists(), "nothing is written for bad input");
}

#[test]
fn a_small_fit_writes_its_files_the_same_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        let done = finished(calibrate(&[
            "--free",
            "model.deterrence=0.1..5",
            "--free",
            "all.enforcement.training=0.1..0.9",
            "--threads",
            threads,
            "--out",
            &out.display().to_string(),
        ]));
        (out, done)
    };
    let ((one, done), (two, _)) = (run("1"), run("3"));
    for name in FILES {
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
    // calibrated.toml is the scenario the fit validated: validating it again gives the same
    // table, and its `set` list holds the medians of parameters.csv.
    let calibrated = fs::read_to_string(one.join("calibrated.toml")).unwrap();
    let again = dir.path().join("again");
    let validated = palermo([
        "validate",
        one.join("calibrated.toml").to_str().unwrap(),
        "--targets",
        baseline_targets().to_str().unwrap(),
        "--quiet",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(validated.code, done.code, "{}", validated.stderr);
    for name in ["validation.csv", "validation.md"] {
        assert!(
            fs::read(one.join(name)).unwrap() == fs::read(again.join(name)).unwrap(),
            "{name}: calibrated.toml is not the scenario validated\n{calibrated}"
        );
    }
    for p in &params {
        assert!(
            calibrated.contains(&format!("\"{}={}\"", p[0], p[4])),
            "{} = {} not in the set list:\n{calibrated}",
            p[0],
            p[4]
        );
    }
    // The calibrated scenario is validated against every target, held-out ones included,
    // and the exit status is validate's.
    let (_, rows) = read_csv(&one.join("validation.csv"));
    let baseline = fs::read_to_string(baseline_targets()).unwrap();
    assert_eq!(rows.len(), baseline.matches("[[target]]").count());
    assert!(rows.iter().any(|r| r[4] == "hold_out"));
    let failed = rows.iter().any(|r| r[17] == "fail");
    assert_eq!(done.code, Some(i32::from(failed)), "{}", done.stderr);
    assert!(
        done.stdout.contains("against every target"),
        "{}",
        done.stdout
    );
    assert!(
        !one.join(".calibration").exists(),
        "the work area is removed"
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

/// The generations recorded in a fit's work area so far.
pub fn recorded_generations(out: &Path) -> usize {
    fs::read_to_string(out.join(".calibration/generations.csv"))
        .map(|t| {
            let mut g: Vec<&str> = t.lines().filter_map(|l| l.split(',').next()).collect();
            g.dedup();
            g.len()
        })
        .unwrap_or(0)
}

/// A figure the tiny world can approach generation after generation (a value with a small
/// sd never reaches distance 0), and one held out.
pub const ESCAPE_TARGETS: &str = r#"schema = 1

[[target]]
name = "escapes_per_victim_year"
ratio = ["escaped", "exploited"]
scale = 52
value = 0.6
sd = 0.001
role = "calibrate"
source = "a test figure"
year = "2026"

[[target]]
name = "iceberg"
statistic = "identified_per_exploited_year"
band = [0, 1]
role = "hold_out"
source = "a test figure"
year = "2026"
"#;

/// A fit of [`ESCAPE_TARGETS`] in eight generations, each slower than the last (a few
/// seconds in all, most of it after generation 1): long enough to be stopped midway.
pub const LONG_FIT: [&str; 12] = [
    "--free",
    "model.escape_rate=0.002..0.03",
    "--particles",
    "60",
    "--max-runs",
    "20000",
    "--generations",
    "8",
    "--min-acceptance",
    "0.02",
    "--threads",
    "1",
];

#[test]
fn a_killed_fit_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let targets = tmp.path().join("targets.toml");
    fs::write(&targets, ESCAPE_TARGETS).unwrap();
    let mut extra = vec!["--targets", targets.to_str().unwrap()];
    extra.extend(LONG_FIT);
    let whole = tmp.path().join("whole");
    let mut args = extra.to_vec();
    args.extend(["--out", whole.to_str().unwrap()]);
    finished(calibrate(&args));

    let out = tmp.path().join("killed");
    let mut args = calibrate_args(&extra);
    args.extend(["--out".to_string(), out.display().to_string()]);
    kill_when(args, "2 generations are recorded", || {
        recorded_generations(&out) >= 2
    });
    let done = recorded_generations(&out);
    assert!(
        (2..8).contains(&done) && !out.join("posterior.csv").exists(),
        "killed midway: {done} of 8 generations recorded"
    );

    // Without --resume, the stopped fit is not touched.
    let mut args = extra.to_vec();
    args.extend(["--out", out.to_str().unwrap()]);
    let refused = calibrate(&args).bad_input();
    assert!(refused.stderr.contains("--resume"), "{}", refused.stderr);
    // Resuming with other inputs is refused, and says so.
    let mut other = args.clone();
    other.extend(["--seed", "8", "--resume"]);
    let refused = calibrate(&other).bad_input();
    assert!(
        refused.stderr.contains("other inputs"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        recorded_generations(&out),
        done,
        "a refused resume changes nothing"
    );

    args.push("--resume");
    finished(calibrate(&args));
    for name in FILES {
        assert!(
            fs::read(whole.join(name)).unwrap() == fs::read(out.join(name)).unwrap(),
            "{name} differs after resuming from generation {done}"
        );
    }
    assert!(
        !out.join(".calibration").exists(),
        "the work area is removed"
    );
    // Nothing is left to resume.
    let nothing = calibrate(&args).bad_input();
    assert!(
        nothing.stderr.contains("no fit to resume"),
        "{}",
        nothing.stderr
    );
}

#[test]
fn free_parameters_can_come_from_the_targets_file() {
    let tmp = tempfile::tempdir().unwrap();
    let with_section = |free: &str| {
        let path = tmp.path().join(format!("t{}.toml", free.len()));
        fs::write(
            &path,
            format!("{ESCAPE_TARGETS}\n[calibrate]\nfree = [{free}]\n"),
        )
        .unwrap();
        path
    };
    let header_of = |targets: &Path, extra: &[&str]| {
        let out = tmp.path().join(format!("out{}", extra.len()));
        let mut args = vec!["--targets", targets.to_str().unwrap(), "--generations", "2"];
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(extra);
        finished(calibrate(&args));
        read_csv(&out.join("posterior.csv")).0
    };
    let targets = with_section("\"model.escape_rate=0.002..0.03\"");
    assert_eq!(header_of(&targets, &[])[3], "model.escape_rate");
    // --free replaces the file's list.
    let replaced = header_of(&targets, &["--free", "all.corruption=0..1"]);
    assert_eq!(replaced[3], "all.corruption");
    assert!(!replaced.contains(&"model.escape_rate".to_string()));

    // A bad entry is reported at its place in the targets file.
    let bad = with_section("\n  \"model.escape_rate=0.002..0.03\",\n  \"model.nope=0..1\",\n");
    let shown = calibrate(&["--targets", bad.to_str().unwrap()]).bad_input();
    let place = format!("{}:", bad.file_name().unwrap().to_str().unwrap());
    assert!(
        shown.stderr.contains(&place) && shown.stderr.contains("unknown model parameter `nope`"),
        "{}",
        shown.stderr
    );
    // Neither --free nor a [calibrate] section: nothing to fit.
    let plain = tmp.path().join("plain.toml");
    fs::write(&plain, ESCAPE_TARGETS).unwrap();
    let shown = calibrate(&["--targets", plain.to_str().unwrap()]).bad_input();
    assert!(
        shown.stderr.contains("no free parameter"),
        "{}",
        shown.stderr
    );
}
