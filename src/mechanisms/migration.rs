//! Step 2, migration pressure (MODEL.md §2): persons at home start seeking work abroad with a
//! weekly hazard that grows with their vulnerability and with the wage gap to the destinations
//! they can reach.
//!
//! `hazard = min(1, seek_rate × v_eff × wage_gap × returnee risk)`, where `v_eff` is the
//! person's vulnerability raised by shocks and capped at 1, the returnee risk is step 11's
//! multiplier for a recent return from trafficking, and
//! `wage_gap = max(0, max over countries reachable within two borders of wage_d − wage_home)`.
//!
//! Scheduling (see `world::calendar`): a person at home waits in the migration calendar for a
//! candidate week, a geometric waiting time drawn at an upper bound of their hazard (the
//! hazard rounded up onto the grid of [`GridBound`], whose rates are tabulated: no logarithm
//! per draw), and is then accepted with the ratio of their hazard to the bound (thinning,
//! exact in discrete time). A recent returnee's extra risk fades week by week, so their
//! hazard when scheduled bounds their later ones. When a country's wage gap or shock changes,
//! the waiting times of its persons at home are drawn again. With [`Scheduling::Weekly`]
//! everyone is asked every week instead: the plain reference the calendar is tested against.

use rand::Rng;

use super::risk::{effective_vulnerability, returnee_risk};
use super::seeking::await_offer;
use crate::world::calendar::GridBound;
use crate::world::persons::NEVER;
use crate::world::{CountryId, PersonState, Roster, Scheduling, Wheel, World};

/// The best wage gain reachable from `c` within two border crossings, and where it is (ties
/// go to the first found; `c` itself when nothing pays more).
pub fn wage_gap(world: &World, c: CountryId) -> (f64, CountryId) {
    let wage = |x: CountryId| world.country(x).params.numbers.wage;
    let mut best = (0.0, c);
    let mut consider = |d: CountryId| {
        let gain = wage(d) - wage(c);
        if d != c && gain > best.0 {
            best = (gain, d);
        }
    };
    for &t in &world.country(c).borders {
        consider(t);
        for &d in &world.country(t).borders {
            consider(d);
        }
    }
    best
}

/// The weekly hazard that person `p`, at home, starts seeking in `week`.
pub fn seek_hazard(world: &World, p: usize, week: u32) -> f64 {
    let gap = world.country(world.persons.home(p)).wage_gap;
    let hazard = world.model.seek_rate * effective_vulnerability(world, p) * gap;
    (hazard * returnee_risk(world, p, week)).min(1.0)
}

/// Puts person `p`, just arrived at home, where they wait to leave from `first_week` on.
pub fn await_departure(world: &mut World, p: usize, first_week: u32) {
    if world.scheduling == Scheduling::Weekly {
        cancel_departure(world, p);
        world.persons.set_home_weekly(p, true);
    } else {
        schedule_departure(world, p, first_week);
    }
}

fn cancel_departure(world: &mut World, p: usize) {
    if world.persons.due(p) != NEVER {
        world.persons.set_due(p, NEVER);
        world.seek_calendar.supersede();
    }
}

/// Draws the week person `p` will be asked to start seeking, from `first_week` on, at a bound
/// of the hazard they have in `first_week` (that hazard rounded up onto the grid). Their
/// hazard only falls from then on (a returnee's fading risk) until a change of wage gap or
/// shock, which redraws: the person is woken at a candidate week and leaves with probability
/// `hazard now / bound` (thinning), else is scheduled again from the next week.
fn schedule_departure(world: &mut World, p: usize, first_week: u32) {
    cancel_departure(world, p);
    let bound = GridBound::at_least(seek_hazard(world, p, first_week));
    if let Some(k) = bound.wait(&mut world.rngs.migration) {
        let due = first_week.saturating_add(k);
        world.persons.set_due_with_bound(p, due, bound.hazard);
        world.seek_calendar.push(due, p as u32);
    }
}

