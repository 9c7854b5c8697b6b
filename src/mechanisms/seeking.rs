//! The offer calendar of step 3 (MODEL.md §2): when something may happen to a seeker, drawn
//! once instead of asking every seeker every week.
//!
//! Each week a seeker from country `c` is recruited with probability `r = q_c × a_p` (an offer,
//! with this week's offer probability `q_c`, taken with the person's acceptance `a_p`), else
//! leaves by a legal channel with probability `l_c` (when `c` has a better destination), else
//! gives up with probability `g` (`seek_giveup`): something happens with probability
//! `H = 1 − (1 − r)(1 − l_c)(1 − g)`. `q_c` changes every week with the networks' effort, and
//! `a_p` falls as a returnee's risk fades, so `H` is not constant; it is bounded by
//! `B = 1 − (1 − Q_c A_p)(1 − L_c)(1 − g)`, with ceilings `Q_c ≥ q_c`, `L_c ≥ l_c` and a
//! shock ceiling per country ([`OfferCeiling`]) and `A_p` the person's acceptance at the
//! ceilings, without awareness, at the week they are scheduled (a returnee's risk only falls
//! from then on). A seeker waits a geometric time at hazard `B` for a candidate week; woken,
//! the person meets each outcome with probability (its weekly probability) / `B`, or nothing
//! and is scheduled again from the next week (thinning: exact in discrete time). When a
//! country's offer probability, legal channel or shock passes its ceiling, or the offer
//! probability falls far below it, the ceilings are set again and the country's seekers are
//! drawn again (exact by memorylessness). With [`Scheduling::Weekly`] every seeker is asked
//! every week instead (`recruitment.rs`): the reference `tests/it/calendar.rs` compares this
//! with.

use super::risk::returnee_risk;
use crate::world::calendar::GridBound;
use crate::world::persons::NEVER;
use crate::world::{CountryId, OfferCeiling, PersonState, Scheduling, World};

/// The ceiling of the offer probability is set this much above this week's value, so that
/// the weekly ups and downs of effort seldom pass it.
const OFFER_HEADROOM: f64 = 1.5;

/// A ceiling this many times above this week's offer probability is lowered (the bound
/// would waste most candidate weeks).
const OFFER_SLACK: f64 = 3.0;

/// Person `p`'s chance of taking an offer in `week`: `accept_max × v_eff × returnee risk ×
/// (1 − awareness_effect if aware)`, at most 1, with the vulnerability raised by `shock`.
pub fn acceptance(world: &World, p: usize, week: u32, shock: f64, aware: bool) -> f64 {
    let v_eff = (world.persons.vulnerability(p) as f64 * shock).min(1.0);
    let awareness = 1.0 - world.model.awareness_effect * if aware { 1.0 } else { 0.0 };
    (world.model.accept_max * v_eff * returnee_risk(world, p, week) * awareness).min(1.0)
}

/// The bound `B` of seeker `p`'s weekly chance of an event from `week` on, rounded up onto
/// the grid of [`GridBound`] (the same value draws the wait and, stored, thins it).
fn offer_bound(world: &World, p: usize, week: u32) -> GridBound {
    let home = world.persons.home(p);
    let ceiling = world.countries[home.index()].offer_ceiling;
    let offer = ceiling.offer * acceptance(world, p, week, ceiling.shock, false);
    let none = (1.0 - offer) * (1.0 - ceiling.legal) * (1.0 - world.model.seek_giveup);
    GridBound::at_least(1.0 - none)
}

/// Schedules seeker `p`'s next candidate week, from `first_week` on (the same week
/// included: step 3 asks a person who started seeking in step 2 that week). Nothing with
/// [`Scheduling::Weekly`], where step 3 asks every seeker.
pub fn await_offer(world: &mut World, p: usize, first_week: u32) {
    if world.scheduling == Scheduling::Weekly {
        return;
    }
    if world.persons.due(p) != NEVER {
        world.persons.set_due(p, NEVER);
        world.offer_calendar.supersede();
    }
    let bound = offer_bound(world, p, first_week);
    if let Some(k) = bound.wait(&mut world.rngs.recruitment) {
        let due = first_week.saturating_add(k);
        world.persons.set_due_with_bound(p, due, bound.hazard);
        world.offer_calendar.push(due, p as u32);
    }
}

