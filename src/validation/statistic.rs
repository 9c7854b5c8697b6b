//! A target's statistic in one run: the weekly counters of its countries summed, over its
//! weeks, then read as `summary.csv` reads them.
//!
//! A `summary.csv` column is recomputed by [`RunSummary::from_world_weeks`] from the summed
//! rows, so that over the whole world and every recorded week it is exactly the run's own
//! summary (the tests check it), and over fewer countries or weeks it means what the column
//! means there. Its per-100,000 figures count the at-risk persons of those countries; the
//! victims under way when the window opens (the denominator of `identification_rate`, with
//! the window's recruitments) are the stocks in transit and in exploitation at the end of the
//! week before. A `timeseries.csv` column in a ratio is its total over the weeks and
//! countries (for a stock, persons × weeks). A ratio with a zero denominator, like a rate of
//! the summary, is undefined (`None`), never 0.

use super::targets::{Resolved, Statistic};
use crate::metrics::{RunResult, RunSummary, WeekCounters, world_total};
use crate::output::sweep_csv::{metrics, number_cells, outcomes};
use crate::scenario::Scenario;

/// The statistic's value in `run`, or `None` where it is undefined.
pub fn value(
    statistic: &Statistic,
    at: &Resolved,
    scenario: &Scenario,
    run: &RunResult,
) -> Option<f64> {
    let window = Window::of(at, scenario, run);
    match statistic {
        Statistic::Column(name) => window.summary_column(name),
        Statistic::Ratio(num, den) => {
            let (num, den) = (window.column(num)?, window.column(den)?);
            (den != 0.0).then(|| num / den)
        }
    }
}

/// What a statistic is read from: the run's summary over the target's countries and weeks,
/// and the totals of its counters there.
struct Window {
    summary: RunSummary,
    totals: WeekCounters,
}

impl Window {
    fn of(at: &Resolved, scenario: &Scenario, run: &RunResult) -> Window {
        let in_set = |week: &[WeekCounters]| match &at.countries {
            None => world_total(week),
            Some(ids) => {
                let picked: Vec<WeekCounters> = ids.iter().map(|id| week[id.index()]).collect();
                world_total(&picked)
            }
        };
        let rows: Vec<WeekCounters> = run.weeks[at.weeks.clone()]
            .iter()
            .map(|w| in_set(w))
            .collect();
        let whole = at.countries.is_none() && at.weeks == (0..run.weeks.len());
        let summary = if whole {
            run.summary
        } else {
            let at_risk = match &at.countries {
                None => scenario.world_at_risk(),
                Some(ids) => ids
                    .iter()
                    .map(|id| scenario.countries[id.index()].params.numbers.at_risk as u64)
                    .sum(),
            };
            // Resolving refuses a subset of countries from week 1, for which the stock of
            // victims when recording began is not kept.
            let victims_at_start = match at.weeks.start {
                0 => run.summary.victims_at_start,
                first => {
                    let before = in_set(&run.weeks[first - 1]);
                    u64::from(before.in_transit) + u64::from(before.exploited)
                }
            };
            RunSummary::from_world_weeks(&rows, at_risk, victims_at_start)
        };
        Window {
            summary,
            totals: world_total(&rows),
        }
    }

    fn summary_column(&self, name: &str) -> Option<f64> {
        let k = outcomes().iter().position(|o| o == name)?;
        number_cells(&self.summary).get(k).copied().flatten()
    }

    /// A column of `summary.csv`, or the total of one of `timeseries.csv`.
    fn column(&self, name: &str) -> Option<f64> {
        if outcomes().iter().any(|o| o == name) {
            return self.summary_column(name);
        }
        let k = metrics().iter().position(|m| m == name)?;
        number_cells(&self.totals).get(k).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ids::CountryId;
    use crate::run::run_replicate;
    use crate::scenario::{self, Override};

    fn tiny() -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/tiny.toml");
        scenario::load(&path, &[Override::parse("run.weeks=30").unwrap()]).unwrap()
    }

    fn col(name: &str) -> Statistic {
        Statistic::Column(name.to_string())
    }

