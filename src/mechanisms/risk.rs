//! A person's risk this week, read by migration (step 2) and recruitment (step 3) and set by
//! the returns of step 11: the vulnerability drawn at build raised by shocks, and the risk a
//! person returned from trafficking carries, concentrated in the first two years. Their
//! hazard of leaving home and their chance of accepting a deceptive offer are multiplied by
//!
//! `1 + retraffic_boost × max(0, 1 − weeks since return / retraffic_weeks) × s`
//!
//! (the products capped at 1), with `s = 1 − support_protection` if the return followed
//! support, else 1.

use crate::world::World;
use crate::world::persons::NEVER;

/// A person's vulnerability this week: drawn at build, raised by shocks, capped at 1.
pub fn effective_vulnerability(world: &World, p: usize) -> f64 {
    let persons = &world.persons;
    let shock = world.countries[persons.home(p).index()].shock;
    (persons.vulnerability(p) as f64 * shock).min(1.0)
}

/// The multiplier of a returnee's risk in `week` (1 for anyone else). It multiplies a
/// probability, not the vulnerability, so that it is not lost under the cap of
/// vulnerability at 1 for the poorest.
pub fn returnee_risk(world: &World, p: usize, week: u32) -> f64 {
    let persons = &world.persons;
    let returned = persons.returned(p);
    if returned == NEVER {
        return 1.0;
    }
    let fading = (1.0 - (week - returned) as f64 / world.model.retraffic_weeks).max(0.0);
    let shield = if persons.returned_supported(p) {
        1.0 - world.model.support_protection
    } else {
        1.0
    };
    1.0 + world.model.retraffic_boost * fading * shield
}

/// Whether person `p`'s extra risk as a returnee is still fading in `week`.
pub fn risk_fading(world: &World, p: usize, week: u32) -> bool {
    let returned = world.persons.returned(p);
    returned != NEVER
        && world.model.retraffic_boost > 0.0
        && ((week - returned) as f64) < world.model.retraffic_weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;

    #[test]
    fn returnees_are_at_higher_risk_for_two_years_and_support_shields() {
        let mut w = small_world();
        assert_eq!(returnee_risk(&w, 0, 10), 1.0);
        w.persons.send_home(0, Some((10, false)));
        let unsupported = returnee_risk(&w, 0, 10);
        let halfway = returnee_risk(&w, 0, 10 + 52);
        let later = returnee_risk(&w, 0, 10 + 104);
        w.persons.send_home(0, Some((10, true)));
        let supported = returnee_risk(&w, 0, 10);
        let boost = w.model.retraffic_boost;
        assert!((unsupported - (1.0 + boost)).abs() < 1e-12);
        assert!((halfway - (1.0 + boost / 2.0)).abs() < 1e-12);
        assert_eq!(later, 1.0);
        assert!(supported > 1.0 && supported < unsupported);
        assert!(risk_fading(&w, 0, 10 + 103));
        assert!(!risk_fading(&w, 0, 10 + 104));
    }
}
