//! Statistics across replicates: means, standard deviations and 95 % confidence intervals
//! (Student's t), for comparing scenarios honestly. Used by the pattern tests and sweeps.

/// Two-sided 97.5 % quantiles of Student's t for 1 to 30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The 97.5 % quantile of Student's t with `df` degrees of freedom; beyond 30 the normal
/// quantile 1.96 is used (the error is below 2 % and shrinks with df).
pub fn t_quantile_975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T_975[df - 1],
        _ => 1.96,
    }
}

/// Mean, sample standard deviation and the half-width of the 95 % confidence interval of the
/// mean. With fewer than two samples the spread is undefined (NaN).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub half_width: f64,
}

impl Estimate {
    pub fn of(samples: &[f64]) -> Estimate {
        let n = samples.len();
        let mean = samples.iter().sum::<f64>() / n as f64;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        let sd = if n > 1 { var.sqrt() } else { f64::NAN };
        Estimate {
            n,
            mean,
            sd,
            half_width: t_quantile_975(n.saturating_sub(1)) * sd / (n as f64).sqrt(),
        }
    }

    /// The paired differences `b[r] − a[r]` (common random numbers make them precise).
    pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
        Estimate::of(&d)
    }

    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_interval() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        assert!((e.sd - 1.2909944).abs() < 1e-6);
        assert!((e.half_width - 3.182 * 1.2909944 / 2.0).abs() < 1e-6);
        assert!(Estimate::of(&[5.0]).sd.is_nan());
    }

    #[test]
    fn paired_differences() {
        let e = Estimate::paired(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.5]);
        assert!((e.mean - 7.0 / 6.0).abs() < 1e-12);
        assert!(e.low() > 0.0);
    }
}
