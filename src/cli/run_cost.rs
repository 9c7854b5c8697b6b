//! `palermo run --dry-run`: what the runs would cost, from [`crate::budget`]: how many, the
//! approximate time on the threads asked for, the memory at the peak and the size of the
//! output. Nothing is run or created.

use std::io;
use std::num::NonZeroUsize;

use super::common::print_line;
use super::error::CliError;
use crate::budget::machine;
use crate::budget::{BatchCost, Fit, fit, human_bytes};
use crate::sweep::exec;

/// Prints the cost of the runs on `threads` threads (all cores if `None`).
pub fn print(cost: &BatchCost, threads: Option<NonZeroUsize>) -> Result<(), CliError> {
    let threads = exec::thread_count(threads);
    let demand = cost.demand();
    let size = cost.largest;
    let mut lines = vec![
        format!(
            "{} runs, the largest of {} persons in {} countries for {} weeks (after {} weeks of burn-in)",
            cost.runs, size.persons, size.countries, size.weeks, size.burn_in
        ),
        format!(
            "time: {} on {threads} thread{} (approximate: {:.1} ns a person-week, measured on a 2-core machine; see docs/PERFORMANCE.md)",
            human_seconds(cost.seconds(threads)),
            if threads == 1 { "" } else { "s" },
            if size.persons >= crate::budget::LARGE_WORLD {
                crate::budget::NS_PER_PERSON_WEEK_LARGE
            } else {
                crate::budget::NS_PER_PERSON_WEEK
            }
        ),
        format!(
            "memory: about {} at the peak ({} a run in progress, {threads} at once, and up to {} finished runs waiting to be written)",
            human_bytes(demand.total(threads)),
            human_bytes(demand.per_run),
            exec::window(threads)
        ),
        format!(
            "output: about {} (timeseries.csv and summary.csv)",
            human_bytes(cost.output_bytes)
        ),
    ];
    let available = machine::available().map_err(|e| CliError::BadInput(vec![e]))?;
    if let Some(available) = available {
        let verdict = match fit(&demand, threads, available.bytes) {
            Fit::Fits { .. } => "fits".to_string(),
            Fit::Fewer { threads: fewer, .. } => {
                format!("would run {fewer} at once instead of {threads}")
            }
            Fit::TooBig { .. } => "would be refused: one run does not fit".to_string(),
        };
        lines.push(format!(
            "this machine: {} is {}: {verdict}",
            available.source,
            human_bytes(available.bytes)
        ));
    }
    let mut out = io::stdout().lock();
    for line in lines {
        print_line(&mut out, &line)?;
    }
    Ok(())
}

/// Seconds as a person reads them: `about 40 s`, `about 12 min`, `about 3.5 h`.
fn human_seconds(s: f64) -> String {
    if s < 1.0 {
        "less than a second".into()
    } else if s < 120.0 {
        format!("about {s:.0} s")
    } else if s < 7200.0 {
        format!("about {:.0} min", s / 60.0)
    } else {
        format!("about {:.1} h", s / 3600.0)
    }
}
