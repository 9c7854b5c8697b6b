//! The memory check of `run`, `sweep` and `compare`, before anything is allocated or created:
//! the estimate of [`crate::budget`] against what [`crate::budget::machine`] says this process
//! may use. A batch that cannot run even one run at a time is refused (exit 2) with what it
//! would need, what there is and what to change; one that fits with fewer threads runs with
//! fewer, saying so on stderr (the results do not depend on the number of threads).

use std::num::NonZeroUsize;

use super::error::CliError;
use crate::budget::machine::{self, LIMIT_VAR};
use crate::budget::{Demand, Fit, RunSize, fit, human_bytes};
use crate::sweep::exec;

/// The threads to run with: `threads` (all cores if `None`) when they fit, fewer when they
/// do not, an error when one run alone does not. `size` is the largest run of the batch.
pub fn check(
    size: RunSize,
    demand: &Demand,
    threads: Option<NonZeroUsize>,
) -> Result<Option<NonZeroUsize>, CliError> {
    let Some(available) = machine::available().map_err(|e| CliError::BadInput(vec![e]))? else {
        return Ok(threads);
    };
    let wanted = exec::thread_count(threads);
    match fit(demand, wanted, available.bytes) {
        Fit::Fits { .. } => Ok(threads),
        Fit::Fewer {
            threads: fewer,
            wanted_bytes,
            ..
        } => {
            eprintln!(
                "palermo: {wanted} runs at once would need about {} of memory, and {} is {}: running {fewer} at once instead (the results are the same; see docs/PERFORMANCE.md, \"Cost model\")",
                human_bytes(wanted_bytes),
                available.source,
                human_bytes(available.bytes),
            );
            Ok(NonZeroUsize::new(fewer))
        }
        Fit::TooBig { needed } => Err(CliError::BadInput(vec![format!(
            "not enough memory: one run of {} persons ({} countries) for {} weeks needs about {} (estimated from {} bytes a person and the weekly rows; see docs/PERFORMANCE.md, \"Cost model\"), and {} is only {}. Run fewer persons (the countries' at_risk, e.g. --set all.at_risk=N) or fewer weeks (--weeks N), or on a machine with more memory; {LIMIT_VAR} sets the memory palermo plans for. Nothing was run or written.",
            size.persons,
            size.countries,
            size.weeks,
            human_bytes(needed),
            crate::budget::PERSON_BYTES,
            available.source,
            human_bytes(available.bytes),
        )])),
    }
}
