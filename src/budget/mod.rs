//! What a batch of runs will cost, known before it starts: the memory one run needs, the
//! memory of the runs in flight at once, the time and the size of the output, from the size of
//! the world (persons, countries, weeks). The constants are measured (`docs/PERFORMANCE.md`,
//! "Cost model"); [`machine`] reads what the machine has. [`fit`] decides how many runs may be
//! in flight: all the threads asked for, fewer, or none (the caller refuses). Nothing here
//! prints: the command line words the decision.

pub mod machine;

use std::mem::size_of;

use crate::metrics::WeekCounters;
use crate::output::sweep_csv::outcomes;
use crate::scenario::Scenario;
use crate::scenario::sweep::Design;
use crate::sweep::{BOOTSTRAP_RESAMPLES, Plan, exec};

/// Bytes of a run's world per person: the person's records (32 + 16 bytes), the place on a
/// calendar or roster, and what the growth of those vectors leaves spare. Measured 55 bytes
/// at 9 million persons (10 weeks, no burn-in) and 65 at 1 million (1,040 weeks).
pub const PERSON_BYTES: u64 = 64;

/// Bytes of a run beyond its persons and weeks (networks, agencies, weekly tables).
pub const RUN_FIXED_BYTES: u64 = 1 << 20;

/// Bytes of the process before any run: the program, its libraries, the threads' stacks.
/// Measured 5 MB at the peak of a run of 9,000 persons for 10 weeks.
pub const PROCESS_BYTES: u64 = 8 << 20;

/// Bytes of one weekly row as CSV text (`timeseries.csv`, or a sweep's run record). Measured
/// 155 bytes per row in the baseline's `timeseries.csv`; larger worlds write longer numbers.
pub const ROW_TEXT_BYTES: u64 = 160;

/// Bytes of one `summary.csv` row (measured 390 in the baseline's), the override cells aside.
pub const SUMMARY_ROW_BYTES: u64 = 400;

/// Nanoseconds of one person-week on one core, up to about a million persons (measured
/// 1.3 to 1.4 ns), and beyond, where each visit to a person waits for memory (2.5 to 3 ns).
pub const NS_PER_PERSON_WEEK: f64 = 1.5;
pub const NS_PER_PERSON_WEEK_LARGE: f64 = 3.0;
/// Persons from which [`NS_PER_PERSON_WEEK_LARGE`] applies.
pub const LARGE_WORLD: u64 = 2_000_000;

/// Nanoseconds to build the world, per person (about 0.2 s for a million persons).
pub const BUILD_NS_PER_PERSON: f64 = 200.0;

/// The size of one run: what its cost depends on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunSize {
    pub persons: u64,
    pub countries: u64,
    /// Recorded weeks (rows of output).
    pub weeks: u64,
    /// Unrecorded weeks before them (time only).
    pub burn_in: u64,
}

impl RunSize {
    pub fn of(scenario: &Scenario) -> RunSize {
        RunSize {
            persons: scenario.world_at_risk(),
            countries: scenario.countries.len() as u64,
            weeks: u64::from(scenario.run.weeks),
            burn_in: u64::from(scenario.run.burn_in),
        }
    }

    /// The larger of two sizes in every dimension: a bound for runs of either.
    pub fn max(self, other: RunSize) -> RunSize {
        RunSize {
            persons: self.persons.max(other.persons),
            countries: self.countries.max(other.countries),
            weeks: self.weeks.max(other.weeks),
            burn_in: self.burn_in.max(other.burn_in),
        }
    }

    /// Weekly rows of the whole run: one per country and the world row.
    fn rows_per_week(&self) -> u64 {
        self.countries + 1
    }

    /// Bytes of one run in progress: its world, its weekly counters, and its weekly rows as
    /// text once it has finished.
    pub fn working_bytes(&self) -> u64 {
        let per_row = size_of::<WeekCounters>() as u64 + ROW_TEXT_BYTES;
        let rows = self.weeks.saturating_mul(self.rows_per_week());
        RUN_FIXED_BYTES
            .saturating_add(self.persons.saturating_mul(PERSON_BYTES))
            .saturating_add(rows.saturating_mul(per_row))
    }

