//! `--set PATH=VALUE` overrides, and the points of a parameter sweep.
//!
//! An override changes a validated [`Scenario`] with the same checks and messages as the file,
//! so a value refused in the file is refused on the command line too. Paths:
//! `run.X`, `model.X`, `all.X` (every country), `country.NAME.X`, `bloc.NAME.X` (every member),
//! `bloc.NAME.cooperation`, `cooperation.default` and `pair.A.B.cooperation` (updating the
//! pair A-B in either order, or adding it undirected), and the knobs on every cooperation level
//! at once: `cooperation.all` (sets the default, every bloc's and every pair's level) and
//! `cooperation.scale` (multiplies them, each clamped to [0, 1]). A value is a number, or for
//! `law.offences` a comma-separated list (empty: no offence). An override is checked in full
//! before anything changes, so a refused one leaves the scenario as it was.

use super::checks::{
    ALL_COOPERATION, BLOC_COOPERATION, COOPERATION_KEY, DEFAULT_COOPERATION, PAIR_COOPERATION,
    SCALE_COOPERATION, check_number, coop_spec, find_bloc, find_country, repeated_offence_message,
    run_numbers, run_settings, set_country_param, suggest, unknown_offence_message,
};
use super::error::ScenarioError;
use super::{CooperationSpec, Override, Pair, Scenario, Value};
use crate::ids::CountryId;
use crate::params::{
    Domain, MODEL_PARAMS, OFFENCES_PATH, Offence, OffenceSet, ParamSpec, RUN_PARAMS, country_paths,
    country_spec, model_spec, run_spec,
};

/// The first part of every override path.
const SCOPES: &[&str] = &[
    "run",
    "model",
    "all",
    "country",
    "bloc",
    "cooperation",
    "pair",
];
const PATH_FORMS: &str = "run.X, model.X, all.X, country.NAME.X, bloc.NAME.X, bloc.NAME.cooperation, cooperation.default, cooperation.all, cooperation.scale, pair.A.B.cooperation";

/// Applies one override to a validated scenario, with the same validation as the file.
pub fn apply(scenario: &mut Scenario, ov: &Override) -> Result<(), ScenarioError> {
    let file = scenario.path.clone();
    let fail = |key: Option<&str>, message: String| {
        ScenarioError::in_override(&file, &ov.to_string(), key, message)
    };
    let target = resolve(scenario, &ov.path).map_err(|e| fail(e.key.as_deref(), e.message))?;
    let value = target
        .value(ov.value.trim())
        .map_err(|m| fail(Some(&target.key), m))?;
    target
        .assign(scenario, &value)
        .map_err(|m| fail(Some(&target.key), m))?;
    scenario.overrides.push(ov.clone());
    Ok(())
}

/// Why a path names nothing: the message, and the key or path it is about (as in
/// [`ScenarioError::key`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub key: Option<String>,
    pub message: String,
}

fn path_error(key: Option<&str>, message: String) -> PathError {
    PathError {
        key: key.map(str::to_string),
        message,
    }
}

/// What an override path addresses in a scenario, once checked: where a value goes and the
/// domain it must be in. Sweeps resolve their paths once with it, to check ranges and round
/// whole numbers before any value exists; [`apply`] resolves and assigns in one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    slot: Slot,
    /// The key that messages about a value name (`corruption`, `weeks`, `cooperation.default`).
    pub key: String,
    pub domain: Domain,
}

#[derive(Clone, Debug, PartialEq)]
enum Slot {
    Run,
    Model,
    AllCountries,
    Country(CountryId),
    BlocMembers(usize),
    BlocCooperation(usize),
    DefaultCooperation,
    /// `cooperation.all`: every level set to the value.
    EveryCooperation,
    /// `cooperation.scale`: every level multiplied by the value.
    ScaledCooperation,
    Pair(CountryId, CountryId),
}

