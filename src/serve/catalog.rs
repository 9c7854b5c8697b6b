//! What the page may open: the shipped scenarios (`DIR/*.toml` and `DIR/teaching/*.toml`, with
//! `DIR` the `scenarios/` folder), the scenario named on the command line, and the lessons of
//! `DIR/teaching/lessons.toml`. The page names a scenario by the name listed here
//! (`baseline`, `teaching/crackdown`), never by a path: a name not in the list is unknown, so
//! no request can make the server read any other file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scenario::{self, Override, Scenario, ScenarioError};

/// The lessons file inside the teaching folder (not a scenario).
pub const LESSONS_FILE: &str = "lessons.toml";

/// One scenario the page may open.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// What the page sends back: the file stem, `teaching/` in front for a lesson's.
    pub name: String,
    /// The path as `palermo run` would be given it (for the command lines the page shows).
    pub path: String,
    /// The scenario's opening comment, its description.
    pub about: String,
}

/// The scenarios of a server: those of `dir` and `dir/teaching`, and `extra` first.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    /// The teaching folder, where the lessons are.
    teaching: PathBuf,
}

impl Catalog {
    /// Lists the `.toml` files of `dir` and `dir/teaching` (sorted, `baseline` first), with
    /// `extra` (the SCENARIO of `palermo serve`) in front when given. A missing folder lists
    /// nothing.
    pub fn new(dir: &Path, extra: Option<&Path>) -> Catalog {
        let mut entries = Vec::new();
        if let Some(path) = extra {
            entries.push(entry(path, ""));
        }
        let mut shipped = list(dir, "");
        shipped.sort_by_key(|e| (e.name != "baseline", e.name.clone()));
        entries.extend(shipped);
        entries.extend(list(&dir.join("teaching"), "teaching/"));
        // The command line's scenario wins a name it shares with a shipped one.
        let mut seen = std::collections::BTreeSet::new();
        entries.retain(|e| seen.insert(e.name.clone()));
        Catalog {
            entries,
            teaching: dir.join("teaching"),
        }
    }

    /// The entry of a name, if listed.
    pub fn find(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The default scenario: the command line's, else `baseline`, else the first.
    pub fn default_name(&self) -> Option<&str> {
        self.entries.first().map(|e| e.name.as_str())
    }

    /// Loads a listed scenario with overrides applied, exactly as `palermo run PATH --set ...`
    /// would: the same checks, the same messages.
    pub fn load(&self, entry: &Entry, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        scenario::load(Path::new(&entry.path), overrides)
    }

    /// The lessons, or none when the teaching folder has no lessons file; an unreadable or
    /// malformed file is an error (the page shows it).
    pub fn lessons(&self) -> Result<Vec<Lesson>, String> {
        let path = self.teaching.join(LESSONS_FILE);
        if !path.exists() {
            return Ok(Vec::new());
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read the lessons: {e}", path.display()))?;
        parse_lessons(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// One lesson of `lessons.toml` (schema in docs/TEACHING.md).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    /// The scenario's file name in the teaching folder; the page gets its catalog name.
    pub scenario: String,
    pub question: String,
    /// The `--set PATH=VALUE` overrides of each side.
    pub a: Vec<String>,
    pub b: Vec<String>,
    #[serde(default)]
    pub look_at: Vec<String>,
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

/// What a lesson says B − A shows.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub outcome: String,
    pub country: Option<String>,
    pub direction: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonsFile {
    schema: i64,
    #[serde(default)]
    lesson: Vec<Lesson>,
}

/// Parses `lessons.toml`; each lesson's scenario becomes its catalog name
/// (`teaching/STEM`).
pub fn parse_lessons(text: &str) -> Result<Vec<Lesson>, String> {
    let file: LessonsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.schema != 1 {
        return Err(format!(
            "schema = {}: this build reads lessons schema 1",
            file.schema
        ));
    }
    Ok(file
        .lesson
        .into_iter()
        .map(|mut l| {
            let stem = Path::new(&l.scenario)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            l.scenario = format!("teaching/{stem}");
            l
        })
        .collect())
}

fn list(dir: &Path, prefix: &str) -> Vec<Entry> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| p.file_name().is_some_and(|n| n != LESSONS_FILE))
        .collect();
    paths.sort();
    paths.iter().map(|p| entry(p, prefix)).collect()
}

fn entry(path: &Path, prefix: &str) -> Entry {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let about = std::fs::read_to_string(path)
        .map(|text| opening_comment(&text))
        .unwrap_or_default();
    Entry {
        name: format!("{prefix}{stem}"),
        path: path.display().to_string(),
        about,
    }
}

/// The comment lines a scenario opens with, joined into one paragraph per blank comment line.
fn opening_comment(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            break;
        };
        let rest = rest.trim();
        if rest.is_empty() {
            out.push_str("\n\n");
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(rest);
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSONS: &str = r#"
schema = 1
[[lesson]]
id = "one"
title = "One"
scenario = "crackdown.toml"
question = "Why?"
a = []
b = ["all.corruption=0.1"]
look_at = ["transit_flow"]
expect = [{ outcome = "transit_flow", country = "Caldera", direction = "lower" }]
"#;

    #[test]
    fn lessons_parse_and_name_their_scenario() {
        let lessons = parse_lessons(LESSONS).unwrap();
        assert_eq!(lessons.len(), 1);
        assert_eq!(lessons[0].scenario, "teaching/crackdown");
        assert_eq!(lessons[0].b, ["all.corruption=0.1"]);
        assert_eq!(lessons[0].expect[0].country.as_deref(), Some("Caldera"));
        assert!(parse_lessons("schema = 2").is_err());
        assert!(parse_lessons(&LESSONS.replace("question", "questoin")).is_err());
    }

    #[test]
    fn the_shipped_catalog_and_lessons() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let catalog = Catalog::new(&dir, None);
        assert_eq!(catalog.default_name(), Some("baseline"));
        assert!(catalog.find("teaching/crackdown").is_some());
        assert!(catalog.find("teaching/lessons").is_none());
        assert!(catalog.find("../Cargo").is_none());
        for lesson in catalog.lessons().unwrap() {
            assert!(catalog.find(&lesson.scenario).is_some(), "{}", lesson.id);
        }
    }

    #[test]
    fn the_opening_comment() {
        assert_eq!(
            opening_comment("# A world.\n# Two lines.\n#\n# More.\nschema = 1\n# not this"),
            "A world. Two lines.\n\nMore."
        );
    }
}
