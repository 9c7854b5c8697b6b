//! Step 2, migration pressure (MODEL.md §2): persons at home start seeking work abroad with a
//! weekly hazard that grows with their vulnerability and with the wage gap to the destinations
//! they can reach.
//!
//! `hazard = seek_rate × v_eff × wage_gap`, where `v_eff` is the person's vulnerability raised
//! by shocks and by a recent return from trafficking (step 11) and capped at 1, and
//! `wage_gap = max(0, max over countries reachable within two borders of wage_d − wage_home)`.

use rand::Rng;

use super::retrafficking::effective_vulnerability;
use crate::world::{CountryId, PersonState, World};

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

pub fn migration_pressure(world: &mut World) {
    for i in 0..world.n_countries() {
        let (gap, destination) = wage_gap(world, CountryId::new(i));
        world.countries[i].wage_gap = gap;
        world.countries[i].best_destination = destination;
    }
    let week = world.week;
    let seek_rate = world.model.seek_rate;
    for p in 0..world.persons.len() {
        if world.persons.state[p] != PersonState::Home {
            continue;
        }
        let home = world.persons.home[p];
        let gap = world.country(home).wage_gap;
        if gap <= 0.0 {
            continue;
        }
        let hazard = seek_rate * effective_vulnerability(world, p, week) * gap;
        if world.rngs.migration.random::<f64>() < hazard {
            world.persons.state[p] = PersonState::Seeking;
        }
    }
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
                .filter(|&p| w.persons.state[p] == PersonState::Seeking)
                .count()
        };
        let (poor, rich) = (seekers(0.9), seekers(0.1));
        assert!(poor > 3 * rich, "poor {poor}, rich {rich}");
    }
}
