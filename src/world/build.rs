//! Builds the initial world of one run from a validated scenario and the run's seed.
//!
//! Persons start at home with a vulnerability drawn around their country's poverty; networks
//! are founded in proportion to each country's at-risk population, choose their first route
//! the way they later re-choose it, and start at full strength. Nobody is trafficked at week 0:
//! prevalence builds up over the first years (documented in `docs/ODD.md`, "Initialization").

use rand::Rng;
use rand_distr::{Beta, Distribution};

use crate::mechanisms::adaptation::choose_route;
use crate::params::Offence;
use crate::rng::{Stream, stream};
use crate::scenario::Scenario;

use super::{
    Agency, Calendar, Cooperation, Country, CountryId, Network, NetworkId, Persons, Rngs, Role,
    Scheduling, Trafficker, TraffickerId, TraffickerState, World,
};

/// Vulnerability is Beta-distributed with mean `poverty`, kept strictly inside (0, 1) so that
/// the distribution exists for every valid poverty.
fn vulnerability_distribution(poverty: f64, concentration: f64) -> Beta<f64> {
    let mean = poverty.clamp(0.01, 0.99);
    Beta::new(mean * concentration, (1.0 - mean) * concentration)
        .expect("both shape parameters are positive by construction")
}

/// The weights of the exploitation forms, cumulated, in [`Offence::ALL`] order.
pub fn form_cumulative(model: &crate::params::ModelParams) -> [f64; 7] {
    form_cumulative_weighted(model, |_| 1.0)
}

/// The forms police leads are about: the victims' forms weighted by police attention, 1 for
/// sexual exploitation and `police_focus_other` for the others.
pub fn police_form_cumulative(model: &crate::params::ModelParams) -> [f64; 7] {
    form_cumulative_weighted(model, |o| {
        if o == Offence::Sexual {
            1.0
        } else {
            model.police_focus_other
        }
    })
}

fn form_cumulative_weighted(
    model: &crate::params::ModelParams,
    focus: impl Fn(Offence) -> f64,
) -> [f64; 7] {
    let weights = [
        model.share_sexual,
        model.share_labour,
        model.share_child,
        model.share_debt_bondage,
        model.share_domestic_servitude,
        model.share_forced_criminality,
        model.share_organ_removal,
    ];
    let weights: Vec<f64> = weights
        .iter()
        .zip(Offence::ALL)
        .map(|(w, o)| w * focus(o))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut out = [0.0; 7];
    for (slot, &w) in out.iter_mut().zip(&weights) {
        // All-zero weights fall back to equal shares rather than dividing by zero.
        acc += if total > 0.0 { w / total } else { 1.0 / 7.0 };
        *slot = acc;
    }
    out
}

/// Draws a form from cumulative weights.
pub fn draw_form(cumulative: &[f64; 7], u: f64) -> Offence {
    let i = cumulative.iter().position(|&c| u < c).unwrap_or(6);
    Offence::ALL[i]
}

/// Builds the world of one run, on the fast calendar path.
pub fn build_world(scenario: &Scenario, run_seed: u64) -> World {
    build_world_with(scenario, run_seed, Scheduling::Calendar)
}

