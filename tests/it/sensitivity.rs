//! `sensitivity.csv` through the real binary: written for sobol and morris sweeps (and only
//! for them), computed from the `_mean` columns of `points.csv` with the sweep's seed, the
//! same bytes whatever `--threads`, after `palermo resume`, and from shards merged; an
//! undefined index is an empty cell. Agreement with SALib itself is `tests/salib/`'s.

use std::fs;
use std::path::{Path, PathBuf};

use palermo::analysis::{self, Index, Resamples};
use palermo::output::sweep_csv::{MORRIS_COLUMNS, SOBOL_COLUMNS, outcomes};
use palermo::sweep::BOOTSTRAP_RESAMPLES;

use crate::sweep::{column, names_in, num};
use crate::{fixture, palermo, read_csv, sweep};

/// The tiny world with this `[sweep]` section, in `dir`.
fn tiny_with(dir: &Path, sweep_section: &str) -> PathBuf {
    let world = fs::read_to_string(fixture("tiny.toml")).unwrap();
    let path = dir.join("sensitivity.toml");
    fs::write(&path, format!("{world}\n{sweep_section}")).unwrap();
    path
}

const SOBOL: &str = r#"[sweep]
design = "sobol"
samples = 8
replicates = 2
seed = 5
[[sweep.parameter]]
path = "all.corruption"
from = 0.1
to = 0.6
[[sweep.parameter]]
path = "cooperation.default"
from = 0.0
to = 0.9
"#;

const MORRIS: &str = r#"[sweep]
design = "morris"
trajectories = 5
levels = 4
replicates = 1
seed = 6
[[sweep.parameter]]
path = "all.corruption"
from = 0.1
to = 0.4
[[sweep.parameter]]
path = "cooperation.default"
from = 0.0
to = 0.6
"#;

const SHORT: [&str; 4] = ["--set", "run.weeks=20", "--aggregate", "none"];

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    SHORT.iter().chain(extra).copied().collect()
}

/// The design seed `manifest.json` records.
fn design_seed(dir: &Path) -> u64 {
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["sweep"]["design_seed"].as_u64().unwrap()
}

/// `points.csv` read back: the parameter values of each point, and each outcome's means
/// (NaN for an empty cell), `[outcome][point]`.
fn points(dir: &Path, parameters: &[&str]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let (header, rows) = read_csv(&dir.join("points.csv"));
    let x = rows
        .iter()
        .map(|r| {
            parameters
                .iter()
                .map(|p| num(&r[column(&header, p)]).unwrap())
                .collect()
        })
        .collect();
    let y = outcomes()
        .iter()
        .map(|o| {
            let c = column(&header, &format!("{o}_mean"));
            rows.iter()
                .map(|r| num(&r[c]).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    (x, y)
}

/// The cells of an index as `sensitivity.csv` writes them.
fn cells(index: Option<Index>) -> [Option<f64>; 3] {
    let ci = index.and_then(|i| i.ci);
    [
        index.map(|i| i.value),
        ci.map(|(low, _)| low),
        ci.map(|(_, high)| high),
    ]
}

/// `sensitivity.csv`'s rows, the number cells parsed; checks the key columns' order.
fn indices_file(dir: &Path, header: &[&str], parameters: &[&str]) -> Vec<Vec<Option<f64>>> {
    let text = fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let (h, rows) = read_csv(&dir.join("sensitivity.csv"));
    assert_eq!(h, header);
    let keys: Vec<(String, String)> = outcomes()
        .iter()
        .flat_map(|o| parameters.iter().map(move |p| (o.clone(), p.to_string())))
        .collect();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(
        got, keys,
        "one row per outcome and parameter, in column order"
    );
    rows.iter()
        .map(|r| r[2..].iter().map(|c| num(c)).collect())
        .collect()
}

#[test]
fn a_sobol_sweep_writes_indices_computed_from_points_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(tmp.path(), SOBOL);
    let one = tmp.path().join("one");
    sweep(&scenario, &one, &with(&["--threads", "1"])).ok();
    assert!(names_in(&one).contains(&"sensitivity.csv".to_string()));

    let parameters = ["all.corruption", "cooperation.default"];
    let rows = indices_file(&one, &SOBOL_COLUMNS, &parameters);
    let (_, means) = points(&one, &parameters);
    let resamples = Resamples {
        seed: design_seed(&one),
        count: BOOTSTRAP_RESAMPLES,
    };
    let (mut defined, mut undefined) = (0, 0);
    for (o, y) in means.iter().enumerate() {
        let expected = analysis::sobol::indices(y, 2, &resamples);
        for j in 0..2 {
            let s = expected.as_ref().map(|all| all[j]);
            let mut want = cells(s.map(|s| s.first)).to_vec();
            want.extend(cells(s.map(|s| s.total)));
            assert_eq!(rows[o * 2 + j], want, "{} {}", outcomes()[o], parameters[j]);
        }
        if expected.is_some() {
            defined += 1;
        } else {
            // Constant over the A and B rows of every base row (the estimator's variance),
            // though an AB row may differ: a rare count, 0 in A and B, 1 in one AB row.
            let block = 2 * parameters.len() + 2;
            let mut a_and_b = y.chunks(block).flat_map(|c| [c[0], c[block - 1]]);
            let first = a_and_b.next();
            assert!(
                y.iter().any(|v| v.is_nan()) || a_and_b.all(|v| Some(v) == first),
                "{}: undefined only for a missing or constant outcome",
                outcomes()[o]
            );
            undefined += 1;
        }
    }
    assert!(
        defined >= 5,
        "the totals vary: {defined} of {}",
        means.len()
    );
    // The tiny world convicts nobody at some points: its rates there are undefined.
    assert!(undefined > 0, "an undefined outcome is exercised");

    // The same bytes with more threads, after a resume, and from shards merged.
    let many = tmp.path().join("many");
    sweep(&scenario, &many, &with(&["--threads", "3", "--keep-runs"])).ok();
    let bytes = |d: &Path| fs::read(d.join("sensitivity.csv")).unwrap();
    assert_eq!(bytes(&one), bytes(&many), "--threads");
    fs::remove_file(many.join("sensitivity.csv")).unwrap();
    palermo([
        "resume".into(),
        many.display().to_string(),
        "--quiet".to_string(),
    ])
    .ok();
    assert_eq!(bytes(&one), bytes(&many), "palermo resume");

    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let out = tmp.path().join(format!("s{k}"));
            let shard = format!("{k}/2");
            sweep(&scenario, &out, &with(&["--shard", &shard])).ok();
            out
        })
        .collect();
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().map(|p| p.display().to_string()));
    args.extend([
        "--out".into(),
        merged.display().to_string(),
        "--quiet".into(),
    ]);
    palermo(args).ok();
    assert_eq!(bytes(&one), bytes(&merged), "merged shards");

    // A grid swept over it with --force leaves no stale indices behind.
    sweep(&fixture("tiny_sweep.toml"), &one, &with(&["--force"])).ok();
    assert!(!names_in(&one).contains(&"sensitivity.csv".to_string()));
}

