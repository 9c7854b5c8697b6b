//! The only loop over weeks: builds a run's world, steps it week by week and collects the
//! counters into a [`RunResult`]. A run is a pure function of (scenario, replicate).

use crate::mechanisms::{initialize, step_week};
use crate::metrics::{RunResult, RunSummary, WeekCounters, world_total};
use crate::rng::run_seed;
use crate::scenario::Scenario;
use crate::world::build::build_world;
use crate::world::{Scheduling, World};

/// The world of one run at week 0: its state built from the scenario and the run seed, then
/// completed by the mechanisms (networks, perceived risk, calendars).
pub fn initial_world(scenario: &Scenario, run_seed: u64, scheduling: Scheduling) -> World {
    let mut world = build_world(scenario, run_seed, scheduling);
    initialize(&mut world);
    world
}

/// One week: fresh counters, the twelve steps, then the clock moves on.
fn step(world: &mut World) {
    world
        .counters
        .iter_mut()
        .for_each(|c| *c = WeekCounters::default());
    step_week(world);
    world.week += 1;
}

/// Steps `world` for `weeks` weeks from its current week; returns `[week][country]` counters.
pub fn simulate(world: &mut World, weeks: u32) -> Vec<Vec<WeekCounters>> {
    (0..weeks)
        .map(|_| {
            step(world);
            world.counters.clone()
        })
        .collect()
}

/// Steps `world` for `weeks` weeks without recording them.
pub fn advance(world: &mut World, weeks: u32) {
    (0..weeks).for_each(|_| step(world));
}

/// Runs replicate `replicate` of a scenario: `burn_in` unrecorded weeks, then `weeks` recorded
/// ones. Policies and shocks count their weeks from the first recorded week.
pub fn run_replicate(scenario: &Scenario, replicate: u32) -> RunResult {
    run_replicate_with(scenario, replicate, Scheduling::Calendar)
}

/// The same with a choice of scheduling: [`Scheduling::Weekly`] is the plain week-by-week
/// reference the calendar is tested against (same model, same distribution of outcomes,
/// different random draws).
pub fn run_replicate_with(
    scenario: &Scenario,
    replicate: u32,
    scheduling: Scheduling,
) -> RunResult {
    let seed = run_seed(scenario.run.seed, replicate);
    let mut world = initial_world(scenario, seed, scheduling);
    let burn_in = scenario.run.burn_in;
    world.policies.iter_mut().for_each(|p| p.week += burn_in);
    world.shocks.iter_mut().for_each(|s| s.week += burn_in);
    advance(&mut world, burn_in);
    // The recorded weeks begin: the per-run rates count what happens from here on, so that
    // each is a share of something also counted (docs/OUTPUTS.md).
    world.persons.forget_identifications();
    let victims_at_start = world.persons.victims();
    let weeks = simulate(&mut world, scenario.run.weeks);
    let world_rows: Vec<WeekCounters> = weeks.iter().map(|w| world_total(w)).collect();
    let summary =
        RunSummary::from_world_weeks(&world_rows, scenario.world_at_risk(), victims_at_start);
    RunResult {
        seed,
        replicate,
        summary,
        weeks,
    }
}
