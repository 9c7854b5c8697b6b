//! The columns and cells of a sweep's files (`points.csv`, `aggregate.csv`, the sweep's
//! `summary.csv` and `timeseries.csv`, `samples.csv`, `sensitivity.csv`) and of
//! `compare.csv`.
//!
//! As for a run, the outcome columns come from the field names of [`RunSummary`] and
//! [`WeekCounters`] and are never listed here; the statistics columns add a suffix to each
//! (`prevalence_mean_mean`, `prevalence_mean_ci_low`, `exploited_mean`). A rate that can be
//! undefined (an `Option` field of `RunSummary`) is recognized as the fields whose default
//! serializes to an empty cell. Cells are written by the `csv` crate, so numbers have the
//! same shortest round-trip form as in every other file, and an undefined value (a rate with
//! no defined replicate, a spread of one replicate) is an empty cell.

use serde::Serialize;

use super::csv_rows::column_names;
use crate::metrics::{RunSummary, WeekCounters};

/// One cell of a row.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell<'a> {
    Text(&'a str),
    Count(u64),
    /// A number; `None` (an undefined value) is an empty cell.
    Number(Option<f64>),
}

impl Cell<'_> {
    /// A number cell, empty unless finite.
    pub fn number(x: f64) -> Cell<'static> {
        Cell::Number(x.is_finite().then_some(x))
    }
}

/// The `RunSummary` outcome names, in column order.
pub fn outcomes() -> Vec<String> {
    column_names(&RunSummary::default()).unwrap_or_default()
}

/// The `WeekCounters` metric names, in column order.
pub fn metrics() -> Vec<String> {
    column_names(&WeekCounters::default()).unwrap_or_default()
}

/// The cells of one `Serialize` row as numbers, in column order; `None` for an empty cell
/// (an undefined rate) or one that is not a number. With [`outcomes`] or [`metrics`], this
/// reads a column of a summary or of a week's counters by its name.
pub fn number_cells<T: Serialize>(row: &T) -> Vec<Option<f64>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let line = w
        .serialize(row)
        .ok()
        .and_then(|()| w.into_inner().ok())
        .map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
        .unwrap_or_default();
    line.split(',').map(|c| c.parse().ok()).collect()
}

/// For each outcome, whether it can be undefined (a rate whose denominator may be zero): the
/// default summary leaves exactly those cells empty.
pub fn optional_outcomes() -> Vec<bool> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let cells: Vec<bool> = w
        .serialize(RunSummary::default())
        .ok()
        .and_then(|()| w.into_inner().ok())
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .trim_end()
                .split(',')
                .map(str::is_empty)
                .collect()
        })
        .unwrap_or_default();
    cells
}

/// The key columns of a sweep's `summary.csv`.
pub const SUMMARY_KEY: [&str; 5] = ["scenario", "run", "point", "replicate", "seed"];
/// The key columns of a sweep's `timeseries.csv`.
pub const TIMESERIES_KEY: [&str; 7] = [
    "scenario",
    "run",
    "point",
    "replicate",
    "seed",
    "week",
    "country",
];
/// The key columns of `aggregate.csv`.
pub const AGGREGATE_KEY: [&str; 3] = ["point", "week", "country"];
/// The statistics of each outcome in `points.csv`, as column suffixes.
pub const POINT_STATS: [&str; 4] = ["mean", "sd", "ci_low", "ci_high"];
/// The statistics of each metric in `aggregate.csv`, as column suffixes.
pub const AGGREGATE_STATS: [&str; 3] = ["mean", "ci_low", "ci_high"];

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// `summary.csv` of a sweep: the key, the `--set` paths, the swept paths, the outcomes.
pub fn summary_columns(set_paths: &[&str], swept: &[String]) -> Vec<String> {
    let mut c = strings(&SUMMARY_KEY);
    c.extend(set_paths.iter().map(|s| s.to_string()));
    c.extend(swept.iter().cloned());
    c.extend(outcomes());
    c
}

