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
    let mut replicate_run = ReplicateRun::with(scenario, replicate, scheduling);
    let mut weeks = Vec::with_capacity(scenario.run.weeks as usize);
    while let Some(countries) = replicate_run.next_week() {
        weeks.push(countries.to_vec());
    }
    replicate_run.finish(weeks)
}

/// One replicate run a recorded week at a time, its world hidden: what a front end that shows
/// weeks as they come (the page of `palermo serve`) steps, and what [`run_replicate`] itself
/// steps, so that the weeks it yields are exactly those of `palermo run`.
pub struct ReplicateRun {
    world: World,
    seed: u64,
    replicate: u32,
    /// Recorded weeks still to run.
    weeks_left: u32,
    victims_at_start: u64,
    at_risk: u64,
    /// The world row of each recorded week so far, for the summary.
    world_rows: Vec<WeekCounters>,
}

impl ReplicateRun {
    /// Builds replicate `replicate` of a scenario and runs its burn-in, so that the next week
    /// is the first recorded one. Takes as long as the burn-in.
    pub fn new(scenario: &Scenario, replicate: u32) -> ReplicateRun {
        ReplicateRun::with(scenario, replicate, Scheduling::Calendar)
    }

    fn with(scenario: &Scenario, replicate: u32, scheduling: Scheduling) -> ReplicateRun {
        let seed = run_seed(scenario.run.seed, replicate);
        let mut world = initial_world(scenario, seed, scheduling);
        // Policies and shocks count their weeks from the first recorded week.
        let burn_in = scenario.run.burn_in;
        world.policies.iter_mut().for_each(|p| p.week += burn_in);
        world.shocks.iter_mut().for_each(|s| s.week += burn_in);
        world
            .dismantlings
            .iter_mut()
            .for_each(|d| d.week += burn_in);
        advance(&mut world, burn_in);
        // The recorded weeks begin: the per-run rates count what happens from here on, so
        // that each is a share of something also counted (docs/OUTPUTS.md).
        world.persons.forget_identifications();
        let victims_at_start = world.persons.victims();
        ReplicateRun {
            world,
            seed,
            replicate,
            weeks_left: scenario.run.weeks,
            victims_at_start,
            at_risk: scenario.world_at_risk(),
            world_rows: Vec::with_capacity(scenario.run.weeks as usize),
        }
    }

    /// The run's seed, from the scenario's seed and the replicate.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs the next recorded week; returns its counters per country (in scenario order), or
    /// `None` once every recorded week has run.
    pub fn next_week(&mut self) -> Option<&[WeekCounters]> {
        if self.weeks_left == 0 {
            return None;
        }
        self.weeks_left -= 1;
        step(&mut self.world);
        self.world_rows.push(world_total(&self.world.counters));
        Some(&self.world.counters)
    }

    /// The run's result once its weeks have run: `weeks` are the per-country counters the
    /// caller kept (empty if it kept none); the summary counts every recorded week that ran.
    pub fn finish(self, weeks: Vec<Vec<WeekCounters>>) -> RunResult {
        RunResult {
            seed: self.seed,
            replicate: self.replicate,
            summary: RunSummary::from_world_weeks(
                &self.world_rows,
                self.at_risk,
                self.victims_at_start,
            ),
            weeks,
        }
    }
}
