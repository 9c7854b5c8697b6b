//! A scenario's text with overrides written into it: the file `palermo run` accepts for "this
//! scenario with these `--set`s", made by adding them to its top-level `set` list (see
//! `validate/set.rs`), after any entries it already has, so that they apply in the same order
//! as they would on the command line. The rest of the text is kept as written, comments and
//! layout included (`toml_edit` edits the one key), because a scenario's comments are its
//! documentation: the classroom page's export and `palermo calibrate`'s `calibrated.toml` hand
//! users a file they can read.

use toml_edit::{Array, DocumentMut, Item, Value};

use super::Override;
use super::error::ScenarioError;
use super::validate::SET_KEY;

/// `text` (a scenario file's, labelled `label` in errors) with `overrides` appended to its
/// `set` list, which is created, under the comment lines of `note`, when the file has none.
pub fn with_overrides(
    text: &str,
    label: &str,
    overrides: &[Override],
    note: &str,
) -> Result<String, ScenarioError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| ScenarioError::in_file(label, format!("is not valid TOML: {e}")))?;
    let root = doc.as_table_mut();
    if !root.contains_key(SET_KEY) {
        root.insert(SET_KEY, Item::Value(Value::Array(Array::new())));
        if let Some(mut key) = root.key_mut(SET_KEY) {
            key.leaf_decor_mut().set_prefix(comment_lines(note));
        }
    }
    let Some(list) = root.get_mut(SET_KEY).and_then(Item::as_array_mut) else {
        return Err(ScenarioError::in_file(
            label,
            "its `set` is not a list of \"PATH=VALUE\" strings",
        ));
    };
    for o in overrides {
        list.push(o.to_string());
    }
    // One entry a line: the list is read, and diffed, as a list of changes.
    for entry in list.iter_mut() {
        entry.decor_mut().set_prefix("\n    ");
    }
    list.set_trailing_comma(true);
    list.set_trailing("\n");
    Ok(doc.to_string())
}

/// `note`'s lines as TOML comments, after a blank line.
fn comment_lines(note: &str) -> String {
    let mut prefix = String::from("\n");
    for line in note.lines() {
        if line.is_empty() {
            prefix.push_str("#\n");
        } else {
            prefix.push_str(&format!("# {line}\n"));
        }
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn sets(texts: &[&str]) -> Vec<Override> {
        texts.iter().map(|t| Override::parse(t).unwrap()).collect()
    }

    const SMALL: &str = "schema = 1\n\n# The run.\n[run]\nweeks = 10\n\n[[country]]\nname = \"A\" # first\nat_risk = 100\n\n[[country]]\nname = \"B\"\nat_risk = 200\n";

    #[test]
    fn the_written_file_is_the_scenario_with_its_overrides() {
        let ov = sets(&["all.corruption=0.1", "country.B.at_risk=50", "run.seed=9"]);
        let text = with_overrides(SMALL, "small.toml", &ov, "World B of the page.").unwrap();
        let direct = parse(SMALL, "small.toml", &ov).unwrap();
        let written = parse(&text, "small.toml", &[]).unwrap();
        assert_eq!(written.countries, direct.countries);
        assert_eq!(written.run, direct.run);
        assert!(
            written.overrides.is_empty(),
            "the file's own are not the command line's"
        );
        // The rest of the text is kept as written, comments included.
        assert!(text.contains("# World B of the page.\nset = [\n    \"all.corruption=0.1\",\n"));
        assert!(text.contains("name = \"A\" # first\n"));
        assert!(text.contains("# The run.\n[run]\nweeks = 10\n"));
        assert!(text.starts_with("schema = 1\n"));
    }

    #[test]
    fn entries_are_added_after_those_the_file_has_so_the_last_wins() {
        let first = with_overrides(SMALL, "s.toml", &sets(&["all.corruption=0.1"]), "x").unwrap();
        let second = with_overrides(&first, "s.toml", &sets(&["all.corruption=0.3"]), "y").unwrap();
        let s = parse(&second, "s.toml", &[]).unwrap();
        assert!(
            s.countries
                .iter()
                .all(|c| c.params.numbers.corruption == 0.3)
        );
        assert_eq!(second.matches("set = [").count(), 1);
        assert!(
            !second.contains("# y"),
            "the note is written once, with the list"
        );
        assert_eq!(with_overrides(SMALL, "s.toml", &[], "x").unwrap(), SMALL);
    }

    #[test]
    fn the_shipped_scenarios_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let ov = sets(&["cooperation.scale=0.5", "all.enforcement.resources=0.9"]);
        for path in [
            dir.join("baseline.toml"),
            dir.join("teaching/crackdown.toml"),
        ] {
            let text = std::fs::read_to_string(&path).unwrap();
            let direct = parse(&text, "x.toml", &ov).unwrap();
            let written = parse(
                &with_overrides(&text, "x.toml", &ov, "n").unwrap(),
                "x.toml",
                &[],
            );
            let written = written.unwrap();
            assert_eq!(
                (
                    &written.countries,
                    &written.cooperation,
                    &written.policies,
                    &written.shocks
                ),
                (
                    &direct.countries,
                    &direct.cooperation,
                    &direct.policies,
                    &direct.shocks
                ),
                "{}",
                path.display()
            );
            assert_eq!((written.run, &written.model), (direct.run, &direct.model));
        }
    }
}
