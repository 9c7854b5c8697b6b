//! Scenario errors: every problem with a scenario file or a `--set` override, and where it is.
//!
//! Every scenario error is bad input (the CLI exits with status 2), so one type serves all of
//! them. An error points where the user must look: `FILE:LINE:COL` (1-based, column in
//! characters) at the key whose value is wrong, or at the list item or table header that is;
//! `FILE` alone for a problem of the whole file (unreadable, no country, no schema); and the
//! override as typed for `--set`, since it has no place in the file.
//!
//! A file with several mistakes gives one error carrying the others ([`ScenarioError::all`]),
//! so that every `Result` keeps one error type while a user sees every mistake at once.

use std::fmt;

/// The most errors of one file that are shown; the rest are counted.
pub const SHOWN_ERRORS: usize = 20;

/// A scenario or override error. Display: `FILE:LINE:COL: MESSAGE` with a location,
/// `FILE: MESSAGE` without one, `--set PATH=VALUE: MESSAGE` for an override.
///
/// An error of a file with several mistakes is the first of them, in file order, carrying the
/// others (see [`ScenarioError::errors`]); its Display puts each further one on its own line
/// prefixed with `error: ` (as the command line prefixes the first), at most
/// [`SHOWN_ERRORS`] in all, then `... and N more errors`.
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
    /// The file's further errors, in file order, each without further ones of its own (see
    /// [`ScenarioError::errors`]); `None` for a single error. Boxed to keep the error small:
    /// it travels in every `Result`.
    #[expect(
        clippy::box_collection,
        reason = "a thin pointer keeps every `Result<_, ScenarioError>` small"
    )]
    more: Option<Box<Vec<ScenarioError>>>,
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
            more: None,
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
            more: None,
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
            more: None,
        }
    }

    /// One error for all of `errors` (flattened), sorted into file order: problems of the
    /// whole file first, then by line and column, in the order found where they tie. `None`
    /// when there are none.
    pub fn all(errors: impl IntoIterator<Item = ScenarioError>) -> Option<ScenarioError> {
        let mut flat: Vec<ScenarioError> = Vec::new();
        for mut e in errors {
            let more = e.more.take();
            flat.push(e);
            flat.extend(more.map_or_else(Vec::new, |m| *m));
        }
        // Stable: errors at one place keep the order they were found in.
        flat.sort_by_key(|e| (e.line.unwrap_or(0), e.col.unwrap_or(0)));
        let mut rest = flat.into_iter();
        let mut first = rest.next()?;
        let rest: Vec<ScenarioError> = rest.collect();
        first.more = (!rest.is_empty()).then(|| Box::new(rest));
        Some(first)
    }

    /// Each error on its own, in file order: `self` (whose Display also shows the others),
    /// then the further ones.
    pub fn errors(&self) -> impl Iterator<Item = &ScenarioError> {
        std::iter::once(self).chain(self.further())
    }

    /// The further errors, after this one.
    fn further(&self) -> &[ScenarioError] {
        self.more.as_deref().map_or(&[], Vec::as_slice)
    }

    /// How many errors this is (1 plus the further ones).
    pub fn count(&self) -> usize {
        1 + self.further().len()
    }

    /// The one line of this error alone.
    fn fmt_one(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.set, self.line, self.col) {
            (Some(set), _, _) => write!(f, "--set {set}: {}", self.message),
            (None, Some(line), Some(col)) => {
                write!(f, "{}:{line}:{col}: {}", self.file, self.message)
            }
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_one(f)?;
        for e in self.further().iter().take(SHOWN_ERRORS.saturating_sub(1)) {
            f.write_str("\nerror: ")?;
            e.fmt_one(f)?;
        }
        let hidden = self.count().saturating_sub(SHOWN_ERRORS);
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            write!(f, "\n... and {hidden} more error{s}")?;
        }
        Ok(())
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

    fn at_line(line: usize, message: &str) -> ScenarioError {
        ScenarioError::at("x.toml", Pos { line, col: 1 }, Some("k"), message)
    }

    #[test]
    fn several_errors_are_sorted_and_shown_one_a_line() {
        assert_eq!(ScenarioError::all(Vec::new()), None);
        let e = ScenarioError::all([
            at_line(9, "c"),
            at_line(3, "a"),
            ScenarioError::in_file("x.toml", "no schema"),
            at_line(3, "b"),
        ])
        .unwrap();
        assert_eq!(e.count(), 4);
        assert_eq!(
            e.to_string(),
            "x.toml: no schema\nerror: x.toml:3:1: a\nerror: x.toml:3:1: b\nerror: x.toml:9:1: c"
        );
        // Nested errors are flattened.
        let again = ScenarioError::all([e.clone()]).unwrap();
        assert_eq!(again, e);
        assert!(e.further().iter().all(|one| one.more.is_none()));
        let messages: Vec<&str> = e.errors().map(|one| one.message.as_str()).collect();
        assert_eq!(messages, ["no schema", "a", "b", "c"]);
    }

    #[test]
    fn the_list_is_capped() {
        let errors = (1..=SHOWN_ERRORS + 5).map(|line| at_line(line, "bad"));
        let e = ScenarioError::all(errors).unwrap();
        assert_eq!(e.count(), SHOWN_ERRORS + 5);
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), SHOWN_ERRORS + 1, "{shown}");
        assert_eq!(lines[SHOWN_ERRORS - 1], "error: x.toml:20:1: bad");
        assert_eq!(lines[SHOWN_ERRORS], "... and 5 more errors");
        let one_more = ScenarioError::all((1..=SHOWN_ERRORS + 1).map(|l| at_line(l, "bad")));
        assert!(
            one_more
                .unwrap()
                .to_string()
                .ends_with("\n... and 1 more error")
        );
        // Exactly the cap: no tail.
        let full = ScenarioError::all((1..=SHOWN_ERRORS).map(|l| at_line(l, "bad"))).unwrap();
        assert_eq!(full.to_string().lines().count(), SHOWN_ERRORS);
    }
}
