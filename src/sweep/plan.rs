//! A sweep's plan: the base scenario (after `--set`), its points, the replicates, and how
//! runs are numbered.
//!
//! Run `run = point × replicates + replicate`: the runs of a point are consecutive, so a
//! point's statistics can be written as soon as its last replicate is, and replicate `r` of
//! every point runs with the same seed (common random numbers, `rng::run_seed`). A shard
//! `K/N` of a sweep is the runs with `run % N == K − 1` (see `docs/SWEEPS.md`).

use crate::scenario::sweep::{SweepSpec, value_text};
use crate::scenario::{Override, Scenario, ScenarioError, overrides};

use super::design::{self, Points};

/// A sweep has at most this many runs (run files are named with nine digits).
pub const MAX_RUNS: u64 = 100_000_000;

/// Everything a sweep runs, checked.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario with the `--set` overrides, before any point's values.
    pub base: Scenario,
    pub spec: SweepSpec,
    pub points: Points,
    /// Replicates of every point.
    pub replicates: u32,
    /// The seed of the sampled designs.
    pub design_seed: u64,
}

impl Plan {
    /// Generates the points and checks every one of them against the scenario.
    /// `replicates` is `--replicates`, which beats `[sweep] replicates`, which beats
    /// `run.replicates`.
    pub fn new(
        base: Scenario,
        spec: SweepSpec,
        replicates: Option<u32>,
    ) -> Result<Plan, ScenarioError> {
        let replicates = replicates
            .or(spec.replicates)
            .unwrap_or(base.run.replicates);
        let file = base.path.clone();
        let at =
            |pos, key: &str, message: String| ScenarioError::at(&file, pos, Some(key), message);
        for p in &spec.parameters {
            if let Some(o) = base.overrides.iter().find(|o| o.path.trim() == p.path) {
                return Err(at(
                    p.pos,
                    &p.path,
                    format!(
                        "sweep path `{}` is also given as --set {o}: every point sets it, so drop one",
                        p.path
                    ),
                ));
            }
        }
        check_size(&base, &spec, replicates)?;
        let design_seed = spec.seed.unwrap_or(base.run.seed);
        let points = design::generate(&spec, design_seed);
        let plan = Plan {
            base,
            spec,
            points,
            replicates,
            design_seed,
        };
        // Every point must make a valid scenario; report a failure at its parameter.
        for point in 0..plan.points.len() {
            let mut s = plan.base.clone();
            for ov in &plan.overrides_of(point) {
                if let Err(e) = overrides::apply(&mut s, ov) {
                    let pos = plan
                        .spec
                        .parameters
                        .iter()
                        .find(|p| p.path == ov.path)
                        .map_or(plan.spec.pos, |p| p.pos);
                    return Err(at(
                        pos,
                        &ov.path,
                        format!("point {point}: {ov}: {}", e.message),
                    ));
                }
            }
        }
        Ok(plan)
    }

    /// The number of points.
    pub fn point_count(&self) -> usize {
        self.points.len()
    }

    /// The number of runs: points × replicates.
    pub fn runs(&self) -> usize {
        self.points.len() * self.replicates as usize
    }

    pub fn run_index(&self, point: usize, replicate: u32) -> usize {
        point * self.replicates as usize + replicate as usize
    }

    pub fn point_of(&self, run: usize) -> usize {
        run / self.replicates as usize
    }

    pub fn replicate_of(&self, run: usize) -> u32 {
        (run % self.replicates as usize) as u32
    }

