//! Step 12, metrics (MODEL.md §2): completes the week's counters with the stocks at the end of
//! the week (kept up to date by `Persons` at every change, so reading them costs nothing). Flows were counted by the mechanisms as they happened.
//!
//! Attribution: persons at home or seeking count in their home country; persons in transit,
//! exploited, safe migrants and persons in support count where they are. Free traffickers
//! count where they work, imprisoned ones where they serve; networks in their origin country;
//! running investigations at their agency.

use crate::world::{CountryId, PersonState, TraffickerState, World};

pub fn record_week(world: &mut World) {
    let counters = &mut world.counters;
    for (i, c) in counters.iter_mut().enumerate() {
        let stock = |s| world.persons.stock(CountryId::new(i), s);
        c.at_home = stock(PersonState::Home);
        c.seeking = stock(PersonState::Seeking);
        c.safe_migrants = stock(PersonState::SafeMigrant);
        c.in_transit = stock(PersonState::InTransit);
        c.exploited = stock(PersonState::Exploited);
        c.in_support = stock(PersonState::InSupport);
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
