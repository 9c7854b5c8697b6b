//! Paired comparison of two scenarios, or of two points of a sweep: for every per-run
//! outcome, the difference B − A replicate by replicate, with its mean and 95 % confidence
//! interval (Student's t).
//!
//! Replicate `r` of A and of B run with the same seed when their `run.seed` is the same
//! (common random numbers), so most of the noise that two independent runs would show cancels
//! in the difference; the interval of the paired difference is then much narrower than the
//! two intervals side by side. A scenario compared with itself gives exactly zero.

use std::path::Path;

use crate::metrics::RunSummary;
use crate::metrics::stats::Estimate;
use crate::output::sweep_csv::{self, Cell};
use crate::output::{OutputDir, OutputError};
use crate::run::run_replicate;
use crate::scenario::Scenario;

use super::SweepError;

/// Each replicate's outcomes, in `RunSummary` column order (`None`: an undefined rate).
pub type Outcomes = Vec<Vec<Option<f64>>>;

/// One outcome's comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub outcome: String,
    /// Pairs where the outcome is defined in both A and B.
    pub n: usize,
    pub a_mean: f64,
    pub b_mean: f64,
    /// The paired differences B − A.
    pub diff: Estimate,
}

/// A run's outcomes as numbers, in column order, read from the same cells `summary.csv`
/// holds.
pub fn outcome_values(summary: &RunSummary) -> Vec<Option<f64>> {
    sweep_csv::number_cells(summary)
}

/// The number of replicates two scenarios are paired over: refused (bad input) unless both
/// run the same number, since replicate `r` of A is compared with replicate `r` of B.
pub fn paired_replicates(a: &Scenario, b: &Scenario) -> Result<u32, SweepError> {
    if a.run.replicates != b.run.replicates {
        return Err(SweepError::Refused(format!(
            "{} has {} replicates and {} has {}: give --replicates N to pair them",
            a.path, a.run.replicates, b.path, b.run.replicates
        )));
    }
    Ok(a.run.replicates)
}

/// Runs replicates `0..replicates` of A and of B on `threads` threads (all cores if `None`);
/// `progress` is called after each run. Returns both, and the number of threads used.
pub fn run_pair(
    a: &Scenario,
    b: &Scenario,
    replicates: u32,
    threads: Option<std::num::NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Outcomes, Outcomes, usize), SweepError> {
    let pool = super::exec::pool(threads).map_err(SweepError::Threads)?;
    let jobs: Vec<(&Scenario, u32)> = [a, b]
        .iter()
        .flat_map(|s| (0..replicates).map(move |r| (*s, r)))
        .collect();
    let mut all: Outcomes = super::exec::map(&pool, jobs.len(), |j| {
        let (s, r) = jobs[j];
        let values = outcome_values(&run_replicate(s, r).summary);
        progress();
        Ok::<_, SweepError>(values)
    })?;
    let b_runs = all.split_off(replicates as usize);
    Ok((all, b_runs, pool.current_num_threads()))
}

/// Reads the outcomes of points `i` and `j` of a finished sweep from its `summary.csv`,
/// replicate by replicate.
pub fn from_sweep(dir: &Path, i: usize, j: usize) -> Result<(Outcomes, Outcomes), SweepError> {
    let path = dir.join(super::SUMMARY_FILE);
    let refuse = |m: String| SweepError::Refused(format!("{}: {m}", path.display()));
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| refuse(format!("cannot read the sweep's summary ({e})")))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| refuse(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |name: &str| {
        header
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| refuse(format!("no `{name}` column: not a sweep's summary.csv")))
    };
    let (point, replicate) = (find("point")?, find("replicate")?);
    let outcomes: Vec<usize> = sweep_csv::outcomes()
        .iter()
        .map(|o| find(o))
        .collect::<Result<_, _>>()?;
    let mut a: Vec<(u64, Vec<Option<f64>>)> = Vec::new();
    let mut b: Vec<(u64, Vec<Option<f64>>)> = Vec::new();
    let mut points = 0;
    for row in reader.records() {
        let row = row.map_err(|e| refuse(e.to_string()))?;
        let cell = |k: usize| row.get(k).unwrap_or("");
        let p: usize = cell(point)
            .parse()
            .map_err(|_| refuse("a bad point".into()))?;
        let r: u64 = cell(replicate)
            .parse()
            .map_err(|_| refuse("a bad replicate".into()))?;
        points = points.max(p + 1);
        let values = || outcomes.iter().map(|&k| cell(k).parse().ok()).collect();
        if p == i {
            a.push((r, values()));
        }
        if p == j {
            b.push((r, values()));
        }
    }
    for p in [i, j] {
        if p >= points {
            return Err(refuse(format!(
                "no point {p}: the sweep has points 0 to {}",
                points.saturating_sub(1)
            )));
        }
    }
    a.sort_by_key(|(r, _)| *r);
    b.sort_by_key(|(r, _)| *r);
    let reps = |v: &[(u64, Vec<Option<f64>>)]| v.iter().map(|(r, _)| *r).collect::<Vec<_>>();
    if reps(&a) != reps(&b) {
        return Err(refuse(format!(
            "points {i} and {j} do not have the same replicates"
        )));
    }
    Ok((
        a.into_iter().map(|(_, v)| v).collect(),
        b.into_iter().map(|(_, v)| v).collect(),
    ))
}

