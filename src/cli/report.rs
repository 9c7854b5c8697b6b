//! `palermo report DIR [--out FILE] [--force]`: the self-contained `report.html` of a
//! directory palermo wrote (a run's, a sweep's or a comparison's), made by
//! [`crate::report::write_report`]; and [`write_beside`], which `run`, `sweep` and `compare`
//! call for their `--report` flag.

use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::ProgressStyle;

use super::common::progress_bar;
use super::error::CliError;
use crate::report::{self, Kind};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A directory written by palermo run, sweep or compare --out.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Where to write the report [default: DIR/report.html].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing report.
    #[arg(long)]
    pub force: bool,
    /// No progress and no final line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo report`.
pub fn execute(args: &ReportArgs) -> Result<(), CliError> {
    report::check_target(
        &args
            .out
            .clone()
            .unwrap_or_else(|| args.dir.join(report::REPORT_FILE)),
        args.force,
    )?;
    write(&args.dir, args.out.as_deref(), args.force, args.quiet)
}

/// `--report` of run, sweep and compare: the report of `dir`, written into it.
pub fn write_beside(dir: &Path, force: bool, quiet: bool) -> Result<(), CliError> {
    write(dir, None, force, quiet)
}

fn write(dir: &Path, out: Option<&Path>, force: bool, quiet: bool) -> Result<(), CliError> {
    // A few steps (the manifest, the data files, the charts), named as they start.
    let bar = progress_bar(3, quiet);
    if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} report: {msg}") {
        bar.set_style(style);
    }
    let (kind, path) = report::write_report(dir, out, force, &|step: &str| {
        bar.set_message(step.to_string());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    if !quiet {
        let what = match kind {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Comparison => "comparison",
        };
        eprintln!(
            "wrote the report of the {what} in {} to {}",
            dir.display(),
            path.display()
        );
    }
    Ok(())
}
