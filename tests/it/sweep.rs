//! `palermo sweep` through the real binary, its runs and designs: the files and their
//! columns, statistics that agree with the per-run rows, bytes that do not depend on threads,
//! SALib's files, list designs, the shipped sweeps, and bad sweeps. Resume and the directory
//! rules are in `sweep_resume.rs`, `palermo compare` in `sweep_compare.rs`, shards and merge
//! in `shard.rs`; the CSV helpers they share are here.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use palermo::metrics::stats::Estimate;

use crate::{fixture, palermo, read_csv, sweep};

// Helpers shared with `sweep_resume.rs` and `sweep_compare.rs`.

/// The names of the entries of `dir`, sorted.
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// The position of column `name` in a CSV header.
pub(crate) fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// A number cell: empty is `None`.
pub(crate) fn num(cell: &str) -> Option<f64> {
    (!cell.is_empty()).then(|| {
        cell.parse()
            .unwrap_or_else(|_| panic!("not a number: {cell}"))
    })
}

#[test]
fn a_grid_sweep_writes_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&fixture("tiny_sweep.toml"), &out, &[]).ok();
    assert_eq!(
        names_in(&out),
        [
            "aggregate.csv",
            "manifest.json",
            "points.csv",
            "summary.csv"
        ],
        "no timeseries by default, no work area or temporary file left"
    );

    // 2 x 3 grid, last parameter fastest, 3 replicates each: 18 runs.
    let (header, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(
        header[..8],
        [
            "scenario",
            "run",
            "point",
            "replicate",
            "seed",
            "cooperation.default",
            "all.corruption",
            "victims_total"
        ]
    );
    assert_eq!(header.last().unwrap(), "convictions_per_1000_victims");
    assert_eq!(rows.len(), 18);
    let grid: Vec<(&str, &str)> = rows
        .iter()
        .step_by(3)
        .map(|r| (r[5].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        grid,
        [
            ("0", "0"),
            ("0", "0.3"),
            ("0", "0.6"),
            ("0.9", "0"),
            ("0.9", "0.3"),
            ("0.9", "0.6")
        ]
    );
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[1], i.to_string(), "run = point × replicates + replicate");
        assert_eq!(r[2], (i / 3).to_string());
        assert_eq!(r[3], (i % 3).to_string());
        // Common random numbers: replicate r of every point has the same seed.
        assert_eq!(r[4], rows[i % 3][4]);
    }
    assert_ne!(rows[0][4], rows[1][4]);
    let victims = column(&header, "victims_total");
    assert!(rows.iter().any(|r| r[victims] != "0"), "something happens");

    let (header, rows) = read_csv(&out.join("points.csv"));
    assert_eq!(
        header[..5],
        [
            "point",
            "cooperation.default",
            "all.corruption",
            "victims_total_mean",
            "victims_total_sd"
        ]
    );
    assert!(header.contains(&"conviction_rate_n".to_string()));
    assert_eq!(rows.len(), 6);

    let (header, rows) = read_csv(&out.join("aggregate.csv"));
    assert_eq!(
        header[..6],
        [
            "point",
            "week",
            "country",
            "at_home_mean",
            "at_home_ci_low",
            "at_home_ci_high"
        ]
    );
    assert_eq!(rows.len(), 6 * 20, "world rows only by default");
    assert!(rows.iter().all(|r| r[2] == "ALL"));

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 18);
    assert_eq!(manifest["sweep"]["design"], "grid");
    assert_eq!(manifest["sweep"]["points"], 6);
    assert_eq!(manifest["sweep"]["replicates"], 3);
    assert_eq!(manifest["sweep"]["computed_runs"], 18);
    assert_eq!(manifest["scenarios"][0]["name"], "tiny_sweep");
}

