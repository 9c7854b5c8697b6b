//! The report of a comparison (`palermo compare --out`): the paired differences B − A of
//! `compare.csv` as a forest plot (relative to A's mean, so that outcomes of every unit share
//! one axis) and as a table in their own units; and, when the directory also holds a run's
//! weekly counters of the two scenarios, their curves.

use std::path::Path;

use super::error::ReportError;
use super::files::{Manifest, Table};
use super::html::{self, Section, escape};
use super::svg::points::{ForestPlot, ForestRow};

/// One row of `compare.csv`.
struct Row {
    outcome: String,
    n: String,
    a: f64,
    b: f64,
    diff: f64,
    low: f64,
    high: f64,
}

fn read_rows(table: &Table) -> Result<Vec<Row>, ReportError> {
    let col = |name: &str| table.column(name);
    let (outcome, n, a, b, diff, low, high) = (
        col("outcome")?,
        col("n")?,
        col("a_mean")?,
        col("b_mean")?,
        col("diff_mean")?,
        col("diff_ci_low")?,
        col("diff_ci_high")?,
    );
    let num = |r: usize, c: usize| table.number(r, c).map(|v| v.unwrap_or(f64::NAN));
    (0..table.rows.len())
        .map(|r| {
            Ok(Row {
                outcome: table.text(r, outcome).to_string(),
                n: table.text(r, n).to_string(),
                a: num(r, a)?,
                b: num(r, b)?,
                diff: num(r, diff)?,
                low: num(r, low)?,
                high: num(r, high)?,
            })
        })
        .collect()
}

/// Who A and B are: the manifest's two scenarios, or the points of a sweep.
pub fn names(manifest: Option<&Manifest>) -> (String, String) {
    match manifest.map(|m| m.scenarios.as_slice()) {
        Some([a, b, ..]) => (a.name.clone(), b.name.clone()),
        _ => ("A".into(), "B".into()),
    }
}

pub fn sections(dir: &Path, manifest: Option<&Manifest>) -> Result<Vec<Section>, ReportError> {
    let table = Table::read(dir, crate::sweep::COMPARE_FILE, "the comparison")?;
    let rows = read_rows(&table)?;
    let (a, b) = names(manifest);
    let forest_rows: Vec<ForestRow> = rows
        .iter()
        .filter(|r| r.a.is_finite() && r.a != 0.0 && r.diff.is_finite())
        .map(|r| {
            let scale = 100.0 / r.a.abs();
            ForestRow {
                label: r.outcome.clone(),
                mean: r.diff * scale,
                low: r.low * scale,
                high: r.high * scale,
            }
        })
        .collect();
    let left_out: Vec<&str> = rows
        .iter()
        .filter(|r| !(r.a.is_finite() && r.a != 0.0 && r.diff.is_finite()))
        .map(|r| r.outcome.as_str())
        .collect();
    let plot = ForestPlot {
        title: format!("{b} − {a}: paired differences with 95 % CI"),
        x_name: format!("difference, % of {a}'s mean"),
        rows: forest_rows,
        width: 1000.0,
    };
    let mut caption = format!(
        "Each row: the mean paired difference {b} − {a} (replicate r of {b} minus replicate r of {a}) as a percentage of {a}'s mean, the whisker its 95 % confidence interval; a filled square when the interval excludes zero, hollow when it does not; an arrowhead: the interval goes on beyond the axis (the table below has it)."
    );
    if !left_out.is_empty() {
        caption.push_str(&format!(
            " Not shown (A's mean is zero or the difference undefined): {}.",
            left_out.join(", ")
        ));
    }
    let forest = html::charts(
        &[html::figure(&plot.render(), &caption)],
        html::Layout::Wide,
    );
    let header: Vec<String> = [
        "outcome",
        &format!("{a} mean"),
        &format!("{b} mean"),
        &format!("{b} − {a}"),
        "95 % CI",
        "pairs",
        &format!("% of {a}"),
    ]
    .map(String::from)
    .to_vec();
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("<code>{}</code>", escape(&r.outcome)),
                html::number(r.a),
                html::number(r.b),
                html::number(r.diff),
                if r.low.is_finite() {
                    format!("{} to {}", html::number(r.low), html::number(r.high))
                } else {
                    html::number(f64::NAN)
                },
                escape(&r.n),
                html::number(if r.a != 0.0 {
                    100.0 * r.diff / r.a.abs()
                } else {
                    f64::NAN
                }),
            ]
        })
        .collect();
    let numeric = [false, true, true, true, true, true, true];
    Ok(vec![
        Section {
            id: "differences".into(),
            heading: format!("{b} − {a}"),
            body: forest,
        },
        Section {
            id: "table".into(),
            heading: "The differences in their units".into(),
            body: html::table(&header, &table_rows, &numeric, "compare"),
        },
    ])
}