/// `timeseries.csv` of a sweep: the key, then the counters.
pub fn timeseries_columns() -> Vec<String> {
    let mut c = strings(&TIMESERIES_KEY);
    c.extend(metrics());
    c
}

/// `points.csv`: `point`, the swept paths, then for each outcome its mean, sd and 95 % CI,
/// and for an outcome that can be undefined, `_n`: the replicates where it is defined.
pub fn points_columns(swept: &[String]) -> Vec<String> {
    let mut c = vec!["point".to_string()];
    c.extend(swept.iter().cloned());
    for (name, optional) in outcomes().iter().zip(optional_outcomes()) {
        c.extend(POINT_STATS.iter().map(|s| format!("{name}_{s}")));
        if optional {
            c.push(format!("{name}_n"));
        }
    }
    c
}

/// `aggregate.csv`: the key, then for each counter its mean and 95 % CI.
pub fn aggregate_columns() -> Vec<String> {
    let mut c = strings(&AGGREGATE_KEY);
    for name in metrics() {
        c.extend(AGGREGATE_STATS.iter().map(|s| format!("{name}_{s}")));
    }
    c
}

/// `compare.csv`: one row per outcome; `n` is the number of pairs (replicates where the
/// outcome is defined in both), over which the means are taken.
pub const COMPARE_COLUMNS: [&str; 8] = [
    "outcome",
    "n",
    "a_mean",
    "b_mean",
    "diff_mean",
    "diff_sd",
    "diff_ci_low",
    "diff_ci_high",
];

/// `sensitivity.csv` of a `sobol` design: one row per outcome and parameter, the first-order
/// and total indices with their bootstrap 95 % intervals.
pub const SOBOL_COLUMNS: [&str; 8] = [
    "outcome",
    "parameter",
    "S1",
    "S1_ci_low",
    "S1_ci_high",
    "ST",
    "ST_ci_low",
    "ST_ci_high",
];

/// `sensitivity.csv` of a `morris` design: one row per outcome and parameter, μ* and σ with
/// their bootstrap 95 % intervals, and μ.
pub const MORRIS_COLUMNS: [&str; 9] = [
    "outcome",
    "parameter",
    "mu_star",
    "mu_star_ci_low",
    "mu_star_ci_high",
    "sigma",
    "sigma_ci_low",
    "sigma_ci_high",
    "mu",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_outcomes_are_the_rates() {
        let names = outcomes();
        let optional = optional_outcomes();
        assert_eq!(names.len(), optional.len());
        let rates: Vec<&str> = names
            .iter()
            .zip(&optional)
            .filter(|(_, o)| **o)
            .map(|(n, _)| n.as_str())
            .collect();
        assert!(rates.contains(&"identification_rate"));
        assert!(rates.contains(&"conviction_rate"));
        assert!(!rates.contains(&"victims_total"));
        assert!(!rates.contains(&"prevalence_mean"));
    }

    #[test]
    fn statistics_columns() {
        let c = points_columns(&["all.corruption".to_string()]);
        assert_eq!(
            c[..7],
            [
                "point",
                "all.corruption",
                "victims_total_mean",
                "victims_total_sd",
                "victims_total_ci_low",
                "victims_total_ci_high",
                "identified_total_mean"
            ]
        );
        assert!(c.contains(&"identification_rate_n".to_string()));
        assert!(!c.contains(&"victims_total_n".to_string()));
        let a = aggregate_columns();
        assert_eq!(
            a[..6],
            [
                "point",
                "week",
                "country",
                "at_home_mean",
                "at_home_ci_low",
                "at_home_ci_high"
            ]
        );
        assert_eq!(a.len(), 3 + 3 * metrics().len());
    }

    #[test]
    fn cells_are_written_like_every_other_file() {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let row = vec![
            Cell::Text("a,b"),
            Cell::Count(7),
            Cell::number(0.5),
            Cell::number(f64::NAN),
            Cell::number(27_000.0),
            Cell::Number(None),
        ];
        w.serialize(&row).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(line, "\"a,b\",7,0.5,,27000.0,\n");
    }
}