#[test]
fn points_statistics_equal_a_direct_computation_on_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&fixture("tiny_sweep.toml"), &out, &[]).ok();
    let (sh, srows) = read_csv(&out.join("summary.csv"));
    let (ph, prows) = read_csv(&out.join("points.csv"));
    let first_outcome = column(&sh, "victims_total");
    let outcomes = &sh[first_outcome..];
    let point = column(&sh, "point");
    let mut by_point: BTreeMap<usize, Vec<&Vec<String>>> = BTreeMap::new();
    for r in &srows {
        by_point
            .entry(r[point].parse().unwrap())
            .or_default()
            .push(r);
    }
    let mut checked = 0;
    for prow in &prows {
        let p: usize = prow[0].parse().unwrap();
        let runs = &by_point[&p];
        for (k, name) in outcomes.iter().enumerate() {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| num(&r[first_outcome + k]))
                .collect();
            let e = Estimate::of(&values);
            let finite = |x: f64| x.is_finite().then_some(x);
            let cell = |suffix: &str| num(&prow[column(&ph, &format!("{name}_{suffix}"))]);
            assert_eq!(cell("mean"), finite(e.mean), "{name} at point {p}");
            assert_eq!(cell("sd"), finite(e.sd), "{name} at point {p}");
            assert_eq!(cell("ci_low"), finite(e.low()), "{name} at point {p}");
            assert_eq!(cell("ci_high"), finite(e.high()), "{name} at point {p}");
            if let Some(i) = ph.iter().position(|c| *c == format!("{name}_n")) {
                assert_eq!(prow[i], values.len().to_string(), "{name}_n at point {p}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * outcomes.len());
}

#[test]
fn aggregate_equals_a_direct_computation_on_timeseries() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(
        &fixture("tiny_sweep.toml"),
        &out,
        &["--timeseries", "countries", "--aggregate", "countries"],
    )
    .ok();
    let (th, trows) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(
        th[..8],
        [
            "scenario",
            "run",
            "point",
            "replicate",
            "seed",
            "week",
            "country",
            "at_home"
        ]
    );
    assert_eq!(trows.len(), 18 * 20 * 4);
    let (ah, arows) = read_csv(&out.join("aggregate.csv"));
    assert_eq!(arows.len(), 6 * 20 * 4);
    let metrics = &th[7..];
    // (point, week, country) -> the replicates' rows.
    let mut groups: BTreeMap<(String, String, String), Vec<&Vec<String>>> = BTreeMap::new();
    for r in &trows {
        groups
            .entry((r[2].clone(), r[5].clone(), r[6].clone()))
            .or_default()
            .push(r);
    }
    for a in &arows {
        let rows = &groups[&(a[0].clone(), a[1].clone(), a[2].clone())];
        assert_eq!(rows.len(), 3);
        for (k, name) in metrics.iter().enumerate() {
            let values: Vec<f64> = rows.iter().map(|r| num(&r[7 + k]).unwrap()).collect();
            let e = Estimate::of(&values);
            let close = |cell: &str, x: f64| {
                let c = num(cell).unwrap();
                assert!(
                    (c - x).abs() <= 1e-9 * (1.0 + x.abs()),
                    "{name} {a:?}: {c} vs {x}"
                );
            };
            close(&a[column(&ah, &format!("{name}_mean"))], e.mean);
            close(&a[column(&ah, &format!("{name}_ci_low"))], e.low());
            close(&a[column(&ah, &format!("{name}_ci_high"))], e.high());
        }
    }

    // --timeseries world keeps only the ALL rows, in the same order.
    let world = tmp.path().join("world");
    sweep(
        &fixture("tiny_sweep.toml"),
        &world,
        &["--timeseries", "world"],
    )
    .ok();
    let (_, wrows) = read_csv(&world.join("timeseries.csv"));
    let all: Vec<&Vec<String>> = trows.iter().filter(|r| r[6] == "ALL").collect();
    assert_eq!(wrows.iter().collect::<Vec<_>>(), all);
    let (_, warows) = read_csv(&world.join("aggregate.csv"));
    let aall: Vec<&Vec<String>> = arows.iter().filter(|r| r[2] == "ALL").collect();
    assert_eq!(warows.iter().collect::<Vec<_>>(), aall);
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = tmp.path().join(format!("t{threads}"));
        sweep(
            &fixture("tiny_sweep.toml"),
            &out,
            &["--threads", threads, "--timeseries", "countries"],
        )
        .ok();
        out
    };
    let one = run("1");
    for other in [run("2"), run("5")] {
        for file in [
            "summary.csv",
            "points.csv",
            "aggregate.csv",
            "timeseries.csv",
        ] {
            assert!(
                fs::read(one.join(file)).unwrap() == fs::read(other.join(file)).unwrap(),
                "{file}: 1 thread vs {}",
                other.display()
            );
        }
    }
}