    /// Bytes of a finished run waiting its turn to be written: `rows_per_week` weekly rows
    /// as text (`None`: all of them) and its summary.
    pub fn finished_bytes(&self, rows_per_week: Option<u64>) -> u64 {
        let rows = self
            .weeks
            .saturating_mul(rows_per_week.unwrap_or(self.rows_per_week()));
        rows.saturating_mul(ROW_TEXT_BYTES)
            .saturating_add(SUMMARY_ROW_BYTES)
    }

    /// Approximate seconds of one run on one core (a loaded machine is slower).
    pub fn seconds(&self) -> f64 {
        let per_week = if self.persons >= LARGE_WORLD {
            NS_PER_PERSON_WEEK_LARGE
        } else {
            NS_PER_PERSON_WEEK
        };
        let persons = self.persons as f64;
        let weeks = (self.weeks + self.burn_in) as f64;
        (persons * BUILD_NS_PER_PERSON + persons * weeks * per_week) * 1e-9
    }

    /// Bytes this run adds to `timeseries.csv` and `summary.csv`.
    pub fn output_bytes(&self) -> u64 {
        self.finished_bytes(None)
    }
}

/// What a batch asks of memory: each run in progress, each finished run waiting in the
/// reorder buffer (at most [`exec::window`] of them), and what is held once for the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Demand {
    pub per_run: u64,
    pub per_waiting: u64,
    pub once: u64,
}

impl Demand {
    /// Runs of this size, written in full as `palermo run` writes them.
    pub fn of_runs(size: RunSize) -> Demand {
        Demand {
            per_run: size.working_bytes(),
            per_waiting: size.finished_bytes(None),
            once: 0,
        }
    }

    /// Runs of this size of which only the summary is kept (`palermo compare`).
    pub fn of_outcomes(size: RunSize) -> Demand {
        Demand {
            per_run: size.working_bytes(),
            per_waiting: 0,
            once: 0,
        }
    }

    /// The runs of a sweep of this size whose records keep `stored_rows` weekly rows a week
    /// (`sweep::record::rows_per_week`) and whose `aggregate.csv` has `aggregate_rows` rows a
    /// week: a record is written as text, then read back into cells and values; the weekly
    /// means of a point are held once.
    pub fn of_sweep(size: RunSize, stored_rows: u64, aggregate_rows: u64) -> Demand {
        let counters = size_of::<WeekCounters>() as u64;
        let rows = size.weeks.saturating_mul(stored_rows);
        // A decoded row: its cells as text and each counter as an f64 (twice the u32 size).
        let decoded = rows.saturating_mul(ROW_TEXT_BYTES + 2 * counters);
        Demand {
            per_run: size
                .working_bytes()
                .saturating_add(rows.saturating_mul(ROW_TEXT_BYTES))
                .saturating_add(decoded),
            per_waiting: decoded.saturating_add(SUMMARY_ROW_BYTES),
            // Welford's mean and sum of squares, two f64 per counter.
            once: size
                .weeks
                .saturating_mul(aggregate_rows)
                .saturating_mul(4 * counters),
        }
    }

    /// Bytes of the process with `threads` runs in progress and a full reorder buffer.
    pub fn total(&self, threads: usize) -> u64 {
        let waiting = exec::window(threads) as u64;
        PROCESS_BYTES
            .saturating_add(self.once)
            .saturating_add((threads as u64).saturating_mul(self.per_run))
            .saturating_add(waiting.saturating_mul(self.per_waiting))
    }
}

