//! Step 5, after an escape (MODEL.md §2 step 5 and §5, "most exits are not through
//! enforcement"): whether a victim who has just escaped exploitation comes forward to the
//! authorities of the destination `d` (police, an NGO, a hotline) and so becomes a case they
//! know of, or goes home unknown to them.
//!
//! An escapee comes forward with probability
//! `come_forward × (awareness_d + ngo_d + protection_d) / 3`, where `protection_d` is the chance
//! of being supported in `d` (`support::support_probability`: the state's support or an NGO's
//! referral) when `d` criminalizes the form, and 0 when it does not. Awareness means knowing
//! one was trafficked and where to turn (campaigns, hotlines); NGO presence, someone to turn
//! to; protection, the expectation of help rather than deportation: where the form is no crime
//! the person would be deported as an immigration case (step 6), and the fear of it keeps them
//! silent. A victim who comes forward is identified in `d` through the channel
//! [`Channel::SelfExit`] (counted in `identified_self_exit` as well as `escaped`), and step 6
//! supports or deports them and may take their testimony like any other identified person.
//!
//! Coming forward happens in the week of the escape, in the destination: the model does not
//! follow an escapee home, and a person at home has no state in which a later report could
//! find them (docs/ODD.md §7.5 records the choice). The draw uses its own stream, and none is
//! made when the chance is 0, so that `come_forward = 0` leaves every other draw as it was.

use rand::Rng;

use super::retrafficking::come_home;
use super::support::support_probability;
use super::transit::identify;
use crate::params::Offence;
use crate::world::{Channel, CountryId, World};

/// The chance that a victim of `form` who escapes exploitation in `d` comes forward.
pub fn come_forward_probability(world: &World, d: CountryId, form: Offence) -> f64 {
    let n = &world.country(d).params.numbers;
    let protection = if world.criminalizes(d, form) {
        support_probability(world, d)
    } else {
        0.0
    };
    world.model.come_forward * (n.awareness + n.ngo + protection) / 3.0
}

/// Person `p` has just escaped exploitation in `d` (and was counted in `escaped`): they come
/// forward and are identified there, or go home unsupported, unknown to the authorities.
pub fn after_escape(world: &mut World, p: usize, d: CountryId) {
    let chance = come_forward_probability(world, d, world.persons.form(p));
    if chance > 0.0 && world.rngs.coming_forward.random::<f64>() < chance {
        identify(world, p, d, Channel::SelfExit);
    } else {
        come_home(world, p, Some((world.week, false)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::{run_weeks, small_world, total, world_with};
    use crate::params::OffenceSet;
    use crate::scenario::Scenario;

    const DESTINATION: usize = 2;

    /// The destination with full awareness, NGO presence and support, so that the chance of
    /// coming forward is `come_forward` itself; escapes made frequent.
    fn open_destination(s: &mut Scenario, come_forward: f64) {
        let n = &mut s.countries[DESTINATION].params.numbers;
        n.awareness = 1.0;
        n.ngo = 1.0;
        n.victim_support = 1.0;
        s.model.escape_rate = 0.05;
        s.model.come_forward = come_forward;
    }

    #[test]
    fn the_chance_follows_awareness_ngo_and_protection() {
        let mut w = small_world();
        let d = CountryId::new(DESTINATION);
        w.model.come_forward = 0.6;
        let n = &mut w.countries[DESTINATION].params.numbers;
        (n.awareness, n.ngo, n.victim_support) = (1.0, 1.0, 1.0);
        assert!((come_forward_probability(&w, d, Offence::Labour) - 0.6).abs() < 1e-12);
        // Where the form is no crime the escapee would be deported: no protection to expect.
        w.countries[DESTINATION].params.offences = OffenceSet::EMPTY;
        let feared = come_forward_probability(&w, d, Offence::Labour);
        assert!((feared - 0.6 * 2.0 / 3.0).abs() < 1e-12, "{feared}");
        let n = &mut w.countries[DESTINATION].params.numbers;
        (n.awareness, n.ngo) = (0.0, 0.0);
        assert_eq!(come_forward_probability(&w, d, Offence::Labour), 0.0);
        w.model.come_forward = 0.0;
        w.countries[DESTINATION].params.offences = OffenceSet::palermo();
        assert_eq!(come_forward_probability(&w, d, Offence::Sexual), 0.0);
    }

    #[test]
    fn the_share_of_escapees_who_come_forward_is_the_chance() {
        let trace = run_weeks(world_with(|s| open_destination(s, 0.4)), 120);
        let rows = trace.country(DESTINATION);
        let escaped = total(&rows, |x| x.escaped) as f64;
        let forward = total(&rows, |x| x.identified_self_exit) as f64;
        assert!(escaped > 200.0, "escaped {escaped}");
        // A binomial share: within 3.5 standard errors of 0.4.
        let share = forward / escaped;
        let se = (0.4 * 0.6 / escaped).sqrt();
        assert!((share - 0.4).abs() < 3.5 * se, "share {share} of {escaped}");
        // They are identifications like any other, counted where they escaped.
        let identified = total(&rows, |x| x.identified_total) as f64;
        assert!(identified >= forward);
        // Counted where they escaped: the world's count adds the few exploited in Transit.
        assert!(trace.total(|x| x.identified_self_exit) as f64 >= forward);
    }

    #[test]
    fn those_who_come_forward_are_supported_and_testify() {
        let trace = run_weeks(
            world_with(|s| {
                open_destination(s, 1.0);
                // No other way to be identified: every identification is a self-exit.
                s.model.police_rate = 0.0;
                s.model.inspection_rate = 0.0;
                s.model.ngo_rate = 0.0;
                s.model.self_report_rate = 0.0;
                s.model.rescue_share = 0.0;
                for c in &mut s.countries {
                    c.params.numbers.border_control = 0.0;
                }
            }),
            80,
        );
        let rows = trace.country(DESTINATION);
        let forward = total(&rows, |x| x.identified_self_exit);
        assert!(forward > 50, "forward {forward}");
        assert_eq!(forward, total(&rows, |x| x.escaped));
        assert_eq!(forward, total(&rows, |x| x.identified_total));
        // victim_support = 1: every one of them is supported, and their testimony gives leads.
        assert_eq!(forward, total(&rows, |x| x.supported));
        assert!(total(&rows, |x| x.testimonies) > 0);
        assert!(total(&rows, |x| x.leads) > 0);
    }

    #[test]
    fn no_one_comes_forward_at_zero_and_the_run_is_unchanged() {
        let trace = run_weeks(world_with(|s| open_destination(s, 0.0)), 80);
        assert!(trace.total(|x| x.escaped) > 50);
        assert_eq!(trace.total(|x| x.identified_self_exit), 0);
    }

    #[test]
    fn fear_of_deportation_keeps_escapees_silent() {
        let forward = |offences: OffenceSet| {
            let trace = run_weeks(
                world_with(|s| {
                    open_destination(s, 1.0);
                    s.countries[DESTINATION].params.offences = offences;
                }),
                80,
            );
            let rows = trace.country(DESTINATION);
            let share = |c: fn(&_) -> u32| total(&rows, c) as f64;
            (
                share(|x| x.identified_self_exit) / share(|x| x.escaped),
                share(|x| x.deported),
            )
        };
        let (protected, _) = forward(OffenceSet::palermo());
        let (unprotected, deported) = forward(OffenceSet::EMPTY);
        // All of them where support is certain; about two thirds where they would be deported.
        assert!(protected > 0.99, "{protected}");
        assert!((0.5..0.8).contains(&unprotected), "{unprotected}");
        assert!(deported > 0.0);
    }
}
