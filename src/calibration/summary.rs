//! What a posterior says of each free parameter: its weighted mean, median and 90 % interval,
//! and how much the targets narrowed it (contraction against the prior, `1 − posterior
//! variance / prior variance`), with a flag where that is too little to call the parameter
//! identified by these targets.

use super::abc::Generation;

/// Below this contraction a parameter is flagged not identifiable: the targets removed less
/// than half of the prior's variance (the posterior's sd is over 70 % of the prior's).
pub const IDENTIFIABLE_CONTRACTION: f64 = 0.5;

/// One free parameter's posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterSummary {
    pub mean: f64,
    pub median: f64,
    /// The 5 % and 95 % weighted quantiles.
    pub low: f64,
    pub high: f64,
    pub sd: f64,
    pub contraction: f64,
    pub identifiable: bool,
}

/// The weighted `q` quantile: the smallest value whose cumulative weight reaches `q`.
pub fn weighted_quantile(values: &[(f64, f64)], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cumulative = 0.0;
    for &(x, w) in &sorted {
        cumulative += w;
        if cumulative >= q - 1e-12 {
            return x;
        }
    }
    sorted.last().map_or(f64::NAN, |p| p.0)
}

/// Parameter `k` of the posterior `g`, against a prior of variance `prior_variance`.
pub fn summarize(g: &Generation, k: usize, prior_variance: f64) -> ParameterSummary {
    let pairs: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.theta[k], p.weight)).collect();
    let mean: f64 = pairs.iter().map(|(x, w)| w * x).sum();
    let variance: f64 = pairs.iter().map(|(x, w)| w * (x - mean).powi(2)).sum();
    let contraction = 1.0 - variance / prior_variance;
    ParameterSummary {
        mean,
        median: weighted_quantile(&pairs, 0.5),
        low: weighted_quantile(&pairs, 0.05),
        high: weighted_quantile(&pairs, 0.95),
        sd: variance.sqrt(),
        contraction,
        identifiable: contraction >= IDENTIFIABLE_CONTRACTION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let v = [(3.0, 0.1), (1.0, 0.2), (2.0, 0.6), (4.0, 0.1)];
        assert_eq!(weighted_quantile(&v, 0.05), 1.0);
        assert_eq!(weighted_quantile(&v, 0.2), 1.0);
        assert_eq!(weighted_quantile(&v, 0.5), 2.0);
        assert_eq!(weighted_quantile(&v, 0.85), 3.0);
        assert_eq!(weighted_quantile(&v, 0.95), 4.0);
    }
}
