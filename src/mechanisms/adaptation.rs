//! Step 10, network adaptation (MODEL.md §2): networks bank part of their revenue for bribes,
//! replace lost members at a rate that grows with revenue, are dismantled when no member is
//! left free, and periodically re-choose their route by expected profit minus perceived risk,
//! so that pressure in one country displaces flows to weaker or less cooperative ones.
//!
//! - Enforcement risk of country `c`: `own_c = (1 − corruption) × training × resources ×
//!   (0.5 + 0.5 × penalty) + border detection`; networks perceive
//!   `structural_c = own_c + cooperation_spillover × max_j cooperation(j, c) × H(j, c) ×
//!   (1 − corruption_c) × own_j` (a partner's enforcement reaches into `c` through cooperation,
//!   for the offences both criminalize and as far as `c`'s officials are not bought), learned
//!   with a lag of about
//!   `perception_weeks` (an exponential average), plus their own recent losses there
//!   (`(1 − risk_memory) × observed_c`, about the weekly loss rate).
//! - Route value: `wage_d − wage_o − leg_cost × (legs − 1) − risk_weight × Σ_route perceived_c`;
//!   the route is drawn by logit choice with `route_temperature`, so that displacement is
//!   partial.
//! - Recruiter effort: `max(0, wage_d − wage_o) × exp(−deterrence × Σ_route perceived_c)`.
//! - Replacement: one vacancy per role and week is filled with probability
//!   `1 − exp(−replace_rate × average weekly revenue / 1000)`.

use rand::Rng;

use super::transit::border_detection;
use crate::world::cooperation::harmonization;
use crate::world::{
    CountryId, Network, NetworkId, Role, Route, Trafficker, TraffickerId, TraffickerState, World,
};

/// A country's own enforcement risk, before cooperation.
fn own_risk(world: &World, c: CountryId) -> f64 {
    let n = &world.country(c).params.numbers;
    (1.0 - n.corruption) * n.training * n.resources * (0.5 + 0.5 * n.penalty)
        + border_detection(world, c)
}

/// A country's structural risk as it is this week (after this week's policies).
fn current_structural_risk(world: &World, c: CountryId) -> f64 {
    let spill = (0..world.n_countries())
        .map(CountryId::new)
        .filter(|&j| j != c)
        .map(|j| world.cooperation.level(j, c) * reach(world, j, c) * own_risk(world, j))
        .fold(0.0, f64::max);
    own_risk(world, c) + world.model.cooperation_spillover * spill
}

/// How far partner `j`'s enforcement can reach into `c` through cooperation: only for the
/// offences both criminalize (dual criminality: the harmonization `H(j, c)`), and only as far
/// as `c`'s officials are not bought.
fn reach(world: &World, j: CountryId, c: CountryId) -> f64 {
    let laws = |x: CountryId| world.country(x).params.offences;
    harmonization(laws(j), laws(c)) * (1.0 - world.country(c).params.numbers.corruption)
}

/// Founds the world's networks at the start of a run, in proportion to each country's
/// at-risk population (`at_risk / 10,000 × network_density`, rounded), each at full strength
/// on the route it would choose (MODEL.md §1, "Network"; `docs/ODD.md`, "Initialization").
/// Draws from the build stream, after the persons' vulnerabilities.
pub fn found_networks(world: &mut World) {
    for c in 0..world.n_countries() {
        let numbers = &world.countries[c].params.numbers;
        let count = (numbers.at_risk / 10_000.0 * numbers.network_density).round();
        for _ in 0..count as usize {
            found_network(world, CountryId::new(c));
        }
    }
}

