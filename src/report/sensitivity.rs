//! The sensitivity indices of a sweep, when its directory holds `sensitivity.csv` (Sobol':
//! `S1` and `ST` with their intervals; Morris: `mu_star` with its interval, and `sigma`): one
//! bar chart per outcome, a group of bars per parameter with their whiskers. The indices are
//! read, never computed here.

use std::path::Path;

use super::error::ReportError;
use super::files::Table;
use super::html::{self, Section};
use super::svg::bars::{Bar, BarChart};

/// The file, in a sweep's directory.
pub const SENSITIVITY_FILE: &str = "sensitivity.csv";

/// One index: its column, its label, and its interval's columns if it has one.
type Index = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// A parameter's bars, and an outcome's chart: its parameters' bars.
type Group = (String, Vec<Bar>);

/// Which indices a file holds: the bars of a group, each a value column and optionally its
/// interval columns.
struct Method {
    name: &'static str,
    bars: &'static [Index],
    unit: &'static str,
    caption: &'static str,
}

const SOBOL: Method = Method {
    name: "Sobol'",
    bars: &[
        ("S1", "S1 (first order)", Some(("S1_ci_low", "S1_ci_high"))),
        ("ST", "ST (total)", Some(("ST_ci_low", "ST_ci_high"))),
    ],
    unit: "share of the outcome's variance",
    caption: "First-order (S1: the parameter alone) and total (ST: with its interactions) Sobol' indices, whiskers their bootstrap 95 % confidence intervals.",
};

const MORRIS: Method = Method {
    name: "Morris",
    bars: &[
        (
            "mu_star",
            "μ* (mean |effect|)",
            Some(("mu_star_ci_low", "mu_star_ci_high")),
        ),
        ("sigma", "σ (spread of effects)", None),
    ],
    unit: "elementary effect, outcome's unit",
    caption: "Morris screening: μ*, the mean absolute elementary effect (whisker: its bootstrap 95 % confidence interval), and σ, their spread (non-linearity or interactions).",
};

/// The section, or `None` when the sweep has no `sensitivity.csv`.
pub fn section(dir: &Path) -> Result<Option<Section>, ReportError> {
    if !dir.join(SENSITIVITY_FILE).exists() {
        return Ok(None);
    }
    let table = Table::read(dir, SENSITIVITY_FILE, "the sensitivity indices")?;
    let method = if table.has("S1") {
        &SOBOL
    } else if table.has("mu_star") {
        &MORRIS
    } else {
        return Err(super::error::ReportError::damaged(
            &table.path,
            "neither `S1` (Sobol') nor `mu_star` (Morris) columns",
        ));
    };
    let (outcome, parameter) = (table.column("outcome")?, table.column("parameter")?);
    let mut cols = Vec::new();
    for (value, _, ci) in method.bars {
        let ci = match ci {
            Some((lo, hi)) => Some((table.column(lo)?, table.column(hi)?)),
            None => None,
        };
        cols.push((table.column(value)?, ci));
    }
    // Outcomes in file order, each with its parameters' bars in file order.
    let mut charts: Vec<(String, Vec<Group>)> = Vec::new();
    for r in 0..table.rows.len() {
        let num = |c: usize| table.number(r, c).map(|v| v.unwrap_or(f64::NAN));
        let mut bars = Vec::new();
        for (value, ci) in &cols {
            let (low, high) = match ci {
                Some((lo, hi)) => (num(*lo)?, num(*hi)?),
                None => (f64::NAN, f64::NAN),
            };
            bars.push(Bar {
                value: num(*value)?,
                low,
                high,
            });
        }
        let o = table.text(r, outcome).to_string();
        let group = (table.text(r, parameter).to_string(), bars);
        match charts.iter_mut().find(|(name, _)| *name == o) {
            Some((_, groups)) => groups.push(group),
            None => charts.push((o, vec![group])),
        }
    }
    let figures: Vec<String> = charts
        .into_iter()
        .map(|(outcome, groups)| {
            let chart = BarChart {
                title: format!("{} indices: {outcome}", method.name),
                y_name: method.unit.into(),
                bar_names: method
                    .bars
                    .iter()
                    .map(|(_, label, _)| label.to_string())
                    .collect(),
                width: (140.0 * groups.len() as f64 + 120.0).clamp(460.0, 900.0),
                height: 280.0,
                groups,
            };
            html::figure(&chart.render(), method.caption)
        })
        .collect();
    Ok(Some(Section {
        id: "sensitivity".into(),
        heading: format!("Sensitivity ({})", method.name),
        body: format!(
            "<p>From <code>{SENSITIVITY_FILE}</code>; an undefined index (an empty cell) has no bar.</p>{}",
            html::charts(&figures, html::Layout::Grid)
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sobol_file_gives_a_chart_per_outcome_with_a_group_per_parameter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(SENSITIVITY_FILE),
            "outcome,parameter,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high\n\
             victims_total,a,0.5,0.4,0.6,0.7,0.6,0.8\n\
             victims_total,b,0.1,0.0,0.2,0.2,0.1,0.3\n\
             conviction_rate,a,,,,0.3,0.1,0.5\n",
        )
        .unwrap();
        let s = section(dir.path()).unwrap().unwrap();
        assert_eq!(s.body.matches("<svg").count(), 2);
        assert_eq!(s.body.matches(r#"class="group""#).count(), 3);
        assert_eq!(s.body.matches(r#"class="bar""#).count(), 5);
    }

    #[test]
    fn no_file_no_section_and_a_file_of_neither_kind_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(section(dir.path()).unwrap().is_none());
        std::fs::write(dir.path().join(SENSITIVITY_FILE), "outcome,parameter,x\n").unwrap();
        let e = section(dir.path()).unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().contains("sensitivity.csv: neither"), "{e}");
    }
}
