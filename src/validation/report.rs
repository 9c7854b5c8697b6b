//! One row per target: the model's mean across replicates with its 95 % confidence interval,
//! the share of replicates inside the band, and the verdict under the rule of
//! `docs/VALIDATION.md`; and the same rows as a text table, Markdown and `validation.csv`.
//!
//! The rule: a target passes when the mean over the replicates where its statistic is
//! defined lies in its band (for `value ± sd`, the band `value ± 2 sd`). The mean is what the
//! model says with its own noise averaged out; the band is the real world's range. Whether
//! the replicates were enough to tell is a separate column, `settled`: the 95 % interval of
//! the mean lies wholly inside the band (a pass) or wholly outside it (a fail). An unsettled
//! verdict is the mean's side of an edge, and more replicates may change it.

use std::path::Path;

use super::targets::{Expected, Target};
use crate::metrics::stats::Estimate;
use crate::output::atomic::Pending;
use crate::output::sweep_csv::Cell;
use crate::output::{OutputDir, OutputError};
use crate::sweep::compare::short;

/// The file of one row per target.
pub const VALIDATION_CSV: &str = "validation.csv";
/// The same table in Markdown.
pub const VALIDATION_MD: &str = "validation.md";

/// The columns of `validation.csv`.
pub const COLUMNS: [&str; 19] = [
    "target",
    "statistic",
    "countries",
    "weeks",
    "role",
    "low",
    "high",
    "value",
    "sd",
    "source",
    "year",
    "replicates",
    "defined",
    "mean",
    "ci_low",
    "ci_high",
    "inside_share",
    "result",
    "settled",
];

/// A target and what the model gave for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub target: Target,
    /// The statistic in each replicate, in replicate order; `None` where undefined.
    pub values: Vec<Option<f64>>,
    /// Over the replicates where it is defined; `None` if it is defined in none.
    pub estimate: Option<Estimate>,
    /// Replicates whose value lies in the band, out of all of them (undefined ones are not).
    pub inside_share: f64,
    pub pass: bool,
    /// The 95 % interval lies wholly on the verdict's side of the band's edges.
    pub settled: bool,
}

impl Row {
    pub fn new(target: Target, values: Vec<Option<f64>>) -> Row {
        let (low, high) = target.expected.band();
        let inside = |x: f64| low <= x && x <= high;
        let defined: Vec<f64> = values.iter().flatten().copied().collect();
        let estimate = (!defined.is_empty()).then(|| Estimate::of(&defined));
        let inside_share = if values.is_empty() {
            0.0
        } else {
            defined.iter().filter(|&&x| inside(x)).count() as f64 / values.len() as f64
        };
        let pass = estimate.is_some_and(|e| inside(e.mean));
        let settled = estimate.is_some_and(|e| {
            let (lo, hi) = (e.low(), e.high());
            if !(lo.is_finite() && hi.is_finite()) {
                return false;
            }
            if pass {
                inside(lo) && inside(hi)
            } else {
                hi < low || lo > high
            }
        });
        Row {
            target,
            values,
            estimate,
            inside_share,
            pass,
            settled,
        }
    }

    pub fn result(&self) -> &'static str {
        if self.pass { "pass" } else { "fail" }
    }

    /// The statistic with its countries and weeks where they are not the defaults.
    pub fn statistic(&self) -> String {
        let mut qualifiers = Vec::new();
        if let Some(c) = &self.target.countries {
            let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
            qualifiers.push(names.join(", "));
        }
        if let Some((first, last, _)) = self.target.weeks {
            qualifiers.push(format!("weeks {first}–{last}"));
        }
        let mut label = self.target.statistic.label();
        if self.target.scale != 1.0 {
            label += &format!(" × {}", self.target.scale);
        }
        if qualifiers.is_empty() {
            label
        } else {
            format!("{label} ({})", qualifiers.join("; "))
        }
    }

    /// The band as the tables show it: `0.002–0.006`, `≥ 1`, `0.5 ± 0.1`.
    pub fn band(&self) -> String {
        match self.target.expected {
            Expected::Value { value, sd } => format!("{} ± {}", short(value), short(sd)),
            Expected::Band { low, high } if high == f64::INFINITY => format!("≥ {}", short(low)),
            Expected::Band { low, high } if low == f64::NEG_INFINITY => {
                format!("≤ {}", short(high))
            }
            // A dash would read as a minus sign next to a negative end.
            Expected::Band { low, high } if low < 0.0 => {
                format!("{} to {}", short(low), short(high))
            }
            Expected::Band { low, high } => format!("{}–{}", short(low), short(high)),
        }
    }

    /// `0.0052 [0.0049, 0.0055]`, or `undefined`.
    pub fn mean(&self) -> String {
        match self.estimate {
            None => "undefined".to_string(),
            Some(e) if e.n < 2 => short(e.mean),
            Some(e) => format!(
                "{} [{}, {}]",
                short(e.mean),
                short(e.low()),
                short(e.high())
            ),
        }
    }

    /// `pass`, `fail`, or either with `(unsettled)`.
    pub fn verdict(&self) -> String {
        if self.settled {
            self.result().to_string()
        } else {
            format!("{} (unsettled)", self.result())
        }
    }

    /// `9/10`, with the undefined ones named.
    pub fn inside(&self) -> String {
        let n = self.values.len();
        let inside = (self.inside_share * n as f64).round() as usize;
        let undefined = self.values.iter().filter(|v| v.is_none()).count();
        if undefined > 0 {
            format!("{inside}/{n} ({undefined} undefined)")
        } else {
            format!("{inside}/{n}")
        }
    }

    fn cells(&self) -> [String; 7] {
        [
            self.target.name.clone(),
            self.statistic(),
            self.band(),
            self.target.role.name().to_string(),
            self.mean(),
            self.inside(),
            self.verdict(),
        ]
    }
}

