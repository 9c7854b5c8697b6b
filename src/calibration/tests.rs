//! The ABC-SMC engine against exact posteriors, and its bookkeeping.
//!
//! The toy model: the mean of n = 20 normal draws of sd σ = 2 around θ, drawn exactly as
//! θ + (σ/√n) z. Observing the mean ȳ, the exact posterior under a flat prior on [−10, 10]
//! is N(ȳ, σ²/n) (the truncation is more than 20 sd away), and under a N(0, 1) prior it is
//! N(ȳ/(1 + s²), s²/(1 + s²)) with s = σ/√n. The ABC posterior at scaled tolerance ε adds the
//! spread of a uniform of half-width ε s (variance ε² s²/3), under 1 % of the sd at the
//! ε ≈ 0.1–0.2 these fits end at; what is left is Monte Carlo error: with an ESS of several
//! hundred, the posterior mean's standard error is about s/√ESS ≈ 0.02 and the sd's relative
//! error about 1/√(2 ESS) ≈ 3 %. The tolerances below are 3–4 of those standard errors, so a
//! correct engine passes, and a wrong weight or kernel (which shifts or widens the posterior
//! by tens of percent) fails.

use std::num::NonZeroUsize;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::abc::{Fit, Observed, Prior, Settings, Simulate, Stop, ess, fit, resume};

const SIGMA: f64 = 2.0;
const N_DRAWS: f64 = 20.0;

fn s() -> f64 {
    SIGMA / N_DRAWS.sqrt()
}

/// The sample mean of the toy model, one statistic per parameter.
fn sample_mean(theta: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    theta
        .iter()
        .map(|t| {
            let z: f64 = StandardNormal.sample(&mut rng);
            t + s() * z
        })
        .collect()
}

fn settings(particles: usize, seed: u64) -> Settings {
    Settings {
        particles,
        alpha: 0.5,
        min_acceptance: 0.05,
        max_simulations: 200_000,
        max_generations: 30,
        min_batch: 16,
        seed,
    }
}

fn run(priors: &[Prior], observed: &[Observed], s: &Settings, threads: usize) -> Fit {
    let model: &Simulate<'_> = &sample_mean;
    fit(
        priors,
        observed,
        s,
        NonZeroUsize::new(threads),
        model,
        &mut |_| {},
    )
    .unwrap()
}

/// Weighted mean and sd of parameter `k` of the posterior.
fn moments(fit: &Fit, k: usize) -> (f64, f64) {
    let p = &fit.posterior().particles;
    let mean: f64 = p.iter().map(|q| q.weight * q.theta[k]).sum();
    let var: f64 = p
        .iter()
        .map(|q| q.weight * (q.theta[k] - mean).powi(2))
        .sum();
    (mean, var.sqrt())
}

#[test]
fn matches_the_exact_posterior_of_a_gaussian_mean() {
    let observed_mean = 1.3;
    let priors = [Prior::Uniform {
        low: -10.0,
        high: 10.0,
    }];
    let observed = [Observed::Value {
        value: observed_mean,
        sd: s(),
    }];
    let done = run(&priors, &observed, &settings(1000, 11), 2);
    let last = done.posterior();
    assert_eq!(done.stop, Stop::MinAcceptance);
    assert!(last.tolerance < 0.25, "tolerance {}", last.tolerance);
    assert!(last.ess > 300.0, "ESS {}", last.ess);
    let (mean, sd) = moments(&done, 0);
    assert!((mean - observed_mean).abs() < 0.06, "mean {mean}");
    assert!((sd / s() - 1.0).abs() < 0.10, "sd {sd} against {}", s());
    // Generation 0 is the prior: its sd is 20/√12 ≈ 5.8.
    assert!(done.generations.len() >= 5);
}

