//! The patterns a credible baseline reproduces (MODEL.md §5), tested with replicates and 95 %
//! confidence intervals, never with a single lucky run. Every run has a fixed seed, so these
//! tests are deterministic; the intervals make the claims honest rather than the tests flaky.
//!
//! Each test runs the baseline world of `scenarios/baseline.toml` without its own policy
//! timeline (the file marks where it starts) and adds the intervention under study. Replicate
//! `r` of the two arms shares its seed (common random numbers), so the paired differences are
//! precise.

use palermo::metrics::stats::Estimate;
use palermo::metrics::{RunResult, WeekCounters};
use palermo::run::run_replicate;
use palermo::scenario::{Override, Scenario, parse};
use rayon::prelude::*;

const BASELINE: &str = include_str!("../../scenarios/baseline.toml");
const TIMELINE_MARKER: &str = "# --- policy timeline";
const REPLICATES: u32 = 10;

/// The baseline world with `timeline` in place of its policies and shocks, and overrides.
fn world(timeline: &str, sets: &[&str]) -> Scenario {
    let cut = BASELINE
        .find(TIMELINE_MARKER)
        .expect("scenarios/baseline.toml marks where its policy timeline starts");
    let text = format!("{}\n{timeline}", &BASELINE[..cut]);
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("a valid --set"))
        .collect();
    parse(&text, "patterns.toml", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// The same world `factor` times larger (networks scale with the population), for patterns
/// whose effect is small against the noise of a 100,000-person world.
fn enlarged(mut scenario: Scenario, factor: f64) -> Scenario {
    let sets: Vec<Override> = scenario
        .countries
        .iter()
        .map(|c| {
            let at_risk = c.params.numbers.at_risk * factor;
            Override::parse(&format!("country.{}.at_risk={at_risk}", c.name)).expect("valid")
        })
        .collect();
    for set in &sets {
        palermo::scenario::overrides::apply(&mut scenario, set).unwrap_or_else(|e| panic!("{e}"));
    }
    scenario
}

fn runs(scenario: &Scenario) -> Vec<RunResult> {
    runs_n(scenario, REPLICATES)
}

fn runs_n(scenario: &Scenario, replicates: u32) -> Vec<RunResult> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run_replicate(scenario, r))
        .collect()
}

/// Per run: the world total of a counter over weeks `from..to`.
fn total(runs: &[RunResult], from: usize, to: usize, f: fn(&WeekCounters) -> u32) -> Vec<f64> {
    runs.iter()
        .map(|r| (from..to).map(|w| f(&r.world_week(w)) as f64).sum())
        .collect()
}

/// Per run: a counter summed over weeks `from..to` in one country.
fn in_country(runs: &[RunResult], country: usize, from: usize, to: usize) -> Vec<f64> {
    runs.iter()
        .map(|r| {
            (from..to)
                .map(|w| r.weeks[w][country].transit_flow as f64)
                .sum()
        })
        .collect()
}

fn per_run(runs: &[RunResult], f: impl Fn(&RunResult) -> Option<f64>) -> Vec<f64> {
    runs.iter().map(|r| f(r).unwrap_or(0.0)).collect()
}

#[test]
fn the_iceberg_and_the_funnel() {
    let baseline = runs(&world("", &[]));
    let iceberg = Estimate::of(&per_run(&baseline, |r| {
        r.summary.identified_per_exploited_year
    }));
    let funnel = Estimate::of(&per_run(&baseline, |r| {
        r.summary.convictions_per_identified
    }));
    let conviction = Estimate::of(&per_run(&baseline, |r| r.summary.conviction_rate));
    eprintln!("iceberg {iceberg:?}\nfunnel {funnel:?}\nconviction rate {conviction:?}");
    // Identified a year / victims in exploitation: 0.2-0.6 % in the world (MODEL.md §5); the
    // baseline's interval must reach into that range and stay below 1 %.
    assert!(iceberg.low() < 0.006 && iceberg.high() > 0.002 && iceberg.high() < 0.01);
    // Convictions are 4-9 % of identified victims; convictions per prosecution 0.35-0.8.
    assert!(funnel.low() < 0.09 && funnel.high() > 0.03);
    assert!(conviction.low() < 0.8 && conviction.high() > 0.35);
    // The funnel narrows: identified >> prosecuted >> convicted, in every run.
    for r in &baseline {
        let s = &r.summary;
        assert!(s.identified_total > 3 * s.prosecutions_total, "{s:?}");
        assert!(s.prosecutions_total >= s.convictions_total);
    }
}