/// Founds a network in `origin` at full strength on its best route.
fn found_network(world: &mut World, origin: CountryId) {
    let id = NetworkId::new(world.networks.len());
    let review_weeks = world.model.route_review_weeks as u32;
    // Reviews are staggered so that networks do not all move in the same week.
    let next_review = world.rngs.build.random_range(0..review_weeks.max(1));
    world.networks.push(Network {
        origin,
        route: None,
        members: Vec::new(),
        revenue_week: 0.0,
        revenue_average: 0.0,
        bribe_budget: 0.0,
        observed_risk: vec![0.0; world.n_countries()],
        effort: 0.0,
        next_review,
        rescue: None,
        dismantled: false,
    });
    let u = world.rngs.build.random();
    let (route, effort) = choose_route(world, id, u);
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
fn add_member(world: &mut World, network: NetworkId, role: Role, country: CountryId) {
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

/// Sets every country's perceived structural risk to its current value (at build).
pub fn init_structural_risk(world: &mut World) {
    for c in 0..world.n_countries() {
        world.countries[c].structural_risk = current_structural_risk(world, CountryId::new(c));
    }
}

/// Networks learn the enforcement climate with a lag: the perceived structural risk moves
/// toward the current one by `1 / perception_weeks` a week (an exponential average).
pub fn refresh_structural_risk(world: &mut World) {
    let rate = 1.0 / world.model.perception_weeks;
    for c in 0..world.n_countries() {
        let now = current_structural_risk(world, CountryId::new(c));
        let perceived = &mut world.countries[c].structural_risk;
        *perceived += rate * (now - *perceived);
    }
}

/// The risk network `n` perceives on a route.
fn route_risk(world: &World, n: NetworkId, route: Route) -> f64 {
    let observed = &world.networks[n.index()].observed_risk;
    let memory = 1.0 - world.model.risk_memory;
    route
        .countries()
        .map(|c| world.country(c).structural_risk + memory * observed[c.index()])
        .sum()
}

fn wage_gain(world: &World, route: Route) -> f64 {
    world.country(route.destination).params.numbers.wage
        - world.country(route.origin).params.numbers.wage
}

/// Expected profit net of expected risk, the value a network gives a route.
fn route_value(world: &World, n: NetworkId, route: Route) -> f64 {
    wage_gain(world, route)
        - world.model.leg_cost * (route.legs() - 1) as f64
        - world.model.risk_weight * route_risk(world, n, route)
}

/// Recruiter effort on a route (MODEL.md §2 step 3: deterrence).
pub fn effort(world: &World, n: NetworkId, route: Route) -> f64 {
    wage_gain(world, route).max(0.0) * (-world.model.deterrence * route_risk(world, n, route)).exp()
}

/// Calls `f` for every route from `origin` that pays: across one border, or two through a
/// transit country, to a destination with a higher wage.
fn for_each_route(world: &World, origin: CountryId, mut f: impl FnMut(Route)) {
    let wage = |c: CountryId| world.country(c).params.numbers.wage;
    for &first in &world.country(origin).borders {
        if wage(first) > wage(origin) {
            f(Route {
                origin,
                transit: None,
                destination: first,
            });
        }
        for &second in &world.country(first).borders {
            if second != origin && wage(second) > wage(origin) {
                f(Route {
                    origin,
                    transit: Some(first),
                    destination: second,
                });
            }
        }
    }
}

/// Draws network `n`'s route by logit choice over route values, with `u` uniform in [0, 1);
/// returns it and the effort on it (`None` and 0 when no route pays).
pub fn choose_route(world: &World, n: NetworkId, u: f64) -> (Option<Route>, f64) {
    let origin = world.networks[n.index()].origin;
    let temperature = world.model.route_temperature;
    let mut best = f64::NEG_INFINITY;
    for_each_route(world, origin, |r| best = best.max(route_value(world, n, r)));
    if best == f64::NEG_INFINITY {
        return (None, 0.0);
    }
    let mut total = 0.0;
    for_each_route(world, origin, |r| {
        total += ((route_value(world, n, r) - best) / temperature).exp()
    });
    let mut target = u * total;
    let mut chosen = None;
    for_each_route(world, origin, |r| {
        if chosen.is_none() {
            let w = ((route_value(world, n, r) - best) / temperature).exp();
            if target < w {
                chosen = Some(r);
            }
            target -= w;
        }
    });
    // Rounding can leave the draw past the last route: take the best one then.
    let chosen = chosen.or_else(|| {
        let mut top = None;
        for_each_route(world, origin, |r| {
            if top.is_none() && route_value(world, n, r) == best {
                top = Some(r);
            }
        });
        top
    });
    (chosen, chosen.map_or(0.0, |r| effort(world, n, r)))
}

pub fn network_adaptation(world: &mut World) {
    refresh_structural_risk(world);
    let week = world.week;
    for n in 0..world.networks.len() {
        let id = NetworkId::new(n);
        if world.networks[n].dismantled {
            continue;
        }
        bank_revenue(world, id);
        if !world.networks[n]
            .members
            .iter()
            .any(|t| world.traffickers[t.index()].is_free())
        {
            world.networks[n].dismantled = true;
            continue;
        }
        replace_members(world, id);
        if week >= world.networks[n].next_review {
            world.networks[n].next_review = week + world.model.route_review_weeks as u32;
            let u = world.rngs.adaptation.random::<f64>();
            let (route, _) = choose_route(world, id, u);
            relocate(world, id, route);
        }
        let effort = world.networks[n]
            .route
            .map_or(0.0, |r| effort(world, id, r));
        world.networks[n].effort = effort;
    }
}

/// Revenue: a share into the bribe budget, an average for replacement, memory of losses fades.
fn bank_revenue(world: &mut World, n: NetworkId) {
    let memory = world.model.risk_memory;
    let share = world.model.bribe_share;
    let net = &mut world.networks[n.index()];
    net.bribe_budget += share * net.revenue_week;
    net.revenue_average = 0.9 * net.revenue_average + 0.1 * net.revenue_week;
    net.revenue_week = 0.0;
    for r in &mut net.observed_risk {
        *r *= memory;
    }
}

fn replace_members(world: &mut World, n: NetworkId) {
    let size = world.model.network_size as usize;
    let chance = 1.0
        - (-world.model.replace_rate * world.networks[n.index()].revenue_average / 1000.0).exp();
    for role in Role::ALL {
        let free = world.networks[n.index()]
            .members
            .iter()
            .filter(|t| {
                let t = &world.traffickers[t.index()];
                t.role == role && t.is_free()
            })
            .count();
        if free < size && world.rngs.adaptation.random::<f64>() < chance {
            let net = &world.networks[n.index()];
            let post = net.post(role);
            add_member(world, n, role, post);
        }
    }
}

/// Moves the network to a new route: its active members move with it. A suspect under
/// investigation stays where the investigation found him (arresting him elsewhere would need
/// that country's help, step 7), and so does one in hiding; both rejoin the new posts when
/// they walk free (`World::release`).
fn relocate(world: &mut World, n: NetworkId, route: Option<Route>) {
    if world.networks[n.index()].route == route {
        return;
    }
    world.networks[n.index()].route = route;
    let Some(route) = route else { return };
    for k in 0..world.networks[n.index()].members.len() {
        let t = world.networks[n.index()].members[k];
        let tr = &mut world.traffickers[t.index()];
        if tr.state == TraffickerState::Active {
            tr.country = route.role_country(tr.role);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;

    fn free_in_role(world: &World, n: usize, role: Role) -> usize {
        world.networks[n]
            .members
            .iter()
            .map(|t| &world.traffickers[t.index()])
            .filter(|t| t.role == role && t.is_free())
            .count()
    }

    /// Imprisons all but one member of each role of network 0 for a long time.
    fn remove_members(world: &mut World) {
        for role in Role::ALL {
            let members: Vec<_> = world.networks[0]
                .members
                .iter()
                .copied()
                .filter(|t| world.traffickers[t.index()].role == role)
                .collect();
            for t in members.iter().skip(1) {
                let tr = &mut world.traffickers[t.index()];
                tr.state = TraffickerState::Imprisoned;
                tr.until = u32::MAX;
            }
        }
    }

    #[test]
    fn networks_recover_from_arrests_when_they_earn() {
        let mut w = small_world();
        crate::run::advance(&mut w, 80);
        assert!(
            w.networks[0].revenue_average > 0.0,
            "the network must be earning"
        );
        remove_members(&mut w);
        let size = w.model.network_size as usize;
        assert!(Role::ALL.iter().all(|&r| free_in_role(&w, 0, r) < size));
        crate::run::advance(&mut w, 150);
        // Back to strength (or above it, if a member on trial was acquitted meanwhile).
        for role in Role::ALL {
            assert!(free_in_role(&w, 0, role) >= size, "{role:?}");
        }
    }

    #[test]
    fn a_network_without_revenue_does_not_recover() {
        let mut w = small_world();
        remove_members(&mut w);
        // No victims yet, so no revenue: replacement has probability zero.
        w.networks[0].revenue_average = 0.0;
        w.networks[0].revenue_week = 0.0;
        replace_members(&mut w, NetworkId(0));
        assert!(Role::ALL.iter().all(|&r| free_in_role(&w, 0, r) == 1));
    }

    #[test]
    fn a_network_with_no_free_member_is_dismantled() {
        let mut w = small_world();
        for t in w.networks[0].members.clone() {
            w.traffickers[t.index()].state = TraffickerState::Imprisoned;
        }
        network_adaptation(&mut w);
        assert!(w.networks[0].dismantled);
        assert!(!w.networks[1].dismantled);
    }

    #[test]
    fn a_route_change_moves_active_members_and_leaves_suspects_where_they_are() {
        let mut w = small_world();
        w.countries[0].borders.push(CountryId::new(2));
        w.countries[2].borders.push(CountryId::new(0));
        let members = w.networks[0].members.clone();
        let transporters: Vec<_> = members
            .iter()
            .copied()
            .filter(|t| w.traffickers[t.index()].role == Role::Transporter)
            .collect();
        assert!(transporters.len() >= 3, "the test needs three transporters");
        let before = w.traffickers[transporters[0].index()].country;
        assert_eq!(before, CountryId::new(1), "they work in Transit");
        w.traffickers[transporters[1].index()].state = TraffickerState::UnderInvestigation;
        w.traffickers[transporters[2].index()].state = TraffickerState::Fled;
        // The direct route: transporters work in the origin.
        let direct = Route {
            origin: CountryId::new(0),
            transit: None,
            destination: CountryId::new(2),
        };
        relocate(&mut w, NetworkId(0), Some(direct));
        assert_eq!(
            w.traffickers[transporters[0].index()].country,
            CountryId::new(0)
        );
        // A suspect is arrested where the agency reached him, never in a country that was not
        // asked for help.
        assert_eq!(w.traffickers[transporters[1].index()].country, before);
        assert_eq!(w.traffickers[transporters[2].index()].country, before);
        // Walking free, he rejoins the network's new post.
        w.release(transporters[1]);
        let tr = &w.traffickers[transporters[1].index()];
        assert_eq!(
            (tr.state, tr.country),
            (TraffickerState::Active, CountryId::new(0))
        );
    }

    #[test]
    fn a_partners_enforcement_reaches_in_only_under_shared_laws_and_clean_officials() {
        use crate::params::{Offence, OffenceSet};
        let transit = CountryId::new(1);
        let risk = |transit_laws: OffenceSet, transit_corruption: f64| {
            let mut w = crate::mechanisms::testkit::world_with(|s| {
                s.cooperation.default = 1.0;
            });
            w.countries[1].params.offences = transit_laws;
            w.countries[1].params.numbers.corruption = transit_corruption;
            (current_structural_risk(&w, transit), own_risk(&w, transit))
        };
        let all = OffenceSet::from_names(Offence::ALL.iter().map(|o| o.name())).unwrap();
        let (shared, own) = risk(all, 0.0);
        assert!(
            shared > own,
            "a harmonized partner's enforcement reaches in"
        );
        // No offence in common with its partners: dual criminality stops every request.
        let (disjoint, own) = risk(OffenceSet::EMPTY, 0.0);
        assert_eq!(disjoint, own);
        // A more corrupt transit country: the spillover shrinks with its officials' honesty.
        let (corrupt, own_corrupt) = risk(all, 0.5);
        assert!((corrupt - own_corrupt) < 0.5 * (shared - own) + 1e-12);
    }

    #[test]
    fn enforcement_in_a_country_makes_routes_through_it_less_likely() {
        let mut w = small_world();
        // Open a second route: Origin also borders Destination directly.
        w.countries[0].borders.push(CountryId::new(2));
        w.countries[2].borders.push(CountryId::new(0));
        let share_through_transit = |w: &World| {
            let draws = 200;
            (0..draws)
                .filter(|&k| {
                    let u = (k as f64 + 0.5) / draws as f64;
                    choose_route(w, NetworkId(0), u).0.and_then(|r| r.transit)
                        == Some(CountryId::new(1))
                })
                .count()
        };
        let before = share_through_transit(&w);
        w.countries[1].structural_risk += 0.3;
        let after = share_through_transit(&w);
        assert!(after < before, "before {before}, after {after}");
        assert!(after > 0, "displacement is partial: some still go through");
    }
}
