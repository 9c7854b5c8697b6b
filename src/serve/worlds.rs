//! Two worlds side by side, with no HTTP in sight: every replicate of A and of B stepped in
//! lockstep (common random numbers: replicate `r` of both sides runs with the same seed), so
//! that the mean and 95 % band of each side can be reported week by week as the weeks come,
//! and at the end the paired differences B − A that `palermo compare` computes
//! ([`crate::sweep::compare`]), plus per-country paired totals of the metrics a lesson looks
//! at. Each week also carries each side's trafficking flows by route so far (persons
//! recruited onto each route `origin → [transit] → destination`, mean over replicates), the
//! bands of the page's picture. The worlds are [`ReplicateRun`]s, so the recorded weeks are
//! those of `palermo run`.

use std::sync::Mutex;

use rayon::ThreadPool;
use serde::Serialize;

use crate::metrics::stats::Estimate;
use crate::metrics::{RouteFlows, WeekCounters};
use crate::output::sweep_csv;
use crate::run::ReplicateRun;
use crate::scenario::Scenario;
use crate::sweep::compare::{self, outcome_values};
use crate::sweep::exec;

/// The weekly counters shown as charts: `WeekCounters` field names (checked by a test).
pub const CHARTED: [&str; 6] = [
    "exploited",
    "recruited_new",
    "identified_total",
    "convictions",
    "jurisdiction_failures",
    "transit_flow",
];

/// Weeks each world runs between two looks at the others: events still come week by week.
const WEEKS_PER_ROUND: u32 = 8;

/// A mean and its 95 % band across replicates (`low`, `high` undefined with one replicate).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Band {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Band {
    fn of(samples: &[f64]) -> Band {
        Band::from(Estimate::of(samples))
    }

    /// The paired differences `b[r] − a[r]`.
    fn paired(a: &[f64], b: &[f64]) -> Band {
        Band::from(Estimate::paired(a, b))
    }
}

impl From<Estimate> for Band {
    fn from(e: Estimate) -> Band {
        Band {
            mean: e.mean,
            low: e.low(),
            high: e.high(),
        }
    }
}

/// One side's week: a band per charted metric (in [`CHARTED`] order), and the mean per
/// country of each looked-at metric.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideWeek {
    pub charted: Vec<Band>,
    pub countries: Vec<Vec<f64>>,
}

/// A route (countries by index in scenario order; no transit: direct) and the persons
/// recruited onto it over the recorded weeks so far, mean over each side's replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteMean {
    pub origin: usize,
    pub transit: Option<usize>,
    pub destination: usize,
    pub a: f64,
    pub b: f64,
}

/// One recorded week of both sides (week 0 is the first recorded week).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    pub week: u32,
    pub a: SideWeek,
    pub b: SideWeek,
    /// Every route either side used so far.
    pub routes: Vec<RouteMean>,
    /// Per charted metric, the paired difference B − A of the totals over the weeks so far
    /// (for a stock such as `exploited`, person-weeks), with its 95 % CI.
    pub running: Vec<Band>,
}

/// One row of the final comparison: an outcome of `RunSummary` (country `None`), or the total
/// over the recorded weeks of a looked-at metric in one country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub outcome: String,
    pub country: Option<String>,
    pub n: usize,
    pub a_mean: f64,
    pub b_mean: f64,
    pub diff: f64,
    pub low: f64,
    pub high: f64,
}

impl Difference {
    fn new(outcome: String, country: Option<String>, a: &[f64], b: &[f64]) -> Difference {
        let d = Estimate::paired(a, b);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        Difference {
            outcome,
            country,
            n: a.len(),
            a_mean: mean(a),
            b_mean: mean(b),
            diff: d.mean,
            low: d.low(),
            high: d.high(),
        }
    }
}

/// What a finished pair leaves: the per-run seeds and the differences B − A.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finished {
    pub seeds: Vec<u64>,
    pub differences: Vec<Difference>,
}

/// A metric's value in a week's counters, by its column name (`None`: no such column).
pub fn metric(counters: &WeekCounters, name: &str) -> Option<f64> {
    serde_json::to_value(counters).ok()?.get(name)?.as_f64()
}

