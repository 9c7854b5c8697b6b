//! `palermo report`: one self-contained HTML page (`report.html`) that shows what a directory
//! palermo wrote contains, as charts and tables, for people who will not write pandas first.
//!
//! It reads only the files palermo wrote (`files.rs`), and each scenario's text recorded in
//! `manifest.json`, parsed again by [`crate::scenario::parse`] for its countries and timeline;
//! it never runs the model. The kind of directory decides the page ([`Kind`]): a run's
//! (`run_page.rs`, with `weekly.rs` and `timeline.rs`), a comparison's (`compare_page.rs`) or a
//! sweep's (`sweep_page.rs`, with `sensitivity.rs`). Charts are SVG drawn by `svg/`, the page
//! around them by `html.rs`: every style inline, no script, no outside resource. The file is
//! written atomically through [`crate::output::atomic`] and never replaces a report without
//! `force`.

mod compare_page;
mod error;
mod files;
mod html;
mod run_page;
mod sensitivity;
pub mod svg;
mod sweep_page;
mod timeline;
mod weekly;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use error::ReportError;
pub use sensitivity::SENSITIVITY_FILE;

use crate::output::{OutputDir, OutputError};
use files::Manifest;

/// The report's file name in the directory it describes.
pub const REPORT_FILE: &str = "report.html";

/// What palermo wrote in a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `palermo run`: timeseries.csv, summary.csv, manifest.json.
    Run,
    /// `palermo sweep`: points.csv (and summary.csv, manifest.json, aggregate.csv, ...).
    Sweep,
    /// `palermo compare --out`: compare.csv (and, for two scenarios, manifest.json).
    Comparison,
}

/// The kind of `dir`, from the files in it.
pub fn detect(dir: &Path) -> Result<Kind, ReportError> {
    if !dir.is_dir() {
        return Err(ReportError::Unreadable {
            path: dir.to_path_buf(),
            what: "the directory",
            reason: "not a directory".into(),
        });
    }
    let has = |name: &str| dir.join(name).is_file();
    if has(crate::sweep::COMPARE_FILE) {
        Ok(Kind::Comparison)
    } else if has(crate::sweep::POINTS_FILE) {
        Ok(Kind::Sweep)
    } else if has(crate::output::TIMESERIES_FILE)
        || has(crate::output::SUMMARY_FILE)
        || has(crate::output::MANIFEST_FILE)
    {
        // A run's directory: its three files are all needed, and a missing one is named.
        Ok(Kind::Run)
    } else {
        Err(ReportError::NotPalermo {
            dir: dir.to_path_buf(),
        })
    }
}

/// The report of `dir` as HTML text; `progress` is told each step (a file read, the charts).
pub fn render(dir: &Path, progress: &dyn Fn(&str)) -> Result<(Kind, String), ReportError> {
    let kind = detect(dir)?;
    progress("manifest.json");
    let (title, sections, manifest) = match kind {
        Kind::Run => {
            let m = Manifest::read(dir)?;
            let scenarios = m.scenarios(dir)?;
            let names: Vec<&str> = m.scenarios.iter().map(|s| s.name.as_str()).collect();
            let sections = run_page::sections(dir, &m, &scenarios, progress)?;
            (
                format!("palermo run: {}", names.join(", ")),
                sections,
                Some(m),
            )
        }
        Kind::Sweep => {
            let m = Manifest::read(dir)?;
            let sections = sweep_page::sections(dir, &m, progress)?;
            let name = m
                .scenarios
                .first()
                .map_or("", |s| s.name.as_str())
                .to_string();
            (format!("palermo sweep: {name}"), sections, Some(m))
        }
        Kind::Comparison => {
            let m = if dir.join(crate::output::MANIFEST_FILE).exists() {
                Some(Manifest::read(dir)?)
            } else {
                None
            };
            let (a, b) = compare_page::names(m.as_ref());
            let mut sections = compare_page::sections(dir, m.as_ref())?;
            if let Some(m) = &m {
                sections.insert(0, run_page::what_was_run(m));
                // compare keeps no weekly counters; the two worlds' curves are drawn when
                // the directory also holds a run's timeseries.csv of them.
                if dir.join(crate::output::TIMESERIES_FILE).is_file() {
                    let scenarios = m.scenarios(dir)?;
                    sections.extend(run_page::curves(dir, &scenarios)?);
                }
            }
            (format!("palermo compare: {b} − {a}"), sections, m)
        }
    };
    let version = manifest
        .as_ref()
        .map_or(env!("CARGO_PKG_VERSION"), |m| m.palermo_version.as_str());
    let lead = format!("A report of {}.", dir.display());
    Ok((kind, html::page(&title, &lead, &sections, version)))
}

/// Writes the report of `dir` to `out` (default `dir/report.html`), refusing to replace an
/// existing file unless `force`; returns where it went. Nothing is written when the
/// directory cannot be read.
pub fn write_report(
    dir: &Path,
    out: Option<&Path>,
    force: bool,
    progress: &dyn Fn(&str),
) -> Result<(Kind, PathBuf), ReportError> {
    let target = out.map_or_else(|| dir.join(REPORT_FILE), Path::to_path_buf);
    check_target(&target, force)?;
    let (kind, page) = render(dir, progress)?;
    let (parent, name) = split(&target)?;
    let out_dir = OutputDir::existing(&parent);
    let mut staged = out_dir.stage(&name)?;
    staged
        .writer()
        .write_all(page.as_bytes())
        .map_err(|e| OutputError::Io {
            path: staged.path().to_path_buf(),
            source: e,
        })?;
    let pending = staged.finish()?;
    out_dir.commit(vec![pending])?;
    Ok((kind, target))
}

/// Refuses an existing report (without `force`), a directory in its place, or a parent
/// directory that is not there, before any work.
pub fn check_target(target: &Path, force: bool) -> Result<(), ReportError> {
    if target.is_dir() {
        return Err(ReportError::Damaged {
            path: target.to_path_buf(),
            message: "is a directory, not a file name for the report".into(),
        });
    }
    if target.exists() && !force {
        return Err(ReportError::Exists {
            path: target.to_path_buf(),
        });
    }
    let (parent, _) = split(target)?;
    if !parent.is_dir() {
        return Err(ReportError::Unreadable {
            path: parent,
            what: "the directory for the report",
            reason: "no such directory".into(),
        });
    }
    crate::output::atomic::check_writable(&parent, &parent)?;
    Ok(())
}

fn split(target: &Path) -> Result<(PathBuf, String), ReportError> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| ReportError::Damaged {
            path: target.to_path_buf(),
            message: "not a file name for the report".into(),
        })?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_string()))
}
