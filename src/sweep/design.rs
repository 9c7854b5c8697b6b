//! The points of a sweep design, generated from a validated [`SweepSpec`].
//!
//! Designs are pure functions of the specification and a seed, so a sweep's points never
//! change between invocations (resume, shards). The sampled designs are built in the unit
//! hypercube and scaled to each parameter's `[from, to]`:
//!
//! - `grid`: the cross product of the axes; the **last** parameter varies fastest (point
//!   `p` has index `i_k` on axis `k` with `p = Σ i_k × Π_{l>k} n_l`), as nested loops in the
//!   order the parameters are written;
//! - `list`: the points as written;
//! - `lhs`: a Latin hypercube: each dimension is cut into `samples` equal strata, each
//!   stratum holds exactly one point (a random permutation per dimension), at a uniform
//!   position inside it;
//! - `sobol`: Saltelli's scheme from a base sample of `N` rows and `2D` columns, the first
//!   `D` the matrix A and the others B; for each base row, in SALib's order: A, then A with
//!   column j from B (`AB_j`, j = 1..D), then B with column j from A (`BA_j`), then B:
//!   `N × (2D + 2)` points. The base sample is seeded pseudo-random (ChaCha8), see
//!   `docs/SWEEPS.md` for why;
//! - `morris`: `r` trajectories of `D + 1` points on a grid of `p` levels (`p` even): each
//!   starts at a random grid point, and each following point moves one factor, in a random
//!   order, by `Δ = p / (2 (p − 1))` of its range (up or down at random), as Morris (1991)
//!   and SALib.
//!
//! Values computed from a range are rounded to 12 significant digits (so a grid step of 0.15
//! is written `0.45`, not `0.44999999999999996`), except sampled values of lhs and sobol,
//! which are used exactly; whole-number parameters are rounded to whole numbers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::params::Domain;
use crate::scenario::Value;
use crate::scenario::sweep::{Design, SweepSpec, SweptParameter, Values};

/// The generated points of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    /// The swept paths, in the specification's order: a column each in `points.csv`.
    pub paths: Vec<String>,
    /// For each point, the value of each path; `None` where a list point leaves the
    /// scenario's own value.
    pub values: Vec<Vec<Option<Value>>>,
    /// For the sampled designs (lhs, sobol, morris): each parameter's `[from, to]`, for the
    /// SALib problem file.
    pub bounds: Option<Vec<(f64, f64)>>,
}

impl Points {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values as numbers, one row per point; NaN where a point has no number (an
    /// offence set, a list point's own value). The sampled designs have numbers throughout.
    pub fn numbers(&self) -> Vec<Vec<f64>> {
        self.values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| match v {
                        Some(Value::Number(x)) => *x,
                        _ => f64::NAN,
                    })
                    .collect()
            })
            .collect()
    }
}

/// The number of points a specification generates, or `None` if it overflows.
pub fn count(spec: &SweepSpec) -> Option<u64> {
    let d = spec.parameters.len() as u64;
    match &spec.design {
        Design::Grid => spec
            .parameters
            .iter()
            .try_fold(1u64, |acc, p| acc.checked_mul(axis_len(p)?)),
        Design::List { points } => Some(points.len() as u64),
        Design::Lhs { samples } => Some(u64::from(*samples)),
        Design::Sobol { samples } => u64::from(*samples).checked_mul(2 * d + 2),
        Design::Morris { trajectories, .. } => u64::from(*trajectories).checked_mul(d + 1),
    }
}

fn axis_len(p: &SweptParameter) -> Option<u64> {
    match &p.values {
        Values::List(v) => Some(v.len() as u64),
        Values::Range {
            steps: Some(steps), ..
        } => Some(u64::from(*steps) + 1),
        _ => None,
    }
}

