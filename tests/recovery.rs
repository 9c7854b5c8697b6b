//! Parameter recovery on palermo itself: synthetic targets made from known parameter values
//! (run with seeds the fit does not use) and fitted by the library's [`calibrate`]; the known
//! values must lie inside the reported 90 % intervals (`docs/VALIDATION.md` § Parameter
//! recovery). A test binary of its own, because the coverage study prints its table.
//!
//! The world is the tiny one of the command-line tests (three countries, about 1,450 at-risk
//! persons), run for two years with two replicates a particle. Two parameters, each with a
//! statistic that carries its signal: `model.escape_rate` (escapes per victim-year) and
//! `model.accept_max` (victims per 100,000 at-risk persons, which follows recruitment). Each
//! synthetic figure is a zero-width band at the statistic's value, so the distance is scaled
//! per statistic by the median absolute deviation of generation 0, as for a band target.
//!
//! - `a_known_pair_is_recovered` runs in CI (a fixed truth and seeds, so it is deterministic):
//!   both values inside their 90 % intervals, and each interval contracted (a posterior that
//!   stayed the prior would contain any truth and prove nothing).
//! - `coverage_study` is the larger study, ignored by default: 40 truths drawn from the prior,
//!   each fitted; the share of truths inside their 90 % intervals, per parameter, against the
//!   binomial range of a calibrated posterior. Run it with
//!   `cargo test --test recovery -- --ignored --nocapture`.
//!   Truths drawn from the prior are what makes coverage a test of the posterior: averaged
//!   over the prior, a correct posterior's 90 % intervals hold the truth 90 % of the time. An
//!   ABC posterior at a tolerance above 0 is somewhat wider than the exact one, so its
//!   coverage may be above 90 %; below the binomial range would mean overconfident intervals.

use std::num::NonZeroUsize;
use std::path::Path;

use rand::{Rng, SeedableRng};

use palermo::calibration::abc::Settings;
use palermo::calibration::model::{Calibration, Free, Problem, calibrate, particle_statistics};
use palermo::scenario::{Override, Scenario};
use palermo::validation::{Expected, Role, Targets};

const TARGETS: &str = r#"
schema = 1

[[target]]
name = "escapes_per_victim_year"
ratio = ["escaped", "exploited"]
scale = 52
band = [0, 1000]
role = "calibrate"
source = "synthetic: the model at known parameter values"
year = "2026"

[[target]]
name = "victims_per_100k"
statistic = "victims_per_100k"
band = [0, 1000000]
role = "calibrate"
source = "synthetic: the model at known parameter values"
year = "2026"
"#;

/// The tiny world, two years, two replicates a particle.
fn world() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/tiny.toml");
    let sets = ["run.weeks=104", "run.replicates=2"].map(|s| Override::parse(s).unwrap());
    palermo::scenario::load(&path, &sets).unwrap()
}

fn free() -> Vec<Free> {
    ["model.escape_rate=0.002..0.03", "model.accept_max=0.1..0.9"]
        .map(|s| Free::parse(s).unwrap())
        .to_vec()
}

/// Fits the free parameters to the statistics the world gives at `truth` with seed
/// `observation_seed` (the fit's own seeds are drawn from `settings.seed`).
fn recover(truth: &[f64], observation_seed: u64, settings: &Settings) -> Calibration {
    let scenario = world();
    let mut targets = Targets::parse(TARGETS, "recovery targets").unwrap();
    let resolved = targets.resolve(&scenario).unwrap();
    let free = free();
    for f in &free {
        f.check(&scenario).unwrap();
    }
    let observed = particle_statistics(
        &scenario,
        &targets.targets,
        &resolved,
        &free,
        truth,
        observation_seed,
    );
    for (t, x) in targets.targets.iter_mut().zip(&observed) {
        assert!(x.is_finite(), "{}: {x} at {truth:?}", t.name);
        assert_eq!(t.role, Role::Calibrate);
        t.expected = Expected::Band { low: *x, high: *x };
    }
    let problem = Problem {
        scenario: &scenario,
        targets: &targets.targets,
        resolved: &resolved,
        free: &free,
    };
    calibrate(
        &problem,
        settings,
        NonZeroUsize::new(2),
        Vec::new(),
        &mut |_| {},
    )
    .unwrap()
}

