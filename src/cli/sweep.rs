//! `palermo sweep`: run the `[sweep]` of a scenario (every point of its design, each for
//! several replicates) through [`crate::sweep::execute`], with a progress bar and a final line
//! saying what was written; `--dry-run` prints the sweep's size instead. [`run_sweep`] also
//! serves `palermo resume`.

use std::io;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::{
    SettingsArgs, SweepProgress, ThreadsArg, command_line, load, print_line, sweep_plan,
};
use super::error::CliError;
use super::memory;
use crate::budget::{self, Demand, RunSize, human_bytes};
use crate::sweep::record::rows_per_week;
use crate::sweep::{self, Level, Plan, Shard, exec};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// A scenario file with a [sweep] section (see docs/SWEEPS.md).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Output directory; created if absent, refused if not empty (see --resume, --force).
    #[arg(long, short, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Continue the interrupted sweep in DIR, skipping finished runs (give the same command
    /// it was started with); starts it if DIR holds none.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Weekly rows of every run in timeseries.csv: none, world (the ALL rows) or countries.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "none")]
    pub timeseries: LevelArg,
    /// Weekly means and 95 % CIs of every point in aggregate.csv: none, world or countries.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "world")]
    pub aggregate: LevelArg,
    /// Start again in a non-empty DIR: discards an unfinished sweep there and replaces the
    /// sweep's files, leaving other files alone.
    #[arg(long)]
    pub force: bool,
    /// Keep the run records (DIR/.runs/) after the results are written.
    #[arg(long)]
    pub keep_runs: bool,
    /// Run only shard K of N (1 ≤ K ≤ N): the runs with run % N = K − 1, kept in DIR for
    /// `palermo merge` (a Slurm job array runs one shard per task; see deploy/slurm/).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Check the sweep and print its size (points, replicates, runs, and a shard's runs),
    /// then stop: nothing is run or written.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write report.html, the charts and tables of the results (palermo report DIR);
    /// with --resume it replaces the report of the same sweep.
    #[arg(long, conflicts_with_all = ["shard", "dry_run"])]
    pub report: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How much weekly data to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    None,
    World,
    Countries,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::None => Level::None,
            LevelArg::World => Level::World,
            LevelArg::Countries => Level::Countries,
        }
    }
}

/// Runs `palermo sweep`.
pub fn execute(args: &SweepArgs) -> Result<(), CliError> {
    let overrides = args.settings.overrides()?;
    let base = load(&args.scenario, &overrides).map_err(|e| CliError::BadInput(vec![e]))?;
    let Some(plan) = sweep_plan(&args.scenario, base, args.settings.replicates.is_some())
        .map_err(|e| CliError::BadInput(vec![e]))?
    else {
        return Err(CliError::BadInput(vec![format!(
            "{}: no [sweep] section: a sweep needs one (see docs/SWEEPS.md); `palermo run` runs a scenario without it",
            args.scenario.display()
        )]));
    };
    if args.dry_run {
        let (_, demand) = sweep_demand(&plan, args.timeseries.into(), args.aggregate.into());
        return print_plan(&plan, args.shard, &demand, args.threads.count);
    }
    if args.report {
        // Refused now, not after the runs: a report of another sweep in the way.
        let target = args.out.join(crate::report::REPORT_FILE);
        crate::report::check_target(&target, args.force || args.resume)
            .or_else(|e| if args.out.exists() { Err(e) } else { Ok(()) })?;
    }
    let options = sweep::Options {
        dir: args.out.clone(),
        timeseries: args.timeseries.into(),
        aggregate: args.aggregate.into(),
        threads: args.threads.count,
        resume: args.resume,
        force: args.force,
        keep_runs: args.keep_runs,
        shard: args.shard,
        command_line: command_line(),
    };
    run_sweep(&plan, &options, args.quiet)?;
    if args.report {
        super::report::write_beside(&args.out, args.force || args.resume, args.quiet)?;
    }
    Ok(())
}

/// Runs a sweep (or a shard) with a progress bar, and says what it did; first checks that
/// its runs fit in memory (`memory.rs`), with fewer threads if need be.
pub fn run_sweep(plan: &Plan, options: &sweep::Options, quiet: bool) -> Result<(), CliError> {
    let (size, demand) = sweep_demand(plan, options.timeseries, options.aggregate);
    let options = &sweep::Options {
        threads: memory::check(size, &demand, options.threads)?,
        ..options.clone()
    };
    let progress = SweepProgress::new(quiet);
    super::signals::running_sweep(&options.dir);
    let report = sweep::execute(plan, options, &progress).map_err(|e| {
        // A disk that filled up or turned read-only: the recorded runs stand.
        match super::signals::how_to_resume(&options.dir) {
            Some(how) if !e.is_bad_input() => {
                CliError::Other(format!("{e}\n{how} once the cause is fixed"))
            }
            _ => CliError::from(e),
        }
    })?;
    progress.bar.finish_and_clear();
    let out = options.dir.display();
    if let (Some(shard), false) = (options.shard, quiet) {
        eprintln!(
            "shard {shard}: recorded {} of the sweep's {} runs in {out}; `palermo merge` assembles all {} shards",
            report.runs,
            plan.runs(),
            shard.count
        );
    } else if !quiet {
        let resumed = if report.resumed > 0 {
            format!(
                ", {} of them read back from the interrupted sweep",
                report.resumed
            )
        } else {
            String::new()
        };
        eprintln!(
            "wrote {} runs ({} points × {} replicates{resumed}) to {out}",
            report.runs, report.points, report.replicates,
        );
    }
    Ok(())
}

/// A bound for every run of the sweep, and what its runs ask of memory when the records keep
/// these levels of weekly data.
fn sweep_demand(plan: &Plan, timeseries: Level, aggregate: Level) -> (RunSize, Demand) {
    let size = budget::sweep_size(plan);
    let countries = plan.base.countries.len();
    let stored = rows_per_week(timeseries.max(aggregate), countries) as u64;
    let aggregate = rows_per_week(aggregate, countries) as u64;
    let mut demand = Demand::of_sweep(size, stored, aggregate);
    demand.once = demand.once.saturating_add(budget::sensitivity_bytes(plan));
    (size, demand)
}

/// `palermo sweep --dry-run`: what the sweep would run, and its memory at the peak.
fn print_plan(
    plan: &Plan,
    shard: Option<Shard>,
    demand: &Demand,
    threads: Option<NonZeroUsize>,
) -> Result<(), CliError> {
    let mut lines = vec![
        format!("sweep of {}", plan.base.path),
        format!(
            "{} design: {} points × {} replicates = {} runs of {} weeks (after {} weeks of burn-in)",
            plan.spec.design.name(),
            plan.point_count(),
            plan.replicates,
            plan.runs(),
            plan.base.run.weeks,
            plan.base.run.burn_in
        ),
        format!("swept: {}", plan.points.paths.join(", ")),
    ];
    let threads = exec::thread_count(threads);
    lines.push(format!(
        "memory: about {} at the peak on {threads} thread{} (see docs/PERFORMANCE.md, \"Cost model\")",
        human_bytes(demand.total(threads)),
        if threads == 1 { "" } else { "s" }
    ));
    if let Some(shard) = shard {
        shard
            .check(plan.runs())
            .map_err(|e| CliError::BadInput(vec![e]))?;
        lines.push(format!(
            "shard {shard}: {} runs (run % {} = {})",
            shard.len(plan.runs()),
            shard.count,
            shard.index - 1
        ));
    }
    let mut out = io::stdout().lock();
    for line in lines {
        print_line(&mut out, &line)?;
    }
    Ok(())
}