/// Generates the points of a specification; `seed` seeds the sampled designs. The caller
/// checks [`count`] first: a design too large to hold is refused before this runs.
pub fn generate(spec: &SweepSpec, seed: u64) -> Points {
    let params = &spec.parameters;
    let paths = params.iter().map(|p| p.path.clone()).collect();
    let mut rng = crate::rng::design(seed);
    let ranges = || -> Vec<(f64, f64)> { params.iter().map(range_of).collect() };
    let (values, bounds) = match &spec.design {
        Design::Grid => {
            let axes: Vec<Vec<Value>> = params.iter().map(grid_axis).collect();
            let values = cross_product(&axes)
                .into_iter()
                .map(|row| row.into_iter().map(Some).collect())
                .collect();
            (values, None)
        }
        Design::List { points } => (points.clone(), None),
        Design::Lhs { samples } => {
            let unit = lhs_unit(*samples as usize, params.len(), &mut rng);
            (scale_unit(&unit, params), Some(ranges()))
        }
        Design::Sobol { samples } => {
            let unit = saltelli_unit(*samples as usize, params.len(), &mut rng);
            (scale_unit(&unit, params), Some(ranges()))
        }
        Design::Morris {
            trajectories,
            levels,
        } => {
            let grid = morris_levels(*trajectories as usize, params.len(), *levels, &mut rng);
            let values = grid
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(params)
                        .map(|(&level, p)| {
                            let (from, to) = range_of(p);
                            Some(Value::Number(fit(
                                level_value(from, to, level, *levels),
                                p.domain,
                                from,
                                to,
                            )))
                        })
                        .collect()
                })
                .collect();
            (values, Some(ranges()))
        }
    };
    Points {
        paths,
        values,
        bounds,
    }
}

/// A sampled parameter's range (the validation guarantees one).
fn range_of(p: &SweptParameter) -> (f64, f64) {
    match p.values {
        Values::Range { from, to, .. } => (from, to),
        _ => (0.0, 1.0),
    }
}

