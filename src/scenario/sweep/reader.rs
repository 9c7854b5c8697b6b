//! The reader of a `[sweep]` section, and what it reads for one swept path: the path resolved
//! in the `--set` path language ([`overrides::resolve`]) and its values (a list, or a range
//! with its steps), each checked against the parameter's [`Domain`] with the file's located
//! errors.

use std::cell::Cell;

use super::spec::{Design, Values};
use crate::params::Domain;
use crate::scenario::error::{Pos, ScenarioError};
use crate::scenario::file::RawValue;
use crate::scenario::overrides::{self, Target};
use crate::scenario::validate::located::{Checker, Item, Leaf, expected_for, find};
use crate::scenario::{Scenario, Value};

/// A grid axis has at most this many steps (so at most one more value).
const MAX_STEPS: f64 = 1_000_000.0;

/// Reads a `[sweep]` section with the located helpers of the scenario file, against the
/// scenario it belongs to (whose countries and blocs the swept paths name).
pub(super) struct SweepReader<'a> {
    pub(super) checker: Checker<'a>,
    pub(super) scenario: &'a Scenario,
    /// Whether the scenario holds every country and bloc its file gives (false when the
    /// section is read beside a file's other errors and some were refused).
    names_complete: bool,
    /// Set when a swept path failed to resolve while the names were incomplete: the error
    /// may only echo a refused country or bloc.
    pub(super) path_unresolved: Cell<bool>,
}

impl<'a> SweepReader<'a> {
    pub(super) fn new(scenario: &'a Scenario, names_complete: bool) -> Self {
        SweepReader {
            checker: Checker::new(&scenario.path),
            scenario,
            names_complete,
            path_unresolved: Cell::new(false),
        }
    }

    pub(super) fn err(&self, pos: Pos, key: &str, message: impl Into<String>) -> ScenarioError {
        self.checker.err(pos, key, message)
    }

    /// Resolves a swept path with the `--set` path language; run settings are refused.
    pub(super) fn target(&self, path: &str, pos: Pos, key: &str) -> Result<Target, ScenarioError> {
        let target = overrides::resolve(self.scenario, path).map_err(|e| {
            if !self.names_complete {
                self.path_unresolved.set(true);
            }
            self.err(pos, key, format!("sweep path `{path}`: {}", e.message))
        })?;
        if target.is_run_setting() {
            return Err(self.err(
                pos,
                key,
                format!(
                    "sweep path `{path}`: run settings are the same for every point of a sweep; set them in [run] or with --set"
                ),
            ));
        }
        Ok(target)
    }

