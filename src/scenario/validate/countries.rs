//! The countries: `[defaults]` (the parameters every country starts from), each
//! `[[country]]` with its name and parameters, and the borders between them, made symmetric.

use std::collections::{BTreeMap, BTreeSet};

use super::located::{Checker, Item, Leaf};
use crate::ids::CountryId;
use crate::params::{CountryParams, country_paths, country_spec};
use crate::scenario::CountrySpec;
use crate::scenario::checks::{find_country, set_country_param};
use crate::scenario::error::Pos;
use crate::scenario::file::RawTable;

/// Keys of a `[[country]]` besides its parameters.
const COUNTRY_KEYS: &[&str] = &["name", "borders"];

impl Checker<'_> {
    /// `[defaults]`: the country parameters every `[[country]]` starts from.
    pub(super) fn defaults(&self, table: &RawTable, defaults: &mut CountryParams) {
        let known: Vec<&str> = country_paths().collect();
        for leaf in self.read_leaves(table, &known, "in [defaults]").0 {
            self.country_param(&leaf, defaults);
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
    pub(super) fn countries(
        &self,
        items: Vec<Item<'_>>,
        defaults: &CountryParams,
    ) -> Vec<CountrySpec> {
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
            let duplicate = self.duplicate_name(&name_lines, &name, name_pos, "country");
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
            if duplicate {
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
}

#[cfg(test)]
mod tests {
    use crate::params::{CountryParams, RUN_PARAMS};
    use crate::scenario::checks::{DEFAULT_COOPERATION, coop_spec};
    use crate::scenario::parse;

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
}
