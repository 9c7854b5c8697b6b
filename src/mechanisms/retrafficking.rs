//! Step 11, re-trafficking (MODEL.md §2): persons come home (supported victims at the end of
//! their support, safe migrants with weekly probability `safe_return_rate`). A person returned
//! from trafficking carries a raised vulnerability, concentrated in the first two years:
//!
//! `v_eff = min(1, v × shock × (1 + retraffic_boost × max(0, 1 − weeks since return / 104) × s))`
//!
//! with `s = 1 − support_protection` if the return followed support, else 1. Deportees and
//! those who escaped return unsupported (steps 5 and 6).

use rand::Rng;

use crate::world::{PersonState, World, persons::NEVER};

/// Weeks over which the extra risk of a returnee fades to zero.
pub const RISK_WINDOW_WEEKS: f64 = 104.0;

/// A person's vulnerability this week, as migration and recruitment see it.
pub fn effective_vulnerability(world: &World, p: usize, week: u32) -> f64 {
    let persons = &world.persons;
    let base = persons.vulnerability[p] as f64 * world.countries[persons.home[p].index()].shock;
    let returned = persons.returned[p];
    if returned == NEVER {
        return base.min(1.0);
    }
    let fading = (1.0 - (week - returned) as f64 / RISK_WINDOW_WEEKS).max(0.0);
    let shield = if persons.returned_supported[p] {
        1.0 - world.model.support_protection
    } else {
        1.0
    };
    (base * (1.0 + world.model.retraffic_boost * fading * shield)).min(1.0)
}

pub fn returns_and_retrafficking(world: &mut World) {
    let week = world.week;
    let safe_return = world.model.safe_return_rate;
    for p in 0..world.persons.len() {
        let state = world.persons.state[p];
        match state {
            PersonState::InSupport if world.persons.until[p] <= week => {
                world.persons.return_home(p, week, true);
            }
            PersonState::SafeMigrant if world.rngs.retrafficking.random::<f64>() < safe_return => {
                world.persons.state[p] = PersonState::Home;
                world.persons.location[p] = world.persons.home[p];
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;

    #[test]
    fn returnees_are_more_vulnerable_for_two_years_and_support_shields() {
        let mut w = small_world();
        w.persons.vulnerability[0] = 0.4;
        let fresh = effective_vulnerability(&w, 0, 10);
        w.persons.return_home(0, 10, false);
        let unsupported = effective_vulnerability(&w, 0, 10);
        let later = effective_vulnerability(&w, 0, 10 + 104);
        w.persons.return_home(0, 10, true);
        let supported = effective_vulnerability(&w, 0, 10);
        assert!((fresh - 0.4).abs() < 1e-6);
        assert!((unsupported - 0.8).abs() < 1e-6);
        assert!((later - 0.4).abs() < 1e-6);
        assert!(supported > fresh && supported < unsupported);
    }
}