/// Runs replicates `0..replicates` of `a` and `b` in lockstep on `pool`; `on_week` gets each
/// recorded week in order and returns `false` to stop (the page went away), in which case
/// this returns `None`. `look_at` are `WeekCounters` column names, reported per country.
pub fn run_pair(
    a: &Scenario,
    b: &Scenario,
    replicates: u32,
    look_at: &[String],
    pool: &ThreadPool,
    on_week: &mut dyn FnMut(Week) -> bool,
) -> Option<Finished> {
    let n = replicates as usize;
    let sides = [a, b];
    let runs: Vec<Mutex<ReplicateRun>> = exec::map(pool, 2 * n, |j| {
        Ok::<_, ()>(Mutex::new(ReplicateRun::new(sides[j / n], (j % n) as u32)))
    })
    .ok()?;
    let weeks = a.run.weeks.min(b.run.weeks);
    let countries = a.countries.len();
    // Per run, per looked-at metric, per country: the total over the recorded weeks.
    let mut totals = vec![vec![vec![0.0; countries]; look_at.len()]; 2 * n];
    // Per run, per charted metric: the world's total over the recorded weeks so far.
    let mut so_far = vec![vec![0.0; CHARTED.len()]; 2 * n];
    let mut week = 0;
    while week < weeks {
        let round = WEEKS_PER_ROUND.min(weeks - week);
        // Per run, per week of the round: its counters and its flows by route so far.
        let chunks: Vec<Vec<(Vec<WeekCounters>, RouteFlows)>> = exec::map(pool, 2 * n, |j| {
            let mut run = runs[j].lock().map_err(|_| ())?;
            Ok::<_, ()>(
                (0..round)
                    .filter_map(|_| {
                        let counters = run.next_week()?.to_vec();
                        Some((counters, run.routes().clone()))
                    })
                    .collect(),
            )
        })
        .ok()?;
        for k in 0..round as usize {
            let of_run = |j: usize| chunks[j].get(k).map_or(&[][..], |w| w.0.as_slice());
            let routes_of = |s: usize| {
                (s * n..(s + 1) * n)
                    .filter_map(|j| chunks[j].get(k).map(|w| &w.1))
                    .collect::<Vec<_>>()
            };
            for (j, run_totals) in totals.iter_mut().enumerate() {
                for (m, name) in look_at.iter().enumerate() {
                    for (c, counters) in of_run(j).iter().enumerate() {
                        run_totals[m][c] += metric(counters, name).unwrap_or(0.0);
                    }
                }
            }
            for (j, run_so_far) in so_far.iter_mut().enumerate() {
                let world = crate::metrics::world_total(of_run(j));
                for (m, name) in CHARTED.iter().enumerate() {
                    run_so_far[m] += metric(&world, name).unwrap_or(0.0);
                }
            }
            let running = (0..CHARTED.len())
                .map(|m| {
                    let of = |s: usize| -> Vec<f64> {
                        so_far[s * n..(s + 1) * n].iter().map(|t| t[m]).collect()
                    };
                    Band::paired(&of(0), &of(1))
                })
                .collect();
            let side = |s: usize| {
                side_week(
                    &(s * n..(s + 1) * n).map(of_run).collect::<Vec<_>>(),
                    look_at,
                )
            };
            let event = Week {
                week: week + k as u32,
                a: side(0),
                b: side(1),
                routes: route_means(countries, &routes_of(0), &routes_of(1)),
                running,
            };
            if !on_week(event) {
                return None;
            }
        }
        week += round;
    }
    let runs: Vec<ReplicateRun> = runs
        .into_iter()
        .map(|m| m.into_inner().ok())
        .collect::<Option<_>>()?;
    let seeds = runs[..n].iter().map(ReplicateRun::seed).collect();
    let outcomes: Vec<Vec<Option<f64>>> = runs
        .into_iter()
        .map(|r| outcome_values(&r.finish(Vec::new()).summary))
        .collect();
    let (oa, ob) = outcomes.split_at(n);
    let mut differences: Vec<Difference> = compare::compare(&oa.to_vec(), &ob.to_vec())
        .into_iter()
        .map(|row| Difference {
            outcome: row.outcome,
            country: None,
            n: row.n,
            a_mean: row.a_mean,
            b_mean: row.b_mean,
            diff: row.diff.mean,
            low: row.diff.low(),
            high: row.diff.high(),
        })
        .collect();
    for (m, name) in look_at.iter().enumerate() {
        for (c, country) in a.countries.iter().enumerate() {
            let of = |s: usize| -> Vec<f64> {
                totals[s * n..(s + 1) * n].iter().map(|t| t[m][c]).collect()
            };
            differences.push(Difference::new(
                name.clone(),
                Some(country.name.clone()),
                &of(0),
                &of(1),
            ));
        }
    }
    Some(Finished { seeds, differences })
}