/// A grid axis: the listed values, or `steps + 1` values from `from` to `to`.
fn grid_axis(p: &SweptParameter) -> Vec<Value> {
    match &p.values {
        Values::List(v) => v.clone(),
        Values::Range {
            from,
            to,
            steps: Some(steps),
        } => (0..=*steps)
            .map(|k| Value::Number(fit(step_value(*from, *to, k, *steps), p.domain, *from, *to)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `k`-th of `steps + 1` equally spaced values from `from` to `to`, the ends exact.
fn step_value(from: f64, to: f64, k: u32, steps: u32) -> f64 {
    if k == 0 {
        from
    } else if k == steps {
        to
    } else {
        tidy(from + (to - from) * f64::from(k) / f64::from(steps))
    }
}

/// Level `i` of `levels` equally spaced levels from `from` to `to`, the ends exact.
fn level_value(from: f64, to: f64, i: u32, levels: u32) -> f64 {
    step_value(from, to, i, levels - 1)
}

/// Rounds to 12 significant digits, removing the last-bit noise of `from + (to − from) × t`.
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// A value for a parameter of this domain: whole numbers rounded, kept inside the range.
fn fit(x: f64, domain: Domain, from: f64, to: f64) -> f64 {
    match domain {
        Domain::Count { .. } => x.round().clamp(from, to),
        _ => x.clamp(from, to),
    }
}

/// Scales unit-hypercube rows to the parameters' ranges.
fn scale_unit(unit: &[Vec<f64>], params: &[SweptParameter]) -> Vec<Vec<Option<Value>>> {
    unit.iter()
        .map(|row| {
            row.iter()
                .zip(params)
                .map(|(&u, p)| {
                    let (from, to) = range_of(p);
                    Some(Value::Number(fit(
                        from + (to - from) * u,
                        p.domain,
                        from,
                        to,
                    )))
                })
                .collect()
        })
        .collect()
}

/// The cross product of the axes, the last axis varying fastest.
pub fn cross_product<T: Clone>(axes: &[Vec<T>]) -> Vec<Vec<T>> {
    let mut rows: Vec<Vec<T>> = vec![Vec::new()];
    for axis in axes {
        rows = rows
            .iter()
            .flat_map(|row| {
                axis.iter().map(move |v| {
                    let mut next = row.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    rows
}

/// A uniformly random permutation of `0..n` (Fisher–Yates).
fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// A Latin hypercube of `n` points in `d` dimensions: in each dimension, point `i` lies in
/// stratum `perm[i]` of `n`, at a uniform position inside it.
pub fn lhs_unit(n: usize, d: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; d]; n];
    for j in 0..d {
        let perm = permutation(n, rng);
        for (row, stratum) in rows.iter_mut().zip(perm) {
            row[j] = (stratum as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    rows
}

/// Saltelli's sample from a pseudo-random base of `n` rows and `2d` columns (A | B), in
/// SALib's row order: for each base row, A, AB_1..AB_d, BA_1..BA_d, B.
pub fn saltelli_unit(n: usize, d: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut rows = Vec::with_capacity(n * (2 * d + 2));
    for _ in 0..n {
        let base: Vec<f64> = (0..2 * d).map(|_| rng.random::<f64>()).collect();
        let (a, b) = base.split_at(d);
        rows.push(a.to_vec());
        for j in 0..d {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            rows.push(ab);
        }
        for j in 0..d {
            let mut ba = b.to_vec();
            ba[j] = a[j];
            rows.push(ba);
        }
        rows.push(b.to_vec());
    }
    rows
}

/// Morris trajectories as grid level indices (`0..levels`): `r` trajectories of `d + 1`
/// rows. Each factor takes two levels, `x` and `x + levels / 2` (a step of
/// `Δ = levels / (2 (levels − 1))` of the range), with `x` uniform in `0..levels / 2`; it
/// starts at the lower one and moves up, or at the upper one and moves down (even odds);
/// the factors move one per row in a random order.
pub fn morris_levels(r: usize, d: usize, levels: u32, rng: &mut ChaCha8Rng) -> Vec<Vec<u32>> {
    let half = levels / 2;
    let mut rows = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        let base: Vec<u32> = (0..d).map(|_| rng.random_range(0..half)).collect();
        let up: Vec<bool> = (0..d).map(|_| rng.random::<bool>()).collect();
        let order = permutation(d, rng);
        let mut row: Vec<u32> = base
            .iter()
            .zip(&up)
            .map(|(&x, &up)| if up { x } else { x + half })
            .collect();
        rows.push(row.clone());
        for &j in &order {
            row[j] = if up[j] { base[j] + half } else { base[j] };
            rows.push(row.clone());
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::error::Pos;

    fn param(path: &str, values: Values, domain: Domain) -> SweptParameter {
        SweptParameter {
            path: path.to_string(),
            domain,
            values,
            pos: Pos::default(),
        }
    }

    const UNIT: Domain = Domain::Real { min: 0.0, max: 1.0 };

    fn spec(design: Design, parameters: Vec<SweptParameter>) -> SweepSpec {
        SweepSpec {
            design,
            replicates: None,
            seed: None,
            parameters,
            pos: Pos::default(),
        }
    }

    fn numbers(points: &Points) -> Vec<Vec<f64>> {
        let rows = points.numbers();
        assert!(rows.iter().flatten().all(|x| !x.is_nan()), "{points:?}");
        rows
    }

    #[test]
    fn grid_is_the_cross_product_last_axis_fastest() {
        let s = spec(
            Design::Grid,
            vec![
                param(
                    "a",
                    Values::List(vec![Value::Number(1.0), Value::Number(2.0)]),
                    UNIT,
                ),
                param(
                    "b",
                    Values::Range {
                        from: 0.0,
                        to: 0.6,
                        steps: Some(4),
                    },
                    UNIT,
                ),
            ],
        );
        assert_eq!(count(&s), Some(10));
        let p = generate(&s, 1);
        assert_eq!(p.paths, ["a", "b"]);
        assert_eq!(p.bounds, None);
        let axis_b = [0.0, 0.15, 0.3, 0.45, 0.6];
        let expected: Vec<Vec<f64>> = [1.0, 2.0]
            .iter()
            .flat_map(|&a| axis_b.iter().map(move |&b| vec![a, b]))
            .collect();
        assert_eq!(numbers(&p), expected);
        assert_eq!(cross_product::<u8>(&[]), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn range_values_are_tidy_and_whole_numbers_whole() {
        assert_eq!(step_value(0.0, 0.6, 3, 4), 0.45);
        assert_eq!(step_value(0.1, 0.7, 6, 6), 0.7);
        assert_eq!(level_value(0.0, 1.0, 1, 4), 0.333333333333);
        assert_eq!(level_value(2.0, 8.0, 3, 4), 8.0);
        assert_eq!(tidy(0.1 + 0.2), 0.3);
        let count_domain = Domain::Count {
            min: 1.0,
            max: 52.0,
        };
        assert_eq!(fit(2.5, count_domain, 1.0, 4.0), 3.0);
        assert_eq!(fit(4.4, count_domain, 1.0, 4.0), 4.0);
    }

    #[test]
    fn lhs_hits_each_stratum_once_per_dimension() {
        let mut rng = crate::rng::design(9);
        for n in [1, 2, 7, 50] {
            let rows = lhs_unit(n, 3, &mut rng);
            assert_eq!(rows.len(), n);
            for j in 0..3 {
                let mut strata: Vec<usize> = rows
                    .iter()
                    .map(|r| {
                        assert!((0.0..1.0).contains(&r[j]));
                        (r[j] * n as f64).floor() as usize
                    })
                    .collect();
                strata.sort();
                assert_eq!(strata, (0..n).collect::<Vec<_>>(), "n = {n}, dim {j}");
            }
        }
    }

    #[test]
    fn lhs_scaled_to_ranges_and_deterministic() {
        let s = spec(
            Design::Lhs { samples: 20 },
            vec![
                param(
                    "x",
                    Values::Range {
                        from: 0.2,
                        to: 0.6,
                        steps: None,
                    },
                    UNIT,
                ),
                param(
                    "n",
                    Values::Range {
                        from: 1.0,
                        to: 8.0,
                        steps: None,
                    },
                    Domain::Count {
                        min: 1.0,
                        max: 52.0,
                    },
                ),
            ],
        );
        let p = generate(&s, 42);
        assert_eq!(p, generate(&s, 42), "a pure function of the seed");
        assert_ne!(p, generate(&s, 43));
        assert_eq!(p.bounds, Some(vec![(0.2, 0.6), (1.0, 8.0)]));
        let rows = numbers(&p);
        assert_eq!(rows.len(), 20);
        for r in &rows {
            assert!((0.2..0.6).contains(&r[0]));
            assert!((1.0..=8.0).contains(&r[1]) && r[1].fract() == 0.0);
        }
        // Each of the 20 strata of [0.2, 0.6) holds exactly one point.
        let mut strata: Vec<usize> = rows
            .iter()
            .map(|r| ((r[0] - 0.2) / 0.4 * 20.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn saltelli_rows_follow_salib_order() {
        let (n, d) = (5, 3);
        let mut rng = crate::rng::design(3);
        let rows = saltelli_unit(n, d, &mut rng);
        assert_eq!(rows.len(), n * (2 * d + 2));
        for block in rows.chunks(2 * d + 2) {
            let a = &block[0];
            let b = &block[2 * d + 1];
            assert!(a.iter().zip(b).all(|(x, y)| x != y), "A and B differ");
            for j in 0..d {
                let ab = &block[1 + j];
                let ba = &block[1 + d + j];
                for k in 0..d {
                    assert_eq!(ab[k], if k == j { b[k] } else { a[k] }, "AB_{j}");
                    assert_eq!(ba[k], if k == j { a[k] } else { b[k] }, "BA_{j}");
                }
            }
        }
        // Base rows are distinct draws.
        assert_ne!(rows[0], rows[2 * d + 2]);
    }

    #[test]
    fn sobol_design_has_n_times_2d_plus_2_points() {
        let params = (0..4)
            .map(|i| {
                param(
                    &format!("p{i}"),
                    Values::Range {
                        from: 1.0,
                        to: 3.0,
                        steps: None,
                    },
                    Domain::Real {
                        min: 0.0,
                        max: 10.0,
                    },
                )
            })
            .collect();
        let s = spec(Design::Sobol { samples: 8 }, params);
        assert_eq!(count(&s), Some(8 * 10));
        let rows = numbers(&generate(&s, 5));
        assert_eq!(rows.len(), 80);
        assert!(rows.iter().flatten().all(|x| (1.0..3.0).contains(x)));
    }

    #[test]
    fn morris_moves_one_factor_at_a_time_by_delta() {
        let (r, d, levels) = (20, 4, 6);
        let mut rng = crate::rng::design(11);
        let rows = morris_levels(r, d, levels, &mut rng);
        assert_eq!(rows.len(), r * (d + 1));
        let half = levels / 2;
        for t in rows.chunks(d + 1) {
            let mut moved = Vec::new();
            for pair in t.windows(2) {
                let changed: Vec<usize> = (0..d).filter(|&j| pair[0][j] != pair[1][j]).collect();
                assert_eq!(changed.len(), 1, "one factor per step: {pair:?}");
                let j = changed[0];
                assert_eq!(pair[0][j].abs_diff(pair[1][j]), half, "a step of Δ");
                moved.push(j);
            }
            moved.sort();
            assert_eq!(moved, (0..d).collect::<Vec<_>>(), "every factor moves once");
            assert!(t.iter().flatten().all(|&l| l < levels));
        }

        // Scaled: consecutive points differ in one factor by Δ × (to − from).
        let s = spec(
            Design::Morris {
                trajectories: 6,
                levels: 4,
            },
            vec![
                param(
                    "x",
                    Values::Range {
                        from: 0.0,
                        to: 0.6,
                        steps: None,
                    },
                    UNIT,
                ),
                param(
                    "y",
                    Values::Range {
                        from: 2.0,
                        to: 8.0,
                        steps: None,
                    },
                    Domain::Real {
                        min: 0.0,
                        max: 20.0,
                    },
                ),
            ],
        );
        let rows = numbers(&generate(&s, 2));
        assert_eq!(rows.len(), 6 * 3);
        let delta = 4.0 / (2.0 * 3.0);
        for t in rows.chunks(3) {
            for pair in t.windows(2) {
                let dx = (pair[1][0] - pair[0][0]).abs();
                let dy = (pair[1][1] - pair[0][1]).abs();
                let steps = [dx / 0.6, dy / 6.0];
                let moved: Vec<f64> = steps.into_iter().filter(|s| *s > 0.0).collect();
                assert_eq!(moved.len(), 1, "{pair:?}");
                assert!((moved[0] - delta).abs() < 1e-9, "{pair:?}");
            }
            for row in t {
                for (x, (from, to)) in row.iter().zip([(0.0, 0.6), (2.0, 8.0)]) {
                    let level = (x - from) / (to - from) * 3.0;
                    assert!((level - level.round()).abs() < 1e-9, "on the grid: {x}");
                }
            }
        }
    }

    #[test]
    fn designs_are_value_stable() {
        // Pinned so that a change of generator or of the rand crates, which would change
        // every sampled sweep, is noticed.
        let mut rng = crate::rng::design(42);
        let lhs = lhs_unit(2, 2, &mut rng);
        let sobol = saltelli_unit(1, 1, &mut rng);
        let morris = morris_levels(1, 3, 4, &mut rng);
        assert_eq!(
            lhs,
            [
                [0.7499802142633551, 0.24963921208739615],
                [0.18610208751799073, 0.8575799029057494]
            ]
        );
        let (a, b) = (0.8882178856964416, 0.7377478141918874);
        assert_eq!(sobol, [[a], [b], [a], [b]]);
        assert_eq!(morris, [[0, 0, 2], [0, 0, 0], [2, 0, 0], [2, 2, 0]]);
    }
}