/// The cost of a batch of scenarios, each run for its replicates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchCost {
    pub runs: u64,
    /// A bound for every run of the batch (the largest in each dimension).
    pub largest: RunSize,
    /// Approximate seconds of all the runs on one core.
    pub run_seconds: f64,
    /// Approximate bytes of `timeseries.csv` and `summary.csv`.
    pub output_bytes: u64,
}

impl BatchCost {
    pub fn of(scenarios: &[Scenario]) -> BatchCost {
        let mut cost = BatchCost::default();
        for s in scenarios {
            let size = RunSize::of(s);
            let replicates = u64::from(s.run.replicates);
            cost.runs += replicates;
            cost.largest = cost.largest.max(size);
            cost.run_seconds += replicates as f64 * size.seconds();
            cost.output_bytes = cost
                .output_bytes
                .saturating_add(replicates.saturating_mul(size.output_bytes()));
        }
        cost
    }

    /// What the runs ask of memory.
    pub fn demand(&self) -> Demand {
        Demand::of_runs(self.largest)
    }

    /// Approximate wall-clock seconds on `threads` threads (no more threads than runs work).
    pub fn seconds(&self, threads: usize) -> f64 {
        let busy = threads.clamp(1, self.runs.max(1) as usize);
        self.run_seconds / busy as f64
    }
}

/// A bound for every run of a sweep: the base's size, or where a point changes the persons or
/// the weeks (a swept `at_risk`, `run.weeks`), the largest over the points.
pub fn sweep_size(plan: &Plan) -> RunSize {
    let base = RunSize::of(&plan.base);
    let sizes_vary = plan
        .points
        .paths
        .iter()
        .any(|p| p.ends_with("at_risk") || p.starts_with("run."));
    if !sizes_vary {
        return base;
    }
    (0..plan.point_count())
        .filter_map(|point| plan.scenario(point).ok())
        .fold(base, |bound, s| bound.max(RunSize::of(&s)))
}

/// Bytes a sobol or morris sweep holds for its sensitivity indices (`sensitivity.csv`): every
/// point's mean of every outcome, one outcome's design columns and the resampled indices
/// while it is analysed; 0 for the other designs.
pub fn sensitivity_bytes(plan: &Plan) -> u64 {
    if !matches!(
        plan.spec.design,
        Design::Sobol { .. } | Design::Morris { .. }
    ) {
        return 0;
    }
    let f64_bytes = size_of::<f64>() as u64;
    let points = plan.point_count() as u64;
    let outcomes = outcomes().len() as u64;
    let resampled = 2 * BOOTSTRAP_RESAMPLES as u64 * plan.points.paths.len() as u64;
    (points * (outcomes + 1) + resampled).saturating_mul(f64_bytes)
}

/// How many runs may be in flight at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// All the threads asked for: they need `needed` bytes.
    Fits { threads: usize, needed: u64 },
    /// Fewer threads than asked for (`wanted` would need `wanted_bytes`); results do not
    /// depend on the number of threads.
    Fewer {
        threads: usize,
        needed: u64,
        wanted: usize,
        wanted_bytes: u64,
    },
    /// Not even one run fits: it alone would need `needed` bytes.
    TooBig { needed: u64 },
}