/// A scenario file in `dir` made of the tiny world and a `[sweep]` section.
fn tiny_with(dir: &Path, name: &str, sweep_section: &str) -> PathBuf {
    let world = fs::read_to_string(fixture("tiny.toml")).unwrap();
    let path = dir.join(name);
    fs::write(&path, format!("{world}\n{sweep_section}")).unwrap();
    path
}

#[test]
fn a_sobol_sweep_writes_salib_files_in_saltelli_order() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(
        tmp.path(),
        "sobol.toml",
        r#"[sweep]
design = "sobol"
samples = 4
replicates = 1
[[sweep.parameter]]
path = "all.corruption"
from = 0.1
to = 0.5
[[sweep.parameter]]
path = "model.transit_weeks"
from = 1
to = 4
"#,
    );
    let out = tmp.path().join("out");
    sweep(
        &scenario,
        &out,
        &["--set", "run.weeks=4", "--aggregate", "none"],
    )
    .ok();
    assert_eq!(
        names_in(&out),
        [
            "manifest.json",
            "points.csv",
            "problem.json",
            "samples.csv",
            "sensitivity.csv",
            "summary.csv"
        ]
    );
    let problem: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("problem.json")).unwrap()).unwrap();
    assert_eq!(problem["num_vars"], 2);
    assert_eq!(
        problem["names"],
        serde_json::json!(["all.corruption", "model.transit_weeks"])
    );
    assert_eq!(
        problem["bounds"],
        serde_json::json!([[0.1, 0.5], [1.0, 4.0]])
    );

    let (header, rows) = read_csv(&out.join("samples.csv"));
    assert_eq!(header, ["all.corruption", "model.transit_weeks"]);
    let d = 2;
    assert_eq!(rows.len(), 4 * (2 * d + 2));
    let x: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.parse().unwrap()).collect())
        .collect();
    for block in x.chunks(2 * d + 2) {
        let (a, b) = (&block[0], &block[2 * d + 1]);
        for j in 0..d {
            for k in 0..d {
                assert_eq!(block[1 + j][k], if k == j { b[k] } else { a[k] });
                assert_eq!(block[1 + d + j][k], if k == j { a[k] } else { b[k] });
            }
        }
        for row in block {
            assert!((0.1..0.5).contains(&row[0]));
            assert!(row[1].fract() == 0.0 && (1.0..=4.0).contains(&row[1]));
        }
    }
    // points.csv lists the same values, point by point.
    let (_, points) = read_csv(&out.join("points.csv"));
    for (p, s) in points.iter().zip(&rows) {
        assert_eq!(p[1..3], s[..]);
    }
}

#[test]
fn a_list_sweep_of_offence_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(
        tmp.path(),
        "laws.toml",
        r#"[sweep]
design = "list"
replicates = 2
[[sweep.point]]
"all.law.offences" = []
[[sweep.point]]
"all.law.offences" = ["sexual", "labour"]
[[sweep.point]]
"country.Aurelia.law.offences" = ["sexual"]
"#,
    );
    let out = tmp.path().join("out");
    sweep(&scenario, &out, &["--set", "run.weeks=4"]).ok();
    let (header, rows) = read_csv(&out.join("points.csv"));
    assert_eq!(
        header[..3],
        ["point", "all.law.offences", "country.Aurelia.law.offences"]
    );
    let cells: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(cells, [("", ""), ("sexual,labour", ""), ("", "sexual")]);
    let (header, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(header[5], "run.weeks", "--set columns come first");
    assert_eq!(rows.len(), 6);
    let text = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(text.contains(",\"sexual,labour\","), "quoted: {text}");
}

