//! Checking a scenario file against the parameter table and building the typed [`Scenario`].
//!
//! Every parameter key, range and default comes from [`crate::params`]; the only names written
//! here are the keys of the file format itself (`[[country]]`, `name`, `members`, `target`...)
//! and the ranges of the timeline fields that are not parameters (a policy's week, a shock's
//! length and multiplier). Each rule fails with the place of the offending key (or list item,
//! or table header) so a user can go straight to it. Every independent error of a file is
//! reported, in file order: each key of a table and each list item is checked on its own, and
//! the sections that name countries are checked against the countries that were accepted (a
//! bloc's members are looked up among them). A TOML syntax error stays a single error. With
//! other errors, the `[sweep]` section's first error joins them (`scenario/sweep/`).
//!
//! The files, by what they check: `located.rs` the shared located-value helpers (a raw value
//! read with its line and column, refusals as errors there), `settings.rs` the schema, `[run]`
//! and `[model]`, `countries.rs` `[defaults]`, each `[[country]]` and the borders,
//! `cooperation.rs` the default level, blocs and pairs, `timeline.rs` policies, shocks and
//! dismantlings, `set.rs` the file's own overrides (`set = ["PATH=VALUE", ...]`, applied last).
//! This file holds the entry points, [`load`] and [`parse`], and the order the sections are
//! read in. The checks and messages shared with `--set` are in `scenario/checks.rs`.

mod cooperation;
mod countries;
pub(crate) mod located;
mod set;
pub use set::SET_KEY;
mod settings;
mod timeline;

use std::path::Path;

use self::located::{Checker, find};
use super::checks::{DEFAULT_COOPERATION, coop_spec, run_settings};
use super::error::ScenarioError;
use super::file::{RawTable, parse_toml};
use super::overrides;
use super::sweep::sweep_error_beside;
use super::{CooperationSpec, Override, Scenario};
use crate::params::{CountryParams, ModelParams, RunNumbers};

/// The top-level keys of the format.
const SECTIONS: &[&str] = &[
    "schema",
    "run",
    "model",
    "defaults",
    "country",
    "cooperation",
    "bloc",
    "pair",
    "policy",
    "shock",
    "dismantle",
    // Read by `scenario/sweep/` (every command checks it; only `palermo sweep` runs it).
    "sweep",
    // The file's own `--set` overrides (`set.rs`).
    set::SET_KEY,
];