/// Whether person `p`, woken by the calendar in `week`, leaves: with probability `hazard now
/// / bound` (below 1 by the grid's rounding, and by a returnee's fading risk).
fn accept_candidate(world: &mut World, p: usize, week: u32) -> bool {
    let ratio = seek_hazard(world, p, week) / world.persons.seek_bound(p) as f64;
    ratio >= 1.0 || world.rngs.migration.random::<f64>() < ratio
}

/// Refreshes every country's wage gap; returns whether the hazards of its persons changed.
fn refresh_wage_gaps(world: &mut World) {
    for c in 0..world.n_countries() {
        refresh_wage_gap(world, CountryId::new(c));
    }
}

/// Refreshes country `c`'s wage gap and best destination (they depend on the wages near it);
/// returns whether the departure hazards of its persons changed since they were drawn.
fn refresh_wage_gap(world: &mut World, c: CountryId) -> bool {
    let (gap, destination) = wage_gap(world, c);
    let country = &mut world.countries[c.index()];
    country.wage_gap = gap;
    country.best_destination = destination;
    let changed = (gap, country.shock) != country.scheduled_with;
    country.scheduled_with = (gap, country.shock);
    changed
}

/// Person `p` starts seeking in `week`: step 3 asks them from this week on.
fn start_seeking(world: &mut World, p: usize, week: u32) {
    world.persons.set_state(p, PersonState::Seeking);
    await_offer(world, p, week);
}

/// At build: every person starts at home, waiting to leave from week 0 on.
pub fn schedule_everyone(world: &mut World) {
    refresh_wage_gaps(world);
    for p in 0..world.persons.len() {
        await_departure(world, p, 0);
    }
}

pub fn migration_pressure(world: &mut World) {
    let week = world.week;
    if world.scheduling == Scheduling::Calendar {
        // A country's gap depends on wages only, not on other countries' gaps: each can be
        // refreshed and its persons redrawn in turn.
        for c in (0..world.n_countries()).map(CountryId::new) {
            if !refresh_wage_gap(world, c) {
                continue;
            }
            for p in world.persons.of_country(c) {
                if world.persons.state(p) == PersonState::Home {
                    schedule_departure(world, p, week);
                }
            }
        }
    } else {
        refresh_wage_gaps(world);
        let weekly = world.roster_snapshot(Roster::HomeWeekly);
        for &p in &weekly {
            let p = p as usize;
            if world.rngs.migration.random::<f64>() < seek_hazard(world, p, week) {
                start_seeking(world, p, week);
            }
        }
        world.return_scratch(weekly);
    }
    world.wake_due(Wheel::Seek, PersonState::Home, week, |world, p| {
        if accept_candidate(world, p, week) {
            start_seeking(world, p, week);
        } else {
            schedule_departure(world, p, week + 1);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::{small_world, world_with};

    #[test]
    fn the_richest_country_has_no_wage_gap() {
        let w = small_world();
        assert_eq!(wage_gap(&w, CountryId::new(2)).0, 0.0);
        assert_eq!(wage_gap(&w, CountryId::new(0)).1, CountryId::new(2));
        assert!(wage_gap(&w, CountryId::new(0)).0 > 0.5);
    }

    #[test]
    fn seeking_grows_with_vulnerability() {
        let seekers = |poverty: f64| {
            let mut w = world_with(|s| s.countries[0].params.numbers.poverty = poverty);
            for week in 0..10 {
                w.week = week;
                migration_pressure(&mut w);
            }
            (0..w.persons.len())
                .filter(|&p| w.persons.home(p) == CountryId::new(0))
                .filter(|&p| w.persons.state(p) == PersonState::Seeking)
                .count()
        };
        let (poor, rich) = (seekers(0.9), seekers(0.1));
        assert!(poor > 3 * rich, "poor {poor}, rich {rich}");
    }
}
