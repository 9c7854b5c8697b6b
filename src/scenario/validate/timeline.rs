//! The policy timeline: each `[[policy]]` (a week, a target, the parameters it sets or
//! scales, a ramp), each `[[shock]]` (a rise of vulnerability in a country for a while) and
//! each `[[dismantle]]` (an operation that arrests a share of a country's traffickers at once),
//! checked against the countries and blocs that were accepted.

use super::located::{Checker, Item, Leaf, find};
use crate::params::{BUILD_ONLY, Domain, OFFENCES_PATH, country_paths, country_spec};
use crate::scenario::checks::{
    BLOC_COOPERATION, COOPERATION_KEY, PAIR_COOPERATION, coop_spec, find_bloc, find_country,
};
use crate::scenario::error::ScenarioError;
use crate::scenario::{Bloc, Change, Dismantling, Policy, Shock, Target, Value};

const POLICY_KEYS: &[&str] = &["week", "target", "set", "scale", "ramp_weeks"];
const SHOCK_KEYS: &[&str] = &["country", "week", "weeks", "vulnerability"];
const DISMANTLE_KEYS: &[&str] = &["country", "week", "share"];
const SHARE: Domain = Domain::Real { min: 0.0, max: 1.0 };

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

impl Checker<'_> {
    pub(super) fn policies(
        &self,
        items: Vec<Item<'_>>,
        names: &[&str],
        blocs: &[Bloc],
    ) -> Vec<Policy> {
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

    pub(super) fn shocks(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Shock> {
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

    pub(super) fn dismantlings(&self, items: Vec<Item<'_>>, names: &[&str]) -> Vec<Dismantling> {
        let mut dismantlings = Vec::new();
        for item in &items {
            let (leaves, clean) = self.read_leaves(item.table, DISMANTLE_KEYS, "in [[dismantle]]");
            let what = "[[dismantle]]";
            let country = self.country_ref(item, &leaves, clean, "country", what, names);
            let week = self.required_whole(item, &leaves, clean, "week", what, WEEK);
            let share = match find(&leaves, "share") {
                Some(leaf) => self.keep(self.number(leaf, SHARE)),
                None => {
                    if clean {
                        self.note(self.err(item.pos, "share", "[[dismantle]] is missing `share`"));
                    }
                    None
                }
            };
            if let (Some(country), Some(week), Some(share)) = (country, week, share) {
                dismantlings.push(Dismantling {
                    country,
                    week,
                    share,
                });
            }
        }
        dismantlings
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

#[cfg(test)]
mod tests {
    use crate::ids::CountryId;
    use crate::scenario::{Target, parse};

    #[test]
    fn policy_weeks_beyond_the_horizon_are_allowed() {
        let text = "schema = 1\n[run]\nweeks = 10\n[[country]]\nname = \"A\"\n[[policy]]\nweek = 5000\ntarget = \"country.A\"\nset = { ngo = 0.9 }\n";
        let s = parse(text, "x.toml", &[]).unwrap();
        assert_eq!(s.policies[0].week, 5000);
        assert_eq!(s.policies[0].target, Target::Country(CountryId::new(0)));
    }
}