    /// The overrides a point applies on top of the base scenario, in the order of its paths
    /// (a path a list point leaves unset is absent). Made on demand: a large design keeps
    /// only its values.
    pub fn overrides_of(&self, point: usize) -> Vec<Override> {
        self.points
            .values
            .get(point)
            .map(|row| {
                row.iter()
                    .zip(&self.points.paths)
                    .filter_map(|(v, path)| {
                        v.as_ref().map(|v| Override {
                            path: path.clone(),
                            value: value_text(v),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The scenario of one point: the base with the point's values applied (and recorded as
    /// overrides, after the `--set`s).
    pub fn scenario(&self, point: usize) -> Result<Scenario, ScenarioError> {
        let mut s = self.base.clone();
        for ov in &self.overrides_of(point) {
            overrides::apply(&mut s, ov)?;
        }
        Ok(s)
    }

    /// A point's value of each swept path, as text (empty where a list point leaves the
    /// scenario's value): the parameter cells of `points.csv` and `summary.csv`.
    pub fn cells(&self, point: usize) -> Vec<String> {
        self.points
            .values
            .get(point)
            .map(|row| {
                row.iter()
                    .map(|v| v.as_ref().map(value_text).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Refuses a design with no point or with more than [`MAX_RUNS`] runs of `replicates`
/// each, without generating it: what `palermo run` checks of a `[sweep]` it does not run
/// (and [`Plan::new`] first).
pub fn check_size(base: &Scenario, spec: &SweepSpec, replicates: u32) -> Result<(), ScenarioError> {
    let at =
        |pos, key: &str, message: String| ScenarioError::at(&base.path, pos, Some(key), message);
    let size = design::count(spec);
    let runs = size.and_then(|n| n.checked_mul(u64::from(replicates)));
    match (size, runs) {
        (Some(n), Some(runs)) if runs <= MAX_RUNS => {
            if n == 0 {
                return Err(at(spec.pos, "sweep", "the design has no point".to_string()));
            }
        }
        _ => {
            let points = size.map_or("too many".to_string(), |n| n.to_string());
            return Err(at(
                spec.pos,
                "sweep",
                format!(
                    "this sweep has {points} points × {replicates} replicates: at most {MAX_RUNS} runs"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;
    use crate::scenario::sweep::parse_sweep;

    const TEXT: &str = r#"schema = 1
[run]
weeks = 3
replicates = 2
seed = 9
[[country]]
name = "A"
[[country]]
name = "B"
[sweep]
design = "grid"
replicates = 3
[[sweep.parameter]]
path = "all.corruption"
values = [0.1, 0.2]
[[sweep.parameter]]
path = "country.A.law.offences"
values = [["sexual"], []]
[[sweep.parameter]]
path = "cooperation.default"
from = 0
to = 1
steps = 2
"#;

    fn plan(sets: &[&str], replicates: Option<u32>) -> Result<Plan, ScenarioError> {
        let ovs: Vec<Override> = sets.iter().map(|t| Override::parse(t).unwrap()).collect();
        let base = parse(TEXT, "p.toml", &ovs).unwrap();
        let spec = parse_sweep(&base).unwrap().unwrap();
        Plan::new(base, spec, replicates)
    }

    #[test]
    fn numbering_and_point_scenarios() {
        let p = plan(&["all.ngo=0.9"], None).unwrap();
        assert_eq!((p.point_count(), p.replicates, p.runs()), (12, 3, 36));
        assert_eq!(p.design_seed, 9);
        assert_eq!(p.run_index(4, 2), 14);
        assert_eq!((p.point_of(14), p.replicate_of(14)), (4, 2));
        // Point 4 = (0.1, [], 0.5): the last parameter varies fastest.
        assert_eq!(p.cells(4), ["0.1", "", "0.5"]);
        let s = p.scenario(4).unwrap();
        assert_eq!(s.countries[0].params.numbers.corruption, 0.1);
        assert_eq!(s.countries[0].params.numbers.ngo, 0.9);
        assert!(s.countries[0].params.offences.is_empty());
        assert_eq!(s.cooperation.default, 0.5);
        let recorded: Vec<String> = s.overrides.iter().map(|o| o.to_string()).collect();
        assert_eq!(
            recorded,
            [
                "all.ngo=0.9",
                "all.corruption=0.1",
                "country.A.law.offences=",
                "cooperation.default=0.5"
            ]
        );
    }

    #[test]
    fn replicates_flag_beats_the_section_which_beats_run() {
        assert_eq!(plan(&[], Some(5)).unwrap().replicates, 5);
        assert_eq!(plan(&["run.replicates=7"], None).unwrap().replicates, 3);
    }

    #[test]
    fn a_set_of_a_swept_path_is_refused() {
        let e = plan(&["all.corruption=0.5"], None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("p.toml:14:1: sweep path `all.corruption` is also given as --set"),
            "{e}"
        );
    }

    #[test]
    fn too_many_runs_are_refused() {
        let e = plan(&[], Some(10_000_000)).unwrap_err();
        assert!(e.to_string().contains("at most 100000000 runs"), "{e}");
    }
}
