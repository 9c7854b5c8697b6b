//! Step 3, recruitment (MODEL.md §2): each seeking person meets a deceptive offer with a
//! probability that grows with recruiter presence in the home country, or a legitimate channel.
//!
//! - Presence in country `c`: `R_c = Σ effort_N × free recruiters of N in c` over the networks
//!   recruiting there; effort is set in step 10 from expected profit net of expected risk.
//! - Offer: `P(offer) = 1 − exp(−contact_rate × R_c × 1000 / at_risk_c)`; the offering network is
//!   drawn in proportion to its weight in `R_c`.
//! - Acceptance: `accept_max × v_eff × returnee risk × (1 − awareness_effect × aware)` (at most
//!   1), where the person is aware
//!   when their awareness draw is below the home country's `awareness`.
//! - Otherwise: a legitimate channel with probability `legal_migration` (a safe migration), or
//!   giving up with probability `seek_giveup`.

use rand::Rng;

use super::retrafficking::{await_return, come_home};
use super::risk::risk_fading;
use super::seeking::{acceptance, await_offer, refresh_offer_ceilings};
use crate::draws::draw_form;
use crate::world::persons::PREFETCH_CHUNK;
use crate::world::{
    CountryId, NetworkId, PersonState, Roster, Scheduling, TraffickerState, Wheel, World,
};

/// Refreshes `world.recruiters`: who recruits where this week, with what weight.
pub fn update_recruiter_presence(world: &mut World) {
    for list in &mut world.recruiters {
        list.clear();
    }
    for (n, network) in world.networks.iter().enumerate() {
        if network.dismantled || network.route.is_none() || network.effort <= 0.0 {
            continue;
        }
        let free_recruiters = network
            .members
            .iter()
            .map(|&t| &world.traffickers[t.index()])
            .filter(|t| t.role == crate::world::Role::Recruiter)
            .filter(|t| t.state == TraffickerState::Active && t.country == network.origin)
            .count();
        if free_recruiters > 0 {
            let list = &mut world.recruiters[network.origin.index()];
            let before = list.last().map_or(0.0, |x| x.1);
            list.push((
                NetworkId::new(n),
                before + network.effort * free_recruiters as f64,
            ));
        }
    }
}

/// Probability that a seeker in `c` meets a deceptive offer this week.
pub fn offer_probability(world: &World, c: CountryId) -> f64 {
    let presence = world.recruiters[c.index()].last().map_or(0.0, |x| x.1);
    let at_risk = world.country(c).params.numbers.at_risk.max(1.0);
    1.0 - (-world.model.contact_rate * presence * 1000.0 / at_risk).exp()
}

pub fn recruitment(world: &mut World) {
    update_recruiter_presence(world);
    let week = world.week;
    for c in 0..world.n_countries() {
        world.countries[c].offer_probability = offer_probability(world, CountryId::new(c));
    }
    match world.scheduling {
        Scheduling::Weekly => ask_every_seeker(world, week),
        Scheduling::Calendar => {
            refresh_offer_ceilings(world, week);
            world.wake_due(Wheel::Offer, PersonState::Seeking, week, |world, p| {
                wake_seeker(world, p, week)
            });
        }
    }
}

/// The reference: every seeker asked every week, as MODEL.md states the process.
fn ask_every_seeker(world: &mut World, week: u32) {
    // The homes come with the roster, in order; a seeker's own record is read only when
    // something happens to them, and is prefetched, chunk by chunk, for that.
    let (seekers, tags) = world.roster_snapshot_with_tags(Roster::Seeking);
    for (i, (&p, tag)) in seekers.iter().zip(&tags).enumerate() {
        if i % PREFETCH_CHUNK == 0 {
            world
                .persons
                .prefetch(&seekers[i..(i + PREFETCH_CHUNK).min(seekers.len())]);
        }
        let (p, home) = (p as usize, tag.home);
        let rng = &mut world.rngs.recruitment;
        if rng.random::<f64>() < world.countries[home.index()].offer_probability {
            let network = pick_network(&world.recruiters[home.index()], rng.random());
            let country = &world.countries[home.index()];
            let aware = (world.persons.awareness_draw(p) as f64) < country.params.numbers.awareness;
            let accept = acceptance(world, p, week, country.shock, aware);
            if world.rngs.recruitment.random::<f64>() < accept && recruit(world, p, network) {
                continue;
            }
        }
        let country = &world.countries[home.index()];
        let destination = country.best_destination;
        let legal = country.params.numbers.legal_migration;
        let rng = &mut world.rngs.recruitment;
        if rng.random::<f64>() < legal && destination != home {
            migrate_legally(world, p, week);
        } else if rng.random::<f64>() < world.model.seek_giveup {
            come_home(world, p, None);
        }
    }
    world.return_scratch_with_tags(seekers, tags);
}

