//! Assembling a sweep's result files from its run records, in run order, in one pass.
//!
//! Records arrive in run-index order (`exec::ordered`), so the runs of a point arrive
//! together: each run adds its row to `summary.csv` (and its weekly rows to
//! `timeseries.csv`), its outcomes to the point's list and its weekly counters to the point's
//! Welford accumulators; after a point's last replicate its row of `points.csv` and its rows
//! of `aggregate.csv` are written and the accumulators start again. Memory is one point's
//! statistics, whatever the number of runs, plus, for the designs with sensitivity indices
//! (sobol, morris), every point's mean outcomes, which the indices are computed from.

use crate::metrics::stats::{Estimate, t_quantile_975};
use crate::output::csv_rows::{WORLD, override_cell, override_columns};
use crate::output::sweep_csv::{self, Cell};
use crate::output::{OutputError, atomic::Pending, atomic::Staged};
use crate::scenario::sweep::Design;

use super::files::{AGGREGATE_FILE, POINTS_FILE, SUMMARY_FILE, TIMESERIES_FILE};
use super::level::Level;
use super::plan::Plan;
use super::record::{RunRecord, counter_columns};

/// The result files being written, each staged under a temporary name.
pub struct Outputs {
    pub summary: Staged,
    pub points: Staged,
    pub aggregate: Option<Staged>,
    pub timeseries: Option<Staged>,
}

impl Outputs {
    /// Opens the staged result files of a sweep at these levels.
    pub fn stage(
        stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
        ts: Level,
        agg: Level,
    ) -> Result<Outputs, OutputError> {
        Ok(Outputs {
            summary: stage(SUMMARY_FILE)?,
            points: stage(POINTS_FILE)?,
            aggregate: (agg != Level::None)
                .then(|| stage(AGGREGATE_FILE))
                .transpose()?,
            timeseries: (ts != Level::None)
                .then(|| stage(TIMESERIES_FILE))
                .transpose()?,
        })
    }
}

/// What a finished assembly hands over: the files, complete, and for a sobol or morris
/// design the mean of each outcome at each point (`means[outcome][point]`, NaN where no
/// replicate defines it), exactly the `_mean` cells of `points.csv`.
pub struct Assembled {
    pub files: Vec<(&'static str, Pending)>,
    pub means: Option<Vec<Vec<f64>>>,
}

/// Welford's running mean and sum of squared deviations, per cell.
struct Welford {
    n: u32,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl Welford {
    fn new(len: usize) -> Welford {
        Welford {
            n: 0,
            mean: vec![0.0; len],
            m2: vec![0.0; len],
        }
    }

    fn add(&mut self, xs: impl Iterator<Item = f64>) {
        self.n += 1;
        let n = f64::from(self.n);
        for ((x, mean), m2) in xs.zip(&mut self.mean).zip(&mut self.m2) {
            let d = x - *mean;
            *mean += d / n;
            *m2 += d * (x - *mean);
        }
    }

    /// The mean and the 95 % confidence interval of cell `i` (undefined below two samples).
    fn estimate(&self, i: usize) -> (f64, f64, f64) {
        let mean = self.mean[i];
        if self.n < 2 {
            return (mean, f64::NAN, f64::NAN);
        }
        let n = f64::from(self.n);
        let sd = (self.m2[i].max(0.0) / (n - 1.0)).sqrt();
        let half = t_quantile_975(self.n as usize - 1) * sd / n.sqrt();
        (mean, mean - half, mean + half)
    }
}

pub struct Assembler<'p> {
    plan: &'p Plan,
    timeseries: Level,
    aggregate: Level,
    /// The country labels of stored weekly rows: the countries, then `ALL`.
    labels: Vec<String>,
    /// The `--set` cells of every summary row.
    set_cells: Vec<String>,
    optional: Vec<bool>,
    metrics: usize,
    summary: csv::Writer<Staged>,
    points: csv::Writer<Staged>,
    aggregate_out: Option<csv::Writer<Staged>>,
    timeseries_out: Option<csv::Writer<Staged>>,
    /// The next run expected.
    next_run: usize,
    /// This point's outcomes, replicate after replicate.
    outcomes: Vec<Vec<Option<f64>>>,
    weekly: Welford,
    /// Every point's mean outcomes so far (`[outcome][point]`), for sobol and morris only:
    /// other designs can be far larger and have no indices to compute.
    means: Option<Vec<Vec<f64>>>,
}

/// A CSV writer on a staged file, its header written.
fn writer(staged: Staged, header: Vec<String>) -> Result<csv::Writer<Staged>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(staged);
    w.write_record(header)?;
    Ok(w)
}

