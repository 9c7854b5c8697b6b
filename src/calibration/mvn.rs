//! The multivariate normal perturbation kernel of ABC-SMC, for the few dimensions a
//! calibration has (one per free parameter): a weighted mean and covariance, their Cholesky
//! factor (by hand: a handful of dimensions needs no linear-algebra crate), a draw, and the
//! kernel's log density up to its constant, which is all that normalized importance weights
//! need.

use rand::Rng;
use rand_distr::StandardNormal;

/// The weighted mean and covariance `Σ w_i (θ_i − m)(θ_i − m)ᵀ` of points with weights that
/// sum to 1, the covariance as rows.
pub fn weighted_covariance(points: &[Vec<f64>], weights: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let dim = points.first().map_or(0, Vec::len);
    let mut mean = vec![0.0; dim];
    for (p, w) in points.iter().zip(weights) {
        for (m, x) in mean.iter_mut().zip(p) {
            *m += w * x;
        }
    }
    let mut cov = vec![vec![0.0; dim]; dim];
    for (p, w) in points.iter().zip(weights) {
        for a in 0..dim {
            for b in 0..dim {
                cov[a][b] += w * (p[a] - mean[a]) * (p[b] - mean[b]);
            }
        }
    }
    (mean, cov)
}

/// The lower-triangular `L` with `L Lᵀ = cov`, or `None` where `cov` is not positive
/// definite (a population collapsed onto a line or a point).
pub fn cholesky(cov: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let dim = cov.len();
    let mut l = vec![vec![0.0; dim]; dim];
    for i in 0..dim {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = cov[i][i] - sum;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (cov[i][j] - sum) / l[j][j];
            }
        }
    }
    Some(l)
}

/// A normal kernel `N(centre, L Lᵀ)`.
#[derive(Clone, Debug)]
pub struct Kernel {
    chol: Vec<Vec<f64>>,
}

impl Kernel {
    /// The kernel of covariance `cov`; where that is singular, its diagonal with every
    /// variance at least `floor[i]²` (each parameter keeps some room to move).
    pub fn new(cov: &[Vec<f64>], floor: &[f64]) -> Kernel {
        if let Some(chol) = cholesky(cov) {
            return Kernel { chol };
        }
        let dim = cov.len();
        let mut diagonal = vec![vec![0.0; dim]; dim];
        for i in 0..dim {
            diagonal[i][i] = cov[i][i].max(floor[i] * floor[i]).sqrt();
        }
        Kernel { chol: diagonal }
    }

    /// A draw around `centre`.
    pub fn draw(&self, centre: &[f64], rng: &mut impl Rng) -> Vec<f64> {
        let z: Vec<f64> = centre.iter().map(|_| rng.sample(StandardNormal)).collect();
        centre
            .iter()
            .enumerate()
            .map(|(i, c)| c + (0..=i).map(|k| self.chol[i][k] * z[k]).sum::<f64>())
            .collect()
    }

    /// `log K(x | centre)` less the constant every pair shares: `−½ |L⁻¹(x − centre)|²`.
    pub fn log_density(&self, x: &[f64], centre: &[f64]) -> f64 {
        let dim = x.len();
        let mut y = vec![0.0; dim];
        for i in 0..dim {
            let sum: f64 = (0..i).map(|k| self.chol[i][k] * y[k]).sum();
            y[i] = (x[i] - centre[i] - sum) / self.chol[i][i];
        }
        -0.5 * y.iter().map(|v| v * v).sum::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn cholesky_rebuilds_the_matrix() {
        let cov = vec![
            vec![4.0, 1.2, -0.4],
            vec![1.2, 2.0, 0.3],
            vec![-0.4, 0.3, 1.0],
        ];
        let l = cholesky(&cov).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let back: f64 = (0..3).map(|k| l[i][k] * l[j][k]).sum();
                assert!((back - cov[i][j]).abs() < 1e-12, "{i} {j}");
            }
        }
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }

    #[test]
    fn draws_have_the_kernels_covariance() {
        let cov = vec![vec![2.0, 0.6], vec![0.6, 0.5]];
        let kernel = Kernel::new(&cov, &[0.0, 0.0]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let n = 40_000;
        let points: Vec<Vec<f64>> = (0..n)
            .map(|_| kernel.draw(&[1.0, -1.0], &mut rng))
            .collect();
        let (mean, got) = weighted_covariance(&points, &vec![1.0 / n as f64; n]);
        // Standard errors at n = 40,000 are about 0.015 on these entries.
        assert!((mean[0] - 1.0).abs() < 0.05 && (mean[1] + 1.0).abs() < 0.05);
        for i in 0..2 {
            for j in 0..2 {
                assert!(
                    (got[i][j] - cov[i][j]).abs() < 0.06,
                    "{i} {j}: {}",
                    got[i][j]
                );
            }
        }
        // The log density is the Gaussian's exponent: a point one sd out along the first axis.
        let one_sd = [1.0 + 2f64.sqrt(), -1.0 + 0.6 / 2f64.sqrt()];
        assert!((kernel.log_density(&one_sd, &[1.0, -1.0]) + 0.5).abs() < 1e-12);
    }
}
