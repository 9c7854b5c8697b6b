//! A free parameter's prior for the ABC-SMC engine: uniform, or a normal truncated to an
//! interval; its support, its log density up to a constant (all normalized importance weights
//! need), a draw, and its variance (the baseline of a parameter's contraction).

use rand::Rng;

/// A free parameter's prior.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prior {
    /// Uniform on `[low, high]`.
    Uniform { low: f64, high: f64 },
    /// Normal(mean, sd) truncated to `[low, high]`.
    Normal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
}

impl Prior {
    /// The support.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { low, high } | Prior::Normal { low, high, .. } => (low, high),
        }
    }

    pub(super) fn contains(&self, x: f64) -> bool {
        let (low, high) = self.bounds();
        x >= low && x <= high
    }

    /// The log density inside the support, less a constant.
    pub(super) fn log_density(&self, x: f64) -> f64 {
        match *self {
            Prior::Uniform { .. } => 0.0,
            Prior::Normal { mean, sd, .. } => -0.5 * ((x - mean) / sd).powi(2),
        }
    }

    pub(super) fn draw(&self, rng: &mut impl Rng) -> f64 {
        let (low, high) = self.bounds();
        loop {
            // Uniform proposals in the support, accepted in proportion to the density
            // (whose largest value there is at the mean clamped into the support).
            let x = low + (high - low) * rng.random::<f64>();
            let peak = match *self {
                Prior::Uniform { .. } => return x,
                Prior::Normal { mean, .. } => self.log_density(mean.clamp(low, high)),
            };
            if rng.random::<f64>().ln() <= self.log_density(x) - peak {
                return x;
            }
        }
    }

    /// The prior's variance (for the Normal, by Simpson's rule over the support).
    pub fn variance(&self) -> f64 {
        let (low, high) = self.bounds();
        if let Prior::Uniform { .. } = self {
            return (high - low).powi(2) / 12.0;
        }
        let n = 2000;
        let h = (high - low) / n as f64;
        let (mut mass, mut first, mut second) = (0.0, 0.0, 0.0);
        for i in 0..=n {
            let x = low + i as f64 * h;
            let simpson = if i == 0 || i == n {
                1.0
            } else {
                [2.0, 4.0][i % 2]
            };
            let f = simpson * self.log_density(x).exp();
            mass += f;
            first += f * x;
            second += f * x * x;
        }
        let mean = first / mass;
        second / mass - mean * mean
    }
}
