//! The report of a run's directory (`palermo run`): what was run, the timeline, the per-run
//! outcomes of `summary.csv` as means with 95 % intervals, and the weekly curves of the world
//! and of each country with their bands, several scenarios overlaid.

use std::fmt::Write;
use std::path::Path;

use super::error::ReportError;
use super::files::{Manifest, Table};
use super::html::{self, Section, escape};
use super::svg::lines::TimeMark;
use super::timeline;
use super::weekly::{CHARTS, Weekly, WeeklyChart};
use crate::metrics::stats::Estimate;
use crate::output::sweep_csv;
use crate::scenario::Scenario;

/// What was run: the manifest's facts and one row per scenario.
pub fn what_was_run(m: &Manifest) -> Section {
    let header: Vec<String> = [
        "scenario",
        "file",
        "SHA-256",
        "seed",
        "replicates",
        "weeks",
        "overrides",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = m
        .scenarios
        .iter()
        .map(|s| {
            let overrides: Vec<String> = s
                .overrides
                .iter()
                .map(|o| format!("<code>{}={}</code>", escape(&o.path), escape(&o.value)))
                .collect();
            vec![
                escape(&s.name),
                format!("<code>{}</code>", escape(&s.path)),
                format!(
                    r#"<code title="{0}">{1}</code>"#,
                    escape(&s.sha256),
                    escape(s.sha256.get(..12).unwrap_or(""))
                ),
                s.seed.to_string(),
                s.replicates.to_string(),
                s.weeks.to_string(),
                if overrides.is_empty() {
                    "none".into()
                } else {
                    overrides.join(" ")
                },
            ]
        })
        .collect();
    let mut body = String::new();
    let _ = write!(
        body,
        "<p>palermo {}, {} runs, from {} to {}. Command: <code>{}</code></p>",
        escape(&m.palermo_version),
        m.runs,
        escape(&m.started),
        escape(&m.finished),
        escape(&m.command_line.join(" "))
    );
    body.push_str(&html::table(
        &header,
        &rows,
        &[false, false, false, true, true, true, false],
        "scenarios",
    ));
    Section {
        id: "run".into(),
        heading: "What was run".into(),
        body,
    }
}

/// The timeline's marks as a table (label, kind, what), or a sentence when there are none.
pub fn timeline_section(marks: &[TimeMark]) -> Section {
    let body = if marks.is_empty() {
        "<p>The scenarios have no policy and no shock.</p>".to_string()
    } else {
        let rows: Vec<Vec<String>> = marks
            .iter()
            .map(|m| {
                vec![
                    format!("<b>{}</b>", escape(&m.label)),
                    match m.kind {
                        super::svg::lines::MarkKind::Policy => "policy".into(),
                        super::svg::lines::MarkKind::Shock => "shock".into(),
                    },
                    escape(&m.title),
                ]
            })
            .collect();
        format!(
            "<p>Policies are dashed rules on the time axis of every weekly chart, shocks shaded spans, labelled as here (weeks counted from the first recorded week).</p>{}",
            html::table(
                &["mark".into(), "kind".into(), "what".into()],
                &rows,
                &[],
                "timeline"
            )
        )
    };
    Section {
        id: "timeline".into(),
        heading: "Policies and shocks".into(),
        body,
    }
}

/// The outcomes of `summary.csv`: per scenario, the mean over runs and its 95 % interval.
pub fn outcomes_section(summary: &Table, scenarios: &[String]) -> Result<Section, ReportError> {
    let scenario_col = summary.column("scenario")?;
    let outcomes: Vec<String> = sweep_csv::outcomes()
        .into_iter()
        .filter(|o| summary.has(o))
        .collect();
    let mut header = vec!["outcome".to_string()];
    for s in scenarios {
        let who = if scenarios.len() > 1 {
            format!("{s}: ")
        } else {
            String::new()
        };
        header.extend([
            format!("{who}mean"),
            format!("{who}95 % CI"),
            format!("{who}n"),
        ]);
    }
    let mut rows = Vec::new();
    for o in &outcomes {
        let col = summary.column(o)?;
        let mut row = vec![format!("<code>{}</code>", escape(o))];
        for s in scenarios {
            let mut values = Vec::new();
            for r in 0..summary.rows.len() {
                if summary.text(r, scenario_col) != s {
                    continue;
                }
                if let Some(v) = summary.number(r, col)? {
                    values.push(v);
                }
            }
            let e = Estimate::of(&values);
            row.push(format!(
                r#"<span class="mean" data-scenario="{}" data-outcome="{}">{}</span>"#,
                escape(s),
                escape(o),
                html::number(e.mean)
            ));
            row.push(if e.half_width.is_finite() {
                format!("{} to {}", html::number(e.low()), html::number(e.high()))
            } else {
                html::number(f64::NAN)
            });
            row.push(e.n.to_string());
        }
        rows.push(row);
    }
    let numeric: Vec<bool> = (0..header.len()).map(|k| k > 0).collect();
    let body = format!(
        "<p>One value per run (the runs of <code>summary.csv</code>); an undefined rate (a zero denominator) is left out of its mean, and <em>n</em> counts the runs that define it. Columns are defined in docs/OUTPUTS.md.</p>{}",
        html::table(&header, &rows, &numeric, "outcomes")
    );
    Ok(Section {
        id: "outcomes".into(),
        heading: "Outcomes per run".into(),
        body,
    })
}

/// The weekly charts: the world's, then each country's.
pub fn weekly_sections(weekly: &Weekly, marks: &[TimeMark]) -> Vec<Section> {
    let reps: Vec<String> = weekly
        .scenarios
        .iter()
        .map(|s| {
            format!(
                "{s}: {} replicates",
                weekly.replicates.get(s).copied().unwrap_or(0)
            )
        })
        .collect();
    let blocks = if weekly.block > 1 {
        format!(
            " Flows: each replicate's average over blocks of {} weeks, drawn at the block's middle week.",
            weekly.block
        )
    } else {
        String::new()
    };
    let caption = |chart: &WeeklyChart| {
        let transit = if chart.counters == ["transit_flow"] {
            " A transit flow: trafficked persons entering a country that is not their destination."
        } else {
            ""
        };
        format!(
            "{}: mean over replicates ({}), shaded: 95 % confidence interval of the mean.{transit}{}",
            chart.title,
            reps.join(", "),
            if chart.stock { "" } else { blocks.as_str() }
        )
    };
    let world: Vec<String> = CHARTS
        .iter()
        .map(|c| html::figure(&weekly.chart(c, "ALL", marks, false).render(), &caption(c)))
        .collect();
    let mut sections = vec![Section {
        id: "world".into(),
        heading: "The world over weeks".into(),
        body: html::charts(&world, html::Layout::Pairs),
    }];
    let mut body = String::new();
    for country in weekly.countries.iter().filter(|c| c.as_str() != "ALL") {
        let figures: Vec<String> = CHARTS
            .iter()
            .map(|c| html::figure(&weekly.chart(c, country, marks, true).render(), &caption(c)))
            .collect();
        let _ = write!(
            body,
            r#"<h3 id="country-{0}">{0}</h3>{1}"#,
            escape(country),
            html::charts(&figures, html::Layout::Grid)
        );
    }
    if !body.is_empty() {
        sections.push(Section {
            id: "countries".into(),
            heading: "Each country over weeks".into(),
            body,
        });
    }
    sections
}

/// The whole report of a run's directory.
pub fn sections(
    dir: &Path,
    manifest: &Manifest,
    scenarios: &[Scenario],
    progress: &dyn Fn(&str),
) -> Result<Vec<Section>, ReportError> {
    progress("summary.csv");
    let summary = Table::read(dir, crate::output::SUMMARY_FILE, "the per-run outcomes")?;
    progress("timeseries.csv");
    let names: Vec<String> = manifest.scenarios.iter().map(|s| s.name.clone()).collect();
    let mut out = vec![what_was_run(manifest), outcomes_section(&summary, &names)?];
    out.extend(curves(dir, scenarios)?);
    progress("charts");
    Ok(out)
}

/// The timeline and the weekly curves of the scenarios in `dir/timeseries.csv`.
pub fn curves(dir: &Path, scenarios: &[Scenario]) -> Result<Vec<Section>, ReportError> {
    let series = Table::read(dir, crate::output::TIMESERIES_FILE, "the weekly counters")?;
    let weekly = Weekly::read(&series)?;
    let marks = timeline::marks(scenarios);
    let mut out = vec![timeline_section(&marks)];
    out.extend(weekly_sections(&weekly, &marks));
    Ok(out)
}
