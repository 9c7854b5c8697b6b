//! A small world for the mechanisms' unit tests: Origin -> Transit -> Destination, with borders
//! only along that line so that every route passes through Transit, and brisk migration so that
//! a few dozen weeks show every mechanism at work.

use crate::metrics::{WeekCounters, world_total};
use crate::params::{CountryParams, ModelParams};
use crate::run::initial_world;
use crate::scenario::{CooperationSpec, CountrySpec, RunSettings, Scenario};
use crate::world::{CountryId, Scheduling, World};

pub fn scenario() -> Scenario {
    let country = |name: &str, at_risk: f64, poverty: f64, wage: f64, density: f64| {
        let mut params = CountryParams::default();
        params.numbers.at_risk = at_risk;
        params.numbers.poverty = poverty;
        params.numbers.wage = wage;
        params.numbers.network_density = density;
        CountrySpec {
            name: name.to_string(),
            params,
            borders: None,
        }
    };
    let mut countries = vec![
        country("Origin", 3000.0, 0.8, 0.1, 10.0),
        country("Transit", 1000.0, 0.5, 0.4, 0.0),
        country("Destination", 1000.0, 0.2, 0.9, 0.0),
    ];
    countries[0].borders = Some(vec![CountryId::new(1)]);
    countries[1].borders = Some(vec![CountryId::new(0), CountryId::new(2)]);
    countries[2].borders = Some(vec![CountryId::new(1)]);
    Scenario {
        name: "testkit".into(),
        path: "testkit.toml".into(),
        text: String::new(),
        run: RunSettings {
            weeks: 52,
            seed: 7,
            replicates: 1,
            burn_in: 0,
        },
        model: ModelParams {
            seek_rate: 0.05,
            ..ModelParams::default()
        },
        countries,
        cooperation: CooperationSpec {
            default: 0.5,
            blocs: vec![],
            pairs: vec![],
        },
        policies: vec![],
        shocks: vec![],
        dismantlings: vec![],
        overrides: Vec::new(),
    }
}

/// The test world with the scenario edited by `edit`.
pub fn world_with(edit: impl FnOnce(&mut Scenario)) -> World {
    let mut s = scenario();
    edit(&mut s);
    initial_world(
        &s,
        crate::rng::run_seed(s.run.seed, 0),
        Scheduling::Calendar,
    )
}

pub fn small_world() -> World {
    world_with(|_| {})
}

/// The test world's three countries all cooperating at `level` (no bloc, no pair).
pub fn flat_cooperation(level: f64) -> crate::world::Cooperation {
    let spec = CooperationSpec {
        default: level,
        blocs: vec![],
        pairs: vec![],
    };
    crate::world::Cooperation::from_spec(&spec, 3)
}

/// Counters of a stepped world: per week for the world and per country.
pub struct Trace {
    pub world: Vec<WeekCounters>,
    pub countries: Vec<Vec<WeekCounters>>,
}

/// A counter summed over weeks.
pub fn total(rows: &[WeekCounters], counter: fn(&WeekCounters) -> u32) -> u64 {
    rows.iter().map(|x| counter(x) as u64).sum()
}

impl Trace {
    /// A world counter summed over the weeks.
    pub fn total(&self, counter: fn(&WeekCounters) -> u32) -> u64 {
        total(&self.world, counter)
    }

    /// Country `c`'s rows, one per week.
    pub fn country(&self, c: usize) -> Vec<WeekCounters> {
        self.countries.iter().map(|w| w[c]).collect()
    }
}

pub fn run_weeks(mut world: World, weeks: u32) -> Trace {
    let countries = crate::run::simulate(&mut world, weeks);
    let world_rows = countries.iter().map(|w| world_total(w)).collect();
    Trace {
        world: world_rows,
        countries,
    }
}
