//! Morris's elementary effects and their statistics, as SALib's `morris.analyze` computes
//! them (unscaled), so that palermo's μ* and SALib's agree on the same `points.csv`.
//!
//! A design of `r` trajectories of `D + 1` points moves one parameter per step
//! (`sweep::design`). The elementary effect of the parameter that moves is
//! `EE = (y(upper) − y(lower)) / Δ`, with `Δ = p / (2 (p − 1))` the step in units of the
//! parameter's range (`p` the levels): the change of the output from the lower of the two
//! points to the upper one, per whole range of the parameter. For `y = c × x` on
//! `[from, to]`, every effect is `c × (to − from)`. Over the `r` effects of each parameter:
//!
//! - `μ* = mean |EE|` (Campolongo et al. 2007): how much the parameter matters;
//! - `μ = mean EE`: its direction, when effects do not cancel;
//! - `σ = sd EE` (`r − 1`): how much its effect depends on where the others are
//!   (interactions, non-linearity).
//!
//! Intervals resample the `r` trajectories (`bootstrap`), for μ* as SALib does and for σ the
//! same way. The indices are undefined (`None`) when an output is missing (not finite).

use super::bootstrap::{Index, Resamples, sample_sd};

/// The Morris statistics of one parameter for one output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MorrisIndices {
    pub mu_star: Index,
    /// `None` with a single trajectory.
    pub sigma: Option<Index>,
    pub mu: f64,
}

/// The elementary effects, `ee[j][t]` for parameter `j` in trajectory `t`, from the points
/// `x` (one row of parameter values per point) and outputs `y` in design order. As in
/// SALib, the direction of a step is read from the values (up where the value grows), and a
/// parameter whose values never change in a trajectory has an effect of 0 there.
fn elementary_effects(x: &[Vec<f64>], y: &[f64], d: usize, delta: f64) -> Vec<Vec<f64>> {
    let r = y.len() / (d + 1);
    let mut ee = vec![vec![0.0; r]; d];
    for t in 0..r {
        let first = t * (d + 1);
        for s in first..first + d {
            for (j, effects) in ee.iter_mut().enumerate() {
                let dx = x[s + 1][j] - x[s][j];
                if dx > 0.0 {
                    effects[t] = (y[s + 1] - y[s]) / delta;
                } else if dx < 0.0 {
                    effects[t] = (y[s] - y[s + 1]) / delta;
                }
            }
        }
    }
    ee
}

fn mean(xs: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = xs.len() as f64;
    xs.sum::<f64>() / n
}