const HEADINGS: [&str; 7] = [
    "target",
    "statistic",
    "band",
    "role",
    "mean [95 % CI]",
    "inside",
    "result",
];

/// The rows as an aligned text table.
pub fn text(rows: &[Row]) -> String {
    let cells: Vec<[String; 7]> = rows.iter().map(Row::cells).collect();
    let width = |k: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain([HEADINGS[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADINGS.len()).map(width).collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let head: Vec<String> = HEADINGS.iter().map(|h| h.to_string()).collect();
    let mut out = line(&head);
    for c in &cells {
        out += &line(c);
    }
    out
}

/// The rows as a Markdown table.
pub fn markdown(rows: &[Row]) -> String {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let head: Vec<String> = HEADINGS.iter().map(|h| h.to_string()).collect();
    let mut out = line(&head);
    out += &line(&vec!["---".to_string(); HEADINGS.len()]);
    for row in rows {
        out += &line(&row.cells().map(|c| c.replace('|', "\\|")));
    }
    out
}

/// The line under the table: how many pass, and the rule.
pub fn verdict_line(rows: &[Row], replicates: u32) -> String {
    let passed = rows.iter().filter(|r| r.pass).count();
    format!(
        "{passed} of {} targets pass ({replicates} replicates; a target passes when the mean lies in its band, value ± sd meaning value ± 2 sd)",
        rows.len()
    )
}

/// Writes `validation.csv` and `validation.md` (and `manifest.json`, when given) into `dir`,
/// created if absent, refused if not empty unless `force`; every file appears complete or not
/// at all.
pub fn write(
    dir: &Path,
    force: bool,
    rows: &[Row],
    markdown_text: &str,
    manifest: &str,
) -> Result<(), OutputError> {
    OutputDir::write_all(dir, force, |out| {
        let mut files = stage(out, rows, markdown_text)?;
        files.push(out.stage_text(crate::output::MANIFEST_FILE, manifest)?);
        Ok(files)
    })
}

/// Stages `validation.csv` and `validation.md` in `out`, to be committed with other files.
pub fn stage(
    out: &OutputDir,
    rows: &[Row],
    markdown_text: &str,
) -> Result<Vec<Pending>, OutputError> {
    let staged = out.stage(VALIDATION_CSV)?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(staged);
    w.write_record(COLUMNS)?;
    for row in rows {
        csv_row(&mut w, row)?;
    }
    let csv_file = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?
        .finish()?;
    Ok(vec![
        csv_file,
        out.stage_text(VALIDATION_MD, markdown_text)?,
    ])
}

fn csv_row<W: std::io::Write>(w: &mut csv::Writer<W>, row: &Row) -> Result<(), csv::Error> {
    let t = &row.target;
    let countries = t.countries.as_ref().map_or("all".to_string(), |c| {
        let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
        names.join(";")
    });
    let weeks = t
        .weeks
        .map_or(String::new(), |(first, last, _)| format!("{first}-{last}"));
    let statistic = if t.scale == 1.0 {
        t.statistic.label()
    } else {
        format!("{} * {}", t.statistic.label(), t.scale)
    };
    let (band, value) = match t.expected {
        Expected::Band { low, high } => ((Some(low), Some(high)), (None, None)),
        Expected::Value { value, sd } => {
            let (low, high) = t.expected.band();
            ((Some(low), Some(high)), (Some(value), Some(sd)))
        }
    };
    // An open end is written as the text `inf` / `-inf`, which pandas and R read back.
    let bound = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    let (low, high) = (bound(band.0), bound(band.1));
    let number = |x: Option<f64>| Cell::Number(x.filter(|x| x.is_finite()));
    let e = row.estimate;
    let defined = row.values.iter().flatten().count() as u64;
    w.serialize([
        Cell::Text(&t.name),
        Cell::Text(&statistic),
        Cell::Text(&countries),
        Cell::Text(&weeks),
        Cell::Text(t.role.name()),
        Cell::Text(&low),
        Cell::Text(&high),
        number(value.0),
        number(value.1),
        Cell::Text(&t.source),
        Cell::Text(&t.year),
        Cell::Count(row.values.len() as u64),
        Cell::Count(defined),
        number(e.map(|e| e.mean)),
        number(e.map(|e| e.low())),
        number(e.map(|e| e.high())),
        Cell::number(row.inside_share),
        Cell::Text(row.result()),
        Cell::Text(if row.settled { "yes" } else { "no" }),
    ])
}
