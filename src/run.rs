//! The only loop over weeks (in progress: the model is being written; this returns zeros).
use crate::metrics::{RunResult, RunSummary, WeekCounters};
use crate::scenario::Scenario;

/// Runs replicate `replicate` of a scenario: a pure function of (scenario, replicate).
pub fn run_replicate(scenario: &Scenario, replicate: u32) -> RunResult {
    let seed = crate::rng::run_seed(scenario.run.seed, replicate);
    let weeks: Vec<Vec<WeekCounters>> =
        vec![vec![WeekCounters::default(); scenario.countries.len()]; scenario.run.weeks as usize];
    let world: Vec<WeekCounters> = weeks
        .iter()
        .map(|w| {
            let mut t = WeekCounters::default();
            w.iter().for_each(|c| t.add(c));
            t
        })
        .collect();
    RunResult {
        seed,
        replicate,
        summary: RunSummary::from_world_weeks(&world, scenario.world_at_risk()),
        weeks,
    }
}
