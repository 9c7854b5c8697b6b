//! Cooperation between countries: the `[cooperation]` default level, the `[[bloc]]`s (named
//! groups of countries, with a level among their members) and the `[[pair]]`s (a level between
//! two countries, one way or both).

use std::collections::BTreeMap;

use super::located::{Checker, Item, find};
use crate::ids::CountryId;
use crate::params::{COOPERATION_PARAMS, cooperation_spec};
use crate::scenario::checks::{
    BLOC_COOPERATION, COOPERATION_KEY, DEFAULT_COOPERATION, PAIR_COOPERATION, coop_spec,
    find_country,
};
use crate::scenario::file::RawTable;
use crate::scenario::{Bloc, Pair};

const BLOC_KEYS: &[&str] = &["name", "members", "cooperation"];
const PAIR_KEYS: &[&str] = &["a", "b", "cooperation", "directed"];
/// The section holding the default level, whose keys are the cooperation paths under it.
const COOPERATION_SECTION: &str = "cooperation.";

impl Checker<'_> {
    pub(super) fn cooperation_default(&self, table: &RawTable) -> f64 {
        let known: Vec<&str> = COOPERATION_PARAMS
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
    pub(super) fn blocs(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Bloc> {
        let mut blocs: Vec<Bloc> = Vec::new();
        // Name -> line of its first definition, for duplicate names.
        let mut name_lines: BTreeMap<String, usize> = BTreeMap::new();
        for item in &items {
            let Some((name, name_pos)) = self.keep(self.name_of(item, "bloc")) else {
                continue;
            };
            let duplicate = self.duplicate_name(&name_lines, &name, name_pos, "bloc");
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
            if duplicate {
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

    pub(super) fn pairs(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Pair> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_level_is_a_key_of_its_section() {
        assert!(DEFAULT_COOPERATION.starts_with(COOPERATION_SECTION));
    }
}
