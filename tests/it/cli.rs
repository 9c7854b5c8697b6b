//! `palermo run`, `check` and `params` through the real binary: which files appear, their
//! exact columns and row counts, the `--force` rule, several scenarios in one invocation.

use std::fs;

use crate::{fixture, palermo, read_csv};

/// The exact columns of `timeseries.csv`. Changing them changes the file format: update
/// `docs/OUTPUTS.md` and this list together.
const TIMESERIES_COLUMNS: &[&str] = &[
    "scenario",
    "run",
    "replicate",
    "seed",
    "week",
    "country",
    "at_home",
    "seeking",
    "in_transit",
    "exploited",
    "safe_migrants",
    "in_support",
    "recruited_new",
    "safe_migrations",
    "identified_border",
    "identified_inspection",
    "identified_police",
    "identified_ngo",
    "identified_self",
    "identified_self_exit",
    "identified_total",
    "supported",
    "deported",
    "testimonies",
    "re_trafficked",
    "re_trafficked_identified",
    "escaped",
    "leads",
    "leads_expired",
    "investigations_opened",
    "investigations_running",
    "arrests",
    "prosecutions",
    "convictions",
    "acquittals",
    "recruited_labour_forms",
    "convictions_labour_forms",
    "convictions_cross_border",
    "bribed_cases",
    "cross_border_requests",
    "jurisdiction_failures",
    "failures_dual_criminality",
    "failures_refused",
    "failures_corruption",
    "extraditions",
    "intelligence_shared",
    "joint_investigations",
    "traffickers_active",
    "traffickers_imprisoned",
    "networks_active",
    "revenue",
    "bribes_paid",
    "transit_flow",
];

/// The columns of `summary.csv` after the key and the override columns.
const SUMMARY_OUTCOMES: &[&str] = &[
    "victims_total",
    "identified_total",
    "identification_rate",
    "prosecutions_total",
    "convictions_total",
    "conviction_rate",
    "prevalence_mean",
    "prevalence_final",
    "jurisdiction_failure_share",
    "re_trafficking_rate",
    "re_trafficking_rate_identified",
    "labour_share_of_victims",
    "labour_share_of_convictions",
    "identified_per_exploited_year",
    "convictions_per_identified",
    "escaped_total",
    "identified_police_total",
    "identified_self_exit_total",
    "self_initiated_share",
    "arrests_total",
    "jurisdiction_failures_total",
    "failures_dual_criminality_total",
    "failures_refused_total",
    "failures_corruption_total",
    "extraditions_total",
    "joint_investigations_total",
    "bribed_cases_total",
    "revenue_total",
    "bribes_paid_total",
    "networks_active_final",
    "victims_at_start",
    "victims_per_100k",
    "convictions_cross_border_total",
    "convictions_per_1000_victims",
];

const SUMMARY_KEY: &[&str] = &["scenario", "run", "replicate", "seed"];

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

#[test]
fn run_writes_three_files_with_exact_columns_and_row_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results/nested");
    palermo([
        "run".as_ref(),
        fixture("tiny.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();

    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "summary.csv", "timeseries.csv"]);

    let (header, rows) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(header, strings(TIMESERIES_COLUMNS));
    // 2 replicates x 20 weeks x (3 countries + the world row).
    assert_eq!(rows.len(), 2 * 20 * 4);
    let countries: Vec<&str> = rows[..4].iter().map(|r| r[5].as_str()).collect();
    assert_eq!(countries, ["Aurelia", "Borealis", "Caldera", "ALL"]);
    assert!(rows[..4].iter().all(|r| r[4] == "0"), "week 0 first");
    assert_eq!(rows[4][4], "1");
    assert_eq!(
        rows.last().unwrap()[..6],
        [
            "tiny",
            "1",
            "1",
            rows.last().unwrap()[3].as_str(),
            "19",
            "ALL"
        ]
    );

    let (header, rows) = read_csv(&out.join("summary.csv"));
    let expected: Vec<String> = strings(SUMMARY_KEY)
        .into_iter()
        .chain(strings(SUMMARY_OUTCOMES))
        .collect();
    assert_eq!(header, expected, "no overrides: no override columns");
    assert_eq!(rows.len(), 2);

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["palermo_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["runs"], 2);
    let scenario = &manifest["scenarios"][0];
    assert_eq!(scenario["name"], "tiny");
    assert_eq!(scenario["weeks"], 20);
    assert_eq!(scenario["replicates"], 2);
    assert_eq!(scenario["seed"], 7);
    assert_eq!(
        scenario["text"].as_str().unwrap(),
        fs::read_to_string(fixture("tiny.toml")).unwrap()
    );
    assert_eq!(scenario["sha256"].as_str().unwrap().len(), 64);
    for key in ["started", "finished"] {
        let t = manifest[key].as_str().unwrap();
        assert!(t.len() == 20 && t.ends_with('Z'), "{key}: {t}");
    }
    assert!(manifest["threads"].as_u64().unwrap() >= 1);
    assert!(manifest["command_line"][1] == "run");
}

#[test]
fn a_non_empty_directory_needs_force_and_force_replaces() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run".to_string(),
            fixture("tiny.toml").display().to_string(),
            "--out".to_string(),
            out.display().to_string(),
            "--quiet".to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        palermo(args)
    };
    run(&[]).ok();
    let files = ["timeseries.csv", "summary.csv", "manifest.json"];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();

    let refused = run(&["--seed", "99"]).bad_input();
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(&out.display().to_string()),
        "{}",
        refused.stderr
    );
    let after: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    assert_eq!(
        before, after,
        "a refused run leaves the old files untouched"
    );

    fs::write(out.join("notes.txt"), "mine").unwrap();
    run(&["--seed", "99", "--force"]).ok();
    let (header, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(header[4], "run.seed");
    assert!(rows.iter().all(|r| r[4] == "99"));
    assert_ne!(fs::read(out.join("summary.csv")).unwrap(), before[1]);
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "manifest.json",
            "notes.txt",
            "summary.csv",
            "timeseries.csv"
        ],
        "no temporary files left behind"
    );
}