/// `cooperation.scale` moves every level at once: scaled to 0, the bloc and the pair that
/// `cooperation.default` would leave alone cooperate no more, so every cross-border request
/// fails and none is lost to corruption (a request is refused before officials see it); the
/// failures by cause add up to the total in every run.
#[test]
fn a_sweep_over_the_cooperation_knob_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tiny_with(
        tmp.path(),
        "knob.toml",
        r#"[[bloc]]
name = "All"
members = ["Aurelia", "Borealis", "Caldera"]
cooperation = 0.9
[[pair]]
a = "Aurelia"
b = "Borealis"
cooperation = 1.0
[sweep]
design = "grid"
replicates = 3
[[sweep.parameter]]
path = "cooperation.scale"
values = [0.0, 1.0]
"#,
    );
    let out = tmp.path().join("out");
    // Busy police and fleeing suspects, so that many requests cross borders.
    let busy = [
        "--set",
        "run.weeks=104",
        "--set",
        "model.police_lead_rate=0.05",
        "--set",
        "model.flee_prob=0.5",
    ];
    sweep(&scenario, &out, &busy).ok();
    let (header, rows) = read_csv(&out.join("points.csv"));
    assert_eq!(header[1], "cooperation.scale");
    assert_eq!(rows.len(), 2);
    let (header, rows) = read_csv(&out.join("summary.csv"));
    let cell = |r: &Vec<String>, name: &str| num(&r[column(&header, name)]);
    let mut failures = [0.0; 2];
    for r in &rows {
        let scale = cell(r, "cooperation.scale").unwrap();
        let total = cell(r, "jurisdiction_failures_total").unwrap();
        let causes = ["dual_criminality", "refused", "corruption"]
            .map(|c| cell(r, &format!("failures_{c}_total")).unwrap());
        assert_eq!(total, causes.iter().sum::<f64>(), "{r:?}");
        if scale == 0.0 {
            assert_eq!(causes[2], 0.0, "{r:?}");
            assert!(matches!(
                cell(r, "jurisdiction_failure_share"),
                None | Some(1.0)
            ));
            failures[0] += total;
        } else {
            failures[1] += total;
        }
    }
    assert!(failures[0] > failures[1], "{failures:?}");
}