#[test]
fn matches_the_exact_posterior_under_a_normal_prior_in_two_dimensions() {
    // Two independent parameters, each with its own statistic: the 2-d kernel and the
    // prior's density in the weights both matter. Posterior of each: mean ȳ/(1 + s²), sd
    // s/√(1 + s²) under the N(0, 1) prior (s² = 0.2: mean ȳ/1.2, sd 0.408).
    let normal = Prior::Normal {
        mean: 0.0,
        sd: 1.0,
        low: -10.0,
        high: 10.0,
    };
    let ys = [1.0, -0.6];
    let observed = ys.map(|value| Observed::Value { value, sd: s() });
    // In two dimensions acceptance falls as ε², so the fit runs to a lower acceptance rate
    // to reach ε ≈ 0.3 (a disc of radius ε s widens each sd by about 0.15 ε², 1–2 %).
    let s2 = Settings {
        min_acceptance: 0.01,
        ..settings(1000, 3)
    };
    let done = run(&[normal, normal], &observed, &s2, 2);
    assert!(done.posterior().tolerance < 0.4);
    let exact_sd = s() / (1.0 + s() * s()).sqrt();
    for (k, y) in ys.iter().enumerate() {
        let (mean, sd) = moments(&done, k);
        let exact = y / (1.0 + s() * s());
        assert!(
            (mean - exact).abs() < 0.07,
            "mean {k}: {mean} against {exact}"
        );
        assert!(
            (sd / exact_sd - 1.0).abs() < 0.12,
            "sd {k}: {sd} against {exact_sd}"
        );
    }
}

