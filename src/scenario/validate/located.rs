//! The shared located-value helpers: reading a raw table's keys (as full dotted paths) and
//! values against what is allowed, each refusal an error at the key's line and column.
//!
//! [`Checker`] is what every section of the file is read with (`settings.rs`, `countries.rs`,
//! `cooperation.rs`, `timeline.rs` add its methods for theirs), and what `scenario/sweep/`
//! reads the `[sweep]` section with. The reads that return a `Result` check one value; the
//! reads of a whole table [`note`](Checker::note) what they refuse and go on, so that a file
//! shows every independent mistake at once. The messages shared with `--set` come from
//! `scenario/checks.rs`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::ids::CountryId;
use crate::params::{Domain, Offence, OffenceSet, ParamSpec, closest_name};
use crate::scenario::Value;
use crate::scenario::checks::{
    check_number, find_country, repeated_offence_message, to_u32, unknown_offence_message,
};
use crate::scenario::error::{Pos, ScenarioError};
use crate::scenario::file::{RawTable, RawValue};

/// A key reached through the nested tables of a section, with its full dotted path
/// (`law.offences` whether written dotted, nested or quoted).
pub(crate) struct Leaf<'r> {
    pub(crate) path: String,
    pub(crate) pos: Pos,
    pub(crate) value: &'r RawValue,
}

/// A table of the file and the place of its header (or inline table), for "missing key".
pub(crate) struct Item<'r> {
    pub(crate) table: &'r RawTable,
    pub(crate) pos: Pos,
}