#[test]
fn run_ignores_and_check_validates_a_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    palermo([
        "run".as_ref(),
        fixture("tiny_sweep.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();
    let (_, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(rows.len(), 2, "run.replicates, the [sweep] section ignored");

    let checked = palermo(["check".as_ref(), fixture("tiny_sweep.toml").as_os_str()]).ok();
    assert!(
        checked
            .stdout
            .contains("sweep: grid of 6 points × 3 replicates = 18 runs"),
        "{}",
        checked.stdout
    );
    let checked = palermo([
        "check".as_ref(),
        fixture("tiny_sweep.toml").as_os_str(),
        "--set".as_ref(),
        "run.replicates=5".as_ref(),
    ])
    .ok();
    assert!(
        checked.stdout.contains("× 3 replicates"),
        "[sweep] replicates win over run"
    );
}

/// Every bad sweep fixture is refused by `check` and by `sweep`, with its message on stderr
/// and nothing written (`run` refuses it too: `bad_input.rs`).
#[test]
fn bad_sweeps_are_refused_and_write_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_sweep");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let tmp = tempfile::tempdir().unwrap();
    for path in &paths {
        let text = fs::read_to_string(path).unwrap();
        let expect = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect: ")
            .unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let fragment = &expect[name.len()..];
        let out = tmp.path().join(name.as_ref());
        let e = sweep(path, &out, &[]).bad_input();
        assert!(e.stderr.contains(fragment), "{name}: {}", e.stderr);
        assert!(!out.exists(), "{name}: bad input created {}", out.display());
        let e = palermo(["check".as_ref(), path.as_os_str()]).bad_input();
        assert!(e.stderr.contains(fragment), "{name}: {}", e.stderr);
    }

    // A file without [sweep], a --set of a swept path, a bad level.
    let out = tmp.path().join("none");
    let e = sweep(&fixture("tiny.toml"), &out, &[]).bad_input();
    assert!(e.stderr.contains("no [sweep] section"), "{}", e.stderr);
    let e = sweep(
        &fixture("tiny_sweep.toml"),
        &out,
        &["--set", "all.corruption=0.5"],
    )
    .bad_input();
    assert!(e.stderr.contains("also given as --set"), "{}", e.stderr);
    sweep(&fixture("tiny_sweep.toml"), &out, &["--timeseries", "some"]).bad_input();
    sweep(&fixture("tiny_sweep.toml"), &out, &["--resume", "--force"]).bad_input();
    assert!(!out.exists());
}

#[test]
fn sweep_files_are_documented() {
    let doc = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/SWEEPS.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&fixture("tiny_sweep.toml"), &out, &[]).ok();
    let (points, _) = read_csv(&out.join("points.csv"));
    let (aggregate, _) = read_csv(&out.join("aggregate.csv"));
    for key in ["point", "week", "country", "run", "replicate", "seed"] {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/SWEEPS.md lacks {key}"
        );
    }
    // Statistics columns are documented by pattern: F_ for an outcome, M_ for a counter.
    for suffix in ["_mean", "_sd", "_ci_low", "_ci_high", "_n"] {
        assert!(
            doc.contains(&format!("`F{suffix}`")),
            "docs/SWEEPS.md lacks F{suffix}"
        );
    }
    for suffix in ["_mean", "_ci_low", "_ci_high"] {
        assert!(
            doc.contains(&format!("`M{suffix}`")),
            "docs/SWEEPS.md lacks M{suffix}"
        );
    }
    for column in palermo::output::sweep_csv::COMPARE_COLUMNS {
        assert!(
            doc.contains(&format!("`{column}`")),
            "docs/SWEEPS.md lacks compare.csv's {column}"
        );
    }
    assert!(points.len() > 50 && aggregate.len() > 100);
    for file in [
        "points.csv",
        "aggregate.csv",
        "summary.csv",
        "timeseries.csv",
        "manifest.json",
        "problem.json",
        "samples.csv",
        "compare.csv",
    ] {
        assert!(
            doc.contains(&format!("`{file}`")),
            "docs/SWEEPS.md lacks {file}"
        );
    }
}

/// The shipped sweeps run the baseline's world (without its timeline), so that their results
/// speak about the documented world; each one's design is valid.
#[test]
fn shipped_sweeps_use_the_baseline_world() {
    use palermo::scenario::sweep::parse_sweep;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join("scenarios/baseline.toml")).unwrap();
    let cut = text.find("# --- policy timeline").unwrap();
    let baseline = palermo::scenario::parse(&text[..cut], "baseline.toml", &[]).unwrap();
    let mut names = Vec::new();
    for entry in fs::read_dir(root.join("scenarios/sweeps")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let s = palermo::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.countries, baseline.countries, "{name}");
        assert_eq!(s.cooperation, baseline.cooperation, "{name}");
        assert_eq!(s.model, baseline.model, "{name}");
        assert_eq!(s.run, baseline.run, "{name}");
        assert!(
            s.policies.is_empty() && s.shocks.is_empty(),
            "{name}: no timeline"
        );
        let spec = parse_sweep(&s).unwrap_or_else(|e| panic!("{e}")).unwrap();
        let plan = palermo::sweep::Plan::new(s, spec, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            plan.runs() <= 2000,
            "{name}: {} runs is more than minutes",
            plan.runs()
        );
        names.push(name);
    }
    names.sort();
    assert_eq!(
        names,
        [
            "cooperation_corruption.toml",
            "harmonization.toml",
            "resources.toml",
            "screening_morris.toml",
            "sensitivity_sobol.toml"
        ]
    );
}
