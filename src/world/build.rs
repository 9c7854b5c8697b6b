//! Builds the state of one run's world from a validated scenario and the run's seed:
//! countries, the resolved cooperation, persons at home with a vulnerability drawn around
//! their country's poverty, one agency per country, the random streams. Nobody is trafficked
//! at week 0: prevalence builds up over the first years (`docs/ODD.md`, "Initialization").
//!
//! This is state only. What the mechanisms own (the networks, founded on the routes they
//! would choose, the perceived risk they choose by, the calendars of persons at home) is set
//! up afterwards by [`mechanisms::initialize`](crate::mechanisms::initialize), so that the
//! world never calls the model's behaviour; [`run::initial_world`](crate::run::initial_world)
//! does both.

use rand::Rng;

use crate::draws::{form_cumulative, police_form_cumulative};
use crate::ids::CountryId;
use crate::scenario::Scenario;

use super::{
    Agency, Calendar, Cooperation, Country, GeometricWait, OfferCeiling, Persons, Rngs, Roster,
    Scheduling, Vulnerability, World,
};

/// Builds the state of one run's world with the given scheduling of persons at home: no
/// networks yet, no calendar entries (see the module's paragraph).
pub fn build_world(scenario: &Scenario, run_seed: u64, scheduling: Scheduling) -> World {
    let mut rngs = Rngs::new(run_seed);
    let rng = &mut rngs.build;
    let n = scenario.countries.len();
    let model = scenario.model.clone();

    let countries: Vec<Country> = scenario
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| Country {
            name: c.name.clone(),
            params: c.params.clone(),
            borders: c
                .borders
                .clone()
                .unwrap_or_else(|| (0..n).filter(|&j| j != i).map(CountryId::new).collect()),
            shock: 1.0,
            wage_gap: 0.0,
            best_destination: CountryId::new(i),
            structural_risk: 0.0,
            scheduled_with: (0.0, 1.0),
            offer_probability: 0.0,
            // Below any probability: the first step 3 sets every country's ceilings.
            offer_ceiling: OfferCeiling {
                offer: -1.0,
                legal: 0.0,
                shock: 1.0,
                set_in: super::persons::NEVER,
            },
        })
        .collect();

    let total = scenario.world_at_risk() as usize;
    // Beta-distributed around each country's poverty (`world::vulnerability`).
    let vulnerabilities: Vec<Vulnerability> = scenario
        .countries
        .iter()
        .map(|c| Vulnerability::new(c.params.numbers.poverty, model.vulnerability_spread))
        .collect();
    let at_risk: Vec<usize> = scenario
        .countries
        .iter()
        .map(|c| c.params.numbers.at_risk as usize)
        .collect();
    let mut persons = Persons::new(&at_risk, |c| {
        let v = vulnerabilities[c.index()].sample(rng) as f32;
        (v, rng.random())
    });
    if scheduling == Scheduling::Calendar {
        // Safe migrants come home by the calendar of returns, and seekers meet their
        // outcomes by the offer calendar (a redraw finds them among their country's
        // persons); only the weekly reference visits them on their rosters.
        persons.keep_no_roster(Roster::SafeMigrant);
        persons.keep_no_roster(Roster::Seeking);
    }

    let safe_return_wait = GeometricWait::at(model.safe_return_rate);
    World {
        week: 0,
        capacity_per_resource: model.investigations_per_100k * total as f64 / 100_000.0,
        form_cumulative: form_cumulative(&model),
        police_form_cumulative: police_form_cumulative(&model),
        model,
        countries,
        cooperation: Cooperation::from_spec(&scenario.cooperation, n),
        cooperation_spec: scenario.cooperation.clone(),
        persons,
        traffickers: Vec::new(),
        networks: Vec::new(),
        agencies: vec![Agency::default(); n],
        policies: scenario.policies.clone(),
        shocks: scenario.shocks.clone(),
        dismantlings: scenario.dismantlings.clone(),
        ramps: Vec::new(),
        counters: vec![Default::default(); n],
        routes: crate::metrics::RouteFlows::new(n),
        recruiters: vec![Vec::new(); n],
        identified: Vec::new(),
        arrests: Vec::new(),
        rngs,
        scheduling,
        seek_calendar: Calendar::default(),
        return_calendar: Calendar::default(),
        safe_return_wait,
        // A seeker's waits are short (at the default seek_giveup of 0.1, 97 % within 32
        // weeks), and a long wheel would keep a bucket's largest size for 256 weeks.
        offer_calendar: Calendar::with_wheel(32),
        scratch: Vec::new(),
        scratch_tags: Vec::new(),
        exit_table: Vec::new(),
        exit_scheduled: Vec::new(),
        exit_calendar: Calendar::default(),
        arrivals: Vec::new(),
    }
}
