//! `palermo report` and `--report` through the real binary: a directory of each kind
//! (a run of two scenarios, a grid sweep with a hand-made `sensitivity.csv`, a comparison)
//! reported, and the page checked for structure: every expected chart, the policy and the
//! shock at their weeks on the time axis, the table's means equal to `summary.csv`'s; and
//! bad input (not a palermo directory, a missing or damaged file, a report in the way) is
//! exit 2 naming the file, with nothing written.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Outcome, fixture, palermo, read_csv};

fn report_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

/// The timeline fixture and a calm twin (the same world, no timeline) in `dir`.
fn two_scenarios(dir: &Path) -> (PathBuf, PathBuf) {
    let text = fs::read_to_string(report_fixture("timeline.toml")).unwrap();
    let calm = dir.join("calm.toml");
    let cut = text
        .find("# --- timeline")
        .expect("the fixture marks its timeline");
    fs::write(&calm, &text[..cut]).unwrap();
    (report_fixture("timeline.toml"), calm)
}

/// A path as an argument.
fn text(path: &Path) -> String {
    path.display().to_string()
}

/// Runs `palermo ARGS... --quiet`.
fn quiet(args: &[&str]) -> Outcome {
    palermo(args.iter().copied().chain(["--quiet"]))
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The x pixel of a tick label of the first chart's x axis that follows `from`.
fn tick_x(svg: &str, label: &str) -> f64 {
    let axis = &svg[svg.find(r#"<g class="x-axis">"#).unwrap()..];
    let end = axis
        .find(&format!(r#"class="tick">{label}</text>"#))
        .expect(label);
    let start = axis[..end].rfind("<text x=\"").unwrap() + 9;
    axis[start..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn a_run_report_shows_every_chart_the_timeline_and_the_means_of_summary() {
    let t = tempfile::tempdir().unwrap();
    let (timeline, calm) = two_scenarios(t.path());
    let out = t.path().join("run");
    quiet(&[
        "run",
        &text(&timeline),
        &text(&calm),
        "--out",
        &text(&out),
        "--report",
    ])
    .ok();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing outside"
    );

    // Six charts for the world and for each of the three countries.
    assert_eq!(count(&html, r#"class="chart lines""#), 6 * 4);
    for title in [
        "Persons in exploitation, world",
        "Identifications by channel, Aurelia",
        "Transit flows, Caldera",
        "Jurisdiction failures, Borealis",
    ] {
        assert!(html.contains(&format!("<title>{title}</title>")), "{title}");
    }
    // Both scenarios overlaid, each with its band.
    let world = &html[html
        .find("<title>Persons in exploitation, world</title>")
        .unwrap()..];
    let world = &world[..world.find("</svg>").unwrap()];
    assert_eq!(count(world, r#"class="series""#), 2);
    assert!(world.contains(r#"data-label="timeline""#) && world.contains(r#"data-label="calm""#));
    assert_eq!(count(world, r#"class="band""#), 2);

    // The policy at week 12 and the shock at week 5, from the scenario text, on every chart.
    assert_eq!(count(&html, r#"<g class="policy" data-week="12">"#), 24);
    assert_eq!(count(&html, r#"<g class="shock" data-week="5">"#), 24);
    assert!(html.contains("week 12, Borealis: enforcement.resources × 2"));
    let policy = &world[world.find(r#"data-week="12">"#).unwrap()..];
    let x1: f64 = policy[policy.find("x1=\"").unwrap() + 4..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (x0, x10) = (tick_x(world, "0"), tick_x(world, "10"));
    assert!(
        (x1 - (x0 + 1.2 * (x10 - x0))).abs() < 0.15,
        "policy at {x1}, ticks 0 at {x0} and 10 at {x10}"
    );

    // The table: each scenario's mean of each outcome, exactly as summary.csv gives it.
    let (header, rows) = read_csv(&out.join("summary.csv"));
    let mut checked = 0;
    for scenario in ["timeline", "calm"] {
        for (k, outcome) in header
            .iter()
            .enumerate()
            .skip(4)
            .filter(|(_, c)| !c.contains('.'))
        {
            let values: Vec<f64> = rows
                .iter()
                .filter(|r| r[0] == scenario)
                .filter_map(|r| r[k].parse().ok())
                .collect();
            let anchor = format!(r#"data-scenario="{scenario}" data-outcome="{outcome}"><span "#);
            let at = html.find(&anchor).unwrap_or_else(|| panic!("{anchor}"));
            let cell = &html[at + anchor.len()..];
            if values.is_empty() {
                assert!(cell.starts_with(r#"class="undefined""#), "{outcome}");
                continue;
            }
            let shown: f64 = cell["data-value=\"".len()..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            assert!(
                (shown - mean).abs() <= 1e-12 * mean.abs(),
                "{scenario} {outcome}: {shown} vs {mean}"
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked} means checked");

    // The same directory reported again gives the same page, byte for byte.
    let again = t.path().join("again.html");
    quiet(&["report", &text(&out), "--out", &text(&again)]).ok();
    assert_eq!(fs::read_to_string(again).unwrap(), html);
}

#[test]
fn a_sweep_report_has_heatmaps_outcomes_against_parameters_and_the_sensitivity_bars() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("sweep");
    quiet(&[
        "sweep",
        &text(&fixture("tiny_sweep.toml")),
        "--out",
        &text(&out),
        "--report",
    ])
    .ok();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let (header, _) = read_csv(&out.join("points.csv"));
    let outcomes = header.iter().filter(|c| c.ends_with("_mean")).count();
    assert_eq!(count(&html, r#"class="chart heatmap""#), outcomes);
    // Six grid points a heatmap.
    assert_eq!(count(&html, r#"class="cell""#), 6 * outcomes);
    assert_eq!(count(&html, r#"class="chart errorbars""#), 2 * outcomes);
    assert!(
        html.contains(r#"data-label="all.corruption = 0.3""#),
        "one series per value of the other parameter"
    );
    assert!(
        !html.contains(r#"class="chart bars""#),
        "no sensitivity.csv, no bars"
    );

    fs::copy(
        report_fixture("sensitivity_sobol.csv"),
        out.join("sensitivity.csv"),
    )
    .unwrap();
    quiet(&["report", &text(&out)]).bad_input();
    quiet(&["report", &text(&out), "--force"]).ok();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(
        count(&html, r#"class="chart bars""#),
        3,
        "one chart per outcome of the file"
    );
    // 2 parameters × 3 outcomes × (S1, ST), less the undefined S1 of conviction_rate.
    assert_eq!(count(&html, r#"class="bar""#), 11);
    assert!(html.contains("<title>ST (total): 0.9</title>"));
}

#[test]
fn a_comparison_report_has_the_forest_plot_and_the_table() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("cmp");
    quiet(&[
        "compare",
        &text(&fixture("tiny.toml")),
        &text(&fixture("tiny2.toml")),
        "--out",
        &text(&out),
        "--report",
    ])
    .ok();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(count(&html, r#"class="chart forest""#), 1);
    let (_, rows) = read_csv(&out.join("compare.csv"));
    let plotted = rows
        .iter()
        .filter(|r| r[2].parse::<f64>().is_ok_and(|a| a != 0.0) && !r[4].is_empty())
        .count();
    assert_eq!(count(&html, r#"<g class="row""#), plotted);
    assert_eq!(
        count(&html, "<tr>") - 1 - 2 - 1,
        rows.len(),
        "header and scenario rows, then one per outcome"
    );
    assert!(html.contains("tiny2 − tiny"));
    assert!(
        !html.contains(r#"class="chart lines""#),
        "compare keeps no weekly counters"
    );

    // Beside a run of the same two scenarios, the two worlds' curves are drawn too.
    let both = t.path().join("both");
    let (a, b) = (text(&fixture("tiny.toml")), text(&fixture("tiny2.toml")));
    quiet(&["run", &a, &b, "--out", &text(&both)]).ok();
    quiet(&[
        "compare",
        &a,
        &b,
        "--out",
        &text(&both),
        "--force",
        "--report",
    ])
    .ok();
    let html = fs::read_to_string(both.join("report.html")).unwrap();
    assert_eq!(count(&html, r#"class="chart forest""#), 1);
    // Six world charts and six for each of the six countries of the two worlds.
    assert_eq!(count(&html, r#"class="chart lines""#), 6 * 7);
    assert!(html.contains(r#"data-label="tiny2""#));
}

#[test]
fn bad_directories_are_refused_naming_the_file_and_nothing_is_written() {
    let t = tempfile::tempdir().unwrap();
    let empty = t.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let e = quiet(&["report", &text(&empty)]).bad_input();
    assert!(
        e.stderr.contains("not a directory palermo wrote"),
        "{}",
        e.stderr
    );
    let e = quiet(&["report", &text(&t.path().join("absent"))]).bad_input();
    assert!(
        e.stderr.contains("absent: cannot read the directory"),
        "{}",
        e.stderr
    );

    let run = t.path().join("run");
    quiet(&["run", &text(&fixture("tiny.toml")), "--out", &text(&run)]).ok();
    let summary = run.join("summary.csv");
    let good = fs::read_to_string(&summary).unwrap();
    fs::write(&summary, format!("{good}tiny,9\n")).unwrap();
    let e = quiet(&["report", &text(&run)]).bad_input();
    assert!(
        e.stderr.contains("summary.csv: ") && e.stderr.contains("line: 4"),
        "{}",
        e.stderr
    );
    fs::write(&summary, good.replace(",0.0,", ",zero,")).unwrap();
    let e = quiet(&["report", &text(&run)]).bad_input();
    assert!(
        e.stderr.contains("summary.csv: line ") && e.stderr.contains(": `zero` is not a number"),
        "{}",
        e.stderr
    );
    fs::write(&summary, &good).unwrap();
    fs::remove_file(run.join("timeseries.csv")).unwrap();
    let e = quiet(&["report", &text(&run)]).bad_input();
    assert!(
        e.stderr
            .contains("timeseries.csv: cannot read the weekly counters"),
        "{}",
        e.stderr
    );
    fs::write(run.join("manifest.json"), "{").unwrap();
    let e = quiet(&["report", &text(&run)]).bad_input();
    assert!(e.stderr.contains("manifest.json: "), "{}", e.stderr);
    assert!(!run.join("report.html").exists());
    let leftovers: Vec<_> = fs::read_dir(&run)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
