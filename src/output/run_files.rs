//! The files of `palermo run` written while the runs finish: `timeseries.csv` and
//! `summary.csv` grow under temporary names, one run after the other in run order, so that
//! memory holds no run once it is written; [`RunFiles::finish`] adds `manifest.json` and puts
//! the three in place. Until then nothing stands under a final name, and a failure removes
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
/// The file describing the invocation.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The three files a run writes, in the order they are put in place.
pub const FILES: [&str; 3] = [TIMESERIES_FILE, SUMMARY_FILE, MANIFEST_FILE];

/// `timeseries.csv` and `summary.csv` being written, headers first.
pub struct RunFiles<'s> {
    out: OutputDir,
    scenarios: &'s [Scenario],
    /// The override paths of the summary's columns.
    override_paths: Vec<&'s str>,
    timeseries: Staged,
    summary: csv::Writer<Staged>,
    /// Runs written so far: the next run's index.
    runs: usize,
}

impl<'s> RunFiles<'s> {
    /// Checks `dir` again (the directory rule: see [`super::check_target`]), creates it, and
    /// stages the two files with their headers.
    pub fn create(
        dir: &Path,
        force: bool,
        scenarios: &'s [Scenario],
    ) -> Result<RunFiles<'s>, OutputError> {
        let out = OutputDir::prepare(dir, force)?;
        match Self::stage(&out, scenarios) {
            Ok((timeseries, summary)) => Ok(RunFiles {
                out,
                scenarios,
                override_paths: override_columns(scenarios),
                timeseries,
                summary,
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
    ) -> Result<(Staged, csv::Writer<Staged>), OutputError> {
        let mut timeseries = out.stage(TIMESERIES_FILE)?;
        timeseries
            .writer()
            .write_all(&csv_rows::timeseries_header()?)
            .map_err(OutputError::io(timeseries.path()))?;
        let mut summary = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out.stage(SUMMARY_FILE)?);
        summary.write_record(csv_rows::summary_columns(scenarios)?)?;
        Ok((timeseries, summary))
    }

    /// Appends the next run, in run order.
    pub fn add(&mut self, run: &FinishedRun) -> Result<(), OutputError> {
        self.timeseries
            .writer()
            .write_all(&run.timeseries)
            .map_err(OutputError::io(self.timeseries.path()))?;
        let scenario = &self.scenarios[run.scenario];
        let cells: Vec<&str> = self
            .override_paths
            .iter()
            .map(|p| override_cell(scenario, p))
            .collect();
        self.summary.serialize((
            csv_rows::summary_key(scenario, self.runs, run),
            cells,
            &run.summary,
        ))?;
        self.runs += 1;
        Ok(())
    }

    /// Runs written so far.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Writes `manifest.json` and puts the three files in place, in the order of
    /// [`FILES`]; on failure nothing new stands under a final name.
    pub fn finish(self, manifest: &Manifest) -> Result<(), OutputError> {
        let RunFiles {
            out,
            timeseries,
            summary,
            ..
        } = self;
        let staged = (|| {
            let timeseries = timeseries.finish()?;
            let summary = summary
                .into_inner()
                .map_err(|e| csv::Error::from(e.into_error()))?
                .finish()?;
            let mut json = out.stage(MANIFEST_FILE)?;
            serde_json::to_writer_pretty(&mut *json.writer(), manifest)?;
            json.writer()
                .write_all(b"\n")
                .map_err(OutputError::io(json.path()))?;
            Ok(vec![timeseries, summary, json.finish()?])
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
            ..
        } = self;
        drop(timeseries);
        // The csv writer flushes on drop into the staged file, which then removes itself.
        drop(summary);
        out.abandon();
    }
}
