//! First-order and total Sobol' indices from the outputs of a Saltelli design, with the
//! estimators of SALib's `sobol.analyze`, so that palermo's indices and SALib's agree on the
//! same `points.csv`.
//!
//! The design (`sweep::design`) has `N` base rows of `2D + 2` points each, in SALib's
//! order: `A`, `AB_1..AB_D` (A with column j from B), `BA_1..BA_D`, `B`. With `f(·)` the
//! outputs centred on their mean over every point (SALib centres them too: the first-order
//! estimator is not invariant to a shift of the output), and `V` the variance (divisor
//! `2N`) of the `2N` outputs of A and B:
//!
//! - first order (Saltelli et al. 2010, table 2 (b)):
//!   `S1_j = mean_i[ f(B_i) × (f(AB_j,i) − f(A_i)) ] / V`;
//! - total (Jansen 1999, as Saltelli et al. 2010, table 2 (f)):
//!   `ST_j = mean_i[ (f(A_i) − f(AB_j,i))² ] / (2V)`.
//!
//! The `BA_j` points serve SALib's second-order indices, which palermo does not compute.
//! Confidence intervals resample the `N` base rows (`bootstrap`); the variance `V` is
//! recomputed in each resample, the centring is not (as SALib).
//!
//! The indices are undefined (`None`) when an output is missing (not finite) or the outputs
//! of A and B do not vary: SALib would divide by zero there (it writes 0 and warns).

use super::bootstrap::{Index, Resamples};

/// The Sobol' indices of one parameter for one output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SobolIndices {
    /// `S1`: the share of the output's variance due to this parameter alone.
    pub first: Index,
    /// `ST`: the share due to this parameter, alone or with others.
    pub total: Index,
}

/// The centred outputs of a Saltelli design, by matrix: `a[i]`, `b[i]`, `ab[j][i]`.
struct Columns {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
}

impl Columns {
    fn new(y: &[f64], d: usize) -> Columns {
        let block = 2 * d + 2;
        let n = y.len() / block;
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        let column = |offset: usize| (0..n).map(|i| y[i * block + offset] - mean).collect();
        Columns {
            a: column(0),
            b: column(block - 1),
            ab: (0..d).map(|j| column(1 + j)).collect(),
        }
    }

    /// `(S1_j, ST_j)` for every parameter over the base rows `rows` (repeats allowed);
    /// `None` where the outputs of A and B in those rows do not vary.
    fn estimate(&self, rows: &[usize]) -> Option<Vec<(f64, f64)>> {
        let (a, b) = (&self.a, &self.b);
        let values = || rows.iter().flat_map(|&i| [a[i], b[i]]);
        let (min, max) = values().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
        if min >= max {
            return None;
        }
        let count = 2.0 * rows.len() as f64;
        let mean = values().sum::<f64>() / count;
        let variance = values().map(|y| (y - mean).powi(2)).sum::<f64>() / count;
        let n = rows.len() as f64;
        let indices = self
            .ab
            .iter()
            .map(|ab| {
                let (mut first, mut total) = (0.0, 0.0);
                for &i in rows {
                    first += b[i] * (ab[i] - a[i]);
                    total += (a[i] - ab[i]).powi(2);
                }
                (first / n / variance, total / n / (2.0 * variance))
            })
            .collect();
        Some(indices)
    }
}

