//! Step 12, metrics (MODEL.md §2): completes the week's counters with the stocks at the end of
//! the week. Flows were counted by the mechanisms as they happened.
//!
//! Attribution: persons at home or seeking count in their home country; persons in transit,
//! exploited, safe migrants and persons in support count where they are. Free traffickers
//! count where they work, imprisoned ones where they serve; networks in their origin country;
//! running investigations at their agency.

use crate::world::{PersonState, TraffickerState, World};

pub fn record_week(world: &mut World) {
    let persons = &world.persons;
    let counters = &mut world.counters;
    for p in 0..persons.len() {
        let state = persons.state[p];
        let place = match state {
            PersonState::Home | PersonState::Seeking => persons.home[p],
            _ => persons.location[p],
        };
        let c = &mut counters[place.index()];
        match state {
            PersonState::Home => c.at_home += 1,
            PersonState::Seeking => c.seeking += 1,
            PersonState::SafeMigrant => c.safe_migrants += 1,
            PersonState::InTransit => c.in_transit += 1,
            PersonState::Exploited => c.exploited += 1,
            PersonState::InSupport => c.in_support += 1,
        }
    }
    for t in &world.traffickers {
        let c = &mut counters[t.country.index()];
        if t.is_free() {
            c.traffickers_active += 1;
        } else if t.state == TraffickerState::Imprisoned {
            c.traffickers_imprisoned += 1;
        }
    }
    for n in &world.networks {
        if !n.dismantled {
            counters[n.origin.index()].networks_active += 1;
        }
    }
    for (c, agency) in world.agencies.iter().enumerate() {
        counters[c].investigations_running = agency.investigations.len() as u32;
    }
}
