//! `palermo compare`: two scenarios replicate by replicate (B − A, common random numbers), or
//! two points of a finished sweep, as a table on stdout and, with `--out`, `compare.csv` (and
//! for two scenarios `manifest.json`). The pairing, the runs, the statistics and the files are
//! [`crate::sweep::compare`]'s; this file checks the input, shows progress and prints.

use std::io;
use std::path::PathBuf;

use clap::Args;

use super::common::{SettingsArgs, ThreadsArg, command_line, load_all, print_text, progress_bar};
use super::error::CliError;
use super::memory;
use crate::budget::{Demand, RunSize};
use crate::output::manifest::now_rfc3339;
use crate::output::{self, Invocation, Manifest, OutputError};
use crate::sweep::compare::{self, Outcomes};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two scenario files A and B, or the output directory of a sweep with --points I J.
    #[arg(required = true, num_args = 1..=2, value_name = "A B | SWEEP_DIR")]
    pub inputs: Vec<PathBuf>,
    /// Compare points I (A) and J (B) of the sweep in SWEEP_DIR, from its summary.csv.
    #[arg(long, num_args = 2, value_names = ["I", "J"])]
    pub points: Option<Vec<usize>>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Also write compare.csv (and, for two scenarios, manifest.json) into DIR; created if
    /// absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace compare.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// Also write report.html into DIR: the differences as a forest plot and a table
    /// (palermo report DIR).
    #[arg(long, requires = "out")]
    pub report: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// What is compared: A's and B's outcomes, the heading of the table, and the manifest to
/// write with `compare.csv` (two scenarios only).
struct Paired {
    a: Outcomes,
    b: Outcomes,
    heading: String,
    manifest: Option<String>,
}

/// Runs `palermo compare`.
pub fn execute(args: &CompareArgs) -> Result<(), CliError> {
    let paired = if let Some(points) = &args.points {
        points_of_sweep(args, points[0], points[1])?
    } else {
        two_scenarios(args)?
    };
    let rows = compare::compare(&paired.a, &paired.b);
    if let Some(dir) = &args.out {
        compare::write(dir, args.force, &rows, paired.manifest.as_deref())?;
        if args.report {
            super::report::write_beside(dir, args.force, args.quiet)?;
        }
    }
    let mut stdout = io::stdout().lock();
    print_text(
        &mut stdout,
        &format!("{}\n{}", paired.heading, compare::table(&rows)),
    )
}

fn bad(message: &str) -> CliError {
    CliError::BadInput(vec![message.to_string()])
}

/// `--points I J`: points `i` (A) and `j` (B) of the finished sweep whose directory is given.
fn points_of_sweep(args: &CompareArgs, i: usize, j: usize) -> Result<Paired, CliError> {
    let [dir] = args.inputs.as_slice() else {
        return Err(bad(
            "--points compares two points of one sweep: give its output directory only",
        ));
    };
    if !args.settings.is_empty() {
        return Err(bad(
            "--points reads a finished sweep: --replicates, --seed, --weeks and --set do not apply",
        ));
    }
    let (a, b) = compare::from_sweep(dir, i, j)?;
    let heading = format!(
        "B − A: point {j} minus point {i} of {}, paired by replicate ({} pairs)",
        dir.display(),
        a.len().min(b.len())
    );
    Ok(Paired {
        a,
        b,
        heading,
        manifest: None,
    })
}

/// Two scenario files A and B, each run for the same replicates.
fn two_scenarios(args: &CompareArgs) -> Result<Paired, CliError> {
    let [a_path, b_path] = args.inputs.as_slice() else {
        return Err(bad(
            "compare needs two scenarios A and B (or a sweep directory with --points I J)",
        ));
    };
    let started = now_rfc3339();
    let overrides = args.settings.overrides()?;
    let (scenarios, errors) = load_all(&[a_path.clone(), b_path.clone()], &overrides);
    if !errors.is_empty() {
        return Err(CliError::BadInput(errors));
    }
    let [sa, sb] = [&scenarios[0], &scenarios[1]];
    let replicates = compare::paired_replicates(sa, sb)?;
    // Refuse an unusable --out before running anything; it is checked again when writing.
    if let Some(dir) = &args.out {
        output::check_target(dir, args.force)?;
    }
    let size = RunSize::of(sa).max(RunSize::of(sb));
    let threads = memory::check(size, &Demand::of_outcomes(size), args.threads.count)?;
    let bar = progress_bar(2 * u64::from(replicates), args.quiet);
    let (a, b, threads) = compare::run_pair(sa, sb, replicates, threads, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let crn = if sa.run.seed == sb.run.seed {
        "common random numbers: replicate r of both runs with the same seed"
    } else {
        "different run.seed: the pairs share no randomness, so the interval is wide"
    };
    let heading = format!(
        "B − A: {} minus {}, paired by replicate ({replicates} pairs; {crn})",
        sb.path, sa.path
    );
    let manifest = Manifest::new(
        &scenarios,
        2 * replicates as usize,
        Invocation {
            command_line: command_line(),
            threads,
            started,
            finished: now_rfc3339(),
        },
    );
    let text = serde_json::to_string_pretty(&manifest).map_err(OutputError::from)? + "\n";
    Ok(Paired {
        a,
        b,
        heading,
        manifest: Some(text),
    })
}