/// Seeker `p`, woken by the offer calendar in `week` (a candidate week drawn at the bound
/// they were scheduled with, see `seeking`): each outcome comes with its weekly probability
/// divided by the bound, from one uniform; with what is left, nothing happens and the person
/// waits for the next candidate week.
fn wake_seeker(world: &mut World, p: usize, week: u32) {
    let home = world.persons.home(p);
    let country = &world.countries[home.index()];
    let aware = (world.persons.awareness_draw(p) as f64) < country.params.numbers.awareness;
    let recruited = country.offer_probability * acceptance(world, p, week, country.shock, aware);
    let legal = if country.best_destination != home {
        country.params.numbers.legal_migration
    } else {
        0.0
    };
    // Cumulated: recruited, then a legal channel, then giving up, as in the reference.
    let migrates = recruited + (1.0 - recruited) * legal;
    let leaves = migrates + (1.0 - recruited) * (1.0 - legal) * world.model.seek_giveup;
    let bound = world.persons.seek_bound(p) as f64;
    // A bound below the weekly chance would make outcomes rarer than the model says.
    debug_assert!(leaves <= bound * (1.0 + 1e-9), "{leaves} > bound {bound}");
    let u = world.rngs.recruitment.random::<f64>() * bound;
    if u < recruited {
        // Given an offer taken, u / recruited is uniform in [0, 1): it picks the network.
        let network = pick_network(&world.recruiters[home.index()], u / recruited);
        if recruit(world, p, network) {
            return;
        }
    } else if u < migrates {
        return migrate_legally(world, p, week);
    } else if u < leaves {
        return come_home(world, p, None);
    }
    await_offer(world, p, week + 1);
}

/// Seeker `p` leaves by a legal channel for their country's best destination.
fn migrate_legally(world: &mut World, p: usize, week: u32) {
    let home = world.persons.home(p);
    let destination = world.countries[home.index()].best_destination;
    world
        .persons
        .move_to(p, PersonState::SafeMigrant, destination);
    world.counters[home.index()].safe_migrations += 1;
    await_return(world, p, week);
}

/// Draws a network in proportion to its weight, from cumulated weights; `u` is uniform in
/// [0, 1).
fn pick_network(cumulative: &[(NetworkId, f64)], u: f64) -> NetworkId {
    let target = u * cumulative.last().map_or(0.0, |x| x.1);
    let i = cumulative.partition_point(|x| x.1 <= target);
    cumulative
        .get(i)
        .or(cumulative.last())
        .map(|x| x.0)
        .unwrap_or_default()
}

/// Person `p` accepts network `n`'s offer: recruited, in transit on the network's route
/// (false, and nothing done, if the network has no route).
fn recruit(world: &mut World, p: usize, n: NetworkId) -> bool {
    let Some(route) = world.networks[n.index()].route else {
        return false;
    };
    let form = draw_form(&world.form_cumulative, world.rngs.recruitment.random());
    let home = world.persons.home(p);
    // Re-trafficked within two years of coming home after identification: the window in which
    // support protects (step 11). Counted once per identification (recruiting clears it).
    let soon_after_identification =
        world.persons.identified_last_trip(p) && risk_fading(world, p, world.week);
    let counters = &mut world.counters[home.index()];
    counters.recruited_new += 1;
    if world.persons.ever_trafficked(p) {
        counters.re_trafficked += 1;
    }
    if soon_after_identification {
        counters.re_trafficked_identified += 1;
    }
    if form.is_labour_form() {
        counters.recruited_labour_forms += 1;
    }
    world.routes.add(
        route.origin.index(),
        route.transit.map(CountryId::index),
        route.destination.index(),
    );
    let first_leg_ends = world.week + world.model.transit_weeks as u32;
    world
        .persons
        .start_trafficking(p, n, route, form, first_leg_ends);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::world_with;

    fn recruited_after(weeks: u32, edit: impl Fn(&mut crate::scenario::Scenario)) -> u32 {
        let mut w = world_with(edit);
        for p in 0..w.persons.len() {
            w.persons.set_state(p, PersonState::Seeking);
        }
        let mut total = 0;
        for week in 0..weeks {
            w.week = week;
            recruitment(&mut w);
            total += w.counters.iter().map(|c| c.recruited_new).sum::<u32>();
            w.counters.iter_mut().for_each(|c| *c = Default::default());
        }
        total
    }

    #[test]
    fn no_networks_means_no_recruitment() {
        assert_eq!(
            recruited_after(5, |s| s.countries.iter_mut().for_each(|c| c
                .params
                .numbers
                .network_density =
                0.0)),
            0
        );
    }

    #[test]
    fn awareness_lowers_recruitment() {
        let low = recruited_after(4, |s| s.countries[0].params.numbers.awareness = 0.0);
        let high = recruited_after(4, |s| s.countries[0].params.numbers.awareness = 1.0);
        assert!(low > 0);
        // Full awareness removes awareness_effect (70 %) of acceptances.
        assert!((high as f64) < 0.5 * low as f64, "low {low}, high {high}");
    }

    #[test]
    fn offers_come_in_proportion_to_weight() {
        // Weights 1 and 3, cumulated.
        let w = [(NetworkId(0), 1.0), (NetworkId(1), 4.0)];
        assert_eq!(pick_network(&w, 0.2), NetworkId(0));
        assert_eq!(pick_network(&w, 0.3), NetworkId(1));
        assert_eq!(pick_network(&w, 0.999), NetworkId(1));
    }
}
