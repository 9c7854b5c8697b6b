//! Step 4, transit (MODEL.md §2): a trafficked person spends `transit_weeks` on each leg of the
//! route; at the end of a leg they cross into the next country, where they are detected with
//! probability `border_control × training × (1 − corruption)` of that country. A detection
//! identifies the victim and gives that country's agency a lead on the network's transporter
//! (a cross-border lead when the transporter works elsewhere).
//!
//! Victims of a dismantled network are freed where they are and identified by police.

use rand::Rng;

use super::investigation::add_lead;
use crate::params::Offence;
use crate::world::persons::PREFETCH_CHUNK;
use crate::world::{
    CaseSource, Channel, CountryId, Identification, NetworkId, PersonState, Role, Roster,
    Scheduling, World,
};

/// Chance that a trafficked person crossing into `c` is detected.
pub fn border_detection(world: &World, c: CountryId) -> f64 {
    let n = &world.country(c).params.numbers;
    n.border_control * n.training * (1.0 - n.corruption)
}

pub fn transit(world: &mut World) {
    let week = world.week;
    let moving = world.roster_snapshot(Roster::InTransit);
    for (i, &p) in moving.iter().enumerate() {
        if i % PREFETCH_CHUNK == 0 {
            let chunk = &moving[i..(i + PREFETCH_CHUNK).min(moving.len())];
            world.persons.prefetch_trips(chunk);
        }
        let p = p as usize;
        let trip = world.persons.trip[p];
        let network = trip.network;
        if world.networks[network.index()].dismantled {
            identify(world, p, world.persons.location(p), Channel::Police);
            continue;
        }
        if trip.until != week {
            continue;
        }
        let next = match (trip.legs_done, trip.transit) {
            (0, Some(t)) => t,
            _ => trip.destination,
        };
        if world.rngs.transit.random::<f64>() < border_detection(world, next) {
            identify(world, p, next, Channel::Border);
            world.networks[network.index()].observed_risk[next.index()] += 1.0;
            lead_on_transporter(world, network, next, world.persons.form(p));
            continue;
        }
        world.persons.trip[p].legs_done += 1;
        if next == trip.destination {
            world.persons.move_to(p, PersonState::Exploited, next);
            if world.scheduling == Scheduling::Calendar {
                world.arrivals.push(p as u32);
            }
        } else {
            world.persons.set_location(p, next);
            world.counters[next.index()].transit_flow += 1;
            world.persons.trip[p].until = week + world.model.transit_weeks as u32;
        }
    }
    world.return_scratch(moving);
}

/// Marks person `p` as identified in `country` this week; step 6 decides what follows.
pub fn identify(world: &mut World, p: usize, country: CountryId, channel: Channel) {
    world.persons.set_location(p, country);
    world.persons.mark_identified(p);
    world.identified.push(Identification {
        person: p as u32,
        country,
        channel,
    });
    let c = world.counter(country);
    c.identified_total += 1;
    match channel {
        Channel::Border => c.identified_border += 1,
        Channel::Inspection => c.identified_inspection += 1,
        Channel::Police => c.identified_police += 1,
        Channel::Ngo => c.identified_ngo += 1,
        Channel::SelfReport => c.identified_self += 1,
        Channel::SelfExit => c.identified_self_exit += 1,
    }
}

/// The agency of `country` gets a lead on a free transporter of `network`, if it has one and
/// the form is a crime in `country` (an uncriminalized form gives no case).
fn lead_on_transporter(world: &mut World, network: NetworkId, country: CountryId, form: Offence) {
    if !world.criminalizes(country, form) {
        return;
    }
    if let Some(t) = super::investigation::free_member(world, network, Role::Transporter) {
        add_lead(
            world,
            country,
            t,
            form,
            world.model.evidence_border,
            CaseSource::Domestic,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::mechanisms::testkit::{run_weeks, world_with};

    #[test]
    fn zero_border_control_gives_no_border_identifications() {
        let w = run_weeks(
            world_with(|s| {
                for c in &mut s.countries {
                    c.params.numbers.border_control = 0.0;
                }
            }),
            60,
        );
        let total: u64 = w.total(|x| x.identified_border);
        let moved: u64 = w.total(|x| x.transit_flow);
        assert_eq!(total, 0);
        assert!(
            moved > 0,
            "the test world must move victims through transit"
        );
    }

    #[test]
    fn full_border_control_detects_every_crossing() {
        let w = run_weeks(
            world_with(|s| {
                for c in &mut s.countries {
                    c.params.numbers.border_control = 1.0;
                    c.params.numbers.training = 1.0;
                    c.params.numbers.corruption = 0.0;
                }
                // Networks must not be deterred from recruiting by the strong enforcement.
                s.model.deterrence = 0.0;
            }),
            30,
        );
        let border: u64 = w.total(|x| x.identified_border);
        assert!(border > 0);
        assert_eq!(w.total(|x| x.exploited), 0);
        assert_eq!(w.total(|x| x.transit_flow), 0);
    }
}
