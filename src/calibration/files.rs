//! The files `palermo calibrate --out DIR` writes, all at once (`output::atomic`):
//! `posterior.csv` (every generation's particles: the last generation is the posterior),
//! `generations.csv` (tolerance, acceptance, ESS and runs per generation), `parameters.csv`
//! (each free parameter's posterior summary) and `calibrated.toml` (the scenario with the
//! posterior medians in its `set` list).

use super::model::{Calibration, set_texts, with_values};
use super::summary::{ParameterSummary, summarize};
use crate::output::OutputError;
use crate::output::atomic::{OutputDir, Pending};
use crate::params::fmt_num;
use crate::scenario::error::ScenarioError;
use crate::scenario::rewrite::with_overrides;
use crate::scenario::{Override, Scenario};

pub const POSTERIOR_CSV: &str = "posterior.csv";
pub const GENERATIONS_CSV: &str = "generations.csv";
pub const PARAMETERS_CSV: &str = "parameters.csv";
pub const CALIBRATED_TOML: &str = "calibrated.toml";

impl Calibration {
    /// Each free parameter's posterior summary, in the order given.
    pub fn parameters(&self) -> Vec<ParameterSummary> {
        let last = self.fit.posterior();
        self.free
            .iter()
            .enumerate()
            .map(|(k, f)| summarize(last, k, f.prior.variance()))
            .collect()
    }

    /// The posterior medians as `--set` texts.
    pub fn median_sets(&self) -> Vec<String> {
        let medians: Vec<f64> = self.parameters().iter().map(|p| p.median).collect();
        set_texts(&self.free, &medians)
    }

    /// The scenario with the free parameters at their posterior medians (`None` only if an
    /// override were refused, which [`super::Free::check`] rules out).
    pub fn calibrated_scenario(&self, scenario: &Scenario) -> Option<Scenario> {
        let medians: Vec<f64> = self.parameters().iter().map(|p| p.median).collect();
        with_values(scenario, &self.free, &medians)
    }

    /// Runs of the model so far (simulations × replicates).
    pub fn runs(&self, simulations: u64) -> u64 {
        simulations * u64::from(self.replicates)
    }
}

/// Stages the four files in `out`, to be committed with whatever else the command writes;
/// `calibrated_text` is [`calibrated`]'s.
pub fn stage(
    out: &OutputDir,
    calibration: &Calibration,
    calibrated_text: &str,
) -> Result<Vec<Pending>, OutputError> {
    Ok(vec![
        posterior(out, calibration)?,
        generations(out, calibration)?,
        parameters(out, calibration)?,
        out.stage_text(CALIBRATED_TOML, calibrated_text)?,
    ])
}

/// A CSV file staged in `out`, its rows written by `rows`.
fn csv_file(
    out: &OutputDir,
    name: &str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
) -> Result<Pending, OutputError> {
    let staged = out.stage(name)?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(staged);
    w.write_record(&header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?
        .finish()
}

fn posterior(out: &OutputDir, c: &Calibration) -> Result<Pending, OutputError> {
    let mut header = vec!["particle".into(), "generation".into(), "weight".into()];
    header.extend(c.free.iter().map(|f| f.path.clone()));
    header.push("distance".into());
    header.extend(c.targets.iter().map(|t| t.name.clone()));
    let rows = c
        .fit
        .generations
        .iter()
        .flat_map(|g| {
            g.particles.iter().enumerate().map(move |(i, p)| {
                let mut row = vec![i.to_string(), g.index.to_string(), p.weight.to_string()];
                row.extend(p.theta.iter().map(f64::to_string));
                row.push(p.distance.to_string());
                row.extend(p.statistics.iter().map(f64::to_string));
                row
            })
        })
        .collect();
    csv_file(out, POSTERIOR_CSV, header, rows)
}

fn generations(out: &OutputDir, c: &Calibration) -> Result<Pending, OutputError> {
    let header = [
        "generation",
        "tolerance",
        "proposals",
        "acceptance",
        "ess",
        "runs",
    ]
    .map(String::from)
    .to_vec();
    let rows = c
        .fit
        .generations
        .iter()
        .map(|g| {
            vec![
                g.index.to_string(),
                g.tolerance.to_string(),
                g.proposals.to_string(),
                g.acceptance.to_string(),
                g.ess.to_string(),
                c.runs(g.simulations).to_string(),
            ]
        })
        .collect();
    csv_file(out, GENERATIONS_CSV, header, rows)
}

fn parameters(out: &OutputDir, c: &Calibration) -> Result<Pending, OutputError> {
    let header = [
        "parameter",
        "prior_low",
        "prior_high",
        "mean",
        "median",
        "low_5",
        "high_95",
        "sd",
        "contraction",
        "identifiable",
    ]
    .map(String::from)
    .to_vec();
    let rows = c
        .free
        .iter()
        .zip(c.parameters())
        .map(|(f, p)| {
            let (low, high) = f.prior.bounds();
            vec![
                f.path.clone(),
                low.to_string(),
                high.to_string(),
                p.mean.to_string(),
                p.median.to_string(),
                p.low.to_string(),
                p.high.to_string(),
                p.sd.to_string(),
                p.contraction.to_string(),
                p.identifiable.to_string(),
            ]
        })
        .collect();
    csv_file(out, PARAMETERS_CSV, header, rows)
}

/// The calibrated scenario file: the scenario's text, comments and layout kept, with the
/// fit's command-line overrides and then the posterior medians added to its `set` list
/// ([`with_overrides`]), so that `palermo run calibrated.toml` runs the scenario the fit
/// validated; under a header that records the fit and each median's 90 % interval.
pub fn calibrated(c: &Calibration, scenario: &Scenario) -> Result<String, ScenarioError> {
    let last = c.fit.posterior();
    let mut head = format!(
        "# Calibrated by `palermo calibrate` (adaptive ABC-SMC): {} particles, {} generations, \
         stopped because {}.\n# Targets fitted: {}.\n# Posterior medians (90 % intervals), set \
         in the `set` list below:\n",
        last.particles.len(),
        c.fit.generations.len(),
        c.fit.stop.describe(),
        c.targets
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (f, p) in c.free.iter().zip(c.parameters()) {
        head.push_str(&format!(
            "#   {} = {}  ({} .. {})\n",
            f.path,
            fmt_num(p.median),
            fmt_num(p.low),
            fmt_num(p.high)
        ));
    }
    head.push('\n');
    let mut sets = scenario.overrides.clone();
    for text in c.median_sets() {
        sets.push(Override::parse(&text)?);
    }
    let note = "Set by `palermo calibrate`: the fit's --set overrides, then the posterior\nmedians of its free parameters (applied in order, after the file).";
    Ok(head + &with_overrides(&scenario.text, &scenario.path, &sets, note)?)
}
