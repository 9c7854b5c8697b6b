//! Step 9, intelligence sharing (MODEL.md §2): after an arrest, the agency shares what it
//! learned about the network with each partner country where the network has free members,
//! with probability `cooperation(i, j)`. Shared evidence is a cross-border request: it needs
//! dual criminality, or it is a jurisdiction failure (counted under that cause; a partner that
//! does not cooperate is never asked, so sharing counts no refusal). The partner gets a lead on the network's
//! member there; at or above `joint_threshold` the two run a joint investigation instead: one
//! case opened at once, outside the partner's queue and capacity, in half the time.

use rand::Rng;

use super::investigation::{
    FailureCause, add_lead, case_evidence, count_failure, start_investigation,
};
use crate::world::{CaseSource, CountryId, TraffickerState, World};

pub fn intelligence_sharing(world: &mut World) {
    let arrests = std::mem::take(&mut world.arrests);
    for arrest in &arrests {
        let i = arrest.agency;
        let network = world.traffickers[arrest.trafficker.index()].network;
        for j in 0..world.n_countries() {
            let j = CountryId::new(j);
            if j == i {
                continue;
            }
            // The first active member of the network working in j, if any.
            let Some(target) = world.networks[network.index()]
                .members
                .iter()
                .copied()
                .find(|m| {
                    let m = &world.traffickers[m.index()];
                    m.country == j && m.state == TraffickerState::Active
                })
            else {
                continue;
            };
            let level = world.cooperation.level(i, j);
            if world.rngs.intelligence.random::<f64>() >= level {
                continue;
            }
            world.counter(i).intelligence_shared += 1;
            world.counter(i).cross_border_requests += 1;
            if !world.dual_criminality(i, j, arrest.form) {
                count_failure(world, i, FailureCause::DualCriminality);
                continue;
            }
            if level >= world.model.joint_threshold {
                world.counter(j).joint_investigations += 1;
                let evidence = case_evidence(world, arrest.form, world.model.evidence_joint);
                start_investigation(world, j, target, arrest.form, evidence, CaseSource::Joint);
            } else {
                add_lead(
                    world,
                    j,
                    target,
                    arrest.form,
                    world.model.evidence_intelligence,
                    CaseSource::Shared,
                );
            }
        }
    }
    world.arrests = arrests;
    world.arrests.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;
    use crate::params::Offence;
    use crate::scenario::CooperationSpec;
    use crate::world::{Arrest, Cooperation, Role};

    /// An arrest of network 0's exploiter, shared with all cooperation at `level` and the
    /// joint-investigation threshold at `threshold`.
    fn after_arrest(level: f64, threshold: f64) -> World {
        let mut w = small_world();
        w.model.joint_threshold = threshold;
        w.cooperation = Cooperation::from_spec(
            &CooperationSpec {
                default: level,
                blocs: vec![],
                pairs: vec![],
            },
            3,
        );
        let exploiter = w.networks[0]
            .members
            .iter()
            .copied()
            .find(|t| w.traffickers[t.index()].role == Role::Exploiter)
            .expect("an exploiter");
        let agency = w.traffickers[exploiter.index()].country;
        w.arrests.push(Arrest {
            agency,
            trafficker: exploiter,
            form: Offence::Labour,
        });
        intelligence_sharing(&mut w);
        w
    }

    fn sum(w: &World, f: fn(&crate::metrics::WeekCounters) -> u32) -> u32 {
        w.counters.iter().map(f).sum()
    }

    #[test]
    fn no_cooperation_no_sharing() {
        let w = after_arrest(0.0, 0.7);
        assert_eq!(sum(&w, |c| c.intelligence_shared), 0);
        assert_eq!(sum(&w, |c| c.leads), 0);
    }

    #[test]
    fn full_cooperation_above_the_threshold_runs_joint_investigations() {
        let w = after_arrest(1.0, 0.7);
        // The network works in the origin (recruiters) and the transit country (transporters).
        assert_eq!(sum(&w, |c| c.intelligence_shared), 2);
        assert_eq!(sum(&w, |c| c.joint_investigations), 2);
        assert!(
            w.agencies
                .iter()
                .flat_map(|a| &a.investigations)
                .all(|i| i.joint)
        );
    }

    #[test]
    fn below_the_threshold_partners_get_leads() {
        let w = after_arrest(0.999, 1.0);
        assert_eq!(sum(&w, |c| c.joint_investigations), 0);
        assert_eq!(sum(&w, |c| c.leads), sum(&w, |c| c.intelligence_shared));
        assert!(sum(&w, |c| c.leads) > 0);
    }
}
