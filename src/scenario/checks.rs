//! The checks and messages that a scenario file and a `--set` override share, so that
//! `--set` says exactly what the file would: a number against its domain, "did you mean", a
//! country or a bloc looked up by name, an unknown or repeated offence, a country parameter set
//! by its path, the run settings to and from the parameter table's numbers, and the paths of
//! the cooperation levels.
//!
//! Nothing here knows where a value was written: `validate/located.rs` puts the file's place
//! on these messages, `overrides.rs` the override as typed. Both import this file and it
//! imports neither, so the two read one way: `validate` (which applies the overrides after
//! building) above `overrides` above this.

use super::{Bloc, RunSettings, Value};
use crate::ids::CountryId;
use crate::params::{
    CountryParams, Domain, OFFENCES_PATH, Offence, ParamSpec, RunNumbers, closest_name,
    cooperation_spec,
};

/// The key of a cooperation level inside a bloc, a pair, and a bloc or pair policy.
pub(crate) const COOPERATION_KEY: &str = "cooperation";
/// The cooperation levels' paths in [`crate::params::COOPERATION_PARAMS`].
pub(crate) const DEFAULT_COOPERATION: &str = "cooperation.default";
pub(crate) const BLOC_COOPERATION: &str = "bloc.NAME.cooperation";
pub(crate) const PAIR_COOPERATION: &str = "pair.A.B.cooperation";
/// The knobs on every level at once, in [`crate::params::COOPERATION_KNOBS`].
pub(crate) const ALL_COOPERATION: &str = "cooperation.all";
pub(crate) const SCALE_COOPERATION: &str = "cooperation.scale";

pub(crate) fn coop_spec(path: &str) -> &'static ParamSpec {
    // The cooperation paths are the table's own entries (checked by a unit test), so
    // this never fails on any input.
    cooperation_spec(path).expect("the params table lists every cooperation level")
}

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

pub(super) fn to_u32(v: f64) -> Option<u32> {
    (v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)).then_some(v as u32)
}

pub(super) fn to_u64(v: f64) -> Option<u64> {
    // 2^64 is exactly representable; anything below it converts without wrapping.
    (v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v)).then_some(v as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::COOPERATION_PARAMS;

    #[test]
    fn cooperation_paths_are_in_the_table() {
        for path in [DEFAULT_COOPERATION, BLOC_COOPERATION, PAIR_COOPERATION] {
            assert!(COOPERATION_PARAMS.iter().any(|s| s.name == path), "{path}");
        }
        for path in [ALL_COOPERATION, SCALE_COOPERATION] {
            assert!(cooperation_spec(path).is_some(), "{path}");
        }
    }

    #[test]
    fn offence_names_round_trip() {
        for o in Offence::ALL {
            assert!(unknown_offence_message("x").contains(o.name()));
        }
    }
}