#[test]
fn a_band_target_gives_the_prior_restricted_to_the_band() {
    // A statistic equal to θ, and a band [2, 3]: the posterior is U(2, 3) (mean 2.5, sd
    // 1/√12 ≈ 0.289), reached when every particle is inside (tolerance 0).
    let priors = [Prior::Uniform {
        low: 0.0,
        high: 10.0,
    }];
    let observed = [Observed::Band {
        low: 2.0,
        high: 3.0,
    }];
    let identity: &Simulate<'_> = &|theta: &[f64], _| theta.to_vec();
    let done = fit(
        &priors,
        &observed,
        &settings(2000, 5),
        NonZeroUsize::new(2),
        identity,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(done.stop, Stop::ZeroTolerance);
    let p = &done.posterior().particles;
    assert!(
        p.iter()
            .all(|q| (2.0..=3.0).contains(&q.theta[0]) && q.distance == 0.0)
    );
    let (mean, sd) = moments(&done, 0);
    assert!((mean - 2.5).abs() < 0.03, "mean {mean}");
    assert!((sd - 12f64.sqrt().recip()).abs() < 0.02, "sd {sd}");
}

#[test]
fn the_same_fit_whatever_the_thread_count() {
    let priors = [
        Prior::Uniform {
            low: -10.0,
            high: 10.0,
        },
        Prior::Uniform {
            low: -5.0,
            high: 5.0,
        },
    ];
    let observed = [
        Observed::Value {
            value: 0.5,
            sd: s(),
        },
        Observed::Band {
            low: -1.0,
            high: 1.0,
        },
    ];
    let s = Settings {
        max_generations: 6,
        ..settings(200, 9)
    };
    let one = run(&priors, &observed, &s, 1);
    assert_eq!(one, run(&priors, &observed, &s, 3));
    assert_eq!(one, run(&priors, &observed, &s, 8));
    assert_eq!(one.generations.len(), 6);
    assert_ne!(one, run(&priors, &observed, &settings(200, 10), 1));
}

/// A flat prior on [−10, 10] and an observed mean of 2.
fn flat_prior_mean_of_two() -> ([Prior; 1], [Observed; 1]) {
    let prior = Prior::Uniform {
        low: -10.0,
        high: 10.0,
    };
    (
        [prior],
        [Observed::Value {
            value: 2.0,
            sd: s(),
        }],
    )
}

#[test]
fn weights_sum_to_one_and_ess_is_their_inverse_square_sum() {
    assert!((ess([0.5, 0.25, 0.25].into_iter()) - 1.0 / 0.375).abs() < 1e-12);
    let (priors, observed) = flat_prior_mean_of_two();
    let done = run(&priors, &observed, &settings(300, 1), 2);
    for g in &done.generations {
        let total: f64 = g.particles.iter().map(|p| p.weight).sum();
        assert!(
            (total - 1.0).abs() < 1e-9,
            "generation {}: {total}",
            g.index
        );
        let squares: f64 = g.particles.iter().map(|p| p.weight * p.weight).sum();
        assert!((g.ess - 1.0 / squares).abs() < 1e-9);
        assert!(g.ess <= 300.0 + 1e-9 && g.ess >= 1.0);
        assert!(g.particles.iter().all(|p| p.distance <= g.tolerance));
        assert_eq!(g.acceptance, 300.0 / g.proposals as f64);
    }
    assert!((done.generations[0].ess - 300.0).abs() < 1e-9);
    // Tolerances shrink, and the simulations never pass the budget.
    let t: Vec<f64> = done.generations.iter().map(|g| g.tolerance).collect();
    assert!(t.windows(2).all(|w| w[1] <= w[0]), "{t:?}");
}

#[test]
fn the_budget_stops_the_fit_at_the_last_complete_generation() {
    let (priors, observed) = flat_prior_mean_of_two();
    let s = Settings {
        max_simulations: 1500,
        ..settings(300, 1)
    };
    let done = run(&priors, &observed, &s, 2);
    assert_eq!(done.stop, Stop::Budget);
    assert!(done.simulations <= 1500);
    // Too small a budget for generation 0 is refused.
    let tiny = Settings {
        max_simulations: 10,
        ..s
    };
    let model: &Simulate<'_> = &sample_mean;
    assert!(fit(&priors, &observed, &tiny, None, model, &mut |_| {}).is_err());
}

#[test]
fn a_resumed_fit_is_the_fit_that_never_stopped() {
    let (priors, observed) = flat_prior_mean_of_two();
    let whole = Settings {
        max_generations: 6,
        ..settings(200, 4)
    };
    let model: &Simulate<'_> = &sample_mean;
    let uninterrupted = run(&priors, &observed, &whole, 2);
    assert_eq!(uninterrupted.generations.len(), 6);
    for stopped_after in [1, 3] {
        let first = run(
            &priors,
            &observed,
            &Settings {
                max_generations: stopped_after,
                ..whole
            },
            3,
        );
        let mut seen = Vec::new();
        let resumed = resume(
            &priors,
            &observed,
            &whole,
            NonZeroUsize::new(1),
            first.generations,
            model,
            &mut |g| seen.push(g.index),
        )
        .unwrap();
        assert_eq!(resumed, uninterrupted, "stopped after {stopped_after}");
        // Only the new generations are reported.
        assert_eq!(seen, (stopped_after..6).collect::<Vec<_>>());
    }
    // Generations of another shape are refused.
    let mut wrong = uninterrupted.generations.clone();
    wrong[1].particles.pop();
    let refused = resume(&priors, &observed, &whole, None, wrong, model, &mut |_| {});
    assert!(matches!(refused, Err(super::abc::AbcError::Resume(_))));
}

#[test]
fn a_fit_resumed_with_less_budget_than_it_spent_stops_at_once() {
    // `--max-runs` may be given lower on resume than what the stopped fit already ran: the
    // budget is then spent, and the fit is the generations it had, not an overflow.
    let (priors, observed) = flat_prior_mean_of_two();
    let whole = settings(200, 4);
    let first = run(
        &priors,
        &observed,
        &Settings {
            max_generations: 3,
            ..whole
        },
        2,
    );
    let spent = first.posterior().simulations;
    let model: &Simulate<'_> = &sample_mean;
    let resumed = resume(
        &priors,
        &observed,
        &Settings {
            max_simulations: spent - 1,
            ..whole
        },
        NonZeroUsize::new(1),
        first.generations.clone(),
        model,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(resumed.stop, Stop::Budget);
    assert_eq!(resumed.generations, first.generations);
    assert_eq!(resumed.simulations, spent);
}

#[test]
fn a_fit_of_no_generation_is_refused() {
    // `max_generations` counts generation 0: a cap of 0 cannot be met (a fit always makes
    // generation 0, its posterior), so it is refused rather than quietly taken as 1.
    let (priors, observed) = flat_prior_mean_of_two();
    let none = Settings {
        max_generations: 0,
        ..settings(100, 1)
    };
    let model: &Simulate<'_> = &sample_mean;
    let refused = fit(&priors, &observed, &none, None, model, &mut |_| {});
    assert!(
        matches!(refused, Err(super::abc::AbcError::Settings(_))),
        "{:?}",
        refused.map(|f| f.generations.len())
    );
}