/// The indices of each of `d` parameters from the outputs `y` of a Saltelli design, in
/// design order (`N × (2d + 2)` values), with bootstrap intervals over `resamples`. `None`
/// when the indices are undefined: an output missing (not finite), outputs that do not
/// vary, or a length that is not a whole number of base rows.
pub fn indices(y: &[f64], d: usize, resamples: &Resamples) -> Option<Vec<SobolIndices>> {
    let block = 2 * d + 2;
    if d == 0 || y.is_empty() || !y.len().is_multiple_of(block) || !y.iter().all(|v| v.is_finite())
    {
        return None;
    }
    let columns = Columns::new(y, d);
    let n = y.len() / block;
    let all: Vec<usize> = (0..n).collect();
    let estimates = columns.estimate(&all)?;

    // Resampled estimates, per parameter; a resample whose outputs do not vary defines no
    // index and is left out.
    let mut first: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples.count); d];
    let mut total = first.clone();
    let mut rows = Vec::with_capacity(n);
    // One base row has nothing to resample: no interval.
    let count = if n < 2 { 0 } else { resamples.count };
    for k in 0..count {
        resamples.draw(k, n, &mut rows);
        for (j, (s1, st)) in columns.estimate(&rows).into_iter().flatten().enumerate() {
            first[j].push(s1);
            total[j].push(st);
        }
    }
    Some(
        estimates
            .iter()
            .enumerate()
            .map(|(j, &(s1, st))| SobolIndices {
                first: Index::with_bootstrap(s1, &first[j]),
                total: Index::with_bootstrap(st, &total[j]),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::design::saltelli_unit;
    use std::f64::consts::PI;

    const RESAMPLES: Resamples = Resamples {
        seed: 2024,
        count: 1000,
    };

    /// The Ishigami function on `[−π, π]³`, from unit coordinates.
    fn ishigami(u: &[f64], a: f64, b: f64) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Its analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999): `(S1, ST)`.
    fn ishigami_indices(a: f64, b: f64) -> [(f64, f64); 3] {
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
        let v = v1 + v2 + v13;
        [(v1 / v, (v1 + v13) / v), (v2 / v, v2 / v), (0.0, v13 / v)]
    }

    fn outputs(n: usize, seed: u64, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        let mut rng = crate::rng::design(seed);
        saltelli_unit(n, 3, &mut rng).iter().map(|u| f(u)).collect()
    }

    #[test]
    fn ishigami_indices_on_palermos_own_design() {
        let (a, b) = (7.0, 0.1);
        let exact = ishigami_indices(a, b);
        // The textbook values, to the digits usually quoted.
        let rounded: Vec<f64> = exact
            .iter()
            .flat_map(|&(s1, st)| [s1, st])
            .map(|x| (x * 1e4).round() / 1e4)
            .collect();
        assert_eq!(rounded, [0.3139, 0.5576, 0.4424, 0.4424, 0.0, 0.2437]);

        let y = outputs(8192, 11, |u| ishigami(u, a, b));
        let got = indices(&y, 3, &RESAMPLES).unwrap();
        for (j, (g, &(s1, st))) in got.iter().zip(&exact).enumerate() {
            for (name, index, truth) in [("S1", g.first, s1), ("ST", g.total, st)] {
                let (low, high) = index.ci.unwrap();
                assert!(
                    low <= truth && truth <= high,
                    "{name}_{j}: {truth} outside [{low}, {high}] (estimate {})",
                    index.value
                );
                assert!(
                    (index.value - truth).abs() < 0.03,
                    "{name}_{j}: {} vs {truth}",
                    index.value
                );
                assert!(high - low < 0.1, "{name}_{j}: a useful interval");
            }
        }
    }

    #[test]
    fn additive_model_has_first_order_equal_to_total() {
        // y = 4 u0 + 2 u1 + 0 u2: V_j ∝ c_j², no interactions, so S1 = ST = c_j² / Σ c².
        let y = outputs(4096, 5, |u| 4.0 * u[0] + 2.0 * u[1]);
        let got = indices(&y, 3, &RESAMPLES).unwrap();
        for (g, share) in got.iter().zip([16.0 / 20.0, 4.0 / 20.0, 0.0]) {
            assert!((g.first.value - share).abs() < 0.03, "{g:?}");
            assert!((g.total.value - share).abs() < 0.03, "{g:?}");
        }
        // A parameter with no effect: AB_3 = A exactly, so ST is exactly 0 with no spread.
        assert_eq!(got[2].total.value, 0.0);
        assert_eq!(got[2].total.ci, Some((0.0, 0.0)));
    }

    #[test]
    fn estimators_match_salib_on_a_small_sample() {
        // Outputs of two base rows of a D = 2 design, and SALib 1.6.0's answer:
        // sobol.analyze(problem, Y, calc_second_order=True)['S1'], ['ST'] (the estimates do
        // not depend on its random resamples).
        let y = [
            1.0, 2.0, 4.0, 3.0, 5.0, 2.5, //
            0.5, 1.5, 0.0, 2.0, 3.5, 4.5,
        ];
        let got = indices(&y, 2, &RESAMPLES).unwrap();
        let salib_s1 = [0.430_107_526_881_720_4, -0.184_946_236_559_139_78];
        let salib_st = [0.206_451_612_903_225_8, 0.954_838_709_677_419_1];
        for j in 0..2 {
            assert!((got[j].first.value - salib_s1[j]).abs() < 1e-12, "{got:?}");
            assert!((got[j].total.value - salib_st[j]).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn undefined_indices_are_none_not_nan() {
        // Constant outputs, a missing output, a length that is no whole design, no parameter.
        assert_eq!(indices(&[3.0; 16], 3, &RESAMPLES), None);
        let mut y = outputs(4, 1, |u| u[0]);
        y[5] = f64::NAN;
        assert_eq!(indices(&y, 3, &RESAMPLES), None);
        assert_eq!(indices(&[1.0, 2.0, 3.0], 3, &RESAMPLES), None);
        assert_eq!(indices(&[], 3, &RESAMPLES), None);
        assert_eq!(indices(&[1.0, 2.0], 0, &RESAMPLES), None);
        // One base row: an estimate, but nothing to resample, so no interval.
        let one = indices(&outputs(1, 2, |u| u[0] + u[1]), 3, &RESAMPLES).unwrap();
        assert!(
            one.iter()
                .all(|i| i.first.value.is_finite() && i.first.ci.is_none())
        );
    }

    #[test]
    fn the_intervals_are_a_pure_function_of_the_seed() {
        let y = outputs(64, 3, |u| ishigami(u, 7.0, 0.1));
        let a = indices(&y, 3, &RESAMPLES);
        assert_eq!(a, indices(&y, 3, &RESAMPLES));
        let other = Resamples {
            seed: 1,
            ..RESAMPLES
        };
        let b = indices(&y, 3, &other).unwrap();
        let a = a.unwrap();
        assert_eq!(
            a[0].first.value, b[0].first.value,
            "the estimate is not resampled"
        );
        assert_ne!(a[0].first.ci, b[0].first.ci);
    }
}
