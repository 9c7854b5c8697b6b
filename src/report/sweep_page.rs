//! The report of a sweep's directory (`palermo sweep`): the design, each outcome of
//! `points.csv` against each swept parameter with its 95 % intervals, a heatmap of every
//! outcome over a two-parameter grid, and the sensitivity indices when `sensitivity.csv` is
//! there.

use std::fmt::Write;
use std::path::Path;

use super::error::ReportError;
use super::files::{Manifest, Table};
use super::html::{self, Section, escape};
use super::svg::heatmap::{self, Heatmap};
use super::svg::points::{ErrorBarChart, Estimate, PointSeries};
use crate::output::manifest::SweepRecord;
use crate::output::sweep_csv;

/// An outcome's mean, CI low and CI high at one point (NaN where undefined).
pub type PointEstimate = (f64, f64, f64);

/// `points.csv` read back: each point's parameter cells and each outcome's estimates.
pub struct Points {
    pub parameters: Vec<String>,
    /// Point × parameter: the cell as written (empty where a list point leaves it alone).
    pub values: Vec<Vec<String>>,
    /// Each outcome and its estimates at each point.
    pub outcomes: Vec<(String, Vec<PointEstimate>)>,
}

impl Points {
    pub fn read(dir: &Path, parameters: &[String]) -> Result<Points, ReportError> {
        let t = Table::read(dir, crate::sweep::POINTS_FILE, "the sweep's points")?;
        let pcols: Vec<usize> = parameters
            .iter()
            .map(|p| t.column(p))
            .collect::<Result<_, _>>()?;
        let values = (0..t.rows.len())
            .map(|r| pcols.iter().map(|&c| t.text(r, c).to_string()).collect())
            .collect();
        let mut outcomes = Vec::new();
        for o in sweep_csv::outcomes() {
            if !t.has(&format!("{o}_mean")) {
                continue;
            }
            let [m, lo, hi] = ["mean", "ci_low", "ci_high"].map(|s| t.column(&format!("{o}_{s}")));
            let (m, lo, hi) = (m?, lo?, hi?);
            let num = |r: usize, c: usize| t.number(r, c).map(|v| v.unwrap_or(f64::NAN));
            let cells = (0..t.rows.len())
                .map(|r| Ok((num(r, m)?, num(r, lo)?, num(r, hi)?)))
                .collect::<Result<Vec<_>, ReportError>>()?;
            outcomes.push((o, cells));
        }
        Ok(Points {
            parameters: parameters.to_vec(),
            values,
            outcomes,
        })
    }

    /// A parameter's value at a point, when it is a number.
    fn x(&self, point: usize, param: usize) -> Option<f64> {
        self.values[point][param].parse().ok()
    }

    /// The distinct values of a parameter, in first-appearance order.
    fn distinct(&self, param: usize) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for row in &self.values {
            if !seen.contains(&row[param]) {
                seen.push(row[param].clone());
            }
        }
        seen
    }
}

