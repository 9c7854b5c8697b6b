//! A scenario as the page shows it: its countries, borders, blocs and pairs, its run settings,
//! and the controls of each side, each one a `--set` path with its current value and its
//! range from the parameter table ([`crate::params`]), so that what the class changes can be
//! rerun with `palermo run SCENARIO --set PATH=VALUE`.

use serde::Serialize;

use crate::params::{self, Domain, OffenceSet};
use crate::scenario::Scenario;

/// The country parameters the page offers, as `--set` paths below `all.` or `country.NAME.`.
pub const COUNTRY_CONTROLS: [&str; 8] = [
    "corruption",
    "enforcement.resources",
    "enforcement.border_control",
    "enforcement.labour_inspection",
    "victim_support",
    "awareness",
    "ngo",
    params::OFFENCES_PATH,
];

/// One control: a `--set` path and what it may be.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Control {
    pub path: String,
    /// Where the page puts it: `cooperation`, `all` or a country's name.
    pub group: String,
    /// `number` or `offences` (a list of offence names).
    pub kind: &'static str,
    /// The scenario's value; `None` for an `all.` control whose countries differ.
    pub value: Option<serde_json::Value>,
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
    pub meaning: &'static str,
}

#[derive(Serialize)]
pub struct CountryView {
    pub name: String,
    pub at_risk: f64,
    pub wage: f64,
    pub poverty: f64,
    pub network_density: f64,
    /// Names of the countries a route may cross into from here (`None`: every other one).
    pub borders: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct BlocView {
    pub name: String,
    pub members: Vec<String>,
    pub cooperation: Option<f64>,
}

#[derive(Serialize)]
pub struct PairView {
    pub a: String,
    pub b: String,
    pub cooperation: f64,
    pub directed: bool,
}

/// The answer of `GET /api/scenario`.
#[derive(Serialize)]
pub struct ScenarioView {
    pub name: String,
    pub path: String,
    pub weeks: u32,
    pub burn_in: u32,
    pub seed: u64,
    pub replicates: u32,
    pub countries: Vec<CountryView>,
    pub cooperation_default: f64,
    pub blocs: Vec<BlocView>,
    pub pairs: Vec<PairView>,
    pub offences: Vec<&'static str>,
    pub controls: Vec<Control>,
}

/// The view of a scenario loaded from `path` under catalog name `name`.
pub fn describe(name: &str, path: &str, s: &Scenario) -> ScenarioView {
    let country_name = |id: crate::ids::CountryId| s.countries[id.index()].name.clone();
    ScenarioView {
        name: name.to_string(),
        path: path.to_string(),
        weeks: s.run.weeks,
        burn_in: s.run.burn_in,
        seed: s.run.seed,
        replicates: s.run.replicates,
        countries: s
            .countries
            .iter()
            .map(|c| CountryView {
                name: c.name.clone(),
                at_risk: c.params.numbers.at_risk,
                wage: c.params.numbers.wage,
                poverty: c.params.numbers.poverty,
                network_density: c.params.numbers.network_density,
                borders: c
                    .borders
                    .as_ref()
                    .map(|b| b.iter().map(|&id| country_name(id)).collect()),
            })
            .collect(),
        cooperation_default: s.cooperation.default,
        blocs: s
            .cooperation
            .blocs
            .iter()
            .map(|b| BlocView {
                name: b.name.clone(),
                members: b.members.iter().map(|&id| country_name(id)).collect(),
                cooperation: b.cooperation,
            })
            .collect(),
        pairs: s
            .cooperation
            .pairs
            .iter()
            .map(|p| PairView {
                a: country_name(p.a),
                b: country_name(p.b),
                cooperation: p.cooperation,
                directed: p.directed,
            })
            .collect(),
        offences: OffenceSet::palermo().names(),
        controls: controls(s),
    }
}

/// Every control of a side: cooperation (default, each bloc, each pair), then each country
/// parameter for all countries at once and for each country.
pub fn controls(s: &Scenario) -> Vec<Control> {
    let coop = |path: String, value: f64| {
        let spec = params::cooperation_spec(
            path.split('.')
                .next()
                .map(|scope| match scope {
                    "bloc" => "bloc.NAME.cooperation",
                    "pair" => "pair.A.B.cooperation",
                    _ => "cooperation.default",
                })
                .unwrap_or("cooperation.default"),
        );
        number_control(path, "cooperation".into(), Some(value), spec)
    };
    let mut out = vec![coop("cooperation.default".into(), s.cooperation.default)];
    for b in &s.cooperation.blocs {
        out.push(coop(
            format!("bloc.{}.cooperation", b.name),
            b.cooperation.unwrap_or(s.cooperation.default),
        ));
    }
    for p in &s.cooperation.pairs {
        let (a, b) = (
            &s.countries[p.a.index()].name,
            &s.countries[p.b.index()].name,
        );
        out.push(coop(format!("pair.{a}.{b}.cooperation"), p.cooperation));
    }
    for param in COUNTRY_CONTROLS {
        let values: Vec<serde_json::Value> = s
            .countries
            .iter()
            .map(|c| country_value(&c.params, param))
            .collect();
        let same = values.windows(2).all(|w| w[0] == w[1]);
        let value = if same { values.first().cloned() } else { None };
        out.push(country_control(
            format!("all.{param}"),
            "all".into(),
            value,
            param,
        ));
    }
    for c in &s.countries {
        for param in COUNTRY_CONTROLS {
            out.push(country_control(
                format!("country.{}.{param}", c.name),
                c.name.clone(),
                Some(country_value(&c.params, param)),
                param,
            ));
        }
    }
    out
}

fn country_value(p: &params::CountryParams, param: &str) -> serde_json::Value {
    if param == params::OFFENCES_PATH {
        serde_json::json!(p.offences.names())
    } else {
        serde_json::json!(p.numbers.get(param).unwrap_or(f64::NAN))
    }
}

fn country_control(
    path: String,
    group: String,
    value: Option<serde_json::Value>,
    param: &str,
) -> Control {
    if param == params::OFFENCES_PATH {
        let spec = params::OFFENCES_SPEC;
        return Control {
            path,
            group,
            kind: "offences",
            value,
            min: 0.0,
            max: 0.0,
            unit: spec.unit,
            meaning: spec.doc,
        };
    }
    let value = value.and_then(|v| v.as_f64());
    number_control(path, group, value, params::country_spec(param))
}

fn number_control(
    path: String,
    group: String,
    value: Option<f64>,
    spec: Option<&'static params::ParamSpec>,
) -> Control {
    let (min, max) = match spec.map(|s| s.domain) {
        Some(Domain::Real { min, max } | Domain::Count { min, max }) => (min, max),
        _ => (0.0, 1.0),
    };
    Control {
        path,
        group,
        kind: "number",
        value: value.map(|v| serde_json::json!(v)),
        min,
        max,
        unit: spec.map_or("", |s| s.unit),
        meaning: spec.map_or("", |s| s.doc),
    }
}
