//! The fast path against the plain reference: the calendar (persons at home and safe migrants
//! wait for a geometric waiting time) and the week-by-week reference (every person asked every
//! week, as MODEL.md states the process) are the same model. They draw different random
//! numbers, so their outputs differ run by run, but the distribution of every outcome must be
//! the same: over replicates, the difference of the means lies within its 99.9 % interval.

use palermo::metrics::RunResult;
use palermo::metrics::stats::Estimate;
use palermo::run::run_replicate_with;
use palermo::scenario::load;
use palermo::world::Scheduling;
use rayon::prelude::*;
use std::path::Path;

const REPLICATES: u32 = 24;

fn runs(scheduling: Scheduling) -> Vec<RunResult> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden/funnel.toml");
    let scenario = load(&path, &[]).unwrap();
    (0..REPLICATES)
        .into_par_iter()
        .map(|r| run_replicate_with(&scenario, r, scheduling))
        .collect()
}

#[test]
fn calendar_and_weekly_reference_give_the_same_distribution_of_outcomes() {
    let (fast, reference) = (runs(Scheduling::Calendar), runs(Scheduling::Weekly));
    type Outcome = (&'static str, fn(&RunResult) -> f64);
    let outcomes: [Outcome; 7] = [
        ("victims", |r| r.summary.victims_total as f64),
        ("identified", |r| r.summary.identified_total as f64),
        ("prevalence", |r| r.summary.prevalence_mean),
        ("arrests", |r| r.summary.arrests_total as f64),
        ("safe migrants, last week", |r| {
            r.world_week(r.weeks.len() - 1).safe_migrants as f64
        }),
        ("seeking, mean", |r| {
            (0..r.weeks.len())
                .map(|w| r.world_week(w).seeking as f64)
                .sum::<f64>()
                / r.weeks.len() as f64
        }),
        ("re-trafficked", |r| {
            (0..r.weeks.len())
                .map(|w| r.world_week(w).re_trafficked as f64)
                .sum()
        }),
    ];
    for (name, f) in outcomes {
        let a: Vec<f64> = fast.iter().map(f).collect();
        let b: Vec<f64> = reference.iter().map(f).collect();
        let (ea, eb) = (Estimate::of(&a), Estimate::of(&b));
        // Welch's standard error of the difference; 3.3 of them is a 99.9 % interval.
        let se = (ea.sd.powi(2) / ea.n as f64 + eb.sd.powi(2) / eb.n as f64).sqrt();
        let diff = ea.mean - eb.mean;
        eprintln!(
            "{name}: calendar {:.1} reference {:.1} (se {se:.1})",
            ea.mean, eb.mean
        );
        assert!(diff.abs() <= 3.3 * se, "{name}: {diff} vs se {se}");
        // And the test has power: the outcome is not degenerate.
        assert!(ea.mean > 0.0, "{name} is zero");
    }
}