impl<'p> Assembler<'p> {
    /// Writes the headers. `aggregate` and `timeseries` are `None` at [`Level::None`].
    pub fn new(
        plan: &'p Plan,
        timeseries: Level,
        aggregate: Level,
        files: Outputs,
    ) -> Result<Assembler<'p>, OutputError> {
        let base = &plan.base;
        let set_paths = override_columns(std::slice::from_ref(base));
        let set_cells = set_paths
            .iter()
            .map(|p| override_cell(base, p).to_string())
            .collect();
        let mut labels: Vec<String> = base.countries.iter().map(|c| c.name.clone()).collect();
        labels.push(WORLD.to_string());
        let metrics = counter_columns();

        let summary = writer(
            files.summary,
            sweep_csv::summary_columns(&set_paths, &plan.points.paths),
        )?;
        let points = writer(files.points, sweep_csv::points_columns(&plan.points.paths))?;
        let aggregate_out = files
            .aggregate
            .map(|f| writer(f, sweep_csv::aggregate_columns()))
            .transpose()?;
        let timeseries_out = files
            .timeseries
            .map(|f| writer(f, sweep_csv::timeseries_columns()))
            .transpose()?;
        let weeks = base.run.weeks as usize;
        let agg_rows = super::record::rows_per_week(aggregate, base.countries.len());
        let optional = sweep_csv::optional_outcomes();
        let means = matches!(
            plan.spec.design,
            Design::Sobol { .. } | Design::Morris { .. }
        )
        .then(|| {
            (0..optional.len())
                .map(|_| Vec::with_capacity(plan.point_count()))
                .collect()
        });
        Ok(Assembler {
            plan,
            timeseries,
            aggregate,
            labels,
            set_cells,
            optional,
            metrics,
            summary,
            points,
            aggregate_out,
            timeseries_out,
            next_run: 0,
            outcomes: Vec::new(),
            weekly: Welford::new(weeks * agg_rows * metrics),
            means,
        })
    }

    /// Adds the next run, in run order.
    pub fn add(&mut self, rec: &RunRecord) -> Result<(), OutputError> {
        debug_assert_eq!(rec.run, self.next_run, "runs arrive in order");
        self.next_run = rec.run + 1;
        let plan = self.plan;
        let scenario = plan.base.name.as_str();
        let run = rec.run as u64;
        let point = rec.point as u64;

        // summary.csv: the key, the --set cells, the point's cells, the outcomes as recorded.
        let point_cells = plan.cells(rec.point);
        let mut row: Vec<Cell<'_>> = vec![
            Cell::Text(scenario),
            Cell::Count(run),
            Cell::Count(point),
            Cell::Count(u64::from(rec.replicate)),
            Cell::Count(rec.seed),
        ];
        row.extend(self.set_cells.iter().map(|c| Cell::Text(c)));
        row.extend(point_cells.iter().map(|c| Cell::Text(c)));
        row.extend(rec.summary.iter().map(|c| Cell::Text(c)));
        self.summary.serialize(&row)?;

        // Weekly rows: the stored rows are the countries then the world, or the world alone.
        let per_week = rec.rows_per_week;
        let label = |k: usize| -> &str {
            if per_week == 1 {
                WORLD
            } else {
                self.labels.get(k).map_or(WORLD, String::as_str)
            }
        };
        let wanted = |level: Level, k: usize| match level {
            Level::None => false,
            Level::World => k + 1 == per_week,
            Level::Countries => true,
        };
        if let Some(ts) = &mut self.timeseries_out {
            for (i, cells) in rec.week_rows.iter().enumerate() {
                let (week, k) = (i / per_week, i % per_week);
                if !wanted(self.timeseries, k) {
                    continue;
                }
                let mut row = vec![
                    Cell::Text(scenario),
                    Cell::Count(run),
                    Cell::Count(point),
                    Cell::Count(u64::from(rec.replicate)),
                    Cell::Count(rec.seed),
                    Cell::Count(week as u64),
                    Cell::Text(label(k)),
                ];
                row.extend(cells.split(',').map(Cell::Text));
                ts.serialize(&row)?;
            }
        }
        if self.aggregate != Level::None {
            let m = self.metrics;
            let aggregate = self.aggregate;
            let values = rec
                .week_values
                .chunks(m)
                .enumerate()
                .filter(|(i, _)| wanted(aggregate, i % per_week))
                .flat_map(|(_, row)| row.iter().copied());
            self.weekly.add(values);
        }
        self.outcomes.push(rec.summary_values.clone());

        if rec.replicate + 1 == plan.replicates {
            self.finish_point(rec.point, &point_cells)?;
        }
        Ok(())
    }

    /// Writes a point's row of `points.csv` and its rows of `aggregate.csv`.
    fn finish_point(&mut self, point: usize, cells: &[String]) -> Result<(), OutputError> {
        let mut row: Vec<Cell<'_>> = vec![Cell::Count(point as u64)];
        row.extend(cells.iter().map(|c| Cell::Text(c)));
        for (j, optional) in self.optional.iter().enumerate() {
            let values: Vec<f64> = self.outcomes.iter().filter_map(|o| o[j]).collect();
            let e = Estimate::of(&values);
            if let Some(means) = &mut self.means {
                means[j].push(e.mean);
            }
            row.push(Cell::number(e.mean));
            row.push(Cell::number(e.sd));
            row.push(Cell::number(e.low()));
            row.push(Cell::number(e.high()));
            if *optional {
                row.push(Cell::Count(values.len() as u64));
            }
        }
        self.points.serialize(&row)?;

        if let Some(out) = &mut self.aggregate_out {
            let m = self.metrics;
            let rows_per_week = super::record::rows_per_week(self.aggregate, self.labels.len() - 1);
            let weeks = self.plan.base.run.weeks as usize;
            for week in 0..weeks {
                for k in 0..rows_per_week {
                    let country = if rows_per_week == 1 {
                        WORLD
                    } else {
                        self.labels[k].as_str()
                    };
                    let mut row = vec![
                        Cell::Count(point as u64),
                        Cell::Count(week as u64),
                        Cell::Text(country),
                    ];
                    let first = (week * rows_per_week + k) * m;
                    for i in first..first + m {
                        let (mean, low, high) = self.weekly.estimate(i);
                        row.extend([Cell::number(mean), Cell::number(low), Cell::number(high)]);
                    }
                    out.serialize(&row)?;
                }
            }
        }
        self.outcomes.clear();
        let len = self.weekly.mean.len();
        self.weekly = Welford::new(len);
        Ok(())
    }

    /// Flushes every file; returns them, complete, for the commit, with the points' means.
    pub fn finish(self) -> Result<Assembled, OutputError> {
        let mut files = Vec::new();
        let mut done = |name: &'static str, w: csv::Writer<Staged>| -> Result<(), OutputError> {
            let staged = w
                .into_inner()
                .map_err(|e| csv::Error::from(e.into_error()))?;
            files.push((name, staged.finish()?));
            Ok(())
        };
        done(SUMMARY_FILE, self.summary)?;
        done(POINTS_FILE, self.points)?;
        if let Some(w) = self.aggregate_out {
            done(AGGREGATE_FILE, w)?;
        }
        if let Some(w) = self.timeseries_out {
            done(TIMESERIES_FILE, w)?;
        }
        Ok(Assembled {
            files,
            means: self.means,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_the_direct_estimate() {
        let samples = [
            [1.0, 10.0],
            [2.0, 10.0],
            [4.0, 10.0],
            [8.5, 10.0],
            [0.25, 10.0],
        ];
        let mut w = Welford::new(2);
        for s in &samples {
            w.add(s.iter().copied());
        }
        let direct = Estimate::of(&samples.map(|s| s[0]));
        let (mean, low, high) = w.estimate(0);
        assert!((mean - direct.mean).abs() < 1e-12);
        assert!((low - direct.low()).abs() < 1e-12);
        assert!((high - direct.high()).abs() < 1e-12);
        // A constant cell has no spread at all.
        assert_eq!(w.estimate(1), (10.0, 10.0, 10.0));
        let mut one = Welford::new(1);
        one.add([3.0].into_iter());
        let (mean, low, _) = one.estimate(0);
        assert_eq!(mean, 3.0);
        assert!(low.is_nan());
    }
}
