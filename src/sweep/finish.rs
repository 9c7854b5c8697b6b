//! What follows a sweep's runs, shared by a sweep on one machine and a merge of shards: the
//! manifest's sweep record, SALib's `problem.json` and `samples.csv` for a sampled design,
//! `sensitivity.csv` for a sobol or morris design, and every file put in place at once, the assembled ones included (removing those of an
//! earlier sweep that this one does not write).

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;

use super::error::SweepError;
use super::files::{FILES, MANIFEST_FILE, PROBLEM_FILE, SAMPLES_FILE, SENSITIVITY_FILE};
use super::level::Level;
use super::plan::Plan;
use super::sensitivity::write_sensitivity;
use crate::output::atomic::{Pending, Staged};
use crate::output::manifest::{Invocation, Manifest, SweepManifest, SweepRecord, now_rfc3339};
use crate::output::{OutputDir, OutputError};

/// The sweep part of the manifest.
pub(super) fn sweep_record(
    plan: &Plan,
    ts: Level,
    agg: Level,
    fingerprint: String,
    first_started: String,
    computed_runs: usize,
    resumed_runs: usize,
) -> SweepRecord {
    SweepRecord {
        design: plan.spec.design.name().to_string(),
        parameters: plan.points.paths.clone(),
        points: plan.point_count(),
        replicates: plan.replicates,
        design_seed: plan.design_seed,
        timeseries: ts.name().to_string(),
        aggregate: agg.name().to_string(),
        fingerprint,
        first_started,
        computed_runs,
        resumed_runs,
        shards: None,
    }
}

/// Writes the files that follow the runs (SALib's, the indices, the manifest), then puts
/// every result file in place (`assembled`: the assembler's, staged), removing those of an earlier sweep
/// in the directory that this one does not write. `invocation.finished` is set here.
pub(super) fn finish(
    plan: &Plan,
    out: &OutputDir,
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    // By its path: tests/it/architecture.rs reads `use …::assemble…` as `use …` ("as").
    assembled: super::assemble::Assembled,
    mut invocation: Invocation,
    sweep: SweepRecord,
) -> Result<(), SweepError> {
    let mut files = assembled.files;
    if let Some(bounds) = &plan.points.bounds {
        files.push((PROBLEM_FILE, write_problem(stage, plan, bounds)?));
        files.push((SAMPLES_FILE, write_samples(stage, plan)?));
    }
    if let Some(means) = &assembled.means
        && let Some(indices) = write_sensitivity(stage, plan, means)?
    {
        files.push((SENSITIVITY_FILE, indices));
    }
    invocation.finished = now_rfc3339();
    let manifest = SweepManifest {
        manifest: Manifest::new(std::slice::from_ref(&plan.base), plan.runs(), invocation),
        sweep,
    };
    let mut json = stage(MANIFEST_FILE)?;
    serde_json::to_writer_pretty(&mut json, &manifest).map_err(OutputError::from)?;
    json.write_all(b"\n")
        .map_err(OutputError::io(json.path()))?;
    files.push((MANIFEST_FILE, json.finish()?));

    // Files of an earlier sweep in this directory that this one does not write would be
    // mistaken for its own: remove them before putting the new ones in place.
    let written: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    for name in FILES.iter().filter(|n| !written.contains(n)) {
        remove_if_present(&out.path().join(name))?;
    }
    let pending: Vec<Pending> = files.into_iter().map(|(_, p)| p).collect();
    Ok(out.commit(pending)?)
}

pub(super) fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(OutputError::io(path)(e)),
        _ => Ok(()),
    }
}

/// `problem.json`: the SALib problem of a sampled design.
fn write_problem(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    plan: &Plan,
    bounds: &[(f64, f64)],
) -> Result<Pending, OutputError> {
    #[derive(serde::Serialize)]
    struct Problem<'a> {
        num_vars: usize,
        names: &'a [String],
        bounds: Vec<[f64; 2]>,
    }
    let problem = Problem {
        num_vars: plan.points.paths.len(),
        names: &plan.points.paths,
        bounds: bounds.iter().map(|&(a, b)| [a, b]).collect(),
    };
    let mut staged = stage(PROBLEM_FILE)?;
    serde_json::to_writer_pretty(&mut staged, &problem)?;
    staged
        .write_all(b"\n")
        .map_err(OutputError::io(staged.path()))?;
    staged.finish()
}

/// `samples.csv`: the value of each parameter at each point, in point order (SALib's row
/// order for sobol and morris).
fn write_samples(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    plan: &Plan,
) -> Result<Pending, OutputError> {
    let staged = stage(SAMPLES_FILE)?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(staged);
    w.write_record(&plan.points.paths)?;
    for point in 0..plan.point_count() {
        w.write_record(plan.cells(point))?;
    }
    let staged = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    staged.finish()
}
