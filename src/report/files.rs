//! Reading back what palermo wrote: CSV tables by column name, with every refusal naming the
//! file, the line and the column, and `manifest.json` (the fields the report shows, and each
//! scenario's text, which is parsed again with `scenario::parse` for its countries and
//! timeline).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ReportError;
use crate::output::manifest::{ScenarioRecord, SweepRecord};
use crate::scenario::{self, Override, Scenario};

/// A CSV file held whole, its cells as text.
#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads `dir/name`; `what` says what the file is, for the message when it is missing.
    pub fn read(dir: &Path, name: &str, what: &'static str) -> Result<Table, ReportError> {
        let path = dir.join(name);
        let unreadable = |reason: String| ReportError::Unreadable {
            path: path.clone(),
            what,
            reason,
        };
        let mut reader = csv::Reader::from_path(&path).map_err(|e| unreadable(e.to_string()))?;
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| ReportError::damaged(&path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            // The csv crate's message names the line and the field counts of a ragged row.
            rows.push(record.map_err(|e| ReportError::damaged(&path, e.to_string()))?);
        }
        Ok(Table { path, header, rows })
    }

    /// The index of a column, or an error naming the file and the column.
    pub fn column(&self, name: &str) -> Result<usize, ReportError> {
        self.header
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| ReportError::damaged(&self.path, format!("no `{name}` column")))
    }

    /// Whether a column is there.
    pub fn has(&self, name: &str) -> bool {
        self.header.iter().any(|c| c == name)
    }

    /// The text of a cell.
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).unwrap_or("")
    }

    /// A number cell: `None` when empty (undefined), an error naming the line and column
    /// when it is not a number.
    pub fn number(&self, row: usize, col: usize) -> Result<Option<f64>, ReportError> {
        let cell = self.text(row, col);
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>().map(Some).map_err(|_| {
            let line = self.rows[row].position().map_or(0, |p| p.line());
            ReportError::damaged(
                &self.path,
                format!(
                    "line {line}: column `{}`: `{cell}` is not a number",
                    self.header[col]
                ),
            )
        })
    }
}

/// `manifest.json`, as far as the report reads it: the invocation's facts, and the scenario
/// and sweep records as `output::manifest` writes them.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub palermo_version: String,
    #[serde(default)]
    pub command_line: Vec<String>,
    #[serde(default)]
    pub started: String,
    #[serde(default)]
    pub finished: String,
    pub runs: usize,
    pub scenarios: Vec<ScenarioRecord>,
    pub sweep: Option<SweepRecord>,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, ReportError> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| ReportError::Unreadable {
            path: path.clone(),
            what: "the manifest",
            reason: e.to_string(),
        })?;
        serde_json::from_str(&text).map_err(|e| ReportError::damaged(&path, e.to_string()))
    }

    /// Each scenario as it was run: its recorded text parsed again, with its overrides.
    pub fn scenarios(&self, dir: &Path) -> Result<Vec<Scenario>, ReportError> {
        let path = dir.join("manifest.json");
        self.scenarios
            .iter()
            .map(|entry| {
                let overrides: Vec<Override> = entry
                    .overrides
                    .iter()
                    .map(|o| Override {
                        path: o.path.clone(),
                        value: o.value.clone(),
                    })
                    .collect();
                scenario::parse(&entry.text, &entry.path, &overrides).map_err(|e| {
                    ReportError::damaged(
                        &path,
                        format!(
                            "the recorded text of scenario `{}` does not parse: {e}",
                            entry.name
                        ),
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_number_names_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), "a,b\n1,\n2,x\n").unwrap();
        let t = Table::read(dir.path(), "t.csv", "a table").unwrap();
        assert_eq!(t.number(0, 0).unwrap(), Some(1.0));
        assert_eq!(t.number(0, 1).unwrap(), None);
        let e = t.number(1, 1).unwrap_err().to_string();
        assert!(
            e.ends_with("t.csv: line 3: column `b`: `x` is not a number"),
            "{e}"
        );
        let e = t.column("c").unwrap_err().to_string();
        assert!(e.ends_with("t.csv: no `c` column"), "{e}");
        let e = Table::read(dir.path(), "absent.csv", "a table").unwrap_err();
        assert!(e.is_bad_input());
        assert!(
            e.to_string().contains("absent.csv: cannot read a table"),
            "{e}"
        );
    }

    #[test]
    fn a_ragged_row_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), "a,b\n1,2\n3\n").unwrap();
        let e = Table::read(dir.path(), "t.csv", "a table")
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.csv: ") && e.contains("line: 3"), "{e}");
    }
}