fn design_section(m: &Manifest, sweep: &SweepRecord) -> Section {
    let mut body = super::run_page::what_was_run(m).body;
    let _ = write!(
        body,
        "<p>Design <b>{}</b>: {} points × {} replicates; swept: {}.</p>",
        escape(&sweep.design),
        sweep.points,
        sweep.replicates,
        sweep
            .parameters
            .iter()
            .map(|p| format!("<code>{}</code>", escape(p)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Section {
        id: "run".into(),
        heading: "What was run".into(),
        body,
    }
}

/// Each outcome against each numeric parameter. In a grid of two parameters the points of
/// each value of the other parameter are one joined series; otherwise every point stands
/// alone.
fn against_parameters(p: &Points, design: &str) -> Section {
    let grid2 = design == "grid" && p.parameters.len() == 2;
    let mut body = if p.values.len() > super::svg::points::DENSE {
        format!(
            "<p>Each point's mean over its replicates ({} points: intervals are left out, and are in <code>points.csv</code>).</p>",
            p.values.len()
        )
    } else {
        "<p>Each point's mean over its replicates, the whisker its 95 % confidence interval.</p>"
            .to_string()
    };
    for (outcome, cells) in &p.outcomes {
        let mut figures = Vec::new();
        for (k, param) in p.parameters.iter().enumerate() {
            if (0..p.values.len()).all(|i| p.x(i, k).is_none()) {
                continue; // not numbers (offence sets): the heatmap shows them
            }
            let estimate = |i: usize| {
                p.x(i, k).map(|x| {
                    let (mean, low, high) = cells[i];
                    Estimate { x, mean, low, high }
                })
            };
            let series: Vec<PointSeries> = if grid2 {
                let other = 1 - k;
                p.distinct(other)
                    .into_iter()
                    .map(|v| PointSeries {
                        label: format!("{} = {v}", p.parameters[other]),
                        points: (0..p.values.len())
                            .filter(|&i| p.values[i][other] == v)
                            .filter_map(estimate)
                            .collect(),
                    })
                    .collect()
            } else {
                vec![PointSeries {
                    label: outcome.clone(),
                    points: (0..p.values.len()).filter_map(estimate).collect(),
                }]
            };
            let chart = ErrorBarChart {
                title: format!("{outcome} against {param}"),
                x_name: param.clone(),
                y_name: outcome.clone(),
                series,
                joined: design == "grid",
                x_labels: None,
                width: 460.0,
                height: if grid2 { 300.0 } else { 260.0 },
            };
            figures.push(html::figure(
                &chart.render(),
                &format!(
                    "{outcome}: {} at each point, against {param}.",
                    if p.values.len() > super::svg::points::DENSE {
                        "the mean"
                    } else {
                        "mean and 95 % CI"
                    }
                ),
            ));
        }
        let _ = write!(
            body,
            r#"<h3 id="outcome-{0}">{0}</h3>{1}"#,
            escape(outcome),
            html::charts(&figures, html::Layout::Grid)
        );
    }
    Section {
        id: "outcomes".into(),
        heading: "Outcomes against the swept parameters".into(),
        body,
    }
}

/// A list design: the points are cases, not a range, so each outcome is drawn point by
/// point, beside a table of what each point sets.
fn by_point(p: &Points) -> Section {
    let header: Vec<String> = std::iter::once("point".to_string())
        .chain(p.parameters.iter().cloned())
        .collect();
    let rows: Vec<Vec<String>> = p
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            std::iter::once(i.to_string())
                .chain(v.iter().map(|c| {
                    if c.is_empty() {
                        "(the scenario's)".into()
                    } else {
                        format!("<code>{}</code>", escape(c))
                    }
                }))
                .collect()
        })
        .collect();
    let labels: Vec<String> = (0..p.values.len()).map(|i| i.to_string()).collect();
    let figures: Vec<String> = p
        .outcomes
        .iter()
        .map(|(outcome, cells)| {
            let points = cells
                .iter()
                .enumerate()
                .map(|(i, &(mean, low, high))| Estimate {
                    x: i as f64,
                    mean,
                    low,
                    high,
                })
                .collect();
            let chart = ErrorBarChart {
                title: format!("{outcome} at each point"),
                x_name: "point (see the table)".into(),
                y_name: outcome.clone(),
                series: vec![PointSeries {
                    label: outcome.clone(),
                    points,
                }],
                joined: false,
                x_labels: Some(labels.clone()),
                width: 460.0,
                height: 260.0,
            };
            html::figure(
                &chart.render(),
                &format!("{outcome}: mean and 95 % CI at each point of the list."),
            )
        })
        .collect();
    Section {
        id: "points".into(),
        heading: "Outcomes at each point".into(),
        body: format!(
            "{}{}",
            html::table(&header, &rows, &[true], "points"),
            html::charts(&figures, html::Layout::Grid)
        ),
    }
}

/// Heatmaps of every outcome over a two-parameter grid.
fn heatmaps(p: &Points) -> Section {
    let (xv, yv) = (p.distinct(1), p.distinct(0));
    let figures: Vec<String> = p
        .outcomes
        .iter()
        .map(|(outcome, cells)| {
            let cells = (0..p.values.len())
                .filter_map(|i| {
                    let col = xv.iter().position(|v| *v == p.values[i][1])?;
                    let row = yv.iter().position(|v| *v == p.values[i][0])?;
                    let (mean, low, high) = cells[i];
                    Some(heatmap::Cell { col, row, mean, low, high })
                })
                .collect();
            let map = Heatmap {
                title: outcome.clone(),
                x_name: p.parameters[1].clone(),
                y_name: p.parameters[0].clone(),
                x_values: xv.clone(),
                y_values: yv.clone(),
                cells,
                width: 460.0,
            };
            html::figure(&map.render(), &format!("{outcome}: the mean at each point of the grid (darker is higher); hover a cell for its 95 % CI."))
        })
        .collect();
    Section {
        id: "grid".into(),
        heading: "Outcomes over the grid".into(),
        body: html::charts(&figures, html::Layout::Grid),
    }
}

pub fn sections(
    dir: &Path,
    manifest: &Manifest,
    progress: &dyn Fn(&str),
) -> Result<Vec<Section>, ReportError> {
    let manifest_path = dir.join(crate::sweep::MANIFEST_FILE);
    let sweep = manifest.sweep.as_ref().ok_or_else(|| {
        ReportError::damaged(&manifest_path, "no `sweep` record: not a sweep's manifest")
    })?;
    progress("points.csv");
    let points = Points::read(dir, &sweep.parameters)?;
    progress("charts");
    let mut out = vec![design_section(manifest, sweep)];
    if sweep.design == "grid" && sweep.parameters.len() == 2 {
        out.push(heatmaps(&points));
    }
    if sweep.design == "list" {
        out.push(by_point(&points));
    } else {
        out.push(against_parameters(&points, &sweep.design));
    }
    if let Some(s) = super::sensitivity::section(dir)? {
        out.push(s);
    }
    Ok(out)
}