fn settings(particles: usize, seed: u64) -> Settings {
    Settings {
        particles,
        alpha: 0.5,
        min_acceptance: 0.1,
        max_simulations: 40 * particles as u64,
        max_generations: 10,
        min_batch: 16,
        seed,
    }
}

#[test]
fn a_known_pair_is_recovered() {
    let truth = [0.012, 0.45];
    let fit = recover(&truth, 1_000_003, &settings(60, 17));
    for ((f, p), x) in fit.free.iter().zip(fit.parameters()).zip(truth) {
        assert!(
            p.low <= x && x <= p.high,
            "{}: {x} outside its 90 % interval [{}, {}]",
            f.path,
            p.low,
            p.high
        );
        assert!(
            p.identifiable,
            "{}: contraction {} (the targets should pin it)",
            f.path, p.contraction
        );
    }
}

/// The two-sided 95 % range of a binomial(n, p) count, by its exact distribution.
fn binomial_range(n: u64, p: f64) -> (u64, u64) {
    let pmf = |k: u64| {
        let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
        (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
    };
    let (mut low, mut below) = (0, 0.0);
    while below + pmf(low) < 0.025 {
        below += pmf(low);
        low += 1;
    }
    let (mut high, mut above) = (n, 0.0);
    while above + pmf(high) < 0.025 {
        above += pmf(high);
        high -= 1;
    }
    (low, high)
}

#[test]
fn the_binomial_range_is_exact() {
    // Binomial(40, 0.9): P(X ≤ 31) ≈ 0.0155 < 0.025 < P(X ≤ 32) ≈ 0.042; the upper tail
    // P(X = 40) ≈ 0.0148 < 0.025 < P(X ≥ 39) ≈ 0.080.
    assert_eq!(binomial_range(40, 0.9), (32, 39));
}

#[test]
#[ignore = "a coverage study of 40 fits: minutes on a few cores (docs/VALIDATION.md)"]
fn coverage_study() {
    const TRUTHS: u64 = 40;
    let free = free();
    let mut inside = vec![0u64; free.len()];
    let mut contraction = vec![0.0; free.len()];
    let mut draw = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    for i in 0..TRUTHS {
        let truth: Vec<f64> = free
            .iter()
            .map(|f| {
                let (low, high) = f.prior.bounds();
                low + (high - low) * draw.random::<f64>()
            })
            .collect();
        let fit = recover(&truth, 5_000_000 + i, &settings(100, 100 + i));
        let mut line = format!("truth {i:2}:");
        for (k, p) in fit.parameters().iter().enumerate() {
            let hit = p.low <= truth[k] && truth[k] <= p.high;
            inside[k] += u64::from(hit);
            contraction[k] += p.contraction / TRUTHS as f64;
            line += &format!(
                "  {} {:.5} in [{:.5}, {:.5}] {}",
                free[k].path,
                truth[k],
                p.low,
                p.high,
                if hit { "yes" } else { "NO" }
            );
        }
        println!("{line}");
    }
    let (low, high) = binomial_range(TRUTHS, 0.9);
    for (k, f) in free.iter().enumerate() {
        println!(
            "{}: {}/{TRUTHS} inside their 90 % intervals (binomial 95 % range {low}–{high}); mean contraction {:.3}",
            f.path, inside[k], contraction[k]
        );
    }
    for (k, f) in free.iter().enumerate() {
        assert!(
            inside[k] >= low,
            "{}: {}/{TRUTHS} inside, below the binomial range: the intervals are too narrow",
            f.path,
            inside[k]
        );
    }
}
