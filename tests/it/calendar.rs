//! The fast path against the plain reference: the calendars (persons at home, seekers, safe
//! migrants and exploited persons wait for geometric waiting times, thinned at a bound where
//! the hazard changes) and the week-by-week reference (every person asked every week, as
//! MODEL.md states the process) are the same model. They draw different random numbers, so
//! their outputs differ run by run, but the distribution of every outcome must be the same:
//! over replicates, the difference of the means of every summary outcome and of every weekly
//! metric (summed over the recorded weeks) lies within its interval, in three worlds.

use palermo::metrics::RunResult;
use palermo::metrics::stats::Estimate;
use palermo::output::sweep_csv::{metrics, number_cells, outcomes};
use palermo::run::run_replicate_with;
use palermo::scenario::{Override, load};
use palermo::world::Scheduling;
use rayon::prelude::*;
use std::fs;
use std::path::Path;

use crate::funnel;

const REPLICATES: u32 = 48;

/// Standard errors of the difference allowed: about 200 outcomes are compared, and 4.0
/// standard errors (a two-sided 6e-5 each) keep the chance that any one of them fails by
/// chance under 1.3 % (Bonferroni), with fixed seeds.
const Z: f64 = 4.0;

fn runs(path: &Path, sets: &[&str], scheduling: Scheduling) -> Vec<RunResult> {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    let scenario = load(path, &overrides).unwrap();
    (0..REPLICATES)
        .into_par_iter()
        .map(|r| run_replicate_with(&scenario, r, scheduling))
        .collect()
}

/// Every outcome of a run, named: the summary's (undefined rates as `None`), and each weekly
/// metric of the world summed over the recorded weeks.
fn outcome_values(run: &RunResult) -> Vec<(String, Option<f64>)> {
    let mut values: Vec<(String, Option<f64>)> = outcomes()
        .into_iter()
        .zip(number_cells(&run.summary))
        .collect();
    let mut sums = vec![0.0; metrics().len()];
    for week in 0..run.weeks.len() {
        for (sum, x) in sums.iter_mut().zip(number_cells(&run.world_week(week))) {
            *sum += x.unwrap_or(0.0);
        }
    }
    values.extend(
        metrics()
            .into_iter()
            .map(|m| format!("weekly {m}"))
            .zip(sums.into_iter().map(Some)),
    );
    values
}

/// Compares the two schedulings of the world of `path` with `sets`; returns the outcomes that
/// were compared (not constant in both).
fn same_distribution(path: &Path, sets: &[&str]) -> Vec<String> {
    let (fast, reference) = (
        runs(path, sets, Scheduling::Calendar),
        runs(path, sets, Scheduling::Weekly),
    );
    let (fast, reference): (Vec<_>, Vec<_>) = (
        fast.iter().map(outcome_values).collect(),
        reference.iter().map(outcome_values).collect(),
    );
    let mut compared = Vec::new();
    let mut failures = Vec::new();
    for (i, (name, _)) in fast[0].iter().enumerate() {
        let column = |runs: &[Vec<(String, Option<f64>)>]| -> Vec<f64> {
            runs.iter().filter_map(|r| r[i].1).collect()
        };
        let (a, b) = (column(&fast), column(&reference));
        if a.len() < 2 || b.len() < 2 {
            continue;
        }
        let (ea, eb) = (Estimate::of(&a), Estimate::of(&b));
        // Welch's standard error of the difference.
        let se = (ea.sd.powi(2) / ea.n as f64 + eb.sd.powi(2) / eb.n as f64).sqrt();
        let diff = ea.mean - eb.mean;
        if se == 0.0 {
            assert_eq!(diff, 0.0, "{sets:?} {name}: constant, but not the same");
            continue;
        }
        eprintln!(
            "{sets:?} {name}: calendar {:.4} reference {:.4} ({:+.2} se)",
            ea.mean,
            eb.mean,
            diff / se
        );
        if diff.abs() > Z * se {
            failures.push(format!("{name}: {diff} is {:.1} se", diff / se));
        }
        compared.push(name.clone());
    }
    assert!(failures.is_empty(), "{sets:?}: {failures:#?}");
    compared
}

#[test]
fn calendar_and_weekly_reference_give_the_same_distribution_of_outcomes() {
    let compared = same_distribution(&funnel(), &[]);
    // The test has power: the outcomes of every step vary and are compared.
    for name in [
        "victims_total",
        "identified_total",
        "prevalence_mean",
        "arrests_total",
        "re_trafficking_rate",
        "weekly seeking",
        "weekly safe_migrants",
        "weekly safe_migrations",
        "weekly re_trafficked",
    ] {
        assert!(compared.iter().any(|c| c == name), "{name} not compared");
    }
}

#[test]
fn the_same_with_long_searches_and_more_legal_channels() {
    // Seekers who seldom give up are woken many times at a bound that their fading returnee
    // risk and the weekly offer probability stay under (thinning); legal channels change
    // the bound's other term.
    let compared = same_distribution(
        &funnel(),
        &[
            "model.seek_giveup=0.02",
            "all.legal_migration=0.06",
            "model.retraffic_boost=3",
        ],
    );
    assert!(compared.len() > 40, "{compared:?}");
}

#[test]
fn the_same_when_the_seekers_are_drawn_again_week_after_week() {
    // Origo's legal channel widens week by week during the recorded weeks, and a shock
    // raises its vulnerability: each step passes the offer ceilings, so its seekers are
    // drawn again (found among its persons, in index order) many times.
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("calendar_redraws.toml");
    let extra = r#"
[[policy]]
week = 60
target = "country.Origo"
set = { legal_migration = 0.12 }
ramp_weeks = 40

[[shock]]
country = "Origo"
week = 120
weeks = 12
vulnerability = 1.4
"#;
    fs::write(&path, fs::read_to_string(funnel()).unwrap() + extra).unwrap();
    let compared = same_distribution(&path, &[]);
    assert!(
        compared.iter().any(|c| c == "weekly safe_migrations"),
        "{compared:?}"
    );
}