    /// A parameter's `values`, or `from`/`to` (and `steps` for a grid), as its design needs.
    pub(super) fn values(
        &self,
        item: &Item<'_>,
        leaves: &[Leaf<'_>],
        path: &str,
        domain: Domain,
        design: &Design,
    ) -> Result<Values, ScenarioError> {
        let c = &self.checker;
        let name = design.name();
        let values = find(leaves, "values");
        let from = find(leaves, "from");
        let to = find(leaves, "to");
        let steps = find(leaves, "steps");
        let is_grid = matches!(design, Design::Grid);

        if let Some(v) = values {
            if !is_grid {
                return Err(self.err(
                    v.pos,
                    "values",
                    format!(
                        "a {name} design samples between `from` and `to`; `values` is for a grid"
                    ),
                ));
            }
            if let Some(other) = from.or(to).or(steps) {
                return Err(self.err(
                    other.pos,
                    &other.path,
                    format!(
                        "give either `values` or `from`, `to` and `steps` for `{path}`, not both"
                    ),
                ));
            }
            return self.value_list(v, path, domain).map(Values::List);
        }
        if domain == Domain::Offences {
            let what = if is_grid {
                "give its sets as `values = [[...], ...]`"
            } else {
                "sweep it in a grid or list design"
            };
            return Err(self.err(
                item.pos,
                path,
                format!("`{path}` is a set of offences, not a number: {what}"),
            ));
        }
        if let (false, Some(s)) = (is_grid, steps) {
            return Err(self.err(
                s.pos,
                "steps",
                format!("`steps` is for a grid; a {name} design samples between `from` and `to`"),
            ));
        }
        let expected = if is_grid {
            "`values`, or `from`, `to` and `steps`"
        } else {
            "`from` and `to`"
        };
        let (Some(from), Some(to)) = (from, to) else {
            return Err(self.err(
                item.pos,
                "from",
                format!("[[sweep.parameter]] `{path}` needs {expected}"),
            ));
        };
        let lo = self.bound(from, path, domain)?;
        let hi = self.bound(to, path, domain)?;
        if hi <= lo {
            return Err(self.err(
                to.pos,
                "to",
                format!(
                    "`{path}`: to = {} must be greater than from = {}",
                    to.value.text, from.value.text
                ),
            ));
        }
        let steps = match (is_grid, steps) {
            (true, Some(s)) => Some(c.whole_u32(
                s,
                Domain::Count {
                    min: 1.0,
                    max: MAX_STEPS,
                },
            )?),
            (true, None) => {
                return Err(self.err(
                    item.pos,
                    "steps",
                    format!(
                        "[[sweep.parameter]] `{path}` has `from` and `to` but no `steps` (equal intervals: steps + 1 values)"
                    ),
                ));
            }
            (false, _) => None,
        };
        if let (Some(steps), Domain::Count { .. }) = (steps, domain)
            && ((hi - lo) / f64::from(steps)).fract() != 0.0
        {
            return Err(self.err(
                to.pos,
                "to",
                format!(
                    "`{path}` is a whole number: with steps = {steps}, to - from must be a multiple of {steps}"
                ),
            ));
        }
        if let (Design::Morris { levels, .. }, Domain::Count { .. }) = (design, domain) {
            // Morris moves a factor between grid levels; a whole-number parameter must land
            // on whole numbers, or rounding would hide the step from the analysis.
            let gaps = f64::from(levels - 1);
            let step = (hi - lo) / gaps;
            if step.fract() != 0.0 {
                return Err(self.err(
                    to.pos,
                    "to",
                    format!(
                        "`{path}` is a whole number: with levels = {levels}, to - from must be a multiple of {}",
                        levels - 1
                    ),
                ));
            }
        }
        Ok(Values::Range {
            from: lo,
            to: hi,
            steps,
        })
    }

    /// `from` or `to`: a number in the parameter's domain, named by the path in messages.
    fn bound(&self, leaf: &Leaf<'_>, path: &str, domain: Domain) -> Result<f64, ScenarioError> {
        let Some(v) = leaf.value.as_number() else {
            return Err(self.checker.type_error(leaf, expected_for(domain)));
        };
        domain.check(v).map_err(|e| {
            self.err(
                leaf.pos,
                &leaf.path,
                format!("`{path}`: {} = {} {e}", leaf.path, leaf.value.text),
            )
        })?;
        Ok(v)
    }

    /// The items of `values = [...]`, each in the domain (an offence set is a list of names).
    fn value_list(
        &self,
        leaf: &Leaf<'_>,
        path: &str,
        domain: Domain,
    ) -> Result<Vec<Value>, ScenarioError> {
        let Some(items) = leaf.value.as_array() else {
            return Err(self.checker.type_error(leaf, "a list of values"));
        };
        if items.is_empty() {
            return Err(self.err(
                leaf.pos,
                "values",
                format!("`values` of `{path}` is empty: the design would have no point"),
            ));
        }
        items
            .iter()
            .map(|item| self.value(item, path, domain))
            .collect()
    }

    /// One value of a path: a number in its domain, or a list of offence names.
    pub(super) fn value(
        &self,
        raw: &RawValue,
        path: &str,
        domain: Domain,
    ) -> Result<Value, ScenarioError> {
        let leaf = Leaf {
            path: path.to_string(),
            pos: raw.pos,
            value: raw,
        };
        match domain {
            Domain::Offences => Ok(Value::Offences(self.checker.offences(&leaf)?)),
            _ => {
                if raw.as_number().is_none() {
                    return Err(self.checker.type_error(&leaf, expected_for(domain)));
                }
                Ok(Value::Number(self.checker.number(&leaf, domain)?))
            }
        }
    }
}