/// Reads and validates a scenario file, then applies the overrides in order (recorded in
/// `scenario.overrides`).
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioError::in_file(&label, format!("cannot read the scenario: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| ScenarioError::in_file(&label, format!("is not UTF-8 text: {e}")))?;
    parse(&text, &label, overrides)
}

/// Same as [`load`], from text; `path_label` is used in messages and as `Scenario::path`, and
/// its file stem is the scenario's name.
pub fn parse(
    text: &str,
    path_label: &str,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let raw = parse_toml(text, path_label)?;
    let checker = Checker::new(path_label);
    let mut scenario = checker.build(&raw, text)?;
    for ov in overrides {
        overrides::apply(&mut scenario, ov)?;
    }
    Ok(scenario)
}

impl Checker<'_> {
    /// The whole file, section by section: the settings (`settings.rs`), the countries
    /// (`countries.rs`), cooperation (`cooperation.rs`), then the timeline (`timeline.rs`),
    /// whose names are looked up among the countries and blocs accepted. Every error is noted
    /// on the way and all are returned together, in file order.
    fn build(&self, raw: &RawTable, text: &str) -> Result<Scenario, ScenarioError> {
        // A missing `schema` or `[[country]]` is not reported beside an unknown section, which
        // may be it, misspelt.
        let (top, clean) = self.read_leaves(raw, SECTIONS, "at the top level");

        if clean || find(&top, "schema").is_some() {
            self.keep(self.schema(find(&top, "schema")));
        }
        let file_overrides = find(&top, set::SET_KEY)
            .map(|leaf| self.file_overrides(leaf))
            .unwrap_or_default();
        let run = match find(&top, "run") {
            Some(leaf) => self.keep(self.table(leaf)).and_then(|t| self.run(t)),
            None => {
                let run = run_settings(&RunNumbers::default());
                if run.is_none() {
                    self.note(ScenarioError::in_file(
                        self.file,
                        "the default run settings do not fit",
                    ));
                }
                run
            }
        };
        let mut model = ModelParams::default();
        if let Some(table) = find(&top, "model").and_then(|l| self.keep(self.table(l))) {
            self.model(table, &mut model);
        }
        let mut defaults = CountryParams::default();
        if let Some(table) = find(&top, "defaults").and_then(|l| self.keep(self.table(l))) {
            self.defaults(table, &mut defaults);
        }
        let before = self.noted();
        // Whether every country and bloc given was accepted, for reading `[sweep]` beside
        // the file's other errors (its paths name them).
        let mut names_complete = true;
        let countries = match find(&top, "country").map(|l| self.keep(self.items(l))) {
            Some(Some(items)) => {
                let given = items.len();
                let accepted = self.countries(items, &defaults);
                names_complete &= accepted.len() == given;
                accepted
            }
            Some(None) => {
                names_complete = false;
                Vec::new()
            }
            None => Vec::new(),
        };
        // Countries that were given but refused have their own errors.
        if countries.is_empty() && clean && self.noted() == before {
            self.note(ScenarioError::in_file(
                self.file,
                "no countries: give at least one [[country]] with a `name`",
            ));
        }
        let names: Vec<&str> = countries.iter().map(|c| c.name.as_str()).collect();

        let mut cooperation = CooperationSpec {
            default: coop_spec(DEFAULT_COOPERATION).default,
            blocs: Vec::new(),
            pairs: Vec::new(),
        };
        if let Some(table) = find(&top, "cooperation").and_then(|l| self.keep(self.table(l))) {
            cooperation.default = self.cooperation_default(table);
        }
        // The sections that name countries are checked against the countries that were
        // accepted; with none, every name in them would be unknown, which says nothing new.
        let mut policies = Vec::new();
        let mut shocks = Vec::new();
        let mut dismantlings = Vec::new();
        if names.is_empty() {
            names_complete &= find(&top, "bloc").is_none();
        } else {
            match find(&top, "bloc").map(|l| self.keep(self.items(l))) {
                Some(Some(items)) => {
                    let given = items.len();
                    cooperation.blocs = self.blocs(items, &names);
                    names_complete &= cooperation.blocs.len() == given;
                }
                Some(None) => names_complete = false,
                None => {}
            }
            if let Some(items) = find(&top, "pair").and_then(|l| self.keep(self.items(l))) {
                cooperation.pairs = self.pairs(items, &names);
            }
            if let Some(items) = find(&top, "policy").and_then(|l| self.keep(self.items(l))) {
                policies = self.policies(items, &names, &cooperation.blocs);
            }
            if let Some(items) = find(&top, "shock").and_then(|l| self.keep(self.items(l))) {
                shocks = self.shocks(items, &names);
            }
            if let Some(items) = find(&top, "dismantle").and_then(|l| self.keep(self.items(l))) {
                dismantlings = self.dismantlings(items, &names);
            }
        }
        // Stable: policies of the same week keep the order of the file.
        policies.sort_by_key(|p| p.week);

        let errors = self.take_noted();
        // Without errors every section was read in full, so the run settings are there; with
        // errors, the defaults stand in for them to read `[sweep]` beside.
        let run = run.or_else(|| {
            (!errors.is_empty())
                .then(|| run_settings(&RunNumbers::default()))
                .flatten()
        });
        let Some(run) = run else {
            return Err(ScenarioError::all(errors).unwrap_or_else(|| {
                ScenarioError::in_file(self.file, "the run settings do not fit")
            }));
        };
        let mut scenario = Scenario {
            name: file_stem(self.file),
            path: self.file.to_string(),
            text: text.to_string(),
            run,
            model,
            countries,
            cooperation,
            policies,
            shocks,
            dismantlings,
            overrides: Vec::new(),
        };
        // `[sweep]` is otherwise read once the file is valid (`parse_sweep`); with other
        // errors, its first error joins them, read against what was accepted.
        let beside = (!errors.is_empty())
            .then(|| find(&top, "sweep"))
            .flatten()
            .and_then(|leaf| sweep_error_beside(&scenario, leaf, names_complete));
        if let Some(e) = ScenarioError::all(errors.into_iter().chain(beside)) {
            return Err(e);
        }
        self.apply_file_overrides(&mut scenario, &file_overrides)?;
        Ok(scenario)
    }
}

fn file_stem(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map_or_else(|| label.to_string(), |s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
pub(crate) mod fuzz;
#[cfg(test)]
pub(crate) mod tests;
