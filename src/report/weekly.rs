//! Weekly curves across replicates: `timeseries.csv` read back and reduced, for every
//! scenario, country (and the world, `ALL`) and counter the charts show, to the mean across
//! replicates and its 95 % confidence interval (`metrics::stats`); and the charts a run's
//! report draws from them, each a set of counters with the unit they share.
//!
//! Stocks are shown week by week. Flows of rare events (a few arrests a year) are unreadable
//! week by week, so over long runs each replicate's flow is first averaged over blocks of
//! weeks (4 weeks from a year on, 13 from four years on), and the mean and interval are
//! those of the replicates' block averages: the unit stays "per week", the band stays an
//! honest interval across replicates.

use std::collections::BTreeMap;

use super::error::ReportError;
use super::files::Table;
use super::svg::lines::{LineChart, Series, TimeMark};
use crate::metrics::stats::Estimate;
use crate::output::sweep_csv;

/// A chart of weekly counters: its title, the unit of its y axis, the counters, and whether
/// they are stocks (counted at the end of the week) rather than flows.
pub struct WeeklyChart {
    pub title: &'static str,
    pub unit: &'static str,
    pub counters: &'static [&'static str],
    pub stock: bool,
}

/// The charts of a run's report, for the world and for each country (units as in
/// docs/OUTPUTS.md).
pub const CHARTS: [WeeklyChart; 6] = [
    WeeklyChart {
        title: "Persons in exploitation",
        unit: "persons (end of week)",
        counters: &["exploited"],
        stock: true,
    },
    WeeklyChart {
        title: "Recruitment into trafficking",
        unit: "persons/week",
        counters: &["recruited_new"],
        stock: false,
    },
    WeeklyChart {
        title: "Identifications by channel",
        unit: "persons/week",
        counters: &[
            "identified_border",
            "identified_inspection",
            "identified_police",
            "identified_ngo",
            "identified_self",
            "identified_self_exit",
        ],
        stock: false,
    },
    WeeklyChart {
        title: "Arrests, prosecutions and convictions",
        unit: "persons or cases/week",
        counters: &["arrests", "prosecutions", "convictions"],
        stock: false,
    },
    WeeklyChart {
        title: "Jurisdiction failures",
        unit: "failed requests/week",
        counters: &["jurisdiction_failures"],
        stock: false,
    },
    WeeklyChart {
        title: "Transit flows",
        unit: "persons/week",
        counters: &["transit_flow"],
        stock: false,
    },
];

/// The mean and interval of one counter over weeks (or blocks of weeks, at their middle).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    pub x: Vec<f64>,
    pub mean: Vec<f64>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// The curves of a directory: by scenario, country and counter.
#[derive(Debug, Default)]
pub struct Weekly {
    pub scenarios: Vec<String>,
    /// Countries in the order of the file, `ALL` last.
    pub countries: Vec<String>,
    pub replicates: BTreeMap<String, usize>,
    curves: BTreeMap<(String, String, String), Curve>,
    /// The weeks a flow is averaged over.
    pub block: usize,
}

/// The block of weeks flows are averaged over in a run of `weeks` weeks.
pub fn block_weeks(weeks: usize) -> usize {
    match weeks {
        0..52 => 1,
        52..208 => 4,
        _ => 13,
    }
}

/// Mean and interval across replicates of each block's average; `weeks[w][r]` is replicate
/// `r`'s value in week `w`. The last block may be shorter.
pub fn reduce(weeks: &[Vec<f64>], block: usize) -> Curve {
    let mut curve = Curve::default();
    for (b, chunk) in weeks.chunks(block.max(1)).enumerate() {
        let replicates = chunk.iter().map(Vec::len).min().unwrap_or(0);
        let averages: Vec<f64> = (0..replicates)
            .map(|r| chunk.iter().map(|w| w[r]).sum::<f64>() / chunk.len() as f64)
            .collect();
        let e = Estimate::of(&averages);
        curve
            .x
            .push((b * block) as f64 + (chunk.len() as f64 - 1.0) / 2.0);
        curve.mean.push(e.mean);
        curve.low.push(e.low());
        curve.high.push(e.high());
    }
    curve
}

impl Weekly {
    /// Reads `timeseries.csv` (a run's) and reduces it.
    pub fn read(table: &Table) -> Result<Weekly, ReportError> {
        let counters: Vec<&str> = CHARTS
            .iter()
            .flat_map(|c| c.counters.iter().copied())
            .collect();
        let known = sweep_csv::metrics();
        let (scenario, replicate, week, country) = (
            table.column("scenario")?,
            table.column("replicate")?,
            table.column("week")?,
            table.column("country")?,
        );
        let cols: Vec<usize> = counters
            .iter()
            .map(|c| {
                debug_assert!(known.iter().any(|k| k == c), "{c} is not a counter");
                table.column(c)
            })
            .collect::<Result<_, _>>()?;
        let mut w = Weekly::default();
        // (scenario, country, counter) → week → the replicates' values.
        let mut samples: BTreeMap<(String, String, String), Vec<Vec<f64>>> = BTreeMap::new();
        for r in 0..table.rows.len() {
            let (s, c) = (table.text(r, scenario), table.text(r, country));
            if !w.scenarios.iter().any(|x| x == s) {
                w.scenarios.push(s.to_string());
            }
            if !w.countries.iter().any(|x| x == c) {
                w.countries.push(c.to_string());
            }
            let wk = table.number(r, week)?.unwrap_or(0.0) as usize;
            let rep = table.number(r, replicate)?.unwrap_or(0.0) as usize;
            let reps = w.replicates.entry(s.to_string()).or_insert(0);
            *reps = (*reps).max(rep + 1);
            for (name, &col) in counters.iter().zip(&cols) {
                let v = table.number(r, col)?.unwrap_or(f64::NAN);
                let weeks = samples
                    .entry((s.to_string(), c.to_string(), name.to_string()))
                    .or_default();
                if weeks.len() <= wk {
                    weeks.resize(wk + 1, Vec::new());
                }
                weeks[wk].push(v);
            }
        }
        if let Some(all) = w.countries.iter().position(|c| c == "ALL") {
            let all = w.countries.remove(all);
            w.countries.push(all);
        }
        let weeks = samples.values().map(Vec::len).max().unwrap_or(0);
        w.block = block_weeks(weeks);
        let stocks: Vec<&str> = CHARTS
            .iter()
            .filter(|c| c.stock)
            .flat_map(|c| c.counters.iter().copied())
            .collect();
        for (key, weeks) in samples {
            let block = if stocks.contains(&key.2.as_str()) {
                1
            } else {
                w.block
            };
            w.curves.insert(key, reduce(&weeks, block));
        }
        Ok(w)
    }