#[test]
fn most_exits_are_not_through_enforcement() {
    for r in runs(&world("", &[])) {
        assert!(r.summary.escaped_total > 5 * r.summary.identified_police_total);
    }
}

#[test]
fn detection_follows_capacity_with_a_rebound() {
    let halved = "[[policy]]\nweek = 52\ntarget = \"all\"\nscale = { \"enforcement.resources\" = 0.5 }\n\
                  [[policy]]\nweek = 104\ntarget = \"all\"\nscale = { \"enforcement.resources\" = 2.0 }\n";
    // Four times the baseline world, four years and 80 replicates: a year's identifications
    // in the baseline (about 25) are too few to see a 10-30 % drop against the noise, and the
    // two arms' draws part ways at the cut, so pairing removes little of it (identifications
    // come in clusters, from the rescues after an arrest). The drop is about 8 % (seeds 1-4
    // at 40 replicates: 9.2, 7.3, 10.8 and 7.5 %), near the 5 % the test asks for: at 40
    // replicates one seed in a few falls below it by chance (4.1 % with the default seed).
    let sized = |timeline| enlarged(world(timeline, &["run.weeks=208"]), 4.0);
    let control = runs_n(&sized(""), 80);
    let cut = runs_n(&sized(halved), 80);
    let id = |w: &WeekCounters| w.identified_total;
    let during = Estimate::paired(&total(&control, 52, 104, id), &total(&cut, 52, 104, id));
    let after = Estimate::paired(&total(&control, 130, 182, id), &total(&cut, 130, 182, id));
    let level = Estimate::of(&total(&control, 52, 104, id)).mean;
    eprintln!("during {during:?}\nafter {after:?}\ncontrol level {level}");
    // A drop while resources are halved (the interval excludes zero), of roughly 10-30 %.
    assert!(during.high() < 0.0);
    let relative = -during.mean / level;
    assert!((0.05..0.4).contains(&relative), "relative drop {relative}");
    // Then a rebound: the gap after restoring resources is smaller than during the cut.
    assert!(after.mean > during.mean);
}

#[test]
fn corruption_lowers_convictions_and_raises_prevalence() {
    let clean = runs(&world("", &["all.corruption=0.1"]));
    let corrupt = runs(&world("", &["all.corruption=0.6"]));
    let prevalence = Estimate::paired(
        &per_run(&clean, |r| Some(r.summary.prevalence_mean)),
        &per_run(&corrupt, |r| Some(r.summary.prevalence_mean)),
    );
    let convictions = Estimate::paired(
        &per_run(&clean, |r| Some(r.summary.convictions_total as f64)),
        &per_run(&corrupt, |r| Some(r.summary.convictions_total as f64)),
    );
    eprintln!("prevalence {prevalence:?}\nconvictions {convictions:?}");
    assert!(prevalence.low() > 0.0);
    assert!(convictions.high() < 0.0);
    let pooled = |rs: &[RunResult]| {
        let c: u64 = rs.iter().map(|r| r.summary.convictions_total).sum();
        let p: u64 = rs.iter().map(|r| r.summary.prosecutions_total).sum();
        c as f64 / p as f64
    };
    assert!(pooled(&corrupt) < pooled(&clean));
}

const FULL_PALERMO_SET: &str = "all.law.offences=sexual,labour,child,debt_bondage,domestic_servitude,forced_criminality,organ_removal";