/// Resolves a path (`all.corruption`, `pair.A.B.cooperation`, ...) against a scenario: the
/// scope, the parameter and any country or bloc it names must exist.
pub fn resolve(scenario: &Scenario, path: &str) -> Result<Target, PathError> {
    let path = path.trim();
    let (scope, rest) = path.split_once('.').unwrap_or((path, ""));
    let target = |slot, key: &str, domain| Target {
        slot,
        key: key.to_string(),
        domain,
    };
    match scope {
        "run" => {
            let spec = lookup(
                rest,
                run_spec(rest),
                RUN_PARAMS.iter().map(|s| s.name),
                "run setting",
            )
            .map_err(|m| path_error(Some(rest), m))?;
            Ok(target(Slot::Run, rest, spec.domain))
        }
        "model" => {
            let spec = lookup(
                rest,
                model_spec(rest),
                MODEL_PARAMS.iter().map(|s| s.name),
                "model parameter",
            )
            .map_err(|m| path_error(Some(rest), m))?;
            Ok(target(Slot::Model, rest, spec.domain))
        }
        "all" => {
            let spec = country_param(rest).map_err(|m| path_error(Some(rest), m))?;
            Ok(target(Slot::AllCountries, rest, spec.domain))
        }
        "country" => {
            let (name, param) =
                split_name(rest, "country.NAME.PARAMETER").map_err(|m| path_error(None, m))?;
            let names: Vec<&str> = scenario.countries.iter().map(|c| c.name.as_str()).collect();
            let id = find_country(&names, name, "").map_err(|m| path_error(Some(param), m))?;
            let spec = country_param(param).map_err(|m| path_error(Some(param), m))?;
            Ok(target(Slot::Country(id), param, spec.domain))
        }
        "bloc" => {
            let (name, param) =
                split_name(rest, "bloc.NAME.PARAMETER").map_err(|m| path_error(None, m))?;
            let b = find_bloc(&scenario.cooperation.blocs, name, "")
                .map_err(|m| path_error(Some(param), m))?;
            if param == COOPERATION_KEY {
                let domain = coop_spec(BLOC_COOPERATION).domain;
                return Ok(target(Slot::BlocCooperation(b), param, domain));
            }
            if country_spec(param).is_none() {
                let names: Vec<&str> = country_paths().chain([COOPERATION_KEY]).collect();
                return Err(path_error(
                    Some(param),
                    format!(
                        "unknown bloc parameter `{param}`; {}",
                        suggest(param, &names)
                    ),
                ));
            }
            let spec = country_param(param).map_err(|m| path_error(Some(param), m))?;
            Ok(target(Slot::BlocMembers(b), param, spec.domain))
        }
        "cooperation" => {
            let slot = match path {
                DEFAULT_COOPERATION => Slot::DefaultCooperation,
                ALL_COOPERATION => Slot::EveryCooperation,
                SCALE_COOPERATION => Slot::ScaledCooperation,
                _ => {
                    let known = [DEFAULT_COOPERATION, ALL_COOPERATION, SCALE_COOPERATION];
                    return Err(path_error(
                        Some(path),
                        format!("unknown path `{path}`; {}", suggest(path, &known)),
                    ));
                }
            };
            Ok(target(slot, path, coop_spec(path).domain))
        }
        "pair" => {
            let parts: Vec<&str> = rest.split('.').collect();
            let [a, b, param] = parts.as_slice() else {
                return Err(path_error(
                    None,
                    format!("expected pair.A.B.{COOPERATION_KEY}"),
                ));
            };
            if *param != COOPERATION_KEY {
                return Err(path_error(
                    Some(param),
                    format!(
                        "a pair has only `{COOPERATION_KEY}` (expected pair.A.B.{COOPERATION_KEY})"
                    ),
                ));
            }
            let names: Vec<&str> = scenario.countries.iter().map(|c| c.name.as_str()).collect();
            let a = find_country(&names, a, "").map_err(|m| path_error(Some(param), m))?;
            let b = find_country(&names, b, "").map_err(|m| path_error(Some(param), m))?;
            if a == b {
                return Err(path_error(
                    Some(param),
                    "a pair needs two different countries".to_string(),
                ));
            }
            let domain = coop_spec(PAIR_COOPERATION).domain;
            Ok(target(Slot::Pair(a, b), param, domain))
        }
        _ => {
            let hint = match crate::params::closest_name(scope, SCOPES.iter().copied()) {
                Some(s) => format!("did you mean `{s}.…`? "),
                None => String::new(),
            };
            Err(path_error(
                Some(path),
                format!("unknown path `{path}`; {hint}(paths: {PATH_FORMS})"),
            ))
        }
    }
}