#[test]
fn a_morris_sweep_writes_mu_star_sigma_and_mu() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(tmp.path(), MORRIS);
    let out = tmp.path().join("out");
    sweep(&scenario, &out, &with(&[])).ok();
    let parameters = ["all.corruption", "cooperation.default"];
    let rows = indices_file(&out, &MORRIS_COLUMNS, &parameters);
    let (x, means) = points(&out, &parameters);
    assert_eq!(x.len(), 5 * 3);
    let resamples = Resamples {
        seed: design_seed(&out),
        count: BOOTSTRAP_RESAMPLES,
    };
    let mut moved = 0;
    for (o, y) in means.iter().enumerate() {
        let expected = analysis::morris::indices(&x, y, 4, &resamples);
        for j in 0..2 {
            let m = expected.as_ref().map(|all| all[j]);
            let mut want = cells(m.map(|m| m.mu_star)).to_vec();
            want.extend(cells(m.and_then(|m| m.sigma)));
            want.push(m.map(|m| m.mu));
            assert_eq!(rows[o * 2 + j], want, "{} {}", outcomes()[o], parameters[j]);
            if m.is_some_and(|m| m.mu_star.value > 0.0) {
                moved += 1;
            }
        }
    }
    assert!(moved > 10, "parameters move outcomes: {moved}");
    // One replicate: victims_total is defined at every point, so its row is full.
    let victims = outcomes()
        .iter()
        .position(|o| o == "victims_total")
        .unwrap();
    assert!(
        rows[victims * 2].iter().all(Option::is_some),
        "{:?}",
        rows[victims * 2]
    );
}

#[test]
fn designs_without_indices_write_no_sensitivity_file() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(
        tmp.path(),
        "[sweep]\ndesign = \"lhs\"\nsamples = 3\nreplicates = 1\n\
         [[sweep.parameter]]\npath = \"all.corruption\"\nfrom = 0.1\nto = 0.5\n",
    );
    let out = tmp.path().join("out");
    sweep(&scenario, &out, &with(&[])).ok();
    let names = names_in(&out);
    assert!(names.contains(&"problem.json".to_string()), "{names:?}");
    assert!(!names.contains(&"sensitivity.csv".to_string()), "{names:?}");
}

#[test]
fn every_column_of_the_file_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sweeps = fs::read_to_string(root.join("docs/SWEEPS.md")).unwrap();
    for column in SOBOL_COLUMNS.iter().chain(&MORRIS_COLUMNS) {
        assert!(
            sweeps.contains(&format!("`{column}`")),
            "docs/SWEEPS.md lacks {column}"
        );
    }
    let outputs = fs::read_to_string(root.join("docs/OUTPUTS.md")).unwrap();
    assert!(outputs.contains("`sensitivity.csv`"));
}
