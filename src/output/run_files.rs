//! The files of `palermo run` written while the runs finish: `timeseries.csv`, `summary.csv`
//! and `routes.csv` grow under temporary names, one run after the other in run order, so that
//! memory holds no run once it is written; [`RunFiles::finish`] adds `manifest.json` and puts
//! the four in place. Until then nothing stands under a final name, and a failure removes
//! what was staged (and the directory, if this invocation created it).

use std::io::Write;
use std::path::Path;

use super::atomic::{OutputDir, Staged};
use super::csv_rows::{self, FinishedRun, override_cell, override_columns};
use super::error::OutputError;
use super::manifest::Manifest;
use crate::scenario::Scenario;

/// The file of weekly rows.
pub const TIMESERIES_FILE: &str = "timeseries.csv";
/// The file of one row per run.
pub const SUMMARY_FILE: &str = "summary.csv";
/// The file of persons recruited per route, per run.
pub const ROUTES_FILE: &str = "routes.csv";
/// The file describing the invocation.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The four files a run writes, in the order they are put in place.
pub const FILES: [&str; 4] = [TIMESERIES_FILE, SUMMARY_FILE, ROUTES_FILE, MANIFEST_FILE];

/// Appends run number `index`'s row to a `summary.csv` writer.
fn summary_row<W: Write>(
    summary: &mut csv::Writer<W>,
    scenarios: &[Scenario],
    override_paths: &[&str],
    index: usize,
    run: &FinishedRun,
) -> Result<(), OutputError> {
    let scenario = &scenarios[run.scenario];
    let cells: Vec<&str> = override_paths
        .iter()
        .map(|p| override_cell(scenario, p))
        .collect();
    summary.serialize((
        csv_rows::summary_key(scenario, index, run),
        cells,
        &run.summary,
    ))?;
    Ok(())
}

/// The bytes of the three CSV files [`RunFiles`] writes for `runs` (in run order), without
/// writing anything: what a front end hands out as a download (the page of `palermo
/// serve`), byte for byte the files of `palermo run`.
pub fn csv_files(
    scenarios: &[Scenario],
    runs: &[FinishedRun],
) -> Result<[(&'static str, Vec<u8>); 3], OutputError> {
    let mut timeseries = csv_rows::timeseries_header()?;
    let mut routes = csv_rows::routes_header()?;
    let mut summary = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    summary.write_record(csv_rows::summary_columns(scenarios)?)?;
    let override_paths = override_columns(scenarios);
    for (index, run) in runs.iter().enumerate() {
        timeseries.extend_from_slice(&run.timeseries);
        summary_row(&mut summary, scenarios, &override_paths, index, run)?;
        routes.extend_from_slice(&run.routes);
    }
    let summary = summary
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok([
        (TIMESERIES_FILE, timeseries),
        (SUMMARY_FILE, summary),
        (ROUTES_FILE, routes),
    ])
}

/// `timeseries.csv`, `summary.csv` and `routes.csv` being written, headers first.
pub struct RunFiles<'s> {
    out: OutputDir,
    scenarios: &'s [Scenario],
    /// The override paths of the summary's columns.
    override_paths: Vec<&'s str>,
    timeseries: Staged,
    summary: csv::Writer<Staged>,
    routes: Staged,
    /// Runs written so far: the next run's index.
    runs: usize,
}

impl<'s> RunFiles<'s> {
    /// Checks `dir` again (the directory rule: see [`super::check_target`]), creates it, and
    /// stages the three CSV files with their headers.
    pub fn create(
        dir: &Path,
        force: bool,
        scenarios: &'s [Scenario],
    ) -> Result<RunFiles<'s>, OutputError> {
        let out = OutputDir::prepare(dir, force)?;
        match Self::stage(&out, scenarios) {
            Ok((timeseries, summary, routes)) => Ok(RunFiles {
                out,
                scenarios,
                override_paths: override_columns(scenarios),
                timeseries,
                summary,
                routes,
                runs: 0,
            }),
            Err(e) => {
                out.abandon();
                Err(e)
            }
        }
    }

    fn stage(
        out: &OutputDir,
        scenarios: &[Scenario],
    ) -> Result<(Staged, csv::Writer<Staged>, Staged), OutputError> {
        let with_header = |name: &str, header: Vec<u8>| -> Result<Staged, OutputError> {
            let mut file = out.stage(name)?;
            file.writer()
                .write_all(&header)
                .map_err(OutputError::io(file.path()))?;
            Ok(file)
        };
        let timeseries = with_header(TIMESERIES_FILE, csv_rows::timeseries_header()?)?;
        let mut summary = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out.stage(SUMMARY_FILE)?);
        summary.write_record(csv_rows::summary_columns(scenarios)?)?;
        let routes = with_header(ROUTES_FILE, csv_rows::routes_header()?)?;
        Ok((timeseries, summary, routes))
    }

    /// Appends the next run, in run order.
    pub fn add(&mut self, run: &FinishedRun) -> Result<(), OutputError> {
        self.timeseries
            .writer()
            .write_all(&run.timeseries)
            .map_err(OutputError::io(self.timeseries.path()))?;
        summary_row(
            &mut self.summary,
            self.scenarios,
            &self.override_paths,
            self.runs,
            run,
        )?;
        self.routes
            .writer()
            .write_all(&run.routes)
            .map_err(OutputError::io(self.routes.path()))?;
        self.runs += 1;
        Ok(())
    }

    /// Runs written so far.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Writes `manifest.json` and puts the four files in place, in the order of
    /// [`FILES`]; on failure nothing new stands under a final name.
    pub fn finish(self, manifest: &Manifest) -> Result<(), OutputError> {
        let RunFiles {
            out,
            timeseries,
            summary,
            routes,
            ..
        } = self;
        let staged = (|| {
            let timeseries = timeseries.finish()?;
            let summary = summary
                .into_inner()
                .map_err(|e| csv::Error::from(e.into_error()))?
                .finish()?;
            let routes = routes.finish()?;
            let mut json = out.stage(MANIFEST_FILE)?;
            serde_json::to_writer_pretty(&mut *json.writer(), manifest)?;
            json.writer()
                .write_all(b"\n")
                .map_err(OutputError::io(json.path()))?;
            Ok(vec![timeseries, summary, routes, json.finish()?])
        })();
        match staged {
            Ok(files) => out.commit(files),
            Err(e) => {
                out.abandon();
                Err(e)
            }
        }
    }

    /// Gives up: the staged files are removed, and the directory if this invocation created
    /// it and it is empty.
    pub fn abandon(self) {
        let RunFiles {
            out,
            timeseries,
            summary,
            routes,
            ..
        } = self;
        drop(timeseries);
        drop(routes);
        // The csv writer flushes on drop into the staged file, which then removes itself.
        drop(summary);
        out.abandon();
    }
}
