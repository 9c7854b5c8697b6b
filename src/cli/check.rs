//! `palermo check`: validate scenarios (and their `[sweep]` sections) without running them,
//! with one `ok:` line per valid file on stdout and every problem of every file as errors.

use std::io;
use std::path::PathBuf;

use clap::Args;

use super::common::{duplicate_names, load, overrides, print_line, sweep_plan};
use super::error::CliError;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Override a parameter in every scenario before validating (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Runs `palermo check`.
pub fn execute(args: &CheckArgs) -> Result<(), CliError> {
    let overrides = overrides(&args.set, &[])?;
    let mut errors = Vec::new();
    let mut scenarios = Vec::new();
    let mut stdout = io::stdout().lock();
    for path in &args.scenarios {
        let checked = load(path, &overrides).and_then(|s| {
            let plan = sweep_plan(path, s.clone(), false)?;
            Ok((s, plan))
        });
        match checked {
            Ok((s, plan)) => {
                let sweep = plan.map_or(String::new(), |p| {
                    format!(
                        "; sweep: {} of {} points × {} replicates = {} runs",
                        p.spec.design.name(),
                        p.point_count(),
                        p.replicates,
                        p.runs()
                    )
                });
                let line = format!(
                    "ok: {} ({} countries, {} weeks, {} replicates{sweep})",
                    path.display(),
                    s.countries.len(),
                    s.run.weeks,
                    s.run.replicates
                );
                print_line(&mut stdout, &line)?;
                scenarios.push(s);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.extend(duplicate_names(&scenarios));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::BadInput(errors))
    }
}