/// The statistics of each parameter from the points `x` and outputs `y` of a Morris design
/// of `levels` levels, in design order, with bootstrap intervals over `resamples`. `None`
/// when an output is missing (not finite), or the sizes are not a whole number of
/// trajectories of `D + 1` points.
pub fn indices(
    x: &[Vec<f64>],
    y: &[f64],
    levels: u32,
    resamples: &Resamples,
) -> Option<Vec<MorrisIndices>> {
    let d = x.first().map_or(0, Vec::len);
    if d == 0
        || y.is_empty()
        || x.len() != y.len()
        || !y.len().is_multiple_of(d + 1)
        || levels < 2
        || x.iter().any(|row| row.len() != d)
        || !y.iter().all(|v| v.is_finite())
    {
        return None;
    }
    let delta = f64::from(levels) / (2.0 * f64::from(levels - 1));
    let ee = elementary_effects(x, y, d, delta);
    let r = y.len() / (d + 1);

    let mut mu_star_resampled = vec![Vec::with_capacity(resamples.count); d];
    let mut sigma_resampled = vec![Vec::with_capacity(resamples.count); d];
    let mut rows = Vec::with_capacity(r);
    let mut picked = Vec::with_capacity(r);
    // One trajectory has nothing to resample: no interval.
    let count = if r < 2 { 0 } else { resamples.count };
    for k in 0..count {
        resamples.draw(k, r, &mut rows);
        for j in 0..d {
            picked.clear();
            picked.extend(rows.iter().map(|&t| ee[j][t]));
            mu_star_resampled[j].push(mean(picked.iter().map(|e| e.abs())));
            if let Some(sd) = sample_sd(&picked) {
                sigma_resampled[j].push(sd);
            }
        }
    }
    Some(
        ee.iter()
            .enumerate()
            .map(|(j, effects)| MorrisIndices {
                mu_star: Index::with_bootstrap(
                    mean(effects.iter().map(|e| e.abs())),
                    &mu_star_resampled[j],
                ),
                sigma: sample_sd(effects).map(|sd| Index::with_bootstrap(sd, &sigma_resampled[j])),
                mu: mean(effects.iter().copied()),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::design::morris_levels;

    const RESAMPLES: Resamples = Resamples {
        seed: 99,
        count: 1000,
    };

    /// A Morris design of `r` trajectories on `[from_j, to_j]`, as `sweep::design` scales it.
    fn design(r: usize, ranges: &[(f64, f64)], levels: u32, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = crate::rng::design(seed);
        morris_levels(r, ranges.len(), levels, &mut rng)
            .iter()
            .map(|row| {
                row.iter()
                    .zip(ranges)
                    .map(|(&l, &(from, to))| {
                        from + (to - from) * f64::from(l) / f64::from(levels - 1)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_linear_model_has_mu_star_equal_to_its_slope_times_the_range() {
        let ranges = [(0.0, 0.6), (2.0, 8.0), (10.0, 20.0)];
        let coefficients = [5.0, -0.5, 0.0];
        let x = design(12, &ranges, 4, 3);
        let y: Vec<f64> = x
            .iter()
            .map(|p| p.iter().zip(coefficients).map(|(x, c)| c * x).sum::<f64>() + 7.0)
            .collect();
        let got = indices(&x, &y, 4, &RESAMPLES).unwrap();
        for ((g, c), (from, to)) in got.iter().zip(coefficients).zip(ranges) {
            let expected = c * (to - from);
            assert!((g.mu_star.value - expected.abs()).abs() < 1e-9, "{g:?}");
            assert!((g.mu - expected).abs() < 1e-9, "{g:?}");
            // Every effect is the same: no spread, and an interval of zero width.
            let sigma = g.sigma.unwrap();
            assert!(sigma.value.abs() < 1e-9, "{g:?}");
            let (low, high) = g.mu_star.ci.unwrap();
            assert!((high - low).abs() < 1e-9, "{g:?}");
        }
    }

    #[test]
    fn an_interaction_shows_in_sigma_and_cancelling_effects_in_mu() {
        // y = x0 × x1 on [−1, 1]²: the effect of x0 is 2 × x1 (× range 2 / 2), its sign
        // depends on x1, so μ is near 0 while μ* and σ are not.
        let x = design(200, &[(-1.0, 1.0), (-1.0, 1.0)], 4, 8);
        let y: Vec<f64> = x.iter().map(|p| p[0] * p[1]).collect();
        let got = indices(&x, &y, 4, &RESAMPLES).unwrap();
        for g in &got {
            assert!(g.mu_star.value > 0.5, "{g:?}");
            assert!(g.mu.abs() < 0.4 * g.mu_star.value, "{g:?}");
            let sigma = g.sigma.unwrap();
            assert!(sigma.value > 0.5, "{g:?}");
            let (low, high) = g.mu_star.ci.unwrap();
            assert!(low < g.mu_star.value && g.mu_star.value < high);
        }
    }

    #[test]
    fn effects_match_salib_on_a_small_design() {
        // Two trajectories of a D = 2 design with 4 levels, and SALib 1.6.0's answer:
        // morris.analyze(problem, X, Y, num_levels=4) ['mu_star'], ['mu'], ['sigma'].
        let x = vec![
            vec![0.0, 1.0 / 3.0],
            vec![2.0 / 3.0, 1.0 / 3.0],
            vec![2.0 / 3.0, 1.0],
            vec![1.0, 2.0 / 3.0],
            vec![1.0, 0.0],
            vec![1.0 / 3.0, 0.0],
        ];
        let y = [1.0, 3.0, 2.5, 4.0, 6.0, 5.0];
        let got = indices(&x, &y, 4, &RESAMPLES).unwrap();
        let salib_mu_star = [2.25, 1.875];
        let salib_mu = [2.25, -1.875];
        let salib_sigma = [1.060_660_171_779_821_2, 1.590_990_257_669_732];
        for j in 0..2 {
            assert!(
                (got[j].mu_star.value - salib_mu_star[j]).abs() < 1e-12,
                "{got:?}"
            );
            assert!((got[j].mu - salib_mu[j]).abs() < 1e-12, "{got:?}");
            assert!((got[j].sigma.unwrap().value - salib_sigma[j]).abs() < 1e-12);
        }
    }

    #[test]
    fn undefined_indices_are_none_not_nan() {
        let x = design(3, &[(0.0, 1.0), (0.0, 1.0)], 4, 1);
        let mut y: Vec<f64> = x.iter().map(|p| p[0]).collect();
        assert!(indices(&x, &y, 4, &RESAMPLES).is_some());
        y[4] = f64::NAN;
        assert_eq!(indices(&x, &y, 4, &RESAMPLES), None);
        assert_eq!(indices(&x, &y[..8], 4, &RESAMPLES), None);
        assert_eq!(indices(&[], &[], 4, &RESAMPLES), None);
        // A constant output is defined: no parameter has any effect.
        let flat = indices(&x, &[2.0; 9], 4, &RESAMPLES).unwrap();
        assert!(flat.iter().all(|g| g.mu_star.value == 0.0 && g.mu == 0.0));
        // One trajectory: μ* and μ, but no σ.
        let one = indices(&x[..3], &[1.0, 2.0, 4.0], 4, &RESAMPLES).unwrap();
        assert!(
            one.iter()
                .all(|g| g.sigma.is_none() && g.mu_star.ci.is_none())
        );
    }
}
