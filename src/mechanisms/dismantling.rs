//! Step 1, targeted dismantlings (MODEL.md §4 and §5, "networks recover"): a police operation
//! that, in the week a `[[dismantle]]` of the scenario names, arrests each trafficker working
//! in its country (active or under investigation; not one hiding abroad) with probability
//! `share`. Each arrest is an ordinary one of step 7 (`investigation::arrest`): it counts in
//! `arrests`, opens a prosecution in step 8, adds to the network's observed risk, lets police
//! free some of an arrested exploiter's victims (the rescue chance, in step 5 of the same week),
//! and gives step 9 something to share with partners. The case is about a form drawn as for
//! proactive police work, with the evidence of police work (`evidence.police`): an operation
//! built on surveillance, not on a victim's testimony.
//!
//! What follows is the networks' own doing (step 10): a network with a free member left fills
//! its vacancies from its revenue and recovers; one with none is dismantled for good.

use rand::Rng;

use super::investigation::{arrest, case_evidence};
use crate::draws::draw_form;
use crate::world::{Case, TraffickerId, TraffickerState, World};

/// Carries out the dismantlings due this week, in file order.
pub fn dismantle(world: &mut World) {
    for i in 0..world.dismantlings.len() {
        let operation = world.dismantlings[i].clone();
        if operation.week != world.week || operation.share <= 0.0 {
            continue;
        }
        let c = operation.country;
        for t in 0..world.traffickers.len() {
            let tr = &world.traffickers[t];
            let here = tr.country == c
                && matches!(
                    tr.state,
                    TraffickerState::Active | TraffickerState::UnderInvestigation
                );
            if !here || world.rngs.dismantling.random::<f64>() >= operation.share {
                continue;
            }
            let form = draw_form(
                &world.police_form_cumulative,
                world.rngs.dismantling.random(),
            );
            let case = Case {
                country: c,
                form,
                evidence: case_evidence(world, form, world.model.evidence_police),
                cross_border: false,
            };
            arrest(world, c, TraffickerId::new(t), case);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::mechanisms::testkit::{run_weeks, world_with};
    use crate::scenario::{Dismantling, Scenario};
    use crate::world::CountryId;

    const WEEK: u32 = 30;

    fn operation(s: &mut Scenario, share: f64) {
        s.run.weeks = 90;
        // Every trafficker's recruiting post is in Origin (country 0).
        s.dismantlings = vec![Dismantling {
            country: CountryId::new(0),
            week: WEEK,
            share,
        }];
    }

    #[test]
    fn an_operation_arrests_in_its_week_and_country_and_networks_recover() {
        let control = run_weeks(world_with(|s| operation(s, 0.0)), 90);
        let hit = run_weeks(world_with(|s| operation(s, 1.0)), 90);
        let w = WEEK as usize;
        // Identical up to the operation (its stream draws nothing before).
        assert_eq!(control.world[..w], hit.world[..w]);
        // Every trafficker in Origin arrested that week (a few posts are refilled by the end
        // of it, step 10): the week's arrests there jump.
        let recruiters = control.countries[w - 1][0].traffickers_active;
        assert!(recruiters >= 6, "traffickers in Origin {recruiters}");
        assert!(hit.countries[w][0].arrests >= recruiters);
        assert!(hit.countries[w][0].traffickers_active <= recruiters / 2);
        // The others (transporters and exploiters elsewhere) keep the networks alive, and
        // their revenue refills the posts within months.
        assert!(hit.world[w].networks_active > 0);
        let late = hit.countries[80][0].traffickers_active;
        assert!(late > recruiters / 2, "{late} of {recruiters}");
        // The arrests go to trial.
        let prosecutions = |t: &crate::mechanisms::testkit::Trace| t.total(|x| x.prosecutions);
        assert!(prosecutions(&hit) > prosecutions(&control));
    }

    #[test]
    fn the_share_is_the_chance_of_each_arrest() {
        let hit = run_weeks(
            world_with(|s| {
                operation(s, 0.5);
                // Four times the networks, so that the count tells a half from none or all.
                s.countries[0].params.numbers.network_density = 40.0;
            }),
            31,
        );
        let w = WEEK as usize;
        let before = hit.countries[w - 1][0].traffickers_active as f64;
        let arrested = hit.countries[w][0].arrests as f64;
        assert!(before >= 30.0, "{before}");
        // Binomial(before, 0.5), give or take the week's ordinary arrests (a handful).
        let sd = (before * 0.25).sqrt();
        assert!(
            (arrested - 0.5 * before).abs() < 3.5 * sd + 3.0,
            "{arrested} of {before}"
        );
    }
}