/// Builds the world of one run with the given scheduling of persons at home.
pub fn build_world_with(scenario: &Scenario, run_seed: u64, scheduling: Scheduling) -> World {
    let mut rng = stream(run_seed, Stream::Build);
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
        })
        .collect();

    let total = scenario.world_at_risk() as usize;
    let betas: Vec<Beta<f64>> = scenario
        .countries
        .iter()
        .map(|c| vulnerability_distribution(c.params.numbers.poverty, model.vulnerability_spread))
        .collect();
    let at_risk: Vec<usize> = scenario
        .countries
        .iter()
        .map(|c| c.params.numbers.at_risk as usize)
        .collect();
    let persons = Persons::new(&at_risk, |c| {
        let v = betas[c.index()].sample(&mut rng) as f32;
        (v, rng.random())
    });

    let mut world = World {
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
        ramps: Vec::new(),
        counters: vec![Default::default(); n],
        recruiters: vec![Vec::new(); n],
        identified: Vec::new(),
        arrests: Vec::new(),
        rngs: Rngs::new(run_seed),
        scheduling,
        seek_calendar: Calendar::default(),
        return_calendar: Calendar::default(),
        scratch: Vec::new(),
        scratch_tags: Vec::new(),
        exit_table: Vec::new(),
        exit_scheduled: Vec::new(),
        exit_calendar: Calendar::default(),
        arrivals: Vec::new(),
    };

    crate::mechanisms::adaptation::init_structural_risk(&mut world);
    for (i, c) in scenario.countries.iter().enumerate() {
        let count =
            (c.params.numbers.at_risk / 10_000.0 * c.params.numbers.network_density).round();
        for _ in 0..count as usize {
            found_network(&mut world, CountryId::new(i), &mut rng);
        }
    }
    world.persons.track_networks(world.networks.len());
    crate::mechanisms::migration::schedule_everyone(&mut world);
    world
}

/// Founds a network in `origin` at full strength on its best route.
fn found_network(world: &mut World, origin: CountryId, rng: &mut impl Rng) {
    let id = NetworkId::new(world.networks.len());
    let review_weeks = world.model.route_review_weeks as u32;
    world.networks.push(Network {
        origin,
        route: None,
        members: Vec::new(),
        revenue_week: 0.0,
        revenue_average: 0.0,
        bribe_budget: 0.0,
        observed_risk: vec![0.0; world.n_countries()],
        effort: 0.0,
        // Reviews are staggered so that networks do not all move in the same week.
        next_review: rng.random_range(0..review_weeks.max(1)),
        rescue: None,
        dismantled: false,
    });
    let (route, effort) = choose_route(world, id, rng.random());
    world.networks[id.index()].route = route;
    world.networks[id.index()].effort = effort;
    let size = world.model.network_size as usize;
    for role in Role::ALL {
        let country = world.networks[id.index()].post(role);
        for _ in 0..size {
            add_member(world, id, role, country);
        }
    }
}

/// Adds a new active member to a network (at founding, and to fill a vacancy).
pub fn add_member(world: &mut World, network: NetworkId, role: Role, country: CountryId) {
    let t = TraffickerId::new(world.traffickers.len());
    world.traffickers.push(Trafficker {
        network,
        role,
        country,
        state: TraffickerState::Active,
        until: 0,
        case: None,
    });
    world.networks[network.index()].members.push(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_drawn_by_weight() {
        let model = crate::params::ModelParams::default();
        let cum = form_cumulative(&model);
        assert!((cum[6] - 1.0).abs() < 1e-12);
        assert_eq!(draw_form(&cum, 0.0), Offence::Sexual);
        assert_eq!(draw_form(&cum, 0.999_999), Offence::OrganRemoval);
        let zero = crate::params::ModelParams {
            share_sexual: 0.0,
            share_labour: 0.0,
            share_child: 0.0,
            share_debt_bondage: 0.0,
            share_domestic_servitude: 0.0,
            share_forced_criminality: 0.0,
            share_organ_removal: 0.0,
            ..model
        };
        assert!((form_cumulative(&zero)[6] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn vulnerability_mean_follows_poverty() {
        let mut rng = stream(1, Stream::Build);
        for poverty in [0.0, 0.2, 0.8, 1.0] {
            let d = vulnerability_distribution(poverty, 8.0);
            let mean: f64 = (0..20_000).map(|_| d.sample(&mut rng)).sum::<f64>() / 20_000.0;
            assert!(
                (mean - poverty.clamp(0.01, 0.99)).abs() < 0.01,
                "{poverty}: {mean}"
            );
        }
    }
}
