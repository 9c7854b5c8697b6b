//! Output bytes depend on the scenarios and nothing else: not on the number of threads, not
//! on which other scenarios ran in the same invocation (apart from the run index).

use std::fs;
use std::path::{Path, PathBuf};

use crate::{fixture, palermo, read_csv};

/// Runs `palermo run SCENARIOS --threads N --quiet` into a new directory under `tmp`.
fn run(tmp: &Path, label: &str, scenarios: &[PathBuf], threads: &str) -> PathBuf {
    let out = tmp.join(label);
    let mut args: Vec<&std::ffi::OsStr> = vec!["run".as_ref()];
    args.extend(scenarios.iter().map(|s| s.as_os_str()));
    args.extend([
        "--out".as_ref(),
        out.as_os_str(),
        "--threads".as_ref(),
        threads.as_ref(),
        "--quiet".as_ref(),
    ]);
    palermo(args).ok();
    out
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let both = [fixture("tiny.toml"), fixture("tiny2.toml")];
    let one = run(tmp.path(), "one", &both, "1");
    let two = run(tmp.path(), "two", &both, "2");
    let three = run(tmp.path(), "three", &both, "3");
    let (header, rows) = read_csv(&one.join("summary.csv"));
    let victims = header.iter().position(|c| c == "victims_total").unwrap();
    assert!(
        rows.iter().any(|r| r[victims] != "0"),
        "the fixtures must traffic someone, or this test compares zeros"
    );
    for file in ["timeseries.csv", "summary.csv", "routes.csv"] {
        let bytes = fs::read(one.join(file)).unwrap();
        assert_eq!(
            bytes,
            fs::read(two.join(file)).unwrap(),
            "{file}: 1 vs 2 threads"
        );
        assert_eq!(
            bytes,
            fs::read(three.join(file)).unwrap(),
            "{file}: 1 vs 3 threads"
        );
    }
}

/// The rows of a CSV file with the `run` column (index 1) removed.
fn rows_without_run(path: &Path) -> Vec<Vec<String>> {
    let (header, rows) = read_csv(path);
    assert_eq!(header[1], "run");
    rows.into_iter()
        .map(|mut r| {
            r.remove(1);
            r
        })
        .collect()
}

#[test]
fn a_scenario_gives_the_same_rows_alone_or_with_others() {
    let tmp = tempfile::tempdir().unwrap();
    let together = run(
        tmp.path(),
        "together",
        &[fixture("tiny.toml"), fixture("tiny2.toml")],
        "2",
    );
    let first = run(tmp.path(), "first", &[fixture("tiny.toml")], "2");
    let second = run(tmp.path(), "second", &[fixture("tiny2.toml")], "1");
    for file in ["timeseries.csv", "summary.csv", "routes.csv"] {
        let mut apart = rows_without_run(&first.join(file));
        apart.extend(rows_without_run(&second.join(file)));
        assert_eq!(rows_without_run(&together.join(file)), apart, "{file}");
    }
    // The first scenario's runs keep their indices, so its rows are byte-identical.
    let joint = fs::read_to_string(together.join("timeseries.csv")).unwrap();
    let alone = fs::read_to_string(first.join("timeseries.csv")).unwrap();
    assert!(joint.starts_with(&alone));
}

#[test]
fn the_same_invocation_twice_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "a", &[fixture("tiny.toml")], "2");
    let b = run(tmp.path(), "b", &[fixture("tiny.toml")], "2");
    for file in ["timeseries.csv", "summary.csv", "routes.csv"] {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
}
