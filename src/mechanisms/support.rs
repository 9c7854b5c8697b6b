//! Step 6, victim support (MODEL.md §2): what happens to each person identified this week.
//!
//! - If the form of exploitation is not criminalized in the identifying country, the person is
//!   an immigration case: deported, with no support, no testimony and no case.
//! - Otherwise the person is supported with probability `support_probability`: by the state
//!   (`victim_support`) or, failing that, by an NGO the person is referred to
//!   (`ngo_referral × ngo`, MODEL.md §1: NGO presence means identification and referral). A
//!   supported person testifies with probability `testimony_supported` and stays in support for `support_weeks`;
//!   an unsupported one testifies with probability `testimony_unsupported` and is deported.
//! - A testimony is the strongest lead: against the network's exploiter and, through the
//!   network, against its recruiter, who usually works in another country.

use rand::Rng;

use super::investigation::{add_lead, free_member};
use super::retrafficking::come_home;
use crate::world::{CaseSource, CountryId, PersonState, Role, World};

pub fn victim_support(world: &mut World) {
    let week = world.week;
    let identified = std::mem::take(&mut world.identified);
    for id in &identified {
        let p = id.person as usize;
        let c = id.country;
        let form = world.persons.form(p);
        if !world.criminalizes(c, form) {
            world.counter(c).deported += 1;
            come_home(world, p, Some((week, false)));
            continue;
        }
        let chance = support_probability(world, c);
        let rng = &mut world.rngs.support;
        let supported = rng.random::<f64>() < chance;
        let testimony_chance = if supported {
            world.model.testimony_supported
        } else {
            world.model.testimony_unsupported
        };
        let testifies = rng.random::<f64>() < testimony_chance;
        if supported {
            world.counter(c).supported += 1;
            world.persons.move_to(p, PersonState::InSupport, c);
            world.persons.trip[p].until = week + world.model.support_weeks as u32;
        } else {
            world.counter(c).deported += 1;
            come_home(world, p, Some((week, false)));
        }
        if testifies {
            world.counter(c).testimonies += 1;
            let network = world.persons.trip[p].network;
            for role in [Role::Exploiter, Role::Recruiter] {
                if let Some(t) = free_member(world, network, role) {
                    let evidence = world.model.evidence_testimony;
                    add_lead(world, c, t, form, evidence, CaseSource::Domestic);
                }
            }
        }
    }
    // Hand the buffer back so that its capacity is reused next week.
    world.identified = identified;
    world.identified.clear();
}

/// The chance that a victim identified in `country` (under a law that covers the form) is
/// supported: by the state, or else through an NGO's referral.
pub fn support_probability(world: &World, country: CountryId) -> f64 {
    let n = &world.country(country).params.numbers;
    1.0 - (1.0 - n.victim_support) * (1.0 - world.model.ngo_referral * n.ngo)
}

#[cfg(test)]
mod tests {
    use crate::mechanisms::testkit::{run_weeks, total, world_with};
    use crate::params::OffenceSet;

    #[test]
    fn an_uncriminalized_form_gives_deportations_and_no_case() {
        let w = run_weeks(
            world_with(|s| {
                s.countries[2].params.offences = OffenceSet::EMPTY;
                s.countries[2].params.numbers.ngo = 1.0;
                s.model.ngo_rate = 0.05;
            }),
            80,
        );
        let identified: u64 = w.total(|x| x.identified_total);
        let deported: u64 = w.total(|x| x.deported);
        assert!(identified > 20, "identified {identified}");
        let destination = w.country(2);
        let sum = |f| total(&destination, f);
        assert!(sum(|x| x.identified_total) > 0);
        assert_eq!(sum(|x| x.identified_total), sum(|x| x.deported));
        assert_eq!(sum(|x| x.supported), 0);
        assert_eq!(sum(|x| x.testimonies), 0);
        assert_eq!(sum(|x| x.leads), 0);
        assert_eq!(sum(|x| x.investigations_opened), 0);
        assert!(deported >= sum(|x| x.deported));
    }

    #[test]
    fn support_drives_testimony() {
        let testimonies = |support: f64| {
            let w = run_weeks(
                world_with(|s| {
                    s.countries[2].params.numbers.victim_support = support;
                    s.countries[2].params.numbers.ngo = 1.0;
                    s.model.ngo_rate = 0.05;
                    // The state's support alone: no NGO referral.
                    s.model.ngo_referral = 0.0;
                }),
                80,
            );
            let rows = w.country(2);
            let t = total(&rows, |x| x.testimonies);
            let i = total(&rows, |x| x.identified_total);
            t as f64 / i.max(1) as f64
        };
        let (none, full) = (testimonies(0.0), testimonies(1.0));
        assert!(full > 0.45 && none < 0.15, "full {full}, none {none}");
    }

    #[test]
    fn ngos_refer_victims_the_state_does_not_support() {
        // The destination supports nobody itself; its NGOs identify many victims.
        let supported_share = |ngo: f64, referral: f64| {
            let w = run_weeks(
                world_with(|s| {
                    s.countries[2].params.numbers.victim_support = 0.0;
                    s.countries[2].params.numbers.ngo = ngo;
                    s.countries[2].params.numbers.labour_inspection = 1.0;
                    s.model.inspection_rate = 0.05;
                    s.model.ngo_rate = 0.05;
                    s.model.ngo_referral = referral;
                }),
                80,
            );
            let rows = w.country(2);
            let supported = total(&rows, |x| x.supported);
            let identified = total(&rows, |x| x.identified_total);
            assert!(identified > 50, "identified {identified}");
            supported as f64 / identified as f64
        };
        assert_eq!(supported_share(0.0, 1.0), 0.0, "no NGO, no referral");
        assert_eq!(supported_share(1.0, 0.0), 0.0, "NGOs that do not refer");
        let half = supported_share(0.5, 1.0);
        assert!((0.35..0.65).contains(&half), "ngo 0.5: {half}");
        assert_eq!(supported_share(1.0, 1.0), 1.0, "every victim referred");
    }
}
