//! The bootstrap behind the confidence intervals of sensitivity indices, as SALib computes
//! them: the estimator is evaluated again on `count` resamples (rows drawn with replacement:
//! a Saltelli design's base rows, a Morris design's trajectories), and the 95 % interval is
//! `estimate ∓ z × sd`, with `z = Φ⁻¹(0.975)` and `sd` the sample standard deviation
//! (`n − 1`) of the resampled estimates. This normal-approximation interval is SALib's
//! (`S1_conf`, `ST_conf`, `mu_star_conf` are its half-widths), so the two can be compared.
//!
//! Resample `k` draws its rows from `rng::bootstrap(seed, k)`, so the intervals are a pure
//! function of the sweep's seed and its outputs, and a resample can be drawn again for each
//! outcome instead of being kept (a large design's resamples would not fit in memory).

use rand::Rng;

use crate::rng;

/// `Φ⁻¹(0.975)`, the two-sided 95 % quantile of the standard normal (SALib's
/// `norm.ppf(0.5 + 0.95 / 2)`).
pub const Z_975: f64 = 1.959_963_984_540_054;

/// How a sweep's indices are resampled: how many times, from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resamples {
    pub seed: u64,
    pub count: usize,
}

impl Resamples {
    /// Fills `rows` with resample `k` of `0..n`: `n` rows drawn uniformly with replacement.
    pub fn draw(&self, k: usize, n: usize, rows: &mut Vec<usize>) {
        let mut rng = rng::bootstrap(self.seed, k as u64);
        rows.clear();
        rows.extend((0..n).map(|_| rng.random_range(0..n)));
    }
}

/// A sensitivity index and its bootstrap 95 % confidence interval; `ci` is `None` when
/// fewer than two resamples define the index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Index {
    pub value: f64,
    pub ci: Option<(f64, f64)>,
}

impl Index {
    /// The estimate `value` with the interval `value ∓ z × sd(resampled)`.
    pub fn with_bootstrap(value: f64, resampled: &[f64]) -> Index {
        let ci = sample_sd(resampled).map(|sd| (value - Z_975 * sd, value + Z_975 * sd));
        Index { value, ci }
    }

    /// The half-width of the interval (SALib's `_conf`).
    pub fn half_width(&self) -> Option<f64> {
        self.ci.map(|(low, high)| (high - low) / 2.0)
    }
}

/// The sample standard deviation (`n − 1`), `None` below two values.
pub fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
    Some((ss / (n - 1.0)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resamples_are_pure_functions_of_seed_and_number() {
        let r = Resamples { seed: 7, count: 3 };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        r.draw(1, 50, &mut a);
        r.draw(1, 50, &mut b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 50);
        assert!(a.iter().all(|&i| i < 50));
        r.draw(2, 50, &mut b);
        assert_ne!(a, b, "resamples differ");
        Resamples { seed: 8, count: 3 }.draw(1, 50, &mut b);
        assert_ne!(a, b, "seeds differ");
        // With replacement: 50 draws from 50 rows repeat some (all distinct has odds 50!/50^50).
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert!(sorted.len() < 50);
    }

    #[test]
    fn the_interval_is_z_times_the_resampled_sd() {
        let index = Index::with_bootstrap(0.5, &[0.4, 0.6]);
        let sd = 0.02f64.sqrt(); // ((0.1² + 0.1²) / (2 − 1))^½
        let (low, high) = index.ci.unwrap();
        assert!((high - 0.5 - Z_975 * sd).abs() < 1e-12);
        assert!((0.5 - low - Z_975 * sd).abs() < 1e-12);
        assert!((index.half_width().unwrap() - Z_975 * sd).abs() < 1e-12);
        assert_eq!(Index::with_bootstrap(0.5, &[0.4]).ci, None);
        assert_eq!(sample_sd(&[]), None);
        assert_eq!(sample_sd(&[2.0, 2.0, 2.0]), Some(0.0));
    }
}
