//! The palermo side of a calibration: free parameters (`--free PATH=LOW..HIGH`) checked
//! against a scenario as `palermo check` checks an override, and the model the engine fits:
//! a particle's free values applied to the scenario as `--set` overrides, its replicates run
//! with the particle's own seed, and each `calibrate` target's statistic (the validation
//! module's) averaged over the replicates where it is defined.

use std::num::NonZeroUsize;

use super::abc::{self, AbcError, Fit, Generation, Observed, Prior, Settings};
use crate::params::Domain;
use crate::run::run_replicate;
use crate::scenario::error::ScenarioError;
use crate::scenario::overrides::{apply, resolve};
use crate::scenario::{Override, Scenario};
use crate::validation::{Expected, Resolved, Role, Target, statistics};

/// A free parameter: an override path and its prior.
#[derive(Clone, Debug, PartialEq)]
pub struct Free {
    pub path: String,
    pub prior: Prior,
}

impl Free {
    /// `PATH=LOW..HIGH`: a uniform prior on `[LOW, HIGH]`.
    pub fn parse(text: &str) -> Result<Free, String> {
        let fail =
            || format!("--free {text:?}: expected PATH=LOW..HIGH, e.g. model.deterrence=0.1..0.9");
        let (path, range) = text.split_once('=').ok_or_else(fail)?;
        let (low, high) = range.split_once("..").ok_or_else(fail)?;
        let number = |t: &str| t.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        let (Some(low), Some(high)) = (number(low), number(high)) else {
            return Err(fail());
        };
        if low >= high || path.trim().is_empty() {
            return Err(format!(
                "--free {text:?}: LOW must be below HIGH, and the path named"
            ));
        }
        Ok(Free {
            path: path.trim().to_string(),
            prior: Prior::Uniform { low, high },
        })
    }

    /// The free parameter checked against `scenario`: a real-valued parameter of the world
    /// (not a run setting, a whole number or a list), its range inside the parameter's
    /// domain; the message is `palermo check`'s for the same override.
    pub fn check(&self, scenario: &Scenario) -> Result<(), String> {
        let (low, high) = self.prior.bounds();
        let text = format!("{}={low}..{high}", self.path);
        let fail = |key: Option<&str>, message: String| {
            ScenarioError::in_override(&scenario.path, &text, key, message)
                .to_string()
                .replacen("--set ", "--free ", 1)
        };
        let target =
            resolve(scenario, &self.path).map_err(|e| fail(e.key.as_deref(), e.message))?;
        let key = Some(target.key.as_str());
        match target.domain {
            _ if target.is_run_setting() => Err(fail(
                key,
                "a run setting cannot be fitted; free parameters are the world's".to_string(),
            )),
            Domain::Real { .. } => [low, high].iter().try_for_each(|&v| {
                target
                    .domain
                    .check(v)
                    .map_err(|m| fail(key, format!("{} = {v} {m}", target.key)))
            }),
            Domain::Count { .. } | Domain::Offences => Err(fail(
                key,
                "only a real-valued parameter can be fitted (not a whole number or a list)"
                    .to_string(),
            )),
        }
    }
}

/// A finished calibration: the fit, its free parameters, and the targets it used.
#[derive(Clone, Debug)]
pub struct Calibration {
    pub free: Vec<Free>,
    pub targets: Vec<Target>,
    pub replicates: u32,
    pub fit: Fit,
}

/// What the real world says of a target, for the engine.
fn observed(expected: Expected) -> Observed {
    match expected {
        Expected::Band { low, high } => Observed::Band { low, high },
        Expected::Value { value, sd } => Observed::Value { value, sd },
    }
}

/// What a calibration fits: the free parameters of a scenario, to the `calibrate` targets
/// among `targets` (resolved against the scenario as `resolved`).
#[derive(Clone, Copy, Debug)]
pub struct Problem<'a> {
    pub scenario: &'a Scenario,
    pub targets: &'a [Target],
    pub resolved: &'a [Resolved],
    pub free: &'a [Free],
}

/// Fits the problem's free parameters, each particle run for the scenario's replicates,
/// continuing after the complete generations `done` of the same fit (none: a fresh fit; see
/// [`abc::resume`]); `progress` sees each new generation. The caller has checked the free
/// parameters ([`Free::check`]).
pub fn calibrate(
    problem: &Problem<'_>,
    settings: &Settings,
    threads: Option<NonZeroUsize>,
    done: Vec<Generation>,
    progress: &mut dyn FnMut(&Generation),
) -> Result<Calibration, AbcError> {
    let Problem { scenario, free, .. } = *problem;
    let (used, at): (Vec<Target>, Vec<Resolved>) = problem
        .targets
        .iter()
        .zip(problem.resolved)
        .filter(|(t, _)| t.role == Role::Calibrate)
        .map(|(t, r)| (t.clone(), r.clone()))
        .unzip();
    let simulate = |theta: &[f64], seed: u64| -> Vec<f64> {
        particle_statistics(scenario, &used, &at, free, theta, seed)
    };
    let priors: Vec<Prior> = free.iter().map(|f| f.prior).collect();
    let observed: Vec<Observed> = used.iter().map(|t| observed(t.expected)).collect();
    let fit = abc::resume(
        &priors, &observed, settings, threads, done, &simulate, progress,
    )?;
    Ok(Calibration {
        free: free.to_vec(),
        targets: used,
        replicates: scenario.run.replicates,
        fit,
    })
}

/// A particle's statistics: `scenario` with the free parameters at `theta` and its seed
/// `seed`, run for the scenario's replicates; each of `targets`' statistics (resolved as
/// `resolved`) averaged over the replicates where it is defined, NaN where it is defined in
/// none (or where an override is refused).
pub fn particle_statistics(
    scenario: &Scenario,
    targets: &[Target],
    resolved: &[Resolved],
    free: &[Free],
    theta: &[f64],
    seed: u64,
) -> Vec<f64> {
    let undefined = vec![f64::NAN; targets.len()];
    let Some(mut world) = with_values(scenario, free, theta) else {
        return undefined;
    };
    world.run.seed = seed;
    let mut sums = vec![(0.0, 0u32); targets.len()];
    for r in 0..world.run.replicates {
        let run = run_replicate(&world, r);
        for (sum, x) in sums
            .iter_mut()
            .zip(statistics(targets, resolved, &world, &run))
        {
            if let Some(x) = x {
                *sum = (sum.0 + x, sum.1 + 1);
            }
        }
    }
    sums.iter()
        .map(|&(s, n)| if n > 0 { s / f64::from(n) } else { f64::NAN })
        .collect()
}

/// The overrides that set the free parameters to `values`, as `--set` texts.
pub fn set_texts(free: &[Free], values: &[f64]) -> Vec<String> {
    free.iter()
        .zip(values)
        .map(|(f, v)| format!("{}={v}", f.path))
        .collect()
}

/// `scenario` with the free parameters set to `values` (`None` if an override is refused,
/// which [`Free::check`] rules out for values inside the priors).
pub fn with_values(scenario: &Scenario, free: &[Free], values: &[f64]) -> Option<Scenario> {
    let mut world = scenario.clone();
    for text in set_texts(free, values) {
        apply(&mut world, &Override::parse(&text).ok()?).ok()?;
    }
    Some(world)
}