impl Target {
    /// Whether the path is a run setting (`run.X`), which is the same for every run of an
    /// invocation rather than a parameter of the world.
    pub fn is_run_setting(&self) -> bool {
        self.slot == Slot::Run
    }

    /// Reads a value as typed for this target: a number in its domain, or an offence list
    /// `sexual, labour` (empty: no offence).
    pub fn value(&self, text: &str) -> Result<Value, String> {
        match self.domain {
            Domain::Offences => offences(text).map(Value::Offences),
            domain => number(&self.key, domain, text).map(Value::Number),
        }
    }

    /// Puts a value read by [`Target::value`] in place.
    fn assign(&self, scenario: &mut Scenario, value: &Value) -> Result<(), String> {
        let number = match value {
            Value::Number(v) => Some(*v),
            Value::Offences(_) => None,
        };
        let key = self.key.as_str();
        match (&self.slot, number) {
            (Slot::Run, Some(v)) => {
                let mut numbers = run_numbers(&scenario.run);
                if let Some(slot) = numbers.get_mut(key) {
                    *slot = v;
                }
                scenario.run =
                    run_settings(&numbers).ok_or_else(|| format!("{key} = {v} does not fit"))?;
            }
            (Slot::Model, Some(v)) => {
                if let Some(slot) = scenario.model.get_mut(key) {
                    *slot = v;
                }
            }
            (Slot::AllCountries, _) => {
                for country in &mut scenario.countries {
                    set_country_param(&mut country.params, key, value);
                }
            }
            (Slot::Country(id), _) => {
                if let Some(country) = scenario.countries.get_mut(id.index()) {
                    set_country_param(&mut country.params, key, value);
                }
            }
            (Slot::BlocMembers(b), _) => {
                let members = scenario
                    .cooperation
                    .blocs
                    .get(*b)
                    .map(|bloc| bloc.members.clone())
                    .unwrap_or_default();
                for id in members {
                    if let Some(country) = scenario.countries.get_mut(id.index()) {
                        set_country_param(&mut country.params, key, value);
                    }
                }
            }
            (Slot::BlocCooperation(b), Some(v)) => {
                if let Some(bloc) = scenario.cooperation.blocs.get_mut(*b) {
                    bloc.cooperation = Some(v);
                }
            }
            (Slot::DefaultCooperation, Some(v)) => scenario.cooperation.default = v,
            (Slot::EveryCooperation, Some(v)) => map_levels(&mut scenario.cooperation, |_| v),
            (Slot::ScaledCooperation, Some(factor)) => {
                map_levels(&mut scenario.cooperation, |level| {
                    (level * factor).clamp(0.0, 1.0)
                });
            }
            (Slot::Pair(a, b), Some(v)) => {
                let (a, b) = (*a, *b);
                let mut found = false;
                for pair in &mut scenario.cooperation.pairs {
                    if (pair.a == a && pair.b == b) || (pair.a == b && pair.b == a) {
                        pair.cooperation = v;
                        found = true;
                    }
                }
                if !found {
                    scenario.cooperation.pairs.push(Pair {
                        a,
                        b,
                        cooperation: v,
                        directed: false,
                    });
                }
            }
            // Only country parameters take offence sets, and `value` gives a set only for
            // `law.offences`.
            (_, None) => return Err(format!("`{key}` takes a number, not a list of offences")),
        }
        Ok(())
    }
}

/// Changes every written cooperation level: the default, each bloc's that has one (a bloc
/// without a level follows the default) and each pair's.
fn map_levels(cooperation: &mut CooperationSpec, f: impl Fn(f64) -> f64) {
    cooperation.default = f(cooperation.default);
    for bloc in &mut cooperation.blocs {
        bloc.cooperation = bloc.cooperation.map(&f);
    }
    for pair in &mut cooperation.pairs {
        pair.cooperation = f(pair.cooperation);
    }
}

/// A country parameter's spec, or "unknown country parameter ... did you mean".
fn country_param(param: &str) -> Result<&'static ParamSpec, String> {
    country_spec(param).ok_or_else(|| {
        let names: Vec<&str> = country_paths().collect();
        format!(
            "unknown country parameter `{param}`; {}",
            suggest(param, &names)
        )
    })
}