/// The most threads, up to `threads`, whose runs fit in `available` bytes.
pub fn fit(demand: &Demand, threads: usize, available: u64) -> Fit {
    let threads = threads.max(1);
    let wanted_bytes = demand.total(threads);
    if wanted_bytes <= available {
        return Fit::Fits {
            threads,
            needed: wanted_bytes,
        };
    }
    // The total grows with the threads: bisect for the largest count that fits.
    let (mut low, mut high) = (0, threads);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if demand.total(mid) <= available {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    if low == 0 {
        Fit::TooBig {
            needed: demand.total(1),
        }
    } else {
        Fit::Fewer {
            threads: low,
            needed: demand.total(low),
            wanted: threads,
            wanted_bytes,
        }
    }
}

/// Bytes shown to a person, in powers of 1,024 as `free -h` and [`machine::parse_bytes`]
/// count them: `1.2 GiB`, `340 MiB`, `12 KiB`.
pub fn human_bytes(bytes: u64) -> String {
    let units = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (unit, shift) in units {
        if bytes >= 1 << shift {
            let x = bytes as f64 / (1u64 << shift) as f64;
            return if x < 10.0 {
                format!("{x:.1} {unit}")
            } else {
                format!("{x:.0} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(persons: u64, weeks: u64) -> RunSize {
        RunSize {
            persons,
            countries: 9,
            weeks,
            burn_in: 0,
        }
    }

    #[test]
    fn sensitivity_designs_hold_every_points_means() {
        let world = include_str!("../../tests/fixtures/cli/tiny.toml");
        let plan = |design: &str| {
            let text = format!(
                "{world}\n[sweep]\n{design}\nreplicates = 1\n\
                 [[sweep.parameter]]\npath = \"all.corruption\"\nfrom = 0.1\nto = 0.5\n\
                 [[sweep.parameter]]\npath = \"cooperation.default\"\nfrom = 0.0\nto = 0.6\n"
            );
            let scenario = crate::scenario::parse(&text, "s.toml", &[]).unwrap();
            let spec = crate::scenario::sweep::parse_sweep(&scenario)
                .unwrap()
                .unwrap();
            Plan::new(scenario, spec, None).unwrap()
        };
        let sobol = plan("design = \"sobol\"\nsamples = 4");
        assert_eq!(sobol.point_count(), 4 * 6);
        let outcomes = outcomes().len() as u64;
        let expected = (24 * (outcomes + 1) + 2 * 1000 * 2) * 8;
        assert_eq!(sensitivity_bytes(&sobol), expected);
        let lhs = plan("design = \"lhs\"\nsamples = 4");
        assert_eq!(sensitivity_bytes(&lhs), 0);
    }

    #[test]
    fn memory_grows_with_persons_and_weeks() {
        let small = size(1_000, 10).working_bytes();
        assert_eq!(
            size(1_001_000, 10).working_bytes() - small,
            1_000_000 * PERSON_BYTES
        );
        let per_week = (size(1_000, 1_010).working_bytes() - small) / 1_000;
        assert_eq!(per_week, 10 * (size_of::<WeekCounters>() as u64 + 160));
        // The example: 9 countries of 100 million persons.
        assert!(size(900_000_000, 10).working_bytes() > 28_800_000_000);
        assert_eq!(size(u64::MAX, u64::MAX).working_bytes(), u64::MAX);
    }

    #[test]
    fn fit_takes_the_most_threads_that_fit() {
        let d = Demand {
            per_run: 100 << 20,
            per_waiting: 1 << 20,
            once: 0,
        };
        let available = d.total(3);
        assert_eq!(
            fit(&d, 2, available),
            Fit::Fits {
                threads: 2,
                needed: d.total(2)
            }
        );
        assert_eq!(
            fit(&d, 16, available),
            Fit::Fewer {
                threads: 3,
                needed: available,
                wanted: 16,
                wanted_bytes: d.total(16)
            }
        );
        assert_eq!(
            fit(&d, 16, d.total(1) - 1),
            Fit::TooBig { needed: d.total(1) }
        );
    }

    #[test]
    fn time_is_per_person_week_and_slower_for_large_worlds() {
        let s = RunSize {
            persons: 1_000_000,
            countries: 9,
            weeks: 520,
            burn_in: 520,
        };
        assert!((s.seconds() - (0.2 + 1.04 * 1.5)).abs() < 1e-9);
        let large = RunSize {
            persons: 10_000_000,
            ..s
        };
        assert!(large.seconds() > 10.0 * s.seconds());
    }

    #[test]
    fn bytes_read_as_a_person_would_say_them() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(28_800_000_000), "27 GiB");
        assert_eq!(human_bytes(16 << 30), "16 GiB");
        assert_eq!(human_bytes(1_250_000), "1.2 MiB");
    }
}