/// Reads raw tables against what is allowed, with located errors. `sweep/` reads the
/// `[sweep]` section with the same helpers, those that return a `Result`, and so stops at
/// its first error (with every refused key of one table, from [`Checker::leaves`]).
///
/// Building a scenario collects every independent error rather than stopping at the first:
/// the reads that return a `Result` check one value, and the checks of a whole table or list
/// item [`note`](Checker::note) what those return and go on with the next key or item,
/// leaving out what was refused. A check that another error may explain is skipped (a
/// missing key beside an unknown one, which may be its misspelling; an empty member list
/// whose members were refused), so that one mistake gives one error.
pub(crate) struct Checker<'a> {
    pub(super) file: &'a str,
    /// The errors noted so far, in the order found.
    found: RefCell<Vec<ScenarioError>>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(file: &'a str) -> Self {
        Checker {
            file,
            found: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn err(&self, pos: Pos, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(self.file, pos, Some(key), message)
    }

    /// Records an error and goes on.
    pub(super) fn note(&self, e: ScenarioError) {
        self.found.borrow_mut().push(e);
    }

    /// The value, or `None` with its error noted.
    pub(super) fn keep<T>(&self, result: Result<T, ScenarioError>) -> Option<T> {
        result.map_err(|e| self.note(e)).ok()
    }

    /// How many errors are noted so far, to tell whether a part of the file had any.
    pub(super) fn noted(&self) -> usize {
        self.found.borrow().len()
    }

    /// The errors noted so far, taken out in the order found (for the end of the build).
    pub(super) fn take_noted(&self) -> Vec<ScenarioError> {
        self.found.take()
    }

    /// The keys of a table as full dotted paths, descending into sub-tables only where a known
    /// path continues, so `law.offences = []`, `[x.law] offences = []` and
    /// `"law.offences" = []` all give the leaf `law.offences`. Unknown keys and a path given
    /// twice are refused, every one of them in one error.
    pub(crate) fn leaves<'r>(
        &self,
        table: &'r RawTable,
        known: &[&str],
        context: &str,
    ) -> Result<Vec<Leaf<'r>>, ScenarioError> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let keys = Keys {
            known,
            listed: known,
            context,
        };
        self.collect_leaves(table, "", None, &keys, &mut out, &mut errors);
        match ScenarioError::all(errors) {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Like [`Checker::leaves`], but noting the refused keys and returning the others, with
    /// whether there were none refused (a missing key is not reported beside an unknown one,
    /// which may be its misspelling).
    pub(super) fn read_leaves<'r>(
        &self,
        table: &'r RawTable,
        known: &[&str],
        context: &str,
    ) -> (Vec<Leaf<'r>>, bool) {
        self.read_leaves_listing(table, known, known, context)
    }

    /// Like [`Checker::read_leaves`], but an unknown key's message lists only `listed` (the
    /// keys that can be used here: a policy accepts a build-only parameter only to explain why
    /// it cannot change it).
    pub(super) fn read_leaves_listing<'r>(
        &self,
        table: &'r RawTable,
        known: &[&str],
        listed: &[&str],
        context: &str,
    ) -> (Vec<Leaf<'r>>, bool) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let keys = Keys {
            known,
            listed,
            context,
        };
        self.collect_leaves(table, "", None, &keys, &mut out, &mut errors);
        let clean = errors.is_empty();
        self.found.borrow_mut().extend(errors);
        (out, clean)
    }

    /// Adds the known leaves of `table` to `out`, and an error for each refused key to
    /// `errors`.
    fn collect_leaves<'r>(
        &self,
        table: &'r RawTable,
        prefix: &str,
        dotted_start: Option<Pos>,
        keys: &Keys<'_>,
        out: &mut Vec<Leaf<'r>>,
        errors: &mut Vec<ScenarioError>,
    ) {
        let (known, context) = (keys.known, keys.context);
        for (key, value) in &table.entries {
            let (path, pos) = key.path_under(prefix, dotted_start);
            if known.contains(&path.as_str()) {
                if let Some(first) = out.iter().find(|l| l.path == path) {
                    errors.push(self.err(
                        pos,
                        &path,
                        format!(
                            "`{path}` is given twice {context} (first on line {})",
                            first.pos.line
                        ),
                    ));
                    continue;
                }
                out.push(Leaf { path, pos, value });
            } else if let Some(sub) = value.as_table().filter(|_| continues(&path, known)) {
                let start = value.dotted_start(key, pos);
                self.collect_leaves(sub, &path, start, keys, out, errors);
            } else {
                errors.push(self.err(
                    pos,
                    &path,
                    format!(
                        "unknown key `{path}` {context}; {}",
                        suggest_key(&path, keys.known, keys.listed)
                    ),
                ));
            }
        }
    }

    pub(crate) fn table<'r>(&self, leaf: &Leaf<'r>) -> Result<&'r RawTable, ScenarioError> {
        leaf.value
            .as_table()
            .ok_or_else(|| self.type_error(leaf, "a table"))
    }

    /// An array of tables (`[[country]]`, or `country = [{...}]`).
    pub(crate) fn items<'r>(&self, leaf: &Leaf<'r>) -> Result<Vec<Item<'r>>, ScenarioError> {
        let expected = format!("an array of tables ([[{}]])", leaf.path);
        let Some(values) = leaf.value.as_array() else {
            return Err(self.type_error(leaf, &expected));
        };
        values
            .iter()
            .map(|v| match v.as_table() {
                Some(table) => Ok(Item { table, pos: v.pos }),
                None => Err(self.err(
                    v.pos,
                    &leaf.path,
                    format!(
                        "`{}` must be {expected}, found {}",
                        leaf.path,
                        v.kind.type_name()
                    ),
                )),
            })
            .collect()
    }

    pub(crate) fn type_error(&self, leaf: &Leaf<'_>, expected: &str) -> ScenarioError {
        self.err(
            leaf.pos,
            &leaf.path,
            format!(
                "`{}` must be {expected}, found {}",
                leaf.path,
                leaf.value.kind.type_name()
            ),
        )
    }

    pub(crate) fn number(&self, leaf: &Leaf<'_>, domain: Domain) -> Result<f64, ScenarioError> {
        let Some(v) = leaf.value.as_number() else {
            return Err(self.type_error(leaf, expected_for(domain)));
        };
        check_number(&leaf.path, &leaf.value.text, domain, v)
            .map_err(|m| self.err(leaf.pos, &leaf.path, m))
    }

    pub(crate) fn whole_u32(&self, leaf: &Leaf<'_>, domain: Domain) -> Result<u32, ScenarioError> {
        let v = self.number(leaf, domain)?;
        to_u32(v).ok_or_else(|| {
            self.err(
                leaf.pos,
                &leaf.path,
                format!("{} = {} is too large", leaf.path, leaf.value.text),
            )
        })
    }

    /// A required whole number of an item; `None` with the error noted. A missing key is
    /// only reported where the item's keys are all known (`clean`): an unknown one may be it,
    /// misspelt.
    pub(super) fn required_whole(
        &self,
        item: &Item<'_>,
        leaves: &[Leaf<'_>],
        clean: bool,
        key: &str,
        what: &str,
        domain: Domain,
    ) -> Option<u32> {
        match find(leaves, key) {
            Some(leaf) => self.keep(self.whole_u32(leaf, domain)),
            None => {
                if clean {
                    self.note(self.err(item.pos, key, format!("{what} is missing `{key}`")));
                }
                None
            }
        }
    }

    pub(crate) fn string<'r>(&self, leaf: &Leaf<'r>) -> Result<&'r str, ScenarioError> {
        leaf.value
            .as_str()
            .ok_or_else(|| self.type_error(leaf, "a string"))
    }

    pub(super) fn boolean(&self, leaf: &Leaf<'_>) -> Result<bool, ScenarioError> {
        leaf.value
            .as_bool()
            .ok_or_else(|| self.type_error(leaf, "true or false"))
    }

    /// A list of strings, each with its place (for "unknown country" at the item).
    pub(crate) fn string_list<'r>(
        &self,
        leaf: &Leaf<'r>,
        expected: &str,
    ) -> Result<Vec<(&'r str, Pos)>, ScenarioError> {
        let Some(items) = leaf.value.as_array() else {
            return Err(self.type_error(leaf, expected));
        };
        items
            .iter()
            .map(|item| {
                item.as_str().map(|s| (s, item.pos)).ok_or_else(|| {
                    self.err(
                        item.pos,
                        &leaf.path,
                        format!(
                            "`{}` must be {expected}, found a list holding {}",
                            leaf.path,
                            item.kind.type_name()
                        ),
                    )
                })
            })
            .collect()
    }

    pub(crate) fn offences(&self, leaf: &Leaf<'_>) -> Result<OffenceSet, ScenarioError> {
        let mut set = OffenceSet::EMPTY;
        for (name, pos) in self.string_list(leaf, "a list of offence names")? {
            let offence = Offence::from_name(name)
                .ok_or_else(|| self.err(pos, &leaf.path, unknown_offence_message(name)))?;
            if set.contains(offence) {
                return Err(self.err(pos, &leaf.path, repeated_offence_message(name, &leaf.path)));
            }
            set.insert(offence);
        }
        Ok(set)
    }

    /// A country parameter's value: a number in its domain, or an offence set.
    pub(crate) fn param_value(
        &self,
        leaf: &Leaf<'_>,
        spec: &ParamSpec,
    ) -> Result<Value, ScenarioError> {
        match spec.domain {
            Domain::Offences => Ok(Value::Offences(self.offences(leaf)?)),
            domain => Ok(Value::Number(self.number(leaf, domain)?)),
        }
    }

    /// Whether a country's or bloc's `name` was given before (`first_lines`: name -> line of
    /// its first definition); a repeat is noted as an error, and its item is still checked
    /// but not kept.
    pub(super) fn duplicate_name(
        &self,
        first_lines: &BTreeMap<String, usize>,
        name: &str,
        pos: Pos,
        what: &str,
    ) -> bool {
        let Some(line) = first_lines.get(name) else {
            return false;
        };
        self.note(self.err(
            pos,
            "name",
            format!("duplicate {what} name `{name}` (first given on line {line})"),
        ));
        true
    }

    /// The `name` of a country or bloc: present, a non-empty string without dots.
    pub(super) fn name_of(
        &self,
        item: &Item<'_>,
        what: &str,
    ) -> Result<(String, Pos), ScenarioError> {
        let Some((key, value)) = item.table.entries.iter().find(|(k, _)| k.name == "name") else {
            return Err(self.err(item.pos, "name", format!("[[{what}]] is missing `name`")));
        };
        let leaf = Leaf {
            path: key.name.clone(),
            pos: key.pos,
            value,
        };
        let name = self.string(&leaf)?;
        if name.trim().is_empty() {
            return Err(self.err(key.pos, "name", format!("a {what} name must not be empty")));
        }
        if name.contains('.') {
            return Err(self.err(
                key.pos,
                "name",
                format!(
                    "{what} name `{name}` must not contain `.` (it separates the parts of policy targets and `--set` paths)"
                ),
            ));
        }
        Ok((name.to_string(), key.pos))
    }

    /// A required key naming a known country; `None` with the error noted (a missing key
    /// only where `clean`, as for [`Checker::required_whole`]).
    pub(super) fn country_ref(
        &self,
        item: &Item<'_>,
        leaves: &[Leaf<'_>],
        clean: bool,
        key: &str,
        what: &str,
        names: &[&str],
    ) -> Option<CountryId> {
        let Some(leaf) = find(leaves, key) else {
            if clean {
                self.note(self.err(item.pos, key, format!("{what} is missing `{key}`")));
            }
            return None;
        };
        let name = self.keep(self.string(leaf))?;
        let found = find_country(names, name, &format!(" in `{key}`"))
            .map_err(|m| self.err(leaf.pos, key, m));
        self.keep(found)
    }
}