/// A parameter spec, or "unknown ... did you mean".
fn lookup(
    name: &str,
    spec: Option<&'static ParamSpec>,
    names: impl Iterator<Item = &'static str>,
    what: &str,
) -> Result<&'static ParamSpec, String> {
    spec.ok_or_else(|| {
        let names: Vec<&str> = names.collect();
        format!("unknown {what} `{name}`; {}", suggest(name, &names))
    })
}

/// Splits `NAME.PARAMETER`; names never contain dots, parameters may.
fn split_name<'p>(rest: &'p str, form: &str) -> Result<(&'p str, &'p str), String> {
    match rest.split_once('.') {
        Some((name, param)) if !name.is_empty() && !param.is_empty() => Ok((name, param)),
        _ => Err(format!("expected {form}")),
    }
}

/// A number checked against a domain, with the file's message form (`key = text is ...`).
fn number(key: &str, domain: Domain, text: &str) -> Result<f64, String> {
    let v: f64 = text.parse().map_err(|_| {
        let expected = match domain {
            Domain::Count { .. } => "a whole number",
            _ => "a number",
        };
        format!("`{key}` must be {expected}, found `{text}`")
    })?;
    check_number(key, text, domain, v)
}

fn offences(text: &str) -> Result<OffenceSet, String> {
    let mut set = OffenceSet::EMPTY;
    if text.trim().is_empty() {
        return Ok(set);
    }
    for name in text.split(',').map(str::trim) {
        let offence = Offence::from_name(name).ok_or_else(|| unknown_offence_message(name))?;
        if set.contains(offence) {
            return Err(repeated_offence_message(name, OFFENCES_PATH));
        }
        set.insert(offence);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CountryId;
    use crate::scenario::parse;

    const BASE: &str = r#"schema = 1
[[country]]
name = "Aurelia"
corruption = 0.4
[[country]]
name = "Borealis"
[[country]]
name = "Caldera"
[[bloc]]
name = "North"
members = ["Borealis", "Caldera"]
[[pair]]
a = "Borealis"
b = "Aurelia"
cooperation = 0.3
"#;

    fn base() -> Scenario {
        parse(BASE, "scenarios/base.toml", &[]).unwrap()
    }

    fn set(s: &mut Scenario, text: &str) -> Result<(), ScenarioError> {
        apply(s, &Override::parse(text).unwrap())
    }

    fn set_err(text: &str) -> String {
        let mut s = base();
        let before = s.clone();
        let e = set(&mut s, text).expect_err(text);
        assert_eq!(s, before, "a refused override must change nothing: {text}");
        e.to_string()
    }

    fn corruption(s: &Scenario) -> Vec<f64> {
        s.countries
            .iter()
            .map(|c| c.params.numbers.corruption)
            .collect()
    }

    #[test]
    fn run_and_model_paths() {
        let mut s = base();
        set(&mut s, "run.weeks=104").unwrap();
        set(&mut s, "run.seed=7").unwrap();
        set(&mut s, "run.replicates = 3").unwrap();
        assert_eq!((s.run.weeks, s.run.seed, s.run.replicates), (104, 7, 3));
        set(&mut s, "model.form_share.sexual=0.3").unwrap();
        set(&mut s, "model.deterrence=4").unwrap();
        assert_eq!(s.model.share_sexual, 0.3);
        assert_eq!(s.model.deterrence, 4.0);
        let recorded: Vec<String> = s.overrides.iter().map(|o| o.to_string()).collect();
        assert_eq!(
            recorded,
            [
                "run.weeks=104",
                "run.seed=7",
                "run.replicates = 3",
                "model.form_share.sexual=0.3",
                "model.deterrence=4"
            ]
        );
    }

    #[test]
    fn country_paths_of_every_scope() {
        let mut s = base();
        set(&mut s, "all.corruption=0.2").unwrap();
        assert_eq!(corruption(&s), [0.2, 0.2, 0.2]);
        set(&mut s, "country.Aurelia.corruption=0.9").unwrap();
        assert_eq!(corruption(&s), [0.9, 0.2, 0.2]);
        set(&mut s, "bloc.North.corruption=0.5").unwrap();
        assert_eq!(corruption(&s), [0.9, 0.5, 0.5]);
        set(&mut s, "country.Caldera.enforcement.resources=1").unwrap();
        assert_eq!(s.countries[2].params.numbers.resources, 1.0);

        set(&mut s, "all.law.offences=sexual, labour ,child").unwrap();
        let three = OffenceSet::from_names(["sexual", "labour", "child"]).unwrap();
        assert!(s.countries.iter().all(|c| c.params.offences == three));
        set(&mut s, "country.Borealis.law.offences=").unwrap();
        assert_eq!(s.countries[1].params.offences, OffenceSet::EMPTY);
        assert_eq!(s.countries[0].params.offences, three);
    }

    /// Every level of `s`, in order: the default, each bloc's, each pair's.
    fn levels(s: &Scenario) -> Vec<Option<f64>> {
        let c = &s.cooperation;
        std::iter::once(Some(c.default))
            .chain(c.blocs.iter().map(|b| b.cooperation))
            .chain(c.pairs.iter().map(|p| Some(p.cooperation)))
            .collect()
    }

    #[test]
    fn one_knob_sets_or_scales_every_cooperation_level() {
        let mut s = base();
        s.cooperation.blocs.push(crate::scenario::Bloc {
            name: "West".into(),
            members: vec![CountryId::new(0), CountryId::new(1)],
            cooperation: Some(0.8),
        });
        // The default 0.1, North without a level of its own, West 0.8, the pair 0.3.
        assert_eq!(levels(&s), [Some(0.1), None, Some(0.8), Some(0.3)]);
        set(&mut s, "cooperation.scale=0.5").unwrap();
        assert_eq!(levels(&s), [Some(0.05), None, Some(0.4), Some(0.15)]);
        // Scaled up, a level stops at 1.
        set(&mut s, "cooperation.scale=4").unwrap();
        assert_eq!(levels(&s), [Some(0.2), None, Some(1.0), Some(0.6)]);
        set(&mut s, "cooperation.all=0.7").unwrap();
        assert_eq!(levels(&s), [Some(0.7), None, Some(0.7), Some(0.7)]);
        // What the run sees: every pair of countries at 0.7 (North follows the default).
        let matrix = crate::world::Cooperation::from_spec(&s.cooperation, 3);
        for a in 0..3 {
            for b in (0..3).filter(|&b| b != a) {
                assert_eq!(matrix.level(CountryId::new(a), CountryId::new(b)), 0.7);
            }
        }
        set(&mut s, "cooperation.scale=0").unwrap();
        assert_eq!(levels(&s), [Some(0.0), None, Some(0.0), Some(0.0)]);
    }

    #[test]
    fn the_cooperation_knobs_refuse_values_out_of_range() {
        assert_eq!(
            set_err("cooperation.all=1.2"),
            "--set cooperation.all=1.2: cooperation.all = 1.2 is outside [0, 1]"
        );
        assert_eq!(
            set_err("cooperation.scale=-0.5"),
            "--set cooperation.scale=-0.5: cooperation.scale = -0.5 is outside [0, 10]"
        );
        assert!(set_err("cooperation.scale=x").contains("must be a number"));
        assert!(set_err("cooperation.scal=1").contains("did you mean `cooperation.scale`?"));
        assert!(
            set_err("cooperation.everything=1").contains("unknown path `cooperation.everything`")
        );
    }

    #[test]
    fn cooperation_paths() {
        let mut s = base();
        set(&mut s, "cooperation.default=0.25").unwrap();
        assert_eq!(s.cooperation.default, 0.25);
        set(&mut s, "bloc.North.cooperation=0.8").unwrap();
        assert_eq!(s.cooperation.blocs[0].cooperation, Some(0.8));
        // Either order updates the existing pair Borealis-Aurelia.
        set(&mut s, "pair.Aurelia.Borealis.cooperation=0.6").unwrap();
        assert_eq!(s.cooperation.pairs.len(), 1);
        assert_eq!(s.cooperation.pairs[0].cooperation, 0.6);
        // A new pair is added, undirected.
        set(&mut s, "pair.Aurelia.Caldera.cooperation=0.7").unwrap();
        assert_eq!(
            s.cooperation.pairs[1],
            Pair {
                a: CountryId::new(0),
                b: CountryId::new(2),
                cooperation: 0.7,
                directed: false
            }
        );
        assert_eq!(s.overrides.len(), 4);
    }

    #[test]
    fn values_are_checked_like_the_file() {
        assert_eq!(
            set_err("all.corruption=1.4"),
            "--set all.corruption=1.4: corruption = 1.4 is outside [0, 1]"
        );
        assert_eq!(
            set_err("run.weeks=0"),
            "--set run.weeks=0: weeks = 0 is outside [1, 100000]"
        );
        assert_eq!(
            set_err("run.weeks=1e300"),
            "--set run.weeks=1e300: weeks = 1e300 is outside [1, 100000]"
        );
        assert_eq!(
            set_err("run.seed=-1"),
            "--set run.seed=-1: seed = -1 is outside [0, 9007199254740991]"
        );
        assert_eq!(
            set_err("run.replicates=2.5"),
            "--set run.replicates=2.5: replicates = 2.5 must be a whole number in [1, 1000000]"
        );
        assert_eq!(
            set_err("country.Aurelia.poverty=high"),
            "--set country.Aurelia.poverty=high: `poverty` must be a number, found `high`"
        );
        assert_eq!(
            set_err("all.ngo=nan"),
            "--set all.ngo=nan: ngo = nan is outside [0, 1]"
        );
        assert_eq!(
            set_err("bloc.North.cooperation=2"),
            "--set bloc.North.cooperation=2: cooperation = 2 is outside [0, 1]"
        );
        assert_eq!(
            set_err("pair.Aurelia.Borealis.cooperation=-1"),
            "--set pair.Aurelia.Borealis.cooperation=-1: cooperation = -1 is outside [0, 1]"
        );
        assert_eq!(
            set_err("cooperation.default=inf"),
            "--set cooperation.default=inf: cooperation.default = inf is outside [0, 1]"
        );
        assert!(
            set_err("all.law.offences=sexual,organs")
                .contains("unknown offence `organs` in `law.offences` (offences: sexual, labour")
        );
        assert!(set_err("all.law.offences=sexual,,labour").contains("unknown offence ``"));
    }

    #[test]
    fn unknown_paths_and_names_suggest() {
        assert_eq!(
            set_err("all.corruptoin=0.2"),
            "--set all.corruptoin=0.2: unknown country parameter `corruptoin`; did you mean `corruption`?"
        );
        assert!(
            set_err("run.horizon=5")
                .contains("unknown run setting `horizon`; allowed: weeks, seed, replicates")
        );
        assert!(set_err("model.deterence=1").contains("did you mean `deterrence`?"));
        assert!(
            set_err("contry.Aurelia.ngo=0.1")
                .contains("unknown path `contry.Aurelia.ngo`; did you mean `country.…`?")
        );
        assert!(set_err("galaxy.ngo=0.1").contains("(paths: run.X, model.X"));
        assert_eq!(
            set_err("country.Aurela.ngo=0.1"),
            "--set country.Aurela.ngo=0.1: unknown country `Aurela`; did you mean `Aurelia`? (countries: Aurelia, Borealis, Caldera)"
        );
        assert!(set_err("country.Aurelia=0.1").contains("expected country.NAME.PARAMETER"));
        assert!(
            set_err("bloc.Nort.ngo=0.1")
                .contains("unknown bloc `Nort`; did you mean `North`? (blocs: North)")
        );
        assert!(set_err("bloc.North.cooperatoin=0.1").contains("did you mean `cooperation`?"));
        assert!(set_err("cooperation.defualt=0.1").contains("did you mean `cooperation.default`?"));
        assert!(set_err("pair.Aurelia.Borealis=0.1").contains("expected pair.A.B.cooperation"));
        assert!(set_err("pair.Aurelia.Borealis.ngo=0.1").contains("a pair has only `cooperation`"));
        assert!(
            set_err("pair.Aurelia.Aurelia.cooperation=0.1").contains("two different countries")
        );
        assert!(
            set_err("pair.Aurelia.Zembla.cooperation=0.1").contains("unknown country `Zembla`")
        );
    }
}
