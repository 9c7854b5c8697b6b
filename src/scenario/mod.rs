//! Scenarios: the typed description of a world, its horizon and its policy timeline.
//!
//! Data flow: `file.rs` reads the TOML text into raw shapes that keep every key's line and
//! column; `validate/` checks them against the [`params`](crate::params) table and builds the
//! typed [`Scenario`] below; `overrides.rs` applies `--set PATH=VALUE` (and the points of a
//! sweep) with the same paths and, through `checks.rs`, the same checks and messages;
//! `sweep/` reads the optional `[sweep]` section, which a run checks but does not run;
//! `rewrite.rs` writes overrides into a scenario's text as its own `set` list.
//! Nothing downstream of this module sees raw TOML.

pub(crate) mod checks;
pub mod error;
pub mod file;
pub mod overrides;
pub mod rewrite;
pub mod sweep;
pub mod validate;

pub use error::ScenarioError;
pub use validate::{SET_KEY, load, parse};

use std::fmt;

use crate::ids::CountryId;
use crate::params::{CountryParams, ModelParams};

/// The scenario file format version this build reads.
pub const SCHEMA_VERSION: i64 = 1;

/// A validated scenario: everything a run needs, nothing it must check again.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// A short name: the file stem (`baseline` for `scenarios/baseline.toml`).
    pub name: String,
    /// The file as given on the command line.
    pub path: String,
    /// The file's text, verbatim, for the manifest and its hash.
    pub text: String,
    pub run: RunSettings,
    pub model: ModelParams,
    /// Countries in file order; a [`CountryId`] indexes this list.
    pub countries: Vec<CountrySpec>,
    pub cooperation: CooperationSpec,
    /// Policies sorted by week (stable: file order within a week).
    pub policies: Vec<Policy>,
    pub shocks: Vec<Shock>,
    /// Targeted dismantlings, in file order.
    pub dismantlings: Vec<Dismantling>,
    /// The `--set` overrides applied, in the order given (for `summary.csv` and the manifest).
    pub overrides: Vec<Override>,
}

/// One `--set PATH=VALUE`, as the user typed it: applied by [`overrides::apply`] and kept in
/// [`Scenario::overrides`], so it lives here, beside the scenario that records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub path: String,
    pub value: String,
}

impl Override {
    /// Parses "PATH=VALUE" (from --set). Error if no '='.
    pub fn parse(text: &str) -> Result<Override, ScenarioError> {
        match text.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() => Ok(Override {
                path: path.to_string(),
                value: value.to_string(),
            }),
            Some(_) => Err(ScenarioError::in_override(
                "",
                text,
                None,
                "the path before `=` is empty (expected PATH=VALUE, e.g. all.corruption=0.2)",
            )),
            None => Err(ScenarioError::in_override(
                "",
                text,
                None,
                "expected PATH=VALUE (e.g. all.corruption=0.2)",
            )),
        }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSettings {
    pub weeks: u32,
    pub seed: u64,
    pub replicates: u32,
    /// Weeks simulated before week 0 and not recorded.
    pub burn_in: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CountrySpec {
    pub name: String,
    pub params: CountryParams,
    /// Countries a route may cross into directly from here. `None`: every other country
    /// (a complete graph). Borders are symmetric: validation adds the reverse edge.
    pub borders: Option<Vec<CountryId>>,
}

/// Cooperation levels as written: resolved into a matrix by
/// [`Cooperation::from_spec`](crate::world::Cooperation::from_spec). Kept in this form so that
/// a policy that changes a bloc's level can re-resolve it.
#[derive(Clone, Debug, PartialEq)]
pub struct CooperationSpec {
    pub default: f64,
    pub blocs: Vec<Bloc>,
    pub pairs: Vec<Pair>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bloc {
    pub name: String,
    pub members: Vec<CountryId>,
    /// Cooperation between any two members; `None` leaves the default (a bloc used only as a
    /// policy target).
    pub cooperation: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub a: CountryId,
    pub b: CountryId,
    pub cooperation: f64,
    /// `true`: only `a`'s requests to `b`; `false`: both ways.
    pub directed: bool,
}

/// Whose parameters a policy changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    All,
    Country(CountryId),
    /// Index into [`CooperationSpec::blocs`].
    Bloc(usize),
    Pair(CountryId, CountryId),
}

/// A value a policy or an override sets.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Offences(crate::params::OffenceSet),
}

/// One change to one parameter. `param` is a country parameter path (`corruption`,
/// `law.offences`) or `cooperation` (for bloc and pair targets).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Set { param: String, value: Value },
    Scale { param: String, factor: f64 },
}

/// An intervention of the policy timeline (MODEL.md §4).
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The week the change starts (0-based, applied before anything else that week).
    pub week: u32,
    pub target: Target,
    pub changes: Vec<Change>,
    /// Numbers move linearly from their value at `week` to the target over this many weeks;
    /// 0 or 1 means at once. Offence sets always change at once.
    pub ramp_weeks: u32,
}

/// A shock (conflict, disaster, displacement): raises vulnerability in a country for a period.
#[derive(Clone, Debug, PartialEq)]
pub struct Shock {
    pub country: CountryId,
    pub week: u32,
    pub weeks: u32,
    /// Multiplier on persons' vulnerability while the shock lasts (capped at 1).
    pub vulnerability: f64,
}

/// A targeted dismantling (MODEL.md §5, "networks recover"): a police operation that, in one
/// week, arrests each trafficker working in a country with probability `share`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dismantling {
    pub country: CountryId,
    pub week: u32,
    /// The chance that each active trafficker in the country (under investigation or not) is
    /// arrested.
    pub share: f64,
}

impl Scenario {
    pub fn country_id(&self, name: &str) -> Option<CountryId> {
        self.countries
            .iter()
            .position(|c| c.name == name)
            .map(CountryId::new)
    }

    /// Total at-risk persons of the world.
    pub fn world_at_risk(&self) -> u64 {
        self.countries
            .iter()
            .map(|c| c.params.numbers.at_risk as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_at_the_first_equals_and_keeps_the_text() {
        let ov = Override::parse("model.x = 1=2").unwrap();
        assert_eq!(ov.path, "model.x ");
        assert_eq!(ov.value, " 1=2");
        assert_eq!(ov.to_string(), "model.x = 1=2");
        assert!(Override::parse("all.corruption").is_err());
        assert!(Override::parse("=0.2").is_err());
        let e = Override::parse("weeks").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set weeks: expected PATH=VALUE (e.g. all.corruption=0.2)"
        );
        assert_eq!(Override::parse("all.ngo=").unwrap().value, "");
    }
}
