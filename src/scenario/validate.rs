//! Checking a scenario file against the parameter table and building the typed [`Scenario`].
//!
//! Every parameter key, range and default comes from [`crate::params`]; the only names written
//! here are the keys of the file format itself (`[[country]]`, `name`, `members`, `target`...)
//! and the ranges of the timeline fields that are not parameters (a policy's week, a shock's
//! length and multiplier). Each rule fails with the place of the offending key (or list item,
//! or table header) so a user can go straight to it. Every independent error of a file is
//! reported, in file order: each key of a table and each list item is checked on its own, and
//! the sections that name countries are checked against the countries that were accepted (a
//! bloc's members are looked up among them). A TOML syntax error stays a single error.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::error::{Pos, ScenarioError};
use super::file::{RawTable, RawValue, parse_toml};
use super::overrides::{self, Override};
use super::{
    Bloc, Change, CooperationSpec, CountrySpec, Pair, Policy, RunSettings, SCHEMA_VERSION,
    Scenario, Shock, Target, Value,
};
use crate::ids::CountryId;
use crate::params::{
    BUILD_ONLY, CountryParams, Domain, MODEL_PARAMS, ModelParams, OFFENCES_PATH, Offence,
    OffenceSet, ParamSpec, RUN_PARAMS, RunNumbers, closest_name, cooperation_spec, country_paths,
    country_spec, model_spec, run_spec,
};

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
    // Read by `sweep.rs` (every command checks it; only `palermo sweep` runs it).
    "sweep",
];
/// Keys of a `[[country]]` besides its parameters.
const COUNTRY_KEYS: &[&str] = &["name", "borders"];
const BLOC_KEYS: &[&str] = &["name", "members", "cooperation"];
const PAIR_KEYS: &[&str] = &["a", "b", "cooperation", "directed"];
const POLICY_KEYS: &[&str] = &["week", "target", "set", "scale", "ramp_weeks"];
const SHOCK_KEYS: &[&str] = &["country", "week", "weeks", "vulnerability"];

/// The key of a cooperation level inside a bloc, a pair, and a bloc or pair policy.
pub(crate) const COOPERATION_KEY: &str = "cooperation";
/// The cooperation levels' paths in [`crate::params::COOPERATION_PARAMS`].
pub(crate) const DEFAULT_COOPERATION: &str = "cooperation.default";
pub(crate) const BLOC_COOPERATION: &str = "bloc.NAME.cooperation";
pub(crate) const PAIR_COOPERATION: &str = "pair.A.B.cooperation";
/// The section holding the default level, whose keys are the cooperation paths under it.
const COOPERATION_SECTION: &str = "cooperation.";

/// Timeline fields are not model parameters, so their ranges live here: a week is any
/// 0-based week (one past the horizon simply never comes), a shock lasts at least a week and
/// multiplies vulnerability by at most ten.
const WEEK: Domain = Domain::Count {
    min: 0.0,
    max: u32::MAX as f64,
};
const SHOCK_WEEKS: Domain = Domain::Count {
    min: 1.0,
    max: u32::MAX as f64,
};
const SHOCK_VULNERABILITY: Domain = Domain::Real {
    min: 0.0,
    max: 10.0,
};

/// The forms a policy target may take, for the message on an unknown one.
const TARGET_FORMS: &str = "`all`, `country.NAME`, `bloc.NAME` or `pair.A.B`";

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

/// A key reached through the nested tables of a section, with its full dotted path
/// (`law.offences` whether written dotted, nested or quoted).
pub(super) struct Leaf<'r> {
    pub(super) path: String,
    pub(super) pos: Pos,
    pub(super) value: &'r RawValue,
}

/// A table of the file and the place of its header (or inline table), for "missing key".
pub(super) struct Item<'r> {
    pub(super) table: &'r RawTable,
    pub(super) pos: Pos,
}

