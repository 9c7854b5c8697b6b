//! Step 8, prosecution (MODEL.md §2): an arrest opens a prosecution in the country where the
//! suspect was arrested (or extradited to). After `trial_weeks` the verdict:
//!
//! - judicial corruption: with probability `corruption × judicial_corruption` of that country,
//!   if the network can pay
//!   `bribe_cost`, the case is bought off (a bribed case and an acquittal);
//! - otherwise conviction with probability
//!   `conviction_base × coverage × (0.5 + 0.5 × evidence)`, where coverage is 1 if the form is
//!   criminalized there and `uncovered_conviction` if only other charges are available.
//!
//! The convicted are imprisoned for `max(1, round(penalty × max_sentence_weeks))` weeks; the
//! acquitted and the released go back to their network (or retire if it was dismantled).

use rand::Rng;

use super::investigation::pay_bribe;
use crate::world::{TraffickerId, TraffickerState, World};

pub fn prosecution(world: &mut World) {
    let week = world.week;
    for t in 0..world.traffickers.len() {
        let id = TraffickerId::new(t);
        match world.traffickers[t].state {
            TraffickerState::Arrested => {
                let Some(case) = world.traffickers[t].case else {
                    continue;
                };
                world.counter(case.country).prosecutions += 1;
                let tr = &mut world.traffickers[t];
                tr.state = TraffickerState::Prosecuted;
                tr.until = week + world.model.trial_weeks as u32;
            }
            TraffickerState::Prosecuted if world.traffickers[t].until <= week => verdict(world, id),
            TraffickerState::Imprisoned if world.traffickers[t].until <= week => world.release(id),
            _ => {}
        }
    }
}

/// The probability of conviction of a case with this evidence, in a country that does or does
/// not criminalize the form.
pub fn conviction_probability(world: &World, criminalized: bool, evidence: f64) -> f64 {
    let coverage = if criminalized {
        1.0
    } else {
        world.model.uncovered_conviction
    };
    world.model.conviction_base * coverage * (0.5 + 0.5 * evidence)
}

fn verdict(world: &mut World, t: TraffickerId) {
    let tr = &world.traffickers[t.index()];
    let (Some(case), network) = (tr.case, tr.network) else {
        return;
    };
    let c = case.country;
    let n = &world.country(c).params.numbers;
    let (corruption, penalty) = (n.corruption, n.penalty);
    let rng = &mut world.rngs.prosecution;
    let bribe_taken = rng.random::<f64>() < corruption * world.model.judicial_corruption;
    let conviction_draw = rng.random::<f64>();
    if bribe_taken && pay_bribe(world, network, c) {
        world.counter(c).acquittals += 1;
        return world.release(t);
    }
    let p = conviction_probability(world, world.criminalizes(c, case.form), case.evidence);
    if conviction_draw < p {
        world.counter(c).convictions += 1;
        if case.form.is_labour_form() {
            world.counter(c).convictions_labour_forms += 1;
        }
        if case.cross_border {
            world.counter(c).convictions_cross_border += 1;
        }
        let sentence = (penalty * world.model.max_sentence_weeks).round().max(1.0) as u32;
        let tr = &mut world.traffickers[t.index()];
        tr.state = TraffickerState::Imprisoned;
        tr.until = world.week + sentence;
    } else {
        world.counter(c).acquittals += 1;
        world.release(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::small_world;

    #[test]
    fn conviction_needs_coverage_and_grows_with_evidence() {
        let w = small_world();
        let covered = conviction_probability(&w, true, 1.0);
        assert!((covered - w.model.conviction_base).abs() < 1e-12);
        assert!(conviction_probability(&w, true, 0.0) < covered);
        assert!(conviction_probability(&w, false, 1.0) < covered);
    }
}