/// The keys a table accepts (full dotted paths), those an unknown key's message lists, and
/// where the table is, for messages (`in [run]`).
struct Keys<'k> {
    known: &'k [&'k str],
    listed: &'k [&'k str],
    context: &'k str,
}

pub(crate) fn find<'l, 'r>(leaves: &'l [Leaf<'r>], path: &str) -> Option<&'l Leaf<'r>> {
    leaves.iter().find(|l| l.path == path)
}

/// Whether some known path continues below `prefix` (so a table there is worth entering).
fn continues(prefix: &str, known: &[&str]) -> bool {
    known.iter().any(|k| {
        k.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}

pub(crate) fn expected_for(domain: Domain) -> &'static str {
    match domain {
        Domain::Real { .. } => "a number",
        Domain::Count { .. } => "a whole number",
        Domain::Offences => "a list of offence names",
    }
}

/// "did you mean `x`?" for an unknown key of a table that accepts the dotted paths `known`,
/// or the list `listed`. The tables the paths sit in are candidates too, so a misspelt
/// table (`[defaults.enforcment]`, `enforcment.resources = ...`) finds `enforcement`.
fn suggest_key(name: &str, known: &[&str], listed: &[&str]) -> String {
    let mut candidates: Vec<&str> = known.to_vec();
    for path in known {
        for (dot, _) in path.match_indices('.') {
            let table = &path[..dot];
            if !candidates.contains(&table) {
                candidates.push(table);
            }
        }
    }
    match closest_name(name, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("allowed: {}", listed.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::params::{CountryParams, OffenceSet};
    use crate::scenario::parse;

    #[test]
    fn dotted_nested_inline_and_quoted_keys_are_equivalent() {
        let head = "schema = 1\n[[country]]\nname = \"A\"\n";
        let forms = [
            "law.penalty = 0.9\nlaw.offences = [\"child\"]\n",
            "law = { penalty = 0.9, offences = [\"child\"] }\n",
            "\"law.penalty\" = 0.9\n\"law.offences\" = [\"child\"]\n",
            "[country.law]\npenalty = 0.9\noffences = [\"child\"]\n",
        ];
        let countries: Vec<CountryParams> = forms
            .iter()
            .map(|f| {
                let s = parse(&format!("{head}{f}"), "x.toml", &[])
                    .unwrap_or_else(|e| panic!("{f}: {e}"));
                s.countries[0].params.clone()
            })
            .collect();
        assert_eq!(countries[0].numbers.penalty, 0.9);
        assert_eq!(
            countries[0].offences,
            OffenceSet::from_names(["child"]).unwrap()
        );
        for c in &countries[1..] {
            assert_eq!(c, &countries[0]);
        }
        let model_forms = [
            "[model]\nform_share.child = 0.2\n",
            "[model.form_share]\nchild = 0.2\n",
        ];
        for f in model_forms {
            let s = parse(&format!("{head}{f}"), "x.toml", &[]).unwrap();
            assert_eq!(s.model.share_child, 0.2, "{f}");
        }
    }

    #[test]
    fn integers_are_fine_reals_and_whole_floats_fine_counts() {
        let text = "schema = 1\n[run]\nweeks = 52.0\n[[country]]\nname = \"A\"\npoverty = 1\nat_risk = 2e3\n";
        let s = parse(text, "x.toml", &[]).unwrap();
        assert_eq!(s.run.weeks, 52);
        assert_eq!(s.countries[0].params.numbers.poverty, 1.0);
        assert_eq!(s.countries[0].params.numbers.at_risk, 2000.0);
    }
}