    fn ratio(a: &str, b: &str) -> Statistic {
        Statistic::Ratio(a.to_string(), b.to_string())
    }

    /// A hand-made run of two countries and two weeks, whose totals are known.
    fn hand_made(scenario: &Scenario) -> RunResult {
        let week = |a: u32, b: u32, exploited: u32| {
            let c = |exploited, identified| WeekCounters {
                exploited,
                identified_total: identified,
                escaped: 3 * identified,
                identified_police: identified,
                recruited_new: 10,
                in_transit: 1,
                ..Default::default()
            };
            vec![c(exploited, a), c(exploited / 2, b)]
        };
        let weeks = vec![week(1, 2, 100), week(3, 0, 80)];
        let rows: Vec<WeekCounters> = weeks.iter().map(|w| world_total(w)).collect();
        RunResult {
            seed: 0,
            replicate: 0,
            summary: RunSummary::from_world_weeks(&rows, scenario.world_at_risk(), 7),
            weeks,
            routes: Default::default(),
        }
    }

    #[test]
    fn known_totals_of_a_hand_made_run() {
        let s = tiny();
        assert!(
            s.countries.len() >= 2,
            "tiny.toml has two countries or more"
        );
        let run = hand_made(&s);
        let all = Resolved {
            countries: None,
            weeks: 0..2,
        };
        // 6 identified among the 7 victims at the start and the 40 recruited.
        assert_eq!(
            value(&col("identification_rate"), &all, &s, &run),
            Some(6.0 / 47.0)
        );
        assert_eq!(value(&col("identified_total"), &all, &s, &run), Some(6.0));
        // Escapes are three times the police identifications, in any set of countries.
        let first = Resolved {
            countries: Some(vec![CountryId::new(0)]),
            weeks: 0..2,
        };
        for at in [&all, &first] {
            let r = value(&ratio("escaped", "identified_police"), at, &s, &run);
            assert_eq!(r, Some(3.0));
        }
        assert_eq!(value(&col("identified_total"), &first, &s, &run), Some(4.0));
        // The second week alone: 3 identified against 120 exploited (from the counters), and
        // among the 20 recruited and the victims under way at the end of the week before
        // (100 + 1 and 50 + 1).
        let second = Resolved {
            countries: None,
            weeks: 1..2,
        };
        assert_eq!(
            value(&ratio("identified_total", "exploited"), &second, &s, &run),
            Some(0.025)
        );
        assert_eq!(
            value(&col("identification_rate"), &second, &s, &run),
            Some(3.0 / (152.0 + 20.0))
        );
        // Country 1 identified nobody in week 2: a ratio over zero is undefined, not 0.
        let quiet = Resolved {
            countries: Some(vec![CountryId::new(1)]),
            weeks: 1..2,
        };
        assert_eq!(
            value(&ratio("escaped", "identified_police"), &quiet, &s, &run),
            None
        );
        assert_eq!(
            value(&col("convictions_per_identified"), &quiet, &s, &run),
            None
        );
    }

    /// Over the world and every week, a column is the run's own summary, whatever it is.
    #[test]
    fn the_whole_window_is_the_runs_summary() {
        let s = tiny();
        let run = run_replicate(&s, 0);
        let whole = Resolved {
            countries: None,
            weeks: 0..run.weeks.len(),
        };
        let everyone = Resolved {
            countries: Some((0..s.countries.len()).map(CountryId::new).collect()),
            weeks: 1..run.weeks.len(),
        };
        let own = number_cells(&run.summary);
        for (k, name) in outcomes().iter().enumerate() {
            assert_eq!(value(&col(name), &whole, &s, &run), own[k], "{name}");
        }
        // Recomputed from the rows (every country named, so not the shortcut) over the same
        // weeks less the first, a total is the run's less its first week.
        let first = world_total(&run.weeks[0]);
        assert_eq!(
            value(&col("victims_total"), &everyone, &s, &run),
            Some((run.summary.victims_total - u64::from(first.recruited_new)) as f64)
        );
    }
}