/// The comparison of every outcome, pairing replicate `r` of A with replicate `r` of B.
pub fn compare(a: &Outcomes, b: &Outcomes) -> Vec<Row> {
    sweep_csv::outcomes()
        .into_iter()
        .enumerate()
        .map(|(k, outcome)| {
            let pairs: Vec<(f64, f64)> = a
                .iter()
                .zip(b)
                .filter_map(|(x, y)| Some((x.get(k).copied()??, y.get(k).copied()??)))
                .collect();
            let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            Row {
                outcome,
                n: pairs.len(),
                a_mean: mean(&xs),
                b_mean: mean(&ys),
                diff: Estimate::paired(&xs, &ys),
            }
        })
        .collect()
}

/// Writes `compare.csv` (and, when given, `manifest.json` text) into `dir`, with the
/// directory rule of every command: created if absent, refused if not empty unless `force`.
pub fn write(
    dir: &Path,
    force: bool,
    rows: &[Row],
    manifest: Option<&str>,
) -> Result<(), OutputError> {
    OutputDir::write_all(dir, force, |out| {
        let staged = out.stage(super::COMPARE_FILE)?;
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(staged);
        w.write_record(sweep_csv::COMPARE_COLUMNS)?;
        for row in rows {
            w.serialize([
                Cell::Text(&row.outcome),
                Cell::Count(row.n as u64),
                Cell::number(row.a_mean),
                Cell::number(row.b_mean),
                Cell::number(row.diff.mean),
                Cell::number(row.diff.sd),
                Cell::number(row.diff.low()),
                Cell::number(row.diff.high()),
            ])?;
        }
        let staged = w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        let mut files = vec![staged.finish()?];
        if let Some(text) = manifest {
            files.push(out.stage_text(super::MANIFEST_FILE, text)?);
        }
        Ok(files)
    })
}

/// Formats a number for the table: four significant digits, scientific notation for very
/// large or small magnitudes, `-` for an undefined value.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor();
    if !(-3.0..6.0).contains(&magnitude) {
        return format!("{x:.3e}");
    }
    let decimals = (3.0 - magnitude).max(0.0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The comparison as an aligned table, one line per outcome.
pub fn table(rows: &[Row]) -> String {
    let header = ["outcome", "A", "B", "B − A", "95% CI of B − A", "n"];
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let ci = if r.diff.half_width.is_finite() {
                format!("[{}, {}]", short(r.diff.low()), short(r.diff.high()))
            } else {
                "-".to_string()
            };
            [
                r.outcome.clone(),
                short(r.a_mean),
                short(r.b_mean),
                short(r.diff.mean),
                ci,
                r.n.to_string(),
            ]
        })
        .collect();
    let width = |k: usize| {
        lines
            .iter()
            .map(|l| l[k].chars().count())
            .chain([header[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..6).map(width).collect();
    let render = |cells: [&str; 6]| {
        let mut line = String::new();
        for (k, cell) in cells.iter().enumerate() {
            let pad = widths[k] - cell.chars().count();
            if k == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        line.trim_end().to_string() + "\n"
    };
    let mut out = render(header);
    for l in &lines {
        out.push_str(&render([&l[0], &l[1], &l[2], &l[3], &l[4], &l[5]]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(xs: &[f64]) -> Outcomes {
        let width = sweep_csv::outcomes().len();
        xs.iter()
            .map(|&x| {
                let mut row = vec![Some(x); width];
                row[2] = None; // an undefined rate in every replicate
                row
            })
            .collect()
    }

    #[test]
    fn paired_differences_per_outcome() {
        let a = outcomes(&[1.0, 2.0, 3.0]);
        let b = outcomes(&[2.0, 3.0, 4.5]);
        let rows = compare(&a, &b);
        assert_eq!(rows.len(), sweep_csv::outcomes().len());
        assert_eq!(rows[0].outcome, "victims_total");
        assert_eq!(rows[0].n, 3);
        assert_eq!(
            rows[0].diff,
            Estimate::paired(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.5])
        );
        assert_eq!((rows[0].a_mean, rows[0].b_mean), (2.0, 9.5 / 3.0));
        assert_eq!(rows[2].n, 0);
        assert!(rows[2].diff.mean.is_nan());

        let same = compare(&a, &a);
        assert!(same.iter().filter(|r| r.n > 0).all(|r| r.diff.mean == 0.0
            && r.diff.sd == 0.0
            && r.diff.low() == 0.0
            && r.diff.high() == 0.0));
    }

    #[test]
    fn outcome_values_follow_the_columns() {
        let s = RunSummary {
            victims_total: 12,
            conviction_rate: None,
            prevalence_mean: 0.25,
            ..Default::default()
        };
        let v = outcome_values(&s);
        assert_eq!(v.len(), sweep_csv::outcomes().len());
        assert_eq!(v[0], Some(12.0));
        assert_eq!(v[5], None);
        assert_eq!(v[6], Some(0.25));
    }

    #[test]
    fn short_numbers_and_an_aligned_table() {
        assert_eq!(short(0.0), "0");
        assert_eq!(short(1234.5678), "1235");
        assert_eq!(short(12.345678), "12.35");
        assert_eq!(short(-0.012345), "-0.01235");
        assert_eq!(short(2.0), "2");
        assert_eq!(short(27_000_000.0), "2.700e7");
        assert_eq!(short(f64::NAN), "-");
        let rows = compare(&outcomes(&[1.0, 2.0]), &outcomes(&[3.0, 5.0]));
        let text = table(&rows[..3]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("outcome"));
        assert!(lines[1].starts_with("victims_total"));
        // Right-aligned numbers end in the same column.
        assert_eq!(lines[1].chars().count(), lines[2].chars().count());
    }
}