#[test]
fn several_scenarios_in_job_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    palermo([
        "run".as_ref(),
        fixture("tiny.toml").as_os_str(),
        fixture("tiny2.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();

    let (_, rows) = read_csv(&out.join("summary.csv"));
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("tiny", "0", "0"),
            ("tiny", "1", "1"),
            ("tiny2", "2", "0"),
            ("tiny2", "3", "1")
        ]
    );

    let (_, rows) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(rows.len(), 4 * 20 * 4);
    let per_run = 20 * 4;
    for (i, row) in rows.iter().enumerate() {
        let run = i / per_run;
        assert_eq!(row[1], run.to_string());
        assert_eq!(row[0], if run < 2 { "tiny" } else { "tiny2" });
    }
    assert_eq!(rows[2 * per_run][5], "Dunmore");

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenarios"][1]["name"], "tiny2");
    assert_eq!(manifest["runs"], 4);
}

#[test]
fn overrides_become_summary_columns_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    palermo([
        "run".as_ref(),
        fixture("tiny.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
        "--replicates".as_ref(),
        "3".as_ref(),
        "--set".as_ref(),
        "all.corruption=0.5".as_ref(),
        "--weeks".as_ref(),
        "5".as_ref(),
    ])
    .ok();
    let (header, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(
        header[..7],
        [
            "scenario",
            "run",
            "replicate",
            "seed",
            "all.corruption",
            "run.replicates",
            "run.weeks"
        ]
    );
    assert_eq!(header[7], SUMMARY_OUTCOMES[0]);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r[4..7] == ["0.5", "3", "5"]));
    let (_, rows) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(rows.len(), 3 * 5 * 4);

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let overrides = &manifest["scenarios"][0]["overrides"];
    assert_eq!(overrides[0]["path"], "all.corruption");
    assert_eq!(overrides[1]["path"], "run.replicates");
    assert_eq!(overrides[2]["value"], "5");
}

#[test]
fn the_final_line_says_what_was_written_unless_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let loud = palermo([
        "run".as_ref(),
        fixture("tiny.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .ok();
    assert!(loud.stderr.contains("wrote 2 runs to"), "{}", loud.stderr);
    let quiet = palermo([
        "run".as_ref(),
        fixture("tiny.toml").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--force".as_ref(),
        "--quiet".as_ref(),
    ])
    .ok();
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, "");
}

#[test]
fn check_validates_and_reports_each_file() {
    let good = palermo([
        "check".as_ref(),
        fixture("tiny.toml").as_os_str(),
        fixture("tiny2.toml").as_os_str(),
    ])
    .ok();
    let lines: Vec<&str> = good.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("ok: ")
            && lines[0].ends_with("tiny.toml (3 countries, 20 weeks, 2 replicates)"),
        "{}",
        lines[0]
    );

    let with_set = palermo([
        "check".as_ref(),
        fixture("tiny.toml").as_os_str(),
        "--set".as_ref(),
        "run.weeks=8".as_ref(),
    ])
    .ok();
    assert!(
        with_set
            .stdout
            .contains("(3 countries, 8 weeks, 2 replicates)"),
        "{}",
        with_set.stdout
    );

    let mixed = palermo([
        "check".as_ref(),
        fixture("out_of_range.toml").as_os_str(),
        fixture("tiny.toml").as_os_str(),
        fixture("missing.toml").as_os_str(),
    ])
    .bad_input();
    assert!(
        mixed.stdout.contains("tiny.toml"),
        "the good file is still reported"
    );
    assert!(
        mixed.stderr.contains("out_of_range.toml"),
        "{}",
        mixed.stderr
    );
    assert!(mixed.stderr.contains("missing.toml"), "{}", mixed.stderr);
}

#[test]
fn params_lists_every_parameter() {
    let text = palermo(["params"]).ok().stdout;
    let specs = palermo::params::all_specs();
    assert_eq!(
        text.lines().count(),
        specs.len() + 1,
        "a heading, then one line each"
    );
    for (line, spec) in text.lines().skip(1).zip(&specs) {
        assert!(
            line.starts_with(&format!("{} ", spec.full_path())),
            "{line}"
        );
        assert!(line.ends_with(spec.doc), "{line}");
    }

    let md = palermo(["params", "--markdown"]).ok().stdout;
    assert_eq!(md, palermo::output::params_markdown());
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(
        lines.len(),
        specs.len() + 2,
        "a heading, a rule, then one row each"
    );
    assert!(lines[1].starts_with("|---"));
    for (line, spec) in lines[2..].iter().zip(&specs) {
        assert!(
            line.starts_with(&format!("| `{}` |", spec.full_path())),
            "{line}"
        );
        assert!(line.ends_with(" |"), "{line}");
    }
}

#[test]
fn outputs_md_documents_every_column() {
    let doc = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/OUTPUTS.md")).unwrap();
    for column in TIMESERIES_COLUMNS
        .iter()
        .chain(SUMMARY_KEY)
        .chain(SUMMARY_OUTCOMES)
    {
        assert!(
            doc.contains(&format!("| `{column}` |")),
            "docs/OUTPUTS.md lacks column {column}"
        );
    }
}
