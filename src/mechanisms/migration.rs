//! Step 2, migration pressure (MODEL.md §2): persons at home start seeking work abroad with a
//! weekly hazard that grows with their vulnerability and with the wage gap to the destinations
//! they can reach.
//!
//! `hazard = min(1, seek_rate × v_eff × wage_gap × returnee risk)`, where `v_eff` is the
//! person's vulnerability raised by shocks and capped at 1, the returnee risk is step 11's
//! multiplier for a recent return from trafficking, and
//! `wage_gap = max(0, max over countries reachable within two borders of wage_d − wage_home)`.
//!
//! Scheduling (see `world::calendar`): a person whose hazard is constant waits in the migration
//! calendar for a geometric waiting time; a recent returnee, whose extra risk fades week by
//! week, is asked every week. When a country's wage gap or shock changes, the waiting times
//! of its persons at home are drawn again. With [`Scheduling::Weekly`] everyone is asked every
//! week instead: the plain reference the calendar is tested against.

use rand::Rng;

use super::retrafficking::{effective_vulnerability, returnee_risk, risk_fading};
use crate::world::calendar::geometric_weeks;
use crate::world::persons::NEVER;
use crate::world::{CountryId, PersonState, Roster, Scheduling, World};

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
    let gap = world.country(world.persons.home[p]).wage_gap;
    let hazard = world.model.seek_rate * effective_vulnerability(world, p) * gap;
    (hazard * returnee_risk(world, p, week)).min(1.0)
}

/// Whether a person at home must be asked week by week rather than wait in the calendar.
fn asked_weekly(world: &World, p: usize, week: u32) -> bool {
    world.scheduling == Scheduling::Weekly || risk_fading(world, p, week)
}

/// Puts person `p`, just arrived at home, where they wait to leave from `first_week` on.
pub fn await_departure(world: &mut World, p: usize, first_week: u32) {
    if asked_weekly(world, p, first_week) {
        cancel_departure(world, p);
        world.persons.set_home_weekly(p, true);
    } else {
        schedule_departure(world, p, first_week);
    }
}

fn cancel_departure(world: &mut World, p: usize) {
    if world.persons.due[p] != NEVER {
        world.persons.due[p] = NEVER;
        world.seek_calendar.supersede();
    }
}

/// Draws the week person `p` will start seeking, at the hazard they have now, from
/// `first_week` on.
fn schedule_departure(world: &mut World, p: usize, first_week: u32) {
    cancel_departure(world, p);
    let hazard = seek_hazard(world, p, first_week);
    let u = world.rngs.migration.random::<f64>();
    if let Some(k) = geometric_weeks(hazard, u) {
        let due = first_week.saturating_add(k);
        world.persons.due[p] = due;
        world.seek_calendar.push(due, p as u32);
    }
}

/// Refreshes every country's wage gap; returns whether the hazards of its persons changed.
fn refresh_wage_gaps(world: &mut World) -> Vec<bool> {
    (0..world.n_countries())
        .map(|i| {
            let (gap, destination) = wage_gap(world, CountryId::new(i));
            let c = &mut world.countries[i];
            c.wage_gap = gap;
            c.best_destination = destination;
            let changed = (gap, c.shock) != c.scheduled_with;
            c.scheduled_with = (gap, c.shock);
            changed
        })
        .collect()
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
    let changed = refresh_wage_gaps(world);
    if world.scheduling == Scheduling::Calendar {
        for (c, _) in changed.iter().enumerate().filter(|x| *x.1) {
            for p in world.persons.of_country(CountryId::new(c)) {
                if world.persons.state(p) == PersonState::Home
                    && !world.persons.on_roster(p, Roster::HomeWeekly)
                {
                    schedule_departure(world, p, week);
                }
            }
        }
    }
    let mut weekly = std::mem::take(&mut world.scratch);
    weekly.clear();
    weekly.extend_from_slice(world.persons.roster(Roster::HomeWeekly));
    for &p in &weekly {
        let p = p as usize;
        if !asked_weekly(world, p, week) {
            // The returnee's extra risk is over: from now on a constant hazard.
            world.persons.set_home_weekly(p, false);
            schedule_departure(world, p, week);
        } else if world.rngs.migration.random::<f64>() < seek_hazard(world, p, week) {
            world.persons.set_state(p, PersonState::Seeking);
        }
    }
    world.scratch = weekly;
    let mut due_now = std::mem::take(&mut world.scratch);
    world.seek_calendar.take_due(week, &mut due_now);
    for &p in &due_now {
        let p = p as usize;
        if world.persons.due[p] != week || world.persons.state(p) != PersonState::Home {
            continue;
        }
        world.persons.due[p] = NEVER;
        world.persons.set_state(p, PersonState::Seeking);
    }
    world.scratch = due_now;
    let persons = &world.persons;
    world.seek_calendar.compact_if_stale(|due, p| {
        persons.due[p as usize] == due && persons.state(p as usize) == PersonState::Home
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
                .filter(|&p| w.persons.home[p] == CountryId::new(0))
                .filter(|&p| w.persons.state(p) == PersonState::Seeking)
                .count()
        };
        let (poor, rich) = (seekers(0.9), seekers(0.1));
        assert!(poor > 3 * rich, "poor {poor}, rich {rich}");
    }
}
