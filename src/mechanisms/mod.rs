//! The weekly process of MODEL.md §2: [`step_week`] calls one function per step, in
//! MODEL.md's order; [`initialize`] sets up, once, what the mechanisms own in a newly built
//! world. Each step is a small function over the explicit world state, drawing
//! from its own named random stream, and only adds to the week's counters.

pub mod adaptation;
pub mod coming_forward;
pub mod dismantling;
pub mod exploitation;
pub mod intelligence;
pub mod investigation;
pub mod migration;
pub mod policy;
pub mod prosecution;
pub mod record;
pub mod recruitment;
pub mod retrafficking;
pub mod risk;
pub mod support;
pub mod transit;

#[cfg(test)]
mod properties;
#[cfg(test)]
pub mod testkit;

use crate::world::World;

/// Completes a world just built by [`world::build::build_world`](crate::world::build::build_world)
/// with what the mechanisms own, in this order: the structural risk networks perceive (step
/// 10), the networks founded on the routes they choose by it (step 10), and the first
/// waiting times of persons at home (step 2).
pub fn initialize(world: &mut World) {
    adaptation::init_structural_risk(world);
    adaptation::found_networks(world);
    world.persons.track_networks(world.networks.len());
    migration::schedule_everyone(world);
}

/// One week of the world, in the order of MODEL.md §2.
pub fn step_week(world: &mut World) {
    policy::apply_policy_schedule(world); //             1. policy schedule and shocks
    migration::migration_pressure(world); //             2. migration pressure
    recruitment::recruitment(world); //                  3. recruitment
    transit::transit(world); //                          4. transit and border detection
    exploitation::exploitation(world); //                5. exploitation and identification
    support::victim_support(world); //                   6. victim support and testimony
    investigation::investigation(world); //              7. investigation
    prosecution::prosecution(world); //                  8. prosecution
    intelligence::intelligence_sharing(world); //        9. intelligence sharing
    adaptation::network_adaptation(world); //            10. network adaptation
    retrafficking::returns_and_retrafficking(world); //  11. re-trafficking
    record::record_week(world); //                       12. metrics
}
