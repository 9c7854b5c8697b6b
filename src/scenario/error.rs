//! Scenario errors: every problem with a scenario file or a `--set` override, and where it is.
//!
//! Every scenario error is bad input (the CLI exits with status 2), so one type serves all of
//! them. An error points where the user must look: `FILE:LINE:COL` (1-based, column in
//! characters) at the key whose value is wrong, or at the list item or table header that is;
//! `FILE` alone for a problem of the whole file (unreadable, no country, no schema); and the
//! override as typed for `--set`, since it has no place in the file.

use std::fmt;

/// A scenario or override error. Display: `FILE:LINE:COL: MESSAGE` with a location,
/// `FILE: MESSAGE` without one, `--set PATH=VALUE: MESSAGE` for an override.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The scenario file as given (its path label).
    pub file: String,
    /// 1-based line, when the error has a place in the file.
    pub line: Option<u32>,
    /// 1-based column in characters, with `line`.
    pub col: Option<u32>,
    /// The key or path concerned, as written (`corruption`, `law.offences`, `run.weeks`).
    pub key: Option<String>,
    /// What is wrong, without the location prefix.
    pub message: String,
    /// For an override: the `--set` argument as typed (`PATH=VALUE`).
    pub set: Option<String>,
}

impl ScenarioError {
    /// An error at a place in the file.
    pub fn at(file: &str, pos: Pos, key: Option<&str>, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_string(),
            line: Some(saturate(pos.line)),
            col: Some(saturate(pos.col)),
            key: key.map(str::to_string),
            message: message.into(),
            set: None,
        }
    }

    /// An error about the whole file.
    pub fn in_file(file: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_string(),
            line: None,
            col: None,
            key: None,
            message: message.into(),
            set: None,
        }
    }

    /// An error in a `--set` override; `set` is the argument as typed.
    pub fn in_override(
        file: &str,
        set: &str,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ScenarioError {
            file: file.to_string(),
            line: None,
            col: None,
            key: key.map(str::to_string),
            message: message.into(),
            set: Some(set.to_string()),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.set, self.line, self.col) {
            (Some(set), _, _) => write!(f, "--set {set}: {}", self.message),
            (None, Some(line), Some(col)) => {
                write!(f, "{}:{line}:{col}: {}", self.file, self.message)
            }
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Lines and columns are `u32` to keep the error small (it travels in every `Result`); a
/// file with more than four billion lines would only see its places capped.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column (in characters) in a scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        let pos = Pos { line: 14, col: 1 };
        let e = ScenarioError::at(
            "s/x.toml",
            pos,
            Some("corruption"),
            "corruption = 1.4 is outside [0, 1]",
        );
        assert_eq!(
            e.to_string(),
            "s/x.toml:14:1: corruption = 1.4 is outside [0, 1]"
        );
        let e = ScenarioError::in_file("s/x.toml", "no [[country]]");
        assert_eq!(e.to_string(), "s/x.toml: no [[country]]");
        let e = ScenarioError::in_override(
            "s/x.toml",
            "run.weeks=0",
            Some("weeks"),
            "weeks = 0 is outside [1, 100000]",
        );
        assert_eq!(
            e.to_string(),
            "--set run.weeks=0: weeks = 0 is outside [1, 100000]"
        );
    }
}