/// Reads raw tables against what is allowed, with located errors. `sweep.rs` reads the
/// `[sweep]` section with the same helpers, those that return a `Result`, and so stops at
/// its first error (with every refused key of one table, from [`Checker::leaves`]).
///
/// Building a scenario collects every independent error rather than stopping at the first:
/// the reads that return a `Result` check one value, and the checks of a whole table or list
/// item [`note`](Checker::note) what those return and go on with the next key or item,
/// leaving out what was refused. A check that another error may explain is skipped (a
/// missing key beside an unknown one, which may be its misspelling; an empty member list
/// whose members were refused), so that one mistake gives one error.
pub(super) struct Checker<'a> {
    pub(super) file: &'a str,
    /// The errors noted so far, in the order found.
    found: RefCell<Vec<ScenarioError>>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a str) -> Self {
        Checker {
            file,
            found: RefCell::new(Vec::new()),
        }
    }

    pub(super) fn err(&self, pos: Pos, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(self.file, pos, Some(key), message)
    }

    /// Records an error and goes on.
    fn note(&self, e: ScenarioError) {
        self.found.borrow_mut().push(e);
    }

    /// The value, or `None` with its error noted.
    fn keep<T>(&self, result: Result<T, ScenarioError>) -> Option<T> {
        result.map_err(|e| self.note(e)).ok()
    }

    /// How many errors are noted so far, to tell whether a part of the file had any.
    fn noted(&self) -> usize {
        self.found.borrow().len()
    }

    fn build(&self, raw: &RawTable, text: &str) -> Result<Scenario, ScenarioError> {
        // A missing `schema` or `[[country]]` is not reported beside an unknown section, which
        // may be it, misspelt.
        let (top, clean) = self.read_leaves(raw, SECTIONS, "at the top level");

        if clean || find(&top, "schema").is_some() {
            self.keep(self.schema(find(&top, "schema")));
        }
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
            let known: Vec<&str> = country_paths().collect();
            for leaf in self.read_leaves(table, &known, "in [defaults]").0 {
                self.country_param(&leaf, &mut defaults);
            }
        }
        let before = self.noted();
        let countries = match find(&top, "country").and_then(|l| self.keep(self.items(l))) {
            Some(items) => self.countries(items, &defaults),
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
        if !names.is_empty() {
            if let Some(items) = find(&top, "bloc").and_then(|l| self.keep(self.items(l))) {
                cooperation.blocs = self.blocs(items, &names);
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
        }
        // Stable: policies of the same week keep the order of the file.
        policies.sort_by_key(|p| p.week);

        if let Some(e) = ScenarioError::all(self.found.take()) {
            return Err(e);
        }
        // Without errors every section was read in full, so the run settings are there.
        let Some(run) = run else {
            return Err(ScenarioError::in_file(
                self.file,
                "the run settings do not fit",
            ));
        };
        Ok(Scenario {
            name: file_stem(self.file),
            path: self.file.to_string(),
            text: text.to_string(),
            run,
            model,
            countries,
            cooperation,
            policies,
            shocks,
            overrides: Vec::new(),
        })
    }

    fn schema(&self, leaf: Option<&Leaf<'_>>) -> Result<(), ScenarioError> {
        let Some(leaf) = leaf else {
            return Err(ScenarioError::in_file(
                self.file,
                format!(
                    "missing `schema = {SCHEMA_VERSION}` (the version of the scenario format) at the top of the file"
                ),
            ));
        };
        let is_supported = matches!(leaf.value.kind, super::file::RawKind::Integer { .. })
            && leaf.value.as_number() == Some(SCHEMA_VERSION as f64);
        if is_supported {
            Ok(())
        } else {
            Err(self.err(
                leaf.pos,
                &leaf.path,
                format!(
                    "schema = {} is not supported: this build reads schema = {SCHEMA_VERSION}",
                    leaf.value.text
                ),
            ))
        }
    }

    /// The run settings, `None` if any key was refused (noted).
    fn run(&self, table: &RawTable) -> Option<RunSettings> {
        let known: Vec<&str> = RUN_PARAMS.iter().map(|s| s.name).collect();
        let mut numbers = RunNumbers::default();
        let (leaves, mut clean) = self.read_leaves(table, &known, "in [run]");
        for leaf in leaves {
            // `read_leaves` only returns known keys, so the lookups below always succeed.
            let Some(spec) = run_spec(&leaf.path) else {
                continue;
            };
            let Some(v) = self.keep(self.number(&leaf, spec.domain)) else {
                clean = false;
                continue;
            };
            if let Some(slot) = numbers.get_mut(&leaf.path) {
                *slot = v;
            }
        }
        if !clean {
            return None;
        }
        let run = run_settings(&numbers);
        if run.is_none() {
            self.note(ScenarioError::in_file(
                self.file,
                "the run settings do not fit",
            ));
        }
        run
    }

    fn model(&self, table: &RawTable, model: &mut ModelParams) {
        let known: Vec<&str> = MODEL_PARAMS.iter().map(|s| s.name).collect();
        for leaf in self.read_leaves(table, &known, "in [model]").0 {
            let Some(spec) = model_spec(&leaf.path) else {
                continue;
            };
            let Some(v) = self.keep(self.number(&leaf, spec.domain)) else {
                continue;
            };
            if let Some(slot) = model.get_mut(&leaf.path) {
                *slot = v;
            }
        }
    }

    /// Sets a country parameter from its key, or notes why it cannot.
    fn country_param(&self, leaf: &Leaf<'_>, params: &mut CountryParams) {
        if let Some(spec) = country_spec(&leaf.path)
            && let Some(value) = self.keep(self.param_value(leaf, spec))
        {
            set_country_param(params, &leaf.path, &value);
        }
    }

    /// The countries whose name is accepted, in file order (a duplicate name is refused and
    /// its country left out; its keys are still checked).
    fn countries(&self, items: Vec<Item<'_>>, defaults: &CountryParams) -> Vec<CountrySpec> {
        let known: Vec<&str> = COUNTRY_KEYS
            .iter()
            .copied()
            .chain(country_paths())
            .collect();
        let mut countries: Vec<CountrySpec> = Vec::new();
        // Name -> line of its first definition, for duplicate names.
        let mut name_lines: BTreeMap<String, usize> = BTreeMap::new();
        // Each country's own `borders` list as written, resolved once every name is known.
        let mut written_borders: Vec<Option<Vec<(String, Pos)>>> = Vec::new();
        for item in &items {
            let Some((name, name_pos)) = self.keep(self.name_of(item, "country")) else {
                continue;
            };
            let duplicate = name_lines.get(&name).copied();
            if let Some(line) = duplicate {
                self.note(self.err(
                    name_pos,
                    "name",
                    format!("duplicate country name `{name}` (first given on line {line})"),
                ));
            }
            if countries.len() >= usize::from(u16::MAX) {
                self.note(self.err(
                    name_pos,
                    "name",
                    format!("too many countries: at most {}", u16::MAX),
                ));
                break;
            }
            let context = format!("in [[country]] \"{name}\"");
            let mut params = defaults.clone();
            let mut borders = None;
            for leaf in self.read_leaves(item.table, &known, &context).0 {
                match leaf.path.as_str() {
                    "name" => {}
                    "borders" => {
                        let listed = self.string_list(&leaf, "a list of country names");
                        let Some(list) = self.keep(listed) else {
                            continue;
                        };
                        for (i, (border, pos)) in list.iter().enumerate() {
                            if list[..i].iter().any(|(b, _)| b == border) {
                                self.note(self.err(
                                    *pos,
                                    "borders",
                                    format!(
                                        "`{border}` is listed twice in the borders of `{name}`"
                                    ),
                                ));
                            }
                        }
                        borders = Some(list.into_iter().map(|(s, p)| (s.to_string(), p)).collect());
                    }
                    _ => self.country_param(&leaf, &mut params),
                }
            }
            if duplicate.is_some() {
                continue;
            }
            name_lines.insert(name.clone(), name_pos.line);
            countries.push(CountrySpec {
                name,
                params,
                borders: None,
            });
            written_borders.push(borders);
        }
        self.resolve_borders(&mut countries, &written_borders);
        countries
    }

    /// Borders are symmetric: a country borders those it lists and those that list it. With
    /// no `borders` anywhere the world is a complete graph (`None` everywhere).
    fn resolve_borders(
        &self,
        countries: &mut [CountrySpec],
        written: &[Option<Vec<(String, Pos)>>],
    ) {
        if written.iter().all(Option::is_none) {
            return;
        }
        let names: Vec<String> = countries.iter().map(|c| c.name.clone()).collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut adjacent: Vec<BTreeSet<CountryId>> = vec![BTreeSet::new(); countries.len()];
        for (i, list) in written.iter().enumerate() {
            for (name, pos) in list.iter().flatten() {
                let found = find_country(&name_refs, name, " in `borders`")
                    .map_err(|m| self.err(*pos, "borders", m));
                let Some(j) = self.keep(found) else {
                    continue;
                };
                if j.index() == i {
                    self.note(self.err(
                        *pos,
                        "borders",
                        format!("country `{name}` cannot border itself (in `borders`)"),
                    ));
                    continue;
                }
                if let Some(set) = adjacent.get_mut(i) {
                    set.insert(j);
                }
                if let Some(set) = adjacent.get_mut(j.index()) {
                    set.insert(CountryId::new(i));
                }
            }
        }
        for (country, set) in countries.iter_mut().zip(adjacent) {
            country.borders = Some(set.into_iter().collect());
        }
    }

    fn cooperation_default(&self, table: &RawTable) -> f64 {
        let known: Vec<&str> = crate::params::COOPERATION_PARAMS
            .iter()
            .filter_map(|s| s.name.strip_prefix(COOPERATION_SECTION))
            .collect();
        let mut level = coop_spec(DEFAULT_COOPERATION).default;
        for leaf in self.read_leaves(table, &known, "in [cooperation]").0 {
            let full = format!("{COOPERATION_SECTION}{}", leaf.path);
            if let Some(spec) = cooperation_spec(&full)
                && let Some(v) = self.keep(self.number(&leaf, spec.domain))
                && full == DEFAULT_COOPERATION
            {
                level = v;
            }
        }
        level
    }

    /// The blocs whose name is accepted (with the members that are), so that policies can
    /// still be checked against them.
    fn blocs(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Bloc> {
        let mut blocs: Vec<Bloc> = Vec::new();
        // Name -> line of its first definition, for duplicate names.
        let mut name_lines: BTreeMap<String, usize> = BTreeMap::new();
        for item in &items {
            let Some((name, name_pos)) = self.keep(self.name_of(item, "bloc")) else {
                continue;
            };
            let duplicate = name_lines.get(&name).copied();
            if let Some(line) = duplicate {
                self.note(self.err(
                    name_pos,
                    "name",
                    format!("duplicate bloc name `{name}` (first given on line {line})"),
                ));
            }
            let context = format!("in [[bloc]] \"{name}\"");
            let (leaves, clean) = self.read_leaves(item.table, BLOC_KEYS, &context);
            let mut members: Vec<CountryId> = Vec::new();
            match find(&leaves, "members") {
                None if clean => self.note(self.err(
                    item.pos,
                    "members",
                    format!("[[bloc]] \"{name}\" is missing `members`"),
                )),
                None => {}
                Some(members_leaf) => {
                    let before = self.noted();
                    let listed = self.string_list(members_leaf, "a list of country names");
                    for (member, pos) in self.keep(listed).unwrap_or_default() {
                        let found = find_country(names, member, " in `members`")
                            .map_err(|m| self.err(pos, "members", m));
                        let Some(id) = self.keep(found) else {
                            continue;
                        };
                        if members.contains(&id) {
                            self.note(self.err(
                                pos,
                                "members",
                                format!(
                                    "`{member}` is listed twice in the members of bloc `{name}`"
                                ),
                            ));
                            continue;
                        }
                        members.push(id);
                    }
                    if members.is_empty() && self.noted() == before {
                        self.note(self.err(
                            members_leaf.pos,
                            "members",
                            format!("`members` of bloc `{name}` must list at least one country"),
                        ));
                    }
                }
            }
            let cooperation = find(&leaves, COOPERATION_KEY)
                .and_then(|leaf| self.keep(self.number(leaf, coop_spec(BLOC_COOPERATION).domain)));
            if duplicate.is_some() {
                continue;
            }
            name_lines.insert(name.clone(), name_pos.line);
            blocs.push(Bloc {
                name,
                members,
                cooperation,
            });
        }
        blocs
    }

    fn pairs(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Pair> {
        let mut pairs: Vec<Pair> = Vec::new();
        let mut lines: Vec<usize> = Vec::new();
        for item in &items {
            let (leaves, clean) = self.read_leaves(item.table, PAIR_KEYS, "in [[pair]]");
            let a = self.country_ref(item, &leaves, clean, "a", "[[pair]]", names);
            let b = self.country_ref(item, &leaves, clean, "b", "[[pair]]", names);
            let cooperation = match find(&leaves, COOPERATION_KEY) {
                Some(leaf) => self.keep(self.number(leaf, coop_spec(PAIR_COOPERATION).domain)),
                None => Some(coop_spec(PAIR_COOPERATION).default),
            };
            let directed = match find(&leaves, "directed") {
                Some(leaf) => self.keep(self.boolean(leaf)),
                None => Some(false),
            };
            // Whether this pair is one or repeats one is only known from valid keys.
            let (Some(a), Some(b), Some(directed)) = (a, b, directed) else {
                continue;
            };
            if a == b {
                let pos = find(&leaves, "b").map_or(item.pos, |l| l.pos);
                self.note(self.err(
                    pos,
                    "b",
                    format!(
                        "a [[pair]] needs two different countries, but a and b are both `{}`",
                        names.get(a.index()).copied().unwrap_or("")
                    ),
                ));
                continue;
            }
            let same = |p: &Pair| {
                let same_way = p.a == a && p.b == b;
                let other_way = p.a == b && p.b == a;
                p.directed == directed && (same_way || (!directed && other_way))
            };
            if let Some(i) = pairs.iter().position(same) {
                let line = lines.get(i).copied().unwrap_or(0);
                self.note(self.err(
                    item.pos,
                    "pair",
                    format!("this [[pair]] repeats the one on line {line}"),
                ));
                continue;
            }
            pairs.push(Pair {
                a,
                b,
                cooperation: cooperation.unwrap_or(coop_spec(PAIR_COOPERATION).default),
                directed,
            });
            lines.push(item.pos.line);
        }
        pairs
    }

    fn policies(&self, items: Vec<Item<'_>>, names: &[&str], blocs: &[Bloc]) -> Vec<Policy> {
        let mut policies = Vec::new();
        for item in &items {
            let (leaves, clean) = self.read_leaves(item.table, POLICY_KEYS, "in [[policy]]");
            let week = self.required_whole(item, &leaves, clean, "week", "[[policy]]", WEEK);
            let ramp_weeks = match find(&leaves, "ramp_weeks") {
                Some(leaf) => self.keep(self.whole_u32(leaf, WEEK)),
                None => Some(0),
            };
            let Some(target_leaf) = find(&leaves, "target") else {
                if clean {
                    self.note(self.err(item.pos, "target", "[[policy]] is missing `target`"));
                }
                continue;
            };
            let Some(target_text) = self.keep(self.string(target_leaf)) else {
                continue;
            };
            let target = parse_target(target_text, names, blocs)
                .map_err(|m| self.err(target_leaf.pos, "target", m));
            let target = self.keep(target);
            // What a change may address depends on the kind of target, which its form gives
            // even where a name in it is unknown; a target of no known form says nothing.
            let Some(kind) = target_kind(target_text) else {
                continue;
            };

            // Build-only parameters are known, to be refused with the reason, but not listed
            // as allowed.
            let known: Vec<&str> = match kind {
                TargetKind::Countries => country_paths().collect(),
                TargetKind::Bloc => country_paths().chain([COOPERATION_KEY]).collect(),
                TargetKind::Pair => vec![COOPERATION_KEY],
            };
            let listed: Vec<&str> = known
                .iter()
                .copied()
                .filter(|k| !BUILD_ONLY.contains(k))
                .collect();
            let coop_domain = match kind {
                TargetKind::Pair => coop_spec(PAIR_COOPERATION).domain,
                _ => coop_spec(BLOC_COOPERATION).domain,
            };
            let before = self.noted();
            let mut changes = Vec::new();
            let mut set_keys: Vec<String> = Vec::new();
            if let Some(table) = find(&leaves, "set").and_then(|l| self.keep(self.table(l))) {
                let context = format!("in `set` of the [[policy]] for `{target_text}`");
                for change in self.read_leaves_listing(table, &known, &listed, &context).0 {
                    set_keys.push(change.path.clone());
                    if self.keep(self.changeable(&change)).is_none() {
                        continue;
                    }
                    let value = if change.path == COOPERATION_KEY {
                        self.number(&change, coop_domain).map(Value::Number)
                    } else if let Some(spec) = country_spec(&change.path) {
                        self.param_value(&change, spec)
                    } else {
                        continue;
                    };
                    if let Some(value) = self.keep(value) {
                        changes.push(Change::Set {
                            param: change.path,
                            value,
                        });
                    }
                }
            }
            if let Some(table) = find(&leaves, "scale").and_then(|l| self.keep(self.table(l))) {
                let context = format!("in `scale` of the [[policy]] for `{target_text}`");
                // An offence set is set, never scaled.
                let scalable: Vec<&str> = listed
                    .iter()
                    .copied()
                    .filter(|k| *k != OFFENCES_PATH)
                    .collect();
                for change in self
                    .read_leaves_listing(table, &known, &scalable, &context)
                    .0
                {
                    if change.path == OFFENCES_PATH {
                        self.note(self.err(
                            change.pos,
                            &change.path,
                            format!("`{OFFENCES_PATH}` is a set and cannot be scaled: use `set`"),
                        ));
                        continue;
                    }
                    if set_keys.contains(&change.path) {
                        self.note(self.err(
                            change.pos,
                            &change.path,
                            format!("`{}` is both set and scaled by one policy", change.path),
                        ));
                        continue;
                    }
                    if self.keep(self.changeable(&change)).is_none() {
                        continue;
                    }
                    if let Some(factor) = self.keep(self.scale_factor(&change)) {
                        changes.push(Change::Scale {
                            param: change.path,
                            factor,
                        });
                    }
                }
            }
            // Changes that were given but refused have their own errors.
            if changes.is_empty() && clean && self.noted() == before {
                self.note(self.err(
                    item.pos,
                    "policy",
                    "a [[policy]] needs at least one change in `set` or `scale`",
                ));
            }
            if let (Some(week), Some(target), Some(ramp_weeks)) = (week, target, ramp_weeks) {
                policies.push(Policy {
                    week,
                    target,
                    changes,
                    ramp_weeks,
                });
            }
        }
        policies
    }

    /// Refuses a policy change of a parameter that only shapes the world when it is built.
    fn changeable(&self, change: &Leaf<'_>) -> Result<(), ScenarioError> {
        if BUILD_ONLY.contains(&change.path.as_str()) {
            return Err(self.err(
                change.pos,
                &change.path,
                format!(
                    "`{}` shapes the world when it is built and cannot change during a run; \
                     change it with --set or a sweep instead",
                    change.path
                ),
            ));
        }
        Ok(())
    }

    fn shocks(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Shock> {
        let mut shocks = Vec::new();
        for item in &items {
            let (leaves, clean) = self.read_leaves(item.table, SHOCK_KEYS, "in [[shock]]");
            let country = self.country_ref(item, &leaves, clean, "country", "[[shock]]", names);
            let week = self.required_whole(item, &leaves, clean, "week", "[[shock]]", WEEK);
            let weeks =
                self.required_whole(item, &leaves, clean, "weeks", "[[shock]]", SHOCK_WEEKS);
            let vulnerability = match find(&leaves, "vulnerability") {
                Some(leaf) => self.keep(self.number(leaf, SHOCK_VULNERABILITY)),
                None => {
                    if clean {
                        self.note(self.err(
                            item.pos,
                            "vulnerability",
                            "[[shock]] is missing `vulnerability`",
                        ));
                    }
                    None
                }
            };
            if let (Some(country), Some(week), Some(weeks), Some(vulnerability)) =
                (country, week, weeks, vulnerability)
            {
                shocks.push(Shock {
                    country,
                    week,
                    weeks,
                    vulnerability,
                });
            }
        }
        shocks
    }

    // ----- Reading keys and values -----

    /// The keys of a table as full dotted paths, descending into sub-tables only where a known
    /// path continues, so `law.offences = []`, `[x.law] offences = []` and
    /// `"law.offences" = []` all give the leaf `law.offences`. Unknown keys and a path given
    /// twice are refused, every one of them in one error.
    pub(super) fn leaves<'r>(
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
    fn read_leaves<'r>(
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
    fn read_leaves_listing<'r>(
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

    pub(super) fn table<'r>(&self, leaf: &Leaf<'r>) -> Result<&'r RawTable, ScenarioError> {
        leaf.value
            .as_table()
            .ok_or_else(|| self.type_error(leaf, "a table"))
    }

    /// An array of tables (`[[country]]`, or `country = [{...}]`).
    pub(super) fn items<'r>(&self, leaf: &Leaf<'r>) -> Result<Vec<Item<'r>>, ScenarioError> {
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

    pub(super) fn type_error(&self, leaf: &Leaf<'_>, expected: &str) -> ScenarioError {
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

    pub(super) fn number(&self, leaf: &Leaf<'_>, domain: Domain) -> Result<f64, ScenarioError> {
        let Some(v) = leaf.value.as_number() else {
            return Err(self.type_error(leaf, expected_for(domain)));
        };
        check_number(&leaf.path, &leaf.value.text, domain, v)
            .map_err(|m| self.err(leaf.pos, &leaf.path, m))
    }

    pub(super) fn whole_u32(&self, leaf: &Leaf<'_>, domain: Domain) -> Result<u32, ScenarioError> {
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
    fn required_whole(
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

    fn scale_factor(&self, leaf: &Leaf<'_>) -> Result<f64, ScenarioError> {
        match leaf.value.as_number() {
            Some(f) if f.is_finite() && f >= 0.0 => Ok(f),
            Some(_) => Err(self.err(
                leaf.pos,
                &leaf.path,
                format!(
                    "scale factor {} = {} must be a finite number >= 0",
                    leaf.path, leaf.value.text
                ),
            )),
            None => Err(self.type_error(leaf, "a number (a scale factor)")),
        }
    }

    pub(super) fn string<'r>(&self, leaf: &Leaf<'r>) -> Result<&'r str, ScenarioError> {
        leaf.value
            .as_str()
            .ok_or_else(|| self.type_error(leaf, "a string"))
    }

    fn boolean(&self, leaf: &Leaf<'_>) -> Result<bool, ScenarioError> {
        leaf.value
            .as_bool()
            .ok_or_else(|| self.type_error(leaf, "true or false"))
    }

    /// A list of strings, each with its place (for "unknown country" at the item).
    pub(super) fn string_list<'r>(
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

    pub(super) fn offences(&self, leaf: &Leaf<'_>) -> Result<OffenceSet, ScenarioError> {
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
    pub(super) fn param_value(
        &self,
        leaf: &Leaf<'_>,
        spec: &ParamSpec,
    ) -> Result<Value, ScenarioError> {
        match spec.domain {
            Domain::Offences => Ok(Value::Offences(self.offences(leaf)?)),
            domain => Ok(Value::Number(self.number(leaf, domain)?)),
        }
    }

    /// The `name` of a country or bloc: present, a non-empty string without dots.
    fn name_of(&self, item: &Item<'_>, what: &str) -> Result<(String, Pos), ScenarioError> {
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
    fn country_ref(
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

pub(super) fn find<'l, 'r>(leaves: &'l [Leaf<'r>], path: &str) -> Option<&'l Leaf<'r>> {
    leaves.iter().find(|l| l.path == path)
}

/// Whether some known path continues below `prefix` (so a table there is worth entering).
fn continues(prefix: &str, known: &[&str]) -> bool {
    known.iter().any(|k| {
        k.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}

pub(crate) fn coop_spec(path: &str) -> &'static ParamSpec {
    // The three cooperation paths are the table's own entries (checked by a unit test), so
    // this never fails on any input.
    cooperation_spec(path).expect("the params table lists every cooperation level")
}

fn file_stem(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map_or_else(|| label.to_string(), |s| s.to_string_lossy().into_owned())
}

pub(super) fn expected_for(domain: Domain) -> &'static str {
    match domain {
        Domain::Real { .. } => "a number",
        Domain::Count { .. } => "a whole number",
        Domain::Offences => "a list of offence names",
    }
}

// ----- Shared with `overrides.rs`, so that `--set` says exactly what the file would -----

/// Checks a number against a domain; the message reads `corruption = 1.4 is outside [0, 1]`
/// with the value as the user wrote it.
pub(crate) fn check_number(
    key: &str,
    text: &str,
    domain: Domain,
    value: f64,
) -> Result<f64, String> {
    domain
        .check(value)
        .map(|()| value)
        .map_err(|e| format!("{key} = {text} {e}"))
}

/// "did you mean `x`?" when a candidate is close, otherwise the list of what is allowed.
pub(crate) fn suggest(name: &str, allowed: &[&str]) -> String {
    match closest_name(name, allowed.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("allowed: {}", allowed.join(", ")),
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

/// A set given with a repeated item is almost always a typo (another offence was meant).
/// `path`: where the set is given (`law.offences`, or a sweep's `all.law.offences`).
pub(crate) fn repeated_offence_message(name: &str, path: &str) -> String {
    format!("offence `{name}` is listed twice in `{path}`")
}

pub(crate) fn unknown_offence_message(name: &str) -> String {
    let names: Vec<&str> = Offence::ALL.iter().map(|o| o.name()).collect();
    format!(
        "unknown offence `{name}` in `{OFFENCES_PATH}`{} (offences: {})",
        hint(name, &names),
        Offence::ALL_NAMES
    )
}

/// Looks a country up by name; the error names the known countries and the closest one.
/// `place` says where the name was found (`` in `members` ``), or is empty.
pub(crate) fn find_country(names: &[&str], name: &str, place: &str) -> Result<CountryId, String> {
    match names.iter().position(|n| *n == name) {
        Some(i) => Ok(CountryId::new(i)),
        None => Err(format!(
            "unknown country `{name}`{place}{} (countries: {})",
            hint(name, names),
            names.join(", ")
        )),
    }
}

/// "; did you mean `x`?" when a name is close to one of `names`, otherwise nothing.
fn hint(name: &str, names: &[&str]) -> String {
    closest_name(name, names.iter().copied())
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Looks a bloc up by name; the error names the known blocs and the closest one.
pub(crate) fn find_bloc(blocs: &[Bloc], name: &str, place: &str) -> Result<usize, String> {
    match blocs.iter().position(|b| b.name == name) {
        Some(i) => Ok(i),
        None => {
            let names: Vec<&str> = blocs.iter().map(|b| b.name.as_str()).collect();
            let known = if names.is_empty() {
                "no [[bloc]] is defined".to_string()
            } else {
                format!("blocs: {}", names.join(", "))
            };
            Err(format!(
                "unknown bloc `{name}`{place}{} ({known})",
                hint(name, &names)
            ))
        }
    }
}

const IN_TARGET: &str = " in `target`";

/// The kinds of policy target, which decide what a policy may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TargetKind {
    /// `all` or `country.NAME`: country parameters.
    Countries,
    /// `bloc.NAME`: country parameters and the bloc's cooperation.
    Bloc,
    /// `pair.A.B`: the pair's cooperation.
    Pair,
}

/// A target's kind from its form alone (the names in it may be unknown); `None` for a target
/// of no known form.
fn target_kind(text: &str) -> Option<TargetKind> {
    let parts: Vec<&str> = text.split('.').collect();
    match parts.as_slice() {
        ["all"] | ["country", _] => Some(TargetKind::Countries),
        ["bloc", _] => Some(TargetKind::Bloc),
        ["pair", _, _] => Some(TargetKind::Pair),
        _ => None,
    }
}

/// Parses a policy target: `all`, `country.NAME`, `bloc.NAME` or `pair.A.B`.
fn parse_target(text: &str, names: &[&str], blocs: &[Bloc]) -> Result<Target, String> {
    let parts: Vec<&str> = text.split('.').collect();
    match parts.as_slice() {
        ["all"] => Ok(Target::All),
        ["country", name] => find_country(names, name, IN_TARGET).map(Target::Country),
        ["bloc", name] => find_bloc(blocs, name, IN_TARGET).map(Target::Bloc),
        ["pair", a, b] => {
            let a = find_country(names, a, IN_TARGET)?;
            let b = find_country(names, b, IN_TARGET)?;
            if a == b {
                Err(format!("target `{text}` names the same country twice"))
            } else {
                Ok(Target::Pair(a, b))
            }
        }
        _ => Err(format!(
            "unknown policy target `{text}`; a target is {TARGET_FORMS}"
        )),
    }
}

/// Sets a country parameter by path (a number, or the offence set).
pub(crate) fn set_country_param(params: &mut CountryParams, path: &str, value: &Value) {
    match value {
        Value::Offences(set) => {
            if path == OFFENCES_PATH {
                params.offences = *set;
            }
        }
        Value::Number(v) => {
            if let Some(slot) = params.numbers.get_mut(path) {
                *slot = *v;
            }
        }
    }
}

/// The run settings as the parameter table's numbers, and back. The domains keep every value
/// whole and in range; `None` only if a domain ever allowed more than the field holds.
pub(crate) fn run_numbers(run: &RunSettings) -> RunNumbers {
    RunNumbers {
        weeks: f64::from(run.weeks),
        seed: run.seed as f64,
        replicates: f64::from(run.replicates),
        burn_in: f64::from(run.burn_in),
    }
}

pub(crate) fn run_settings(numbers: &RunNumbers) -> Option<RunSettings> {
    Some(RunSettings {
        weeks: to_u32(numbers.weeks)?,
        seed: to_u64(numbers.seed)?,
        replicates: to_u32(numbers.replicates)?,
        burn_in: to_u32(numbers.burn_in)?,
    })
}

fn to_u32(v: f64) -> Option<u32> {
    (v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)).then_some(v as u32)
}

pub(super) fn to_u64(v: f64) -> Option<u64> {
    // 2^64 is exactly representable; anything below it converts without wrapping.
    (v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v)).then_some(v as u64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::params::{COOPERATION_PARAMS, Offence};

    /// The format's example, with a third country and a few twists: key order that differs
    /// from alphabetical, policies out of week order, an integer where a real is expected.
    const FULL: &str = r#"schema = 1

[run]
weeks = 520
seed = 42
replicates = 10

[model]
form_share.sexual = 0.3
deterrence = 3

[defaults]
corruption = 0.3
[defaults.law]
offences = ["sexual", "labour", "child"]
[defaults.enforcement]
resources = 0.5

[[country]]
name = "Aurelia"
at_risk = 20000
poverty = 0.8
borders = ["Borealis"]
law.offences = []

[[country]]
name = "Borealis"
at_risk = 5000
wage = 1
enforcement = { training = 0.9 }

[[country]]
name = "Caldera"
borders = ["Borealis"]
"law.penalty" = 0.7

[cooperation]
default = 0.1

[[bloc]]
name = "North"
members = ["Borealis", "Caldera"]
cooperation = 0.8

[[bloc]]
name = "Targets"
members = ["Aurelia"]

[[pair]]
a = "Aurelia"
b = "Borealis"
cooperation = 0.5
directed = true

[[policy]]
week = 200
target = "pair.Aurelia.Borealis"
set = { cooperation = 0.9 }

[[policy]]
week = 104
target = "bloc.North"
set = { "law.offences" = ["sexual", "labour", "child", "debt_bondage"], corruption = 0.1, cooperation = 1 }
scale = { "enforcement.resources" = 2.0 }
ramp_weeks = 26

[[policy]]
week = 104
target = "all"
scale = { awareness = 1.5 }

[[shock]]
country = "Aurelia"
week = 200
weeks = 52
vulnerability = 1.5
"#;

    fn full() -> Scenario {
        parse(FULL, "scenarios/full.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn id(i: usize) -> CountryId {
        CountryId::new(i)
    }

    fn offences(names: &[&str]) -> OffenceSet {
        OffenceSet::from_names(names.iter().copied()).unwrap()
    }

    #[test]
    fn full_file_builds_the_expected_scenario() {
        let s = full();
        assert_eq!(s.name, "full");
        assert_eq!(s.path, "scenarios/full.toml");
        assert_eq!(s.text, FULL);
        assert_eq!(
            s.run,
            RunSettings {
                weeks: 520,
                seed: 42,
                replicates: 10,
                burn_in: 0,
            }
        );
        assert_eq!(s.model.share_sexual, 0.3);
        assert_eq!(s.model.deterrence, 3.0);
        assert_eq!(s.model.share_labour, ModelParams::default().share_labour);

        let names: Vec<&str> = s.countries.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Aurelia", "Borealis", "Caldera"]);
        let [a, b, c] = [&s.countries[0], &s.countries[1], &s.countries[2]];
        assert_eq!(a.params.numbers.at_risk, 20000.0);
        assert_eq!(a.params.numbers.poverty, 0.8);
        // An empty offence set is a valid law (no anti-trafficking law at all).
        assert_eq!(a.params.offences, OffenceSet::EMPTY);
        // Defaults reach every country that does not override them.
        assert_eq!(b.params.offences, offences(&["sexual", "labour", "child"]));
        assert_eq!(b.params.numbers.corruption, 0.3);
        assert_eq!(b.params.numbers.resources, 0.5);
        assert_eq!(b.params.numbers.wage, 1.0);
        assert_eq!(b.params.numbers.training, 0.9);
        assert_eq!(c.params.numbers.penalty, 0.7);
        assert_eq!(
            c.params.numbers.poverty,
            CountryParams::default().numbers.poverty
        );

        // Borders are symmetric: Borealis lists nobody but is listed by both others.
        assert_eq!(a.borders, Some(vec![id(1)]));
        assert_eq!(b.borders, Some(vec![id(0), id(2)]));
        assert_eq!(c.borders, Some(vec![id(1)]));

        assert_eq!(s.cooperation.default, 0.1);
        assert_eq!(s.cooperation.blocs.len(), 2);
        assert_eq!(s.cooperation.blocs[0].members, [id(1), id(2)]);
        assert_eq!(s.cooperation.blocs[0].cooperation, Some(0.8));
        assert_eq!(s.cooperation.blocs[1].cooperation, None);
        assert_eq!(
            s.cooperation.pairs,
            [Pair {
                a: id(0),
                b: id(1),
                cooperation: 0.5,
                directed: true
            }]
        );

        // Sorted by week, stable within a week.
        let order: Vec<(u32, Target)> = s.policies.iter().map(|p| (p.week, p.target)).collect();
        assert_eq!(
            order,
            [
                (104, Target::Bloc(0)),
                (104, Target::All),
                (200, Target::Pair(id(0), id(1)))
            ]
        );
        let p = &s.policies[0];
        assert_eq!(p.ramp_weeks, 26);
        // Set changes first, each in the order written (not alphabetical), then scales.
        assert_eq!(
            p.changes,
            [
                Change::Set {
                    param: "law.offences".into(),
                    value: Value::Offences(offences(&[
                        "sexual",
                        "labour",
                        "child",
                        "debt_bondage"
                    ]))
                },
                Change::Set {
                    param: "corruption".into(),
                    value: Value::Number(0.1)
                },
                Change::Set {
                    param: "cooperation".into(),
                    value: Value::Number(1.0)
                },
                Change::Scale {
                    param: "enforcement.resources".into(),
                    factor: 2.0
                },
            ]
        );
        assert_eq!(s.policies[2].ramp_weeks, 0);

        assert_eq!(
            s.shocks,
            [Shock {
                country: id(0),
                week: 200,
                weeks: 52,
                vulnerability: 1.5
            }]
        );
        assert!(s.overrides.is_empty());
    }

    #[test]
    fn without_any_borders_the_world_is_complete() {
        let text = "schema = 1\n[[country]]\nname = \"A\"\n[[country]]\nname = \"B\"\n";
        let s = parse(text, "x.toml", &[]).unwrap();
        assert!(s.countries.iter().all(|c| c.borders.is_none()));
        assert_eq!(s.run.weeks as f64, RUN_PARAMS[0].default);
        assert_eq!(
            s.cooperation.default,
            coop_spec(DEFAULT_COOPERATION).default
        );
        assert_eq!(s.countries[0].params, CountryParams::default());
    }

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
        assert_eq!(countries[0].offences, offences(&["child"]));
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

    #[test]
    fn policy_weeks_beyond_the_horizon_are_allowed() {
        let text = "schema = 1\n[run]\nweeks = 10\n[[country]]\nname = \"A\"\n[[policy]]\nweek = 5000\ntarget = \"country.A\"\nset = { ngo = 0.9 }\n";
        let s = parse(text, "x.toml", &[]).unwrap();
        assert_eq!(s.policies[0].week, 5000);
        assert_eq!(s.policies[0].target, Target::Country(id(0)));
    }

    /// The lines of every error of a file that `parse` refuses, with each message.
    fn error_lines(text: &str) -> Vec<(u32, String)> {
        let e = parse(text, "x.toml", &[]).unwrap_err();
        e.errors()
            .map(|one| (one.line.unwrap_or(0), one.message.clone()))
            .collect()
    }

    #[test]
    fn every_independent_error_is_reported_in_file_order() {
        let text = r#"schema = 1
[run]
weeks = 0
replicates = 0
[[country]]
name = "A"
poverty = -1
corruption = 2
[[country]]
name = "B"
borders = ["Q"]
[[bloc]]
name = "N"
members = ["A", "Z"]
[[policy]]
week = -1
target = "bloc.N"
set = { corruption = 3, ngo = 0.5 }
[[policy]]
week = 1
target = "country.Nope"
scale = { corruption = -1 }
[[pair]]
a = "A"
b = "Zed"
[[shock]]
country = "Q"
week = 1
weeks = 0
vulnerability = 11
"#;
        let lines: Vec<u32> = error_lines(text).iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [3, 4, 7, 8, 11, 14, 16, 18, 21, 22, 25, 27, 29, 30],
            "{:#?}",
            error_lines(text)
        );
    }

    /// A missing key beside an unknown one (perhaps its misspelling), or an empty list whose
    /// items were refused, would repeat what is already said: one mistake, one error.
    #[test]
    fn one_mistake_gives_one_error() {
        let head = "schema = 1\n[[country]]\nname = \"A\"\n";
        let cases = [
            "[[policy]]\nweek = 1\ntagret = \"all\"\nset = { ngo = 0.5 }\n",
            "[[policy]]\nweek = 1\ntarget = \"all\"\nset = { ngoo = 0.5 }\n",
            "[[policy]]\nweek = 1\ntarget = \"all\"\nsett = { ngo = 0.5 }\n",
            "[[bloc]]\nname = \"N\"\nmember = [\"A\"]\n",
            "[[bloc]]\nname = \"N\"\nmembers = [\"Z\"]\n",
            "[[shock]]\ncountri = \"A\"\nweek = 1\nweeks = 1\nvulnerability = 1\n",
            "[[pair]]\na = \"A\"\nbb = \"A\"\n",
            "[[policy]]\nweek = 1\ntarget = \"bloc.N\"\nset = { ngo = 0.5 }\n[[bloc]]\nname = \"N\"\nmembers = [\"Z\"]\n",
        ];
        for case in cases {
            let errors = error_lines(&format!("{head}{case}"));
            assert_eq!(errors.len(), 1, "{case}: {errors:#?}");
        }
        // A misspelt section is not also a missing one.
        assert_eq!(
            error_lines("schema = 1\n[[contry]]\nname = \"A\"\n").len(),
            1
        );
        assert_eq!(
            error_lines("shcema = 1\n[[country]]\nname = \"A\"\n").len(),
            1
        );
        // But a file with neither says both.
        assert_eq!(error_lines("[run]\nweeks = 5\n").len(), 2);
    }

    /// Countries, blocs and policy targets refused for one reason still serve the checks of
    /// the rest: names are looked up among the countries accepted, a target's kind decides
    /// what its changes may address even when the name in it is unknown.
    #[test]
    fn later_sections_are_checked_against_what_was_accepted() {
        let text = r#"schema = 1
[[country]]
name = "A"
corruption = 5
[[country]]
name = "A"
[[country]]
name = "B"
[[bloc]]
name = "N"
members = ["A", "Nope"]
[[policy]]
week = 1
target = "bloc.N"
set = { cooperation = 0.5 }
[[policy]]
week = 1
target = "pair.A.Nope"
set = { corruption = 0.5 }
"#;
        let errors = error_lines(text);
        let lines: Vec<u32> = errors.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [4, 6, 11, 18, 19], "{errors:#?}");
        assert!(errors[1].1.starts_with("duplicate country name `A`"));
        assert!(
            errors[4].1.contains("unknown key `corruption`"),
            "{errors:#?}"
        );
    }

    /// The fixtures of `tests/fixtures/DIR`: each opens with `# expect: FRAGMENT`, the
    /// fragment starting with the file's name. Runs `check` on each (text, file name) and
    /// returns what went wrong: accepted, a message without the fragment, or a message that
    /// does not show the key the error names. Shared with the sweep's bad fixtures.
    pub(crate) fn bad_fixture_failures(
        dir: &str,
        at_least: usize,
        check: impl Fn(&str, &str) -> Result<(), ScenarioError>,
    ) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        assert!(paths.len() >= at_least, "only {} bad fixtures", paths.len());
        let mut failures = Vec::new();
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap();
            let label = path.file_name().unwrap().to_string_lossy().into_owned();
            let expect = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect: "))
                .unwrap_or_else(|| panic!("{label}: first line must be `# expect: ...`"));
            assert!(
                expect.starts_with(&label),
                "{label}: expectation must name the file"
            );
            match check(&text, &label) {
                Ok(()) => failures.push(format!("{label}: accepted")),
                Err(e) => {
                    let shown = e.to_string();
                    if !shown.contains(expect) {
                        failures.push(format!("{label}:\n  expected {expect}\n  got      {shown}"));
                    }
                    for one in e.errors() {
                        if let Some(key) = &one.key
                            && !one.message.contains(key.as_str())
                        {
                            failures.push(format!("{label}: key `{key}` not in the message"));
                        }
                        // A located scenario error names its key; only TOML syntax errors
                        // have none.
                        if dir.ends_with("bad")
                            && one.key.is_none()
                            && one.line.is_some()
                            && !one.message.contains("invalid TOML")
                        {
                            failures.push(format!("{label}: located error without a key"));
                        }
                    }
                }
            }
        }
        failures
    }

    /// Each file under tests/fixtures/bad must fail to parse with its expected message.
    #[test]
    fn every_bad_fixture_fails_with_its_expected_message() {
        let failures =
            bad_fixture_failures("bad", 40, |text, label| parse(text, label, &[]).map(|_| ()));
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn every_good_fixture_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn the_small_fixture_is_what_it_says() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/small.toml");
        let s = load(&path, &[]).unwrap();
        assert_eq!(s.name, "small");
        assert_eq!(s.countries.len(), 3);
        assert_eq!((s.run.weeks, s.run.replicates), (52, 2));
        assert_eq!(s.cooperation.blocs.len(), 1);
        assert_eq!(s.cooperation.pairs.len(), 1);
        assert_eq!((s.policies.len(), s.shocks.len()), (1, 1));
        assert_eq!(s.countries[0].params.numbers.network_density, 2.0);
        assert!(
            s.countries
                .iter()
                .all(|c| c.params.numbers.at_risk == 2000.0)
        );
        // Origo-Transia-Destia is a line: the middle borders both ends.
        assert_eq!(s.countries[1].borders, Some(vec![id(0), id(2)]));
    }

    #[test]
    fn unreadable_files_are_bad_input() {
        let e = load(Path::new("/nonexistent/dir/x.toml"), &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/dir/x.toml: cannot read"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bin.toml");
        std::fs::write(&path, [0xff, 0xfe, b'a']).unwrap();
        let e = load(&path, &[]).unwrap_err();
        assert!(e.to_string().contains("is not UTF-8"), "{e}");
    }

    #[test]
    fn cooperation_paths_are_in_the_table() {
        for path in [DEFAULT_COOPERATION, BLOC_COOPERATION, PAIR_COOPERATION] {
            assert!(COOPERATION_PARAMS.iter().any(|s| s.name == path), "{path}");
        }
        assert!(DEFAULT_COOPERATION.starts_with(COOPERATION_SECTION));
    }

    #[test]
    fn offence_names_round_trip() {
        for o in Offence::ALL {
            assert!(unknown_offence_message("x").contains(o.name()));
        }
    }

    #[test]
    fn overrides_are_applied_in_order_and_recorded() {
        let ovs: Vec<Override> = ["all.corruption=0.2", "country.Aurelia.corruption=0.6"]
            .iter()
            .map(|t| Override::parse(t).unwrap())
            .collect();
        let s = parse(FULL, "full.toml", &ovs).unwrap();
        assert_eq!(s.countries[0].params.numbers.corruption, 0.6);
        assert_eq!(s.countries[1].params.numbers.corruption, 0.2);
        assert_eq!(s.overrides, ovs);
        let bad = [Override::parse("run.weeks=0").unwrap()];
        let e = parse(FULL, "full.toml", &bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set run.weeks=0: weeks = 0 is outside [1, 100000]"
        );
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        const SMALL: &str = include_str!("../../tests/fixtures/good/small.toml");

        /// An edit of a valid file: delete, insert or replace at a position (taken modulo
        /// the length), with characters that matter to TOML.
        #[derive(Clone, Debug)]
        enum Edit {
            Delete(usize, usize),
            Insert(usize, String),
            Replace(usize, String),
        }

        fn edit() -> impl Strategy<Value = Edit> {
            let piece = prop_oneof![
                Just("=".to_string()),
                Just("[".to_string()),
                Just("]]".to_string()),
                Just("\"".to_string()),
                Just(".".to_string()),
                Just("\n".to_string()),
                Just("-1".to_string()),
                Just("1e300".to_string()),
                Just("nan".to_string()),
                Just("{ x = 1 }".to_string()),
                Just("[[country]]\n".to_string()),
                "[a-z_.=\\[\\]{}\",0-9 \n-]{1,8}",
                any::<String>(),
            ];
            prop_oneof![
                (any::<usize>(), 1usize..20).prop_map(|(p, n)| Edit::Delete(p, n)),
                (any::<usize>(), piece.clone()).prop_map(|(p, s)| Edit::Insert(p, s)),
                (any::<usize>(), piece).prop_map(|(p, s)| Edit::Replace(p, s)),
            ]
        }

        fn apply_edit(text: &str, edit: &Edit) -> String {
            let chars: Vec<char> = text.chars().collect();
            let at = |p: usize| if chars.is_empty() { 0 } else { p % chars.len() };
            let mut out: Vec<char> = chars.clone();
            match edit {
                Edit::Delete(p, n) => {
                    let start = at(*p);
                    let end = (start + n).min(out.len());
                    out.drain(start..end);
                }
                Edit::Insert(p, s) => {
                    let start = at(*p);
                    out.splice(start..start, s.chars());
                }
                Edit::Replace(p, s) => {
                    let start = at(*p);
                    let end = (start + s.chars().count()).min(out.len());
                    out.splice(start..end, s.chars());
                }
            }
            out.into_iter().collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            #[test]
            fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
                let text = String::from_utf8_lossy(&bytes);
                let _ = parse(&text, "fuzz.toml", &[]);
            }

            #[test]
            fn mutations_of_a_valid_file_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
                let mut text = SMALL.to_string();
                for e in &edits {
                    text = apply_edit(&text, e);
                }
                if let Err(e) = parse(&text, "fuzz.toml", &[]) {
                    // Every error renders, and a located one points inside the file.
                    let shown = e.to_string();
                    prop_assert!(shown.starts_with("fuzz.toml"));
                    for one in e.errors() {
                        if let Some(line) = one.line {
                            prop_assert!(line as usize <= text.lines().count() + 1);
                        }
                    }
                }
            }

            #[test]
            fn random_overrides_never_panic(path in "[a-z_.A-Za-z]{0,30}", value in "[-0-9.e,a-z ]{0,12}") {
                let mut s = parse(SMALL, "small.toml", &[]).unwrap();
                let before = s.clone();
                let ov = Override { path, value };
                match overrides::apply(&mut s, &ov) {
                    Ok(()) => prop_assert_eq!(s.overrides.last(), Some(&ov)),
                    // A refused override changes nothing.
                    Err(_) => prop_assert_eq!(s, before),
                }
            }
        }
    }
}