/// Every route either side's replicates used, with each side's mean persons on it.
fn route_means(countries: usize, a: &[&RouteFlows], b: &[&RouteFlows]) -> Vec<RouteMean> {
    let sum = |runs: &[&RouteFlows]| {
        let mut total = RouteFlows::new(countries);
        runs.iter().for_each(|r| total.add_all(r));
        total
    };
    let (sum_a, sum_b) = (sum(a), sum(b));
    let mut both = sum_a.clone();
    both.add_all(&sum_b);
    let mean = |total: &RouteFlows, runs: usize, f: &crate::metrics::RouteFlow| {
        total.persons(f.origin, f.transit, f.destination) as f64 / runs.max(1) as f64
    };
    both.used()
        .map(|f| RouteMean {
            origin: f.origin,
            transit: f.transit,
            destination: f.destination,
            a: mean(&sum_a, a.len(), &f),
            b: mean(&sum_b, b.len(), &f),
        })
        .collect()
}

/// One side's week from its replicates' per-country counters.
fn side_week(replicates: &[&[WeekCounters]], look_at: &[String]) -> SideWeek {
    let world: Vec<WeekCounters> = replicates
        .iter()
        .map(|c| crate::metrics::world_total(c))
        .collect();
    let charted = CHARTED
        .iter()
        .map(|name| {
            let samples: Vec<f64> = world.iter().filter_map(|w| metric(w, name)).collect();
            Band::of(&samples)
        })
        .collect();
    let countries_n = replicates.first().map_or(0, |c| c.len());
    let countries = look_at
        .iter()
        .map(|name| {
            (0..countries_n)
                .map(|c| {
                    let sum: f64 = replicates
                        .iter()
                        .filter_map(|r| r.get(c).and_then(|x| metric(x, name)))
                        .sum();
                    sum / replicates.len() as f64
                })
                .collect()
        })
        .collect();
    SideWeek { charted, countries }
}

/// Whether `name` is a column of `timeseries.csv` (a `WeekCounters` field).
pub fn is_metric(name: &str) -> bool {
    sweep_csv::metrics().iter().any(|m| m == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charted_metrics_are_columns() {
        for name in CHARTED {
            assert!(is_metric(name), "{name}");
        }
        assert!(!is_metric("nonsense"));
        let c = WeekCounters {
            exploited: 7,
            revenue: 2.5,
            ..Default::default()
        };
        assert_eq!(metric(&c, "exploited"), Some(7.0));
        assert_eq!(metric(&c, "revenue"), Some(2.5));
        assert_eq!(metric(&c, "nonsense"), None);
    }

    #[test]
    fn route_means_are_per_side_over_the_union_of_routes() {
        let mut a = RouteFlows::new(3);
        a.add(0, Some(1), 2);
        let mut b = RouteFlows::new(3);
        b.add(0, None, 2);
        b.add(0, None, 2);
        let means = route_means(3, &[&a, &RouteFlows::new(3)], &[&b, &b]);
        let got: Vec<(Option<usize>, f64, f64)> =
            means.iter().map(|m| (m.transit, m.a, m.b)).collect();
        assert_eq!(got, [(None, 0.0, 2.0), (Some(1), 0.5, 0.0)]);
    }

    #[test]
    fn bands_are_the_mean_and_its_interval() {
        let b = Band::of(&[1.0, 2.0, 3.0, 4.0]);
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!((b.mean, b.low, b.high), (2.5, e.low(), e.high()));
        assert!(Band::of(&[5.0]).low.is_nan());
    }
}