/// The baseline world with every cooperation level (default, blocs, pairs) at `level`, and
/// `sets` on top, over `replicates` replicates.
fn cooperation_at(level: &str, sets: &[&str], replicates: u32) -> Vec<RunResult> {
    let mut all = vec![
        format!("cooperation.default={level}"),
        format!("bloc.North.cooperation={level}"),
        format!("bloc.South.cooperation={level}"),
        format!("pair.Caldera.Borealis.cooperation={level}"),
        format!("pair.Estmark.Galvenia.cooperation={level}"),
    ];
    all.extend(sets.iter().map(|s| s.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    runs_n(&world("", &all), replicates)
}

/// Per replicate: what raising cooperation from 0.05 to 0.9 changes in a world with `sets`,
/// in cross-border convictions per 1,000 victims and in prevalence (one pair of arms for both).
/// Thirty replicates: the difference harmonized laws make to cross-border convictions is a
/// fraction of a conviction per 1,000 victims (about 0.3), against a paired sd of about 0.5.
fn cooperation_effect(sets: &[&str]) -> (Vec<f64>, Vec<f64>) {
    const REPLICATES: u32 = 30;
    let (low, high) = (
        cooperation_at("0.05", sets, REPLICATES),
        cooperation_at("0.9", sets, REPLICATES),
    );
    let change = |f: fn(&RunResult) -> f64| -> Vec<f64> {
        low.iter().zip(&high).map(|(l, h)| f(h) - f(l)).collect()
    };
    (change(cross_border_convictions), change(prevalence))
}

fn prevalence(r: &RunResult) -> f64 {
    r.summary.prevalence_mean
}

/// Cross-border convictions per 1,000 victims: relative to the volume of crime, which
/// cooperation itself lowers (deterrence), so that fewer cases do not hide better justice.
fn cross_border_convictions(r: &RunResult) -> f64 {
    1000.0 * r.summary.convictions_cross_border_total as f64 / r.summary.victims_total as f64
}

#[test]
fn cooperation_lowers_prevalence_and_jurisdiction_failures_more_with_harmonized_laws() {
    let failures = |rs: &[RunResult]| per_run(rs, |r| r.summary.jurisdiction_failure_share);
    let (low, high) = (
        cooperation_at("0.05", &[], REPLICATES),
        cooperation_at("0.9", &[], REPLICATES),
    );
    let effect = Estimate::paired(
        &per_run(&low, |r| Some(prevalence(r))),
        &per_run(&high, |r| Some(prevalence(r))),
    );
    let failure_effect = Estimate::paired(&failures(&low), &failures(&high));
    eprintln!("prevalence {effect:?}\nfailure share {failure_effect:?}");
    assert!(effect.high() < 0.0, "cooperation lowers prevalence");
    assert!(
        failure_effect.high() < 0.0,
        "and the share of jurisdiction failures"
    );
    let (low_h, high_h) = (
        cooperation_at("0.05", &[FULL_PALERMO_SET], REPLICATES),
        cooperation_at("0.9", &[FULL_PALERMO_SET], REPLICATES),
    );
    let failures_h = Estimate::of(&failures(&high_h));
    let failures_u = Estimate::of(&failures(&high));
    eprintln!(
        "failure share with cooperation: harmonized {failures_h:?} unharmonized {failures_u:?}"
    );
    // Harmonized laws remove the dual-criminality failures that cooperation cannot fix.
    assert!(failures_h.high() < failures_u.low());
    let extraditions = |rs: &[RunResult]| -> u64 {
        rs.iter()
            .map(|r| r.summary.extraditions_total + r.summary.arrests_total)
            .sum()
    };
    assert!(extraditions(&high_h) > extraditions(&low_h));
}

/// MODEL.md §5: raising cooperation raises cross-border convictions and lowers prevalence, and
/// the effect is stronger when laws are harmonized and corruption is low; corruption weakens
/// the value of cooperating. Each claim compares the effect of cooperation (0.05 -> 0.9, paired
/// by replicate) between two worlds.
#[test]
fn cooperation_works_better_with_harmonized_laws_and_low_corruption() {
    let (base_convictions, base_prevalence) = cooperation_effect(&[]);
    let (harmonized_convictions, harmonized_prevalence) = cooperation_effect(&[FULL_PALERMO_SET]);
    let (clean_convictions, clean_prevalence) = cooperation_effect(&["all.corruption=0.1"]);
    let (corrupt_convictions, corrupt_prevalence) = cooperation_effect(&["all.corruption=0.6"]);
    let (bc, hc) = (
        Estimate::of(&base_convictions),
        Estimate::of(&harmonized_convictions),
    );
    let (bp, hp) = (
        Estimate::of(&base_prevalence),
        Estimate::of(&harmonized_prevalence),
    );
    let (cc, kc) = (
        Estimate::of(&clean_convictions),
        Estimate::of(&corrupt_convictions),
    );
    let (cp, kp) = (
        Estimate::of(&clean_prevalence),
        Estimate::of(&corrupt_prevalence),
    );
    eprintln!("cross-border convictions: baseline laws {bc:?}\n  harmonized {hc:?}");
    eprintln!("  corruption 0.1 {cc:?}\n  corruption 0.6 {kc:?}");
    eprintln!("prevalence: baseline laws {bp:?}\n  harmonized {hp:?}");
    eprintln!("  corruption 0.1 {cp:?}\n  corruption 0.6 {kp:?}");
    // Cooperation raises cross-border convictions.
    assert!(bc.low() > 0.0);
    // Harmonized laws: more cross-border convictions and a larger fall in prevalence.
    let harmonized = Estimate::paired(&base_convictions, &harmonized_convictions);
    let harmonized_p = Estimate::paired(&base_prevalence, &harmonized_prevalence);
    eprintln!("harmonized minus baseline laws: {harmonized:?} {harmonized_p:?}");
    assert!(harmonized.low() > 0.0);
    assert!(harmonized_p.high() < 0.0);
    // Low corruption: the same; high corruption takes most of the value of cooperating.
    let clean = Estimate::paired(&corrupt_convictions, &clean_convictions);
    let clean_p = Estimate::paired(&corrupt_prevalence, &clean_prevalence);
    eprintln!("clean minus corrupt: {clean:?} {clean_p:?}");
    assert!(clean.low() > 0.0);
    assert!(clean_p.high() < 0.0);
    assert!(kc.mean < 0.25 * cc.mean);
}

/// A crackdown in the transit country Caldera from week 52, in the baseline world with
/// `sets`: per replicate, the change in the flow through Caldera and the change in the flow
/// through the other transit countries, Dravia and Estmark (weeks 104-520, against the same
/// world without the crackdown).
fn crackdown_in_caldera(sets: &[&str]) -> (Vec<f64>, Vec<f64>) {
    let crackdown = "[[policy]]\nweek = 52\ntarget = \"country.Caldera\"\n\
                     scale = { \"enforcement.resources\" = 2.0, \"enforcement.border_control\" = 6.0, corruption = 0.3 }\n";
    let control = runs(&world("", sets));
    let treated = runs(&world(crackdown, sets));
    let (caldera, dravia, estmark) = (3, 4, 5);
    let through = |rs: &[RunResult], c| in_country(rs, c, 104, 520);
    let change = |c| -> Vec<f64> {
        let (before, after) = (through(&control, c), through(&treated, c));
        before.iter().zip(&after).map(|(b, a)| a - b).collect()
    };
    let neighbours = change(dravia)
        .iter()
        .zip(change(estmark))
        .map(|(d, e)| d + e)
        .collect();
    (change(caldera), neighbours)
}

#[test]
fn a_transit_crackdown_displaces_part_of_the_flow() {
    let (lost, gained) = crackdown_in_caldera(&[]);
    let (lost, gained) = (Estimate::of(&lost), Estimate::of(&gained));
    eprintln!("Caldera {lost:?}\nneighbours {gained:?}");
    assert!(lost.high() < 0.0, "flow through Caldera falls");
    assert!(
        gained.low() > 0.0,
        "flow through the other transit countries rises"
    );
    assert!(gained.mean < -lost.mean, "but not all of it is diverted");
}

#[test]
fn cooperation_across_the_pair_reduces_the_diversion() {
    // Caldera cooperates closely with the neighbours the flow would go to: its enforcement
    // reaches into them (step 10), so less of the flow moves there.
    let (_, alone) = crackdown_in_caldera(&[]);
    let (lost, together) = crackdown_in_caldera(&[
        "pair.Caldera.Dravia.cooperation=0.9",
        "pair.Caldera.Estmark.cooperation=0.9",
    ]);
    let reduced = Estimate::paired(&alone, &together);
    let (lost, together) = (Estimate::of(&lost), Estimate::of(&together));
    eprintln!("cooperating: Caldera {lost:?}\nneighbours {together:?}\nless diverted {reduced:?}");
    assert!(lost.high() < 0.0, "the crackdown still cuts the flow");
    assert!(
        reduced.high() < 0.0,
        "less of it is diverted to the partners"
    );
}

#[test]
fn victim_support_raises_testimony_and_convictions_and_lowers_re_trafficking() {
    // Four times the baseline world and 30 replicates: the re-trafficking of identified
    // victims is counted in the hundreds per run, and support changes it by a few points.
    let weak = runs_n(&enlarged(world("", &["all.victim_support=0.1"]), 4.0), 30);
    let strong = runs_n(&enlarged(world("", &["all.victim_support=0.9"]), 4.0), 30);
    let testimony_share = |rs: &[RunResult]| {
        let t: u64 = rs
            .iter()
            .map(|r| {
                (0..r.weeks.len())
                    .map(|w| r.world_week(w).testimonies as u64)
                    .sum::<u64>()
            })
            .sum();
        let i: u64 = rs.iter().map(|r| r.summary.identified_total).sum();
        t as f64 / i as f64
    };
    assert!(testimony_share(&strong) > 2.0 * testimony_share(&weak));
    let convictions = Estimate::paired(
        &per_run(&weak, |r| Some(r.summary.convictions_total as f64)),
        &per_run(&strong, |r| Some(r.summary.convictions_total as f64)),
    );
    // Support protects the identified: their re-trafficking falls.
    let retrafficking = Estimate::paired(
        &per_run(&weak, |r| r.summary.re_trafficking_rate_identified),
        &per_run(&strong, |r| r.summary.re_trafficking_rate_identified),
    );
    eprintln!("convictions {convictions:?}\nre-trafficking {retrafficking:?}");
    assert!(convictions.low() > 0.0);
    assert!(retrafficking.high() < 0.0);
}

#[test]
fn labour_trafficking_is_under_enforced() {
    let baseline = runs(&world("", &[]));
    let pooled = |f: fn(&RunResult) -> (u64, u64)| {
        let (a, b) = baseline
            .iter()
            .map(f)
            .fold((0, 0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
        a as f64 / b as f64
    };
    let victims = pooled(|r| {
        let labour: u64 = (0..r.weeks.len())
            .map(|w| r.world_week(w).recruited_labour_forms as u64)
            .sum();
        (labour, r.summary.victims_total)
    });
    let convictions = pooled(|r| {
        let labour: u64 = (0..r.weeks.len())
            .map(|w| r.world_week(w).convictions_labour_forms as u64)
            .sum();
        (labour, r.summary.convictions_total)
    });
    let paired = Estimate::paired(
        &per_run(&baseline, |r| r.summary.labour_share_of_victims),
        &per_run(&baseline, |r| r.summary.labour_share_of_convictions),
    );
    eprintln!("labour share: victims {victims}, convictions {convictions}; paired {paired:?}");
    assert!(convictions < victims);
    assert!(paired.high() < 0.0);
}

/// MODEL.md §5, "networks recover", at the level of the world: a coordinated operation at week
/// 52 arrests nine in ten of the traffickers working in every country (`[[dismantle]]`). Active
/// traffickers and prevalence dip against the same world without it, then recover: the
/// networks left with a member refill their posts from their revenue, and the acquitted come
/// back after their trials (`trial_weeks`).
#[test]
fn networks_recover_from_a_dismantling() {
    let scenario = world("", &["run.weeks=208"]);
    let operation: String = scenario
        .countries
        .iter()
        .map(|c| {
            format!(
                "[[dismantle]]\ncountry = \"{}\"\nweek = 52\nshare = 0.9\n",
                c.name
            )
        })
        .collect();
    let control = runs(&scenario);
    let hit = runs(&world(&operation, &["run.weeks=208"]));
    // Per replicate: the mean gap (operation − control) over weeks `from..to`.
    let gap = |from: usize, to: usize, f: fn(&WeekCounters) -> u32| -> Vec<f64> {
        let weeks = (to - from) as f64;
        let (c, h) = (total(&control, from, to, f), total(&hit, from, to, f));
        c.iter().zip(&h).map(|(c, h)| (h - c) / weeks).collect()
    };
    let traffickers = |w: &WeekCounters| w.traffickers_active;
    let exploited = |w: &WeekCounters| w.exploited;
    let before = gap(26, 52, traffickers);
    let (dip, recovered) = (gap(53, 78, traffickers), gap(156, 208, traffickers));
    let (victims_dip, victims_after) = (gap(57, 104, exploited), gap(156, 208, exploited));
    let level = Estimate::of(&total(&control, 26, 52, traffickers)).mean / 26.0;
    let e = |x: &[f64]| Estimate::of(x);
    eprintln!(
        "active traffickers (control {level:.1}): before {:?}\n  dip {:?}\n  years 3-4 {:?}",
        e(&before),
        e(&dip),
        e(&recovered)
    );
    eprintln!(
        "victims in exploitation: dip {:?}\n  years 3-4 {:?}",
        e(&victims_dip),
        e(&victims_after)
    );
    // The same world until the operation (its stream draws nothing before).
    assert!(before.iter().all(|g| *g == 0.0));
    // A dip against the noise: a large share of the world's traffickers, and its victims.
    assert!(e(&dip).high() < 0.0 && -e(&dip).mean > 0.2 * level);
    assert!(e(&victims_dip).high() < 0.0);
    // Then recovery: the gap two years on is smaller than the dip, for both, and the
    // traffickers' is no longer distinguishable from zero or is above it (overshoot).
    assert!(Estimate::paired(&dip, &recovered).low() > 0.0);
    assert!(Estimate::paired(&victims_dip, &victims_after).low() > 0.0);
    assert!(e(&recovered).high() > 0.0);
}