/// Sets the ceilings of every country whose offer probability (already this week's),
/// `legal_migration` or shock passed them, or whose offer probability fell far below its
/// ceiling, and draws that country's seekers again from `week` on. Returns how many
/// countries were redrawn.
pub fn refresh_offer_ceilings(world: &mut World, week: u32) -> usize {
    let mut redrawn = 0;
    for country in &mut world.countries {
        let q = country.offer_probability;
        let legal = country.params.numbers.legal_migration;
        let ceiling = country.offer_ceiling;
        if q > ceiling.offer
            || q * OFFER_SLACK < ceiling.offer
            || legal > ceiling.legal
            || country.shock > ceiling.shock
        {
            country.offer_ceiling = OfferCeiling {
                offer: (q * OFFER_HEADROOM).min(1.0),
                legal,
                shock: country.shock,
                set_in: week,
            };
            redrawn += 1;
        }
    }
    if redrawn == 0 {
        return 0;
    }
    // Seekers are on no roster in a calendar run (only the weekly reference visits them
    // there): a redrawn country's are found among its persons, in index order. The order of
    // the redraws does not matter to their law (each is a fresh wait, by memorylessness).
    for c in (0..world.n_countries()).map(CountryId::new) {
        if world.countries[c.index()].offer_ceiling.set_in != week {
            continue;
        }
        for p in world.persons.of_country(c) {
            if world.persons.state(p) == PersonState::Seeking {
                await_offer(world, p, week);
            }
        }
    }
    redrawn
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;

    #[test]
    fn a_redraw_reaches_every_seeker_of_the_redrawn_country_and_no_other() {
        let mut w = small_world();
        let (origin, transit) = (CountryId::new(0), CountryId::new(1));
        // Every country's ceiling set at week 0, then some seekers in two countries.
        w.countries
            .iter_mut()
            .for_each(|c| c.offer_probability = 0.01);
        refresh_offer_ceilings(&mut w, 0);
        let seekers: Vec<usize> = (w.persons.of_country(origin).step_by(7))
            .chain(w.persons.of_country(transit).step_by(5))
            .collect();
        for &p in &seekers {
            w.persons.set_state(p, PersonState::Seeking);
            await_offer(&mut w, p, 0);
        }
        let dues = |w: &World| {
            seekers
                .iter()
                .map(|&p| w.persons.due(p))
                .collect::<Vec<_>>()
        };
        let (before, entries) = (dues(&w), w.offer_calendar.len());

        // Origin's offer probability passes its ceiling in week 3: only its seekers are
        // drawn again, from week 3 on, each with one new calendar entry.
        w.countries[origin.index()].offer_probability = 0.2;
        assert_eq!(refresh_offer_ceilings(&mut w, 3), 1);
        let of_origin = |p: usize| w.persons.home(p) == origin;
        let redrawn = seekers.iter().filter(|&&p| of_origin(p)).count();
        assert!(redrawn > 100 && redrawn < seekers.len());
        assert_eq!(w.offer_calendar.len(), entries + redrawn);
        let after = dues(&w);
        for ((&p, &old), &new) in seekers.iter().zip(&before).zip(&after) {
            if of_origin(p) {
                assert!(new >= 3 && new != NEVER, "person {p}: due {new}");
            } else {
                assert_eq!(new, old, "person {p} of another country was redrawn");
            }
        }
        // Most of Origin's waits changed (a redraw at a higher bound).
        let changed = seekers
            .iter()
            .zip(before.iter().zip(&after))
            .filter(|(p, (old, new))| of_origin(**p) && old != new)
            .count();
        assert!(changed * 10 > redrawn * 8, "{changed} of {redrawn}");
    }
}
