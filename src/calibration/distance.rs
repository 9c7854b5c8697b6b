//! The distance of a particle's statistics to what is observed, and the per-statistic scales
//! it divides by (`abc.rs` explains the choice), with the order statistics both need.

/// What the real world says about one statistic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Observed {
    Band { low: f64, high: f64 },
    Value { value: f64, sd: f64 },
}

/// The scale of each statistic's distance (see the module's text).
/// `first`: the statistics of generation 0's particles.
pub(super) fn scales(observed: &[Observed], first: &[&[f64]]) -> Vec<f64> {
    observed
        .iter()
        .enumerate()
        .map(|(k, o)| match *o {
            Observed::Value { sd, .. } => sd,
            Observed::Band { low, high } => {
                let values: Vec<f64> = first.iter().map(|statistics| statistics[k]).collect();
                let mad = 1.4826 * median_absolute_deviation(&values);
                if mad > 0.0 {
                    mad
                } else if (high - low).is_finite() && high > low {
                    high - low
                } else {
                    1.0
                }
            }
        })
        .collect()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The median of `|x − median(x)|`.
pub fn median_absolute_deviation(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    let m = median(&mut v);
    let mut deviations: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    median(&mut deviations)
}

/// The scaled distance of a particle's statistics to what is observed; infinite where a
/// statistic is undefined.
pub fn distance(observed: &[Observed], scales: &[f64], statistics: &[f64]) -> f64 {
    let mut sum = 0.0;
    for ((o, s), x) in observed.iter().zip(scales).zip(statistics) {
        if !x.is_finite() {
            return f64::INFINITY;
        }
        let error = match *o {
            Observed::Band { low, high } => (low - x).max(x - high).max(0.0),
            Observed::Value { value, .. } => x - value,
        };
        sum += (error / s).powi(2);
    }
    sum.sqrt()
}

/// The lower `q` quantile of the values: the `⌈q n⌉`-th smallest.
pub(super) fn quantile(values: impl Iterator<Item = f64>, q: f64) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[k - 1]
}