    pub fn curve(&self, scenario: &str, country: &str, counter: &str) -> Option<&Curve> {
        self.curves.get(&(
            scenario.to_string(),
            country.to_string(),
            counter.to_string(),
        ))
    }

    /// One chart for `country`: every counter of the chart for every scenario (overlaid).
    pub fn chart(
        &self,
        spec: &WeeklyChart,
        country: &str,
        marks: &[TimeMark],
        small: bool,
    ) -> LineChart {
        let mut series = Vec::new();
        for s in &self.scenarios {
            for counter in spec.counters {
                let Some(c) = self.curve(s, country, counter) else {
                    continue;
                };
                let label = match (self.scenarios.len(), spec.counters.len()) {
                    (1, _) => counter.to_string(),
                    (_, 1) => s.clone(),
                    _ => format!("{s}: {counter}"),
                };
                series.push(Series {
                    label,
                    x: c.x.clone(),
                    mean: c.mean.clone(),
                    low: c.low.clone(),
                    high: c.high.clone(),
                });
            }
        }
        let place = if country == "ALL" {
            "world".to_string()
        } else {
            country.to_string()
        };
        let unit = if spec.stock || self.block == 1 {
            spec.unit.to_string()
        } else {
            format!("{}, {}-week average", spec.unit, self.block)
        };
        LineChart {
            title: format!("{}, {place}", spec.title),
            x_name: "week (recorded weeks, from 0)".into(),
            y_name: unit,
            floor: Some(0.0),
            series,
            marks: marks.to_vec(),
            width: if small { 460.0 } else { 680.0 },
            height: if small { 260.0 } else { 320.0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_charted_counter_is_a_column_of_timeseries() {
        let known = sweep_csv::metrics();
        for chart in &CHARTS {
            for c in chart.counters {
                assert!(known.iter().any(|k| k == c), "{c}");
            }
        }
    }

    #[test]
    fn curves_are_the_mean_and_interval_of_the_replicates_each_week() {
        let dir = tempfile::tempdir().unwrap();
        let counters = sweep_csv::metrics();
        let mut text = format!(
            "scenario,run,replicate,seed,week,country,{}\n",
            counters.join(",")
        );
        for (rep, value) in [(0, 1.0), (1, 3.0)] {
            for week in 0..2 {
                for country in ["X", "ALL"] {
                    let cells: Vec<String> = counters
                        .iter()
                        .map(|c| {
                            if c == "exploited" {
                                format!("{}", value + week as f64)
                            } else {
                                "0".into()
                            }
                        })
                        .collect();
                    text.push_str(&format!(
                        "s,{rep},{rep},7,{week},{country},{}\n",
                        cells.join(",")
                    ));
                }
            }
        }
        std::fs::write(dir.path().join("timeseries.csv"), text).unwrap();
        let t = Table::read(dir.path(), "timeseries.csv", "weekly counters").unwrap();
        let w = Weekly::read(&t).unwrap();
        assert_eq!(w.countries, vec!["X", "ALL"]);
        let c = w.curve("s", "ALL", "exploited").unwrap();
        assert_eq!(c.mean, vec![2.0, 3.0]);
        let e = Estimate::of(&[1.0, 3.0]);
        assert_eq!((c.low[0], c.high[0]), (e.low(), e.high()));
        assert_eq!(w.replicates["s"], 2);
        assert_eq!(c.x, vec![0.0, 1.0]);
    }

    #[test]
    fn flows_are_averaged_over_blocks_per_replicate_before_the_interval() {
        // Two replicates over five weeks, blocks of two: the last block is one week.
        let weeks = vec![
            vec![1.0, 3.0],
            vec![3.0, 5.0],
            vec![0.0, 2.0],
            vec![2.0, 2.0],
            vec![7.0, 9.0],
        ];
        let c = reduce(&weeks, 2);
        assert_eq!(c.x, vec![0.5, 2.5, 4.0]);
        assert_eq!(c.mean, vec![3.0, 1.5, 8.0]);
        let e = Estimate::of(&[2.0, 4.0]);
        assert_eq!((c.low[0], c.high[0]), (e.low(), e.high()));
        assert_eq!(block_weeks(20), 1);
        assert_eq!(block_weeks(104), 4);
        assert_eq!(block_weeks(520), 13);
    }
}
