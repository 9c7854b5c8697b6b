//! A scenario's own overrides: the top-level `set = ["PATH=VALUE", ...]`, read as `--set`
//! reads its arguments and applied after the rest of the file is built, before the command
//! line's. They let a file say "this scenario, with these changes" in the words a researcher
//! types: the page of `palermo serve` exports each side that way and `palermo calibrate` writes
//! its fit that way, so the file they give stays the scenario as written, comments and all.
//! An entry that is refused is reported at its place in the file, with the message `--set`
//! would give.

use super::located::{Checker, Leaf};
use crate::scenario::error::{Pos, ScenarioError};
use crate::scenario::{Override, Scenario, overrides};

/// The key in the file.
pub const SET_KEY: &str = "set";

impl Checker<'_> {
    /// The entries of `set`, each with its place; refused entries are noted.
    pub(super) fn file_overrides(&self, leaf: &Leaf<'_>) -> Vec<(Override, Pos)> {
        let Some(items) = self.keep(self.string_list(
            leaf,
            "a list of \"PATH=VALUE\" strings, as `--set` takes them",
        )) else {
            return Vec::new();
        };
        items
            .into_iter()
            .filter_map(|(text, pos)| match Override::parse(text) {
                Ok(o) => Some((o, pos)),
                Err(e) => {
                    self.note(self.entry_error(pos, text, &e));
                    None
                }
            })
            .collect()
    }

    /// Applies the file's overrides in order. They are part of the file's text, which the
    /// manifest records, so they are not listed among the scenario's command-line overrides.
    pub(super) fn apply_file_overrides(
        &self,
        scenario: &mut Scenario,
        entries: &[(Override, Pos)],
    ) -> Result<(), ScenarioError> {
        let mut errors = Vec::new();
        for (o, pos) in entries {
            if let Err(e) = overrides::apply(scenario, o) {
                errors.push(self.entry_error(*pos, &o.to_string(), &e));
            }
        }
        scenario.overrides.clear();
        ScenarioError::all(errors).map_or(Ok(()), Err)
    }

    fn entry_error(&self, pos: Pos, entry: &str, e: &ScenarioError) -> ScenarioError {
        self.err(
            pos,
            SET_KEY,
            format!("set entry \"{entry}\": {}", e.message),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const HEAD: &str = "schema = 1\n";
    const TAIL: &str = "\n[run]\nweeks = 10\n\n[[country]]\nname = \"A\"\nat_risk = 100\n";

    fn with_set(set: &str) -> String {
        format!("{HEAD}{set}\n{TAIL}")
    }

    #[test]
    fn the_files_overrides_apply_after_it_and_before_the_command_lines() {
        let text = with_set("set = [\"all.corruption=0.1\", \"run.weeks=20\"]");
        let s = parse(&text, "s.toml", &[]).unwrap();
        assert_eq!(s.countries[0].params.numbers.corruption, 0.1);
        assert_eq!(s.run.weeks, 20);
        assert!(s.overrides.is_empty());
        let cli = [crate::scenario::Override::parse("run.weeks=30").unwrap()];
        let s = parse(&text, "s.toml", &cli).unwrap();
        assert_eq!(s.run.weeks, 30);
        assert_eq!(
            s.overrides, cli,
            "only the command line's are recorded as overrides"
        );
    }

    #[test]
    fn a_refused_entry_is_reported_at_its_place_with_the_message_of_set() {
        let text =
            with_set("set = [\n  \"all.corruption=0.1\",\n  \"all.corruption=2\",\n  \"nope\",\n]");
        let e = parse(&text, "s.toml", &[]).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.starts_with("s.toml:5:3: set entry \"nope\": expected PATH=VALUE"),
            "{shown}"
        );
        let text = with_set("set = [\"all.corruption=2\", \"country.Z.wage=1\"]");
        let e = parse(&text, "s.toml", &[]).unwrap_err();
        let lines: Vec<String> = e.errors().map(|e| e.to_string()).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("s.toml:2:8: set entry \"all.corruption=2\": "),
            "{lines:?}"
        );
        assert!(lines[0].contains("outside [0, 1]"), "{lines:?}");
        assert!(
            lines[1].starts_with("s.toml:2:28: set entry \"country.Z.wage=1\": "),
            "{lines:?}"
        );
        let e = parse(&with_set("set = \"all.corruption=0.1\""), "s.toml", &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("must be a list of \"PATH=VALUE\" strings"),
            "{e}"
        );
        let e = parse(&with_set("set = [1]"), "s.toml", &[]).unwrap_err();
        assert!(e.to_string().starts_with("s.toml:2:8: "), "{e}");
    }
}
