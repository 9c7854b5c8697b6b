//! The commands of the `palermo` binary: the terminal layer, and the only library file that
//! prints. It parses nothing itself (clap derives the parser from the structs below), holds
//! no model logic, and reports failures as a [`CliError`] that `main` maps to an exit code.
//!
//! `palermo run` validates every input before it creates anything, runs all (scenario,
//! replicate) jobs on a pool of threads (`sweep::exec`), collects results in job order (so output bytes never
//! depend on the thread count or on scheduling), and writes them last via [`crate::output`].
//! `palermo sweep` and `palermo compare` validate the same way and hand the work to
//! [`crate::sweep`], showing its progress.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{self, FinishedRun, Invocation, Manifest, OutputError};
use crate::run::run_replicate;
use crate::scenario::sweep::parse_sweep;
use crate::scenario::{self, Override, Scenario};
use crate::sweep::{self, Level, Plan, Shard, SweepError};

/// palermo: an agent-based simulator of human trafficking, international cooperation and
/// enforcement.
#[derive(Debug, Parser)]
#[command(name = "palermo", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write timeseries.csv, summary.csv and manifest.json.
    Run(RunArgs),
    /// Run the [sweep] of a scenario: every point of its design, each for several replicates,
    /// in parallel and resumable; writes points.csv, aggregate.csv, summary.csv, manifest.json.
    Sweep(SweepArgs),
    /// Continue the interrupted sweep (or shard) in DIR with the scenario, options and
    /// shard it was started with.
    Resume(ResumeArgs),
    /// Merge the shard directories of a sweep run with --shard K/N into the outputs the
    /// same sweep would have written on one machine.
    Merge(MergeArgs),
    /// Compare two scenarios replicate by replicate (B − A, common random numbers), or two
    /// points of a finished sweep; prints a table, and writes compare.csv with --out.
    Compare(CompareArgs),
    /// Validate scenarios (and their [sweep] sections) without running them.
    Check(CheckArgs),
    /// List every parameter: path, default, range, unit and meaning.
    Params(ParamsArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML); their file stems name them and must differ.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output directory; created if absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
    /// Replace timeseries.csv, summary.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

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
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
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
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The --out directory of the interrupted sweep or shard.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
    /// Keep the run records (DIR/.runs/) after the results are written.
    #[arg(long)]
    pub keep_runs: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out directories of shards 1 to N of one sweep, in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output directory; created if absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the sweep's files in a non-empty DIR, leaving other files alone.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

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
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
    /// Also write compare.csv (and, for two scenarios, manifest.json) into DIR; created if
    /// absent, refused if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace compare.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The run settings and overrides that `run`, `sweep` and `compare` share: each becomes an
/// override of the scenario, applied in order (`--set`s, then the flags) and recorded.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Base seed (the override run.seed=N); in a sweep it also seeds a sampled design that
    /// has no [sweep] seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Replicates of every scenario, or of every point of a sweep (the override
    /// run.replicates=N, which beats [sweep] replicates).
    #[arg(long, value_name = "N")]
    pub replicates: Option<u64>,
    /// Weeks per run (the override run.weeks=N).
    #[arg(long, value_name = "N")]
    pub weeks: Option<u64>,
    /// Override a parameter of every scenario (every point of a sweep), e.g.
    /// --set all.corruption=0.5 (repeatable; `palermo params` lists the paths; a swept path
    /// cannot also be set).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

impl SettingsArgs {
    /// The overrides, `--set`s first, then the dedicated flags.
    fn overrides(&self) -> Result<Vec<Override>, CliError> {
        overrides(
            &self.set,
            &[
                ("run.seed", self.seed),
                ("run.replicates", self.replicates),
                ("run.weeks", self.weeks),
            ],
        )
    }

    /// Whether nothing is overridden.
    fn is_empty(&self) -> bool {
        self.seed.is_none()
            && self.replicates.is_none()
            && self.weeks.is_none()
            && self.set.is_empty()
    }
}

/// `--threads N`: a whole number from 1 to [`sweep::exec::MAX_THREADS`]. More threads than
/// that gain nothing and can exhaust what the system allows a process (memory maps, stacks):
/// refused as a usage error (exit 2) before anything starts.
fn parse_threads(text: &str) -> Result<NonZeroUsize, String> {
    let max = sweep::exec::MAX_THREADS;
    text.trim()
        .parse::<usize>()
        .ok()
        .and_then(NonZeroUsize::new)
        .filter(|n| n.get() <= max)
        .ok_or_else(|| format!("the number of threads must be a whole number from 1 to {max}"))
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

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Override a parameter in every scenario before validating (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Print a Markdown table (as embedded in docs/ODD.md) instead of aligned text.
    #[arg(long)]
    pub markdown: bool,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input is wrong (scenario files, `--set`, names, the output directory): exit 2.
    /// One message per problem found.
    #[error("{}", .0.join("\n"))]
    BadInput(Vec<String>),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// Anything else the system refused (threads, the terminal): exit 1.
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// The process exit status: 2 for bad input, 1 for other failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Output(e) if e.is_bad_input() => 2,
            CliError::Sweep(e) if e.is_bad_input() => 2,
            CliError::Output(_) | CliError::Sweep(_) | CliError::Other(_) => 1,
        }
    }

    /// The messages to show, one per line.
    pub fn messages(&self) -> Vec<String> {
        match self {
            CliError::BadInput(messages) => messages.clone(),
            other => vec![other.to_string()],
        }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Resume(args) => resume(&args),
        Command::Merge(args) => merge(&args),
        Command::Compare(args) => compare(&args),
        Command::Check(args) => check(&args),
        Command::Params(args) => params(&args),
    }
}

/// Parses the `--set` texts, then appends the dedicated flags as overrides, so that they are
/// applied last and recorded like any other override.
fn overrides(set: &[String], flags: &[(&str, Option<u64>)]) -> Result<Vec<Override>, CliError> {
    let mut errors = Vec::new();
    let mut list = Vec::new();
    let texts = set.iter().cloned().chain(
        flags
            .iter()
            .filter_map(|(path, value)| value.map(|v| format!("{path}={v}"))),
    );
    for text in texts {
        match Override::parse(&text) {
            Ok(o) => list.push(o),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(list)
    } else {
        Err(CliError::BadInput(errors))
    }
}

/// Loads every scenario to run (`run`, `compare`), with its `[sweep]` section checked like
/// the rest of the file though not run, so that a file `palermo check` refuses is refused
/// here too; on failure, returns every error (one per file).
fn load_all(paths: &[PathBuf], overrides: &[Override]) -> (Vec<Scenario>, Vec<String>) {
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let loaded = load(path, overrides).and_then(|s| {
            parse_sweep(&s).map_err(|e| named(path, &e))?;
            Ok(s)
        });
        match loaded {
            Ok(s) => scenarios.push(s),
            Err(e) => errors.push(e),
        }
    }
    (scenarios, errors)
}

/// Loads one scenario; an error names the file even where the error itself does not (an
/// override that fails in one scenario of several).
fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, String> {
    scenario::load(path, overrides).map_err(|e| named(path, &e))
}

/// A scenario error's message, with the file's name in front where it lacks it.
fn named(path: &Path, e: &scenario::ScenarioError) -> String {
    let message = e.to_string();
    let file = path.display().to_string();
    if message.contains(&file) {
        message
    } else {
        format!("{file}: {message}")
    }
}

/// Scenario names label rows, so two scenarios of one invocation may not share one.
fn duplicate_names(scenarios: &[Scenario]) -> Vec<String> {
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in scenarios {
        by_name.entry(&s.name).or_default().push(&s.path);
    }
    by_name
        .into_iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(name, paths)| {
            format!(
                "scenarios {} are all named {name:?} (the file stem): rename one so that rows can be told apart",
                paths.join(", ")
            )
        })
        .collect()
}

fn run(args: &RunArgs) -> Result<(), CliError> {
    let started = output::manifest::now_rfc3339();
    let overrides = args.settings.overrides()?;
    let (scenarios, mut errors) = load_all(&args.scenarios, &overrides);
    errors.extend(duplicate_names(&scenarios));
    if !errors.is_empty() {
        return Err(CliError::BadInput(errors));
    }
    // Refuse a non-empty or unwritable directory now rather than after hours of runs; it is
    // checked again just before writing.
    output::check_target(&args.out, args.force)?;

    let pool = sweep::exec::pool(args.threads).map_err(CliError::Other)?;

    let jobs: Vec<(usize, u32)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.run.replicates).map(move |r| (i, r)))
        .collect();
    let progress = progress_bar(jobs.len() as u64, args.quiet);
    let runs: Vec<FinishedRun> = sweep::exec::map(&pool, jobs.len(), |run| {
        let (s, replicate) = jobs[run];
        let result = run_replicate(&scenarios[s], replicate);
        let finished = output::finish_run(&scenarios[s], s, run, &result);
        progress.inc(1);
        finished
    })?;
    progress.finish_and_clear();

    let manifest = Manifest::new(
        &scenarios,
        runs.len(),
        Invocation {
            command_line: command_line(),
            threads: pool.current_num_threads(),
            started,
            finished: output::manifest::now_rfc3339(),
        },
    );
    output::write_results(&args.out, args.force, &scenarios, &runs, &manifest)?;
    if !args.quiet {
        eprintln!("wrote {} runs to {}", runs.len(), args.out.display());
    }
    Ok(())
}

/// Runs done out of all, with an ETA, on stderr; hidden when asked or when stderr is not a
/// terminal (logs and pipes get no control characters).
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let target = if quiet || !io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {pos}/{len} runs, {per_sec}, ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn check(args: &CheckArgs) -> Result<(), CliError> {
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

/// The plan of a scenario's `[sweep]`, if it has one; errors name the file, as [`load`]'s.
/// `replicates_flag`: `--replicates` was given, so `run.replicates` beats `[sweep] replicates`.
fn sweep_plan(path: &Path, base: Scenario, replicates_flag: bool) -> Result<Option<Plan>, String> {
    let Some(spec) = parse_sweep(&base).map_err(|e| named(path, &e))? else {
        return Ok(None);
    };
    let replicates = replicates_flag.then_some(base.run.replicates);
    Plan::new(base, spec, replicates)
        .map(Some)
        .map_err(|e| named(path, &e))
}

fn sweep(args: &SweepArgs) -> Result<(), CliError> {
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
        return print_plan(&plan, args.shard);
    }
    let options = sweep::Options {
        dir: args.out.clone(),
        timeseries: args.timeseries.into(),
        aggregate: args.aggregate.into(),
        threads: args.threads,
        resume: args.resume,
        force: args.force,
        keep_runs: args.keep_runs,
        shard: args.shard,
        command_line: command_line(),
    };
    execute_sweep(&plan, &options, args.quiet)
}

/// Runs a sweep (or a shard) with a progress bar, and says what it did.
fn execute_sweep(plan: &Plan, options: &sweep::Options, quiet: bool) -> Result<(), CliError> {
    let progress = SweepProgress {
        bar: progress_bar(0, quiet),
        quiet,
    };
    let report = sweep::execute(plan, options, &progress)?;
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

/// `palermo resume DIR`: the sweep recorded in DIR's work area, continued with the scenario
/// file, overrides, levels and shard it was started with.
fn resume(args: &ResumeArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !sweep::workdir::WorkArea::exists_in(dir) {
        let shard = sweep::shard::ShardFile::path_in(dir).is_file();
        return Err(CliError::BadInput(vec![if shard {
            format!(
                "{} is a finished shard: merge it with `palermo merge`",
                dir.display()
            )
        } else {
            format!(
                "{} holds no sweep to resume (no {}/ work area: the sweep finished, or never started there)",
                dir.display(),
                sweep::workdir::WORK_DIR
            )
        }]));
    }
    let state = sweep::workdir::State::read(dir)?;
    let text = std::fs::read_to_string(&state.scenario).map_err(|e| {
        CliError::BadInput(vec![format!(
            "the sweep in {} was started from {}, which cannot be read here ({e}): run `palermo resume` from the directory the sweep was started in, or `palermo sweep SCENARIO --resume` with the command it was started with",
            dir.display(),
            state.scenario
        )])
    })?;
    let plan = state.plan(&text)?;
    let (timeseries, aggregate) = state.levels()?;
    let options = sweep::Options {
        dir: dir.clone(),
        timeseries,
        aggregate,
        threads: args.threads,
        resume: true,
        force: false,
        keep_runs: args.keep_runs,
        shard: state.shard()?,
        command_line: command_line(),
    };
    if !args.quiet {
        let what = state
            .shard
            .as_ref()
            .map_or("sweep".to_string(), |k| format!("shard {k} of the sweep"));
        let overrides = if state.overrides.is_empty() {
            String::new()
        } else {
            format!(" with --set {}", state.overrides.join(" --set "))
        };
        eprintln!("resuming the {what} of {}{overrides}", state.scenario);
    }
    execute_sweep(&plan, &options, args.quiet)
}

/// `palermo sweep --dry-run`: what the sweep would run.
fn print_plan(plan: &Plan, shard: Option<Shard>) -> Result<(), CliError> {
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

fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let progress = SweepProgress {
        bar: progress_bar(0, args.quiet),
        quiet: args.quiet,
    };
    let report = sweep::merge::merge(
        &sweep::merge::MergeOptions {
            shards: args.shards.clone(),
            out: args.out.clone(),
            force: args.force,
            command_line: command_line(),
        },
        &progress,
    )?;
    progress.bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "merged {} shards: {} runs ({} points × {} replicates) to {}",
            args.shards.len(),
            report.runs,
            report.points,
            report.replicates,
            args.out.display()
        );
    }
    Ok(())
}

/// The command line, for the manifest.
fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let bad = |m: String| CliError::BadInput(vec![m]);
    let (a, b, heading, manifest) = if let Some(points) = &args.points {
        let [dir] = args.inputs.as_slice() else {
            return Err(bad(
                "--points compares two points of one sweep: give its output directory only"
                    .to_string(),
            ));
        };
        if !args.settings.is_empty() {
            return Err(bad(
                "--points reads a finished sweep: --replicates, --seed, --weeks and --set do not apply"
                    .to_string(),
            ));
        }
        let (i, j) = (points[0], points[1]);
        let (a, b) = sweep::compare::from_sweep(dir, i, j)?;
        let heading = format!(
            "B − A: point {j} minus point {i} of {}, paired by replicate ({} pairs)",
            dir.display(),
            a.len().min(b.len())
        );
        (a, b, heading, None)
    } else {
        let [a_path, b_path] = args.inputs.as_slice() else {
            return Err(bad(
                "compare needs two scenarios A and B (or a sweep directory with --points I J)"
                    .to_string(),
            ));
        };
        let started = output::manifest::now_rfc3339();
        let overrides = args.settings.overrides()?;
        let (scenarios, errors) = load_all(&[a_path.clone(), b_path.clone()], &overrides);
        if !errors.is_empty() {
            return Err(CliError::BadInput(errors));
        }
        let [sa, sb] = [&scenarios[0], &scenarios[1]];
        if sa.run.replicates != sb.run.replicates {
            return Err(bad(format!(
                "{} has {} replicates and {} has {}: give --replicates N to pair them",
                sa.path, sa.run.replicates, sb.path, sb.run.replicates
            )));
        }
        // Refuse an unusable --out before running anything; it is checked again when writing.
        if let Some(dir) = &args.out {
            output::check_target(dir, args.force)?;
        }
        let replicates = sa.run.replicates;
        let bar = progress_bar(2 * u64::from(replicates), args.quiet);
        let (a, b, threads) =
            sweep::compare::run_pair(sa, sb, replicates, args.threads, &|| bar.inc(1))?;
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
                finished: output::manifest::now_rfc3339(),
            },
        );
        let text = serde_json::to_string_pretty(&manifest).map_err(OutputError::from)? + "\n";
        (a, b, heading, Some(text))
    };
    let rows = sweep::compare::compare(&a, &b);
    if let Some(dir) = &args.out {
        sweep::compare::write(dir, args.force, &rows, manifest.as_deref())?;
    }
    let mut stdout = io::stdout().lock();
    print_text(
        &mut stdout,
        &format!("{heading}\n{}", sweep::compare::table(&rows)),
    )
}

/// The progress bar of a sweep: runs computed of runs to compute.
struct SweepProgress {
    bar: ProgressBar,
    quiet: bool,
}

impl sweep::Progress for SweepProgress {
    fn start(&self, to_run: usize, done: usize) {
        if done > 0 && !self.quiet {
            eprintln!(
                "resuming: {done} of {} runs are already done",
                done + to_run
            );
        }
        self.bar.set_length(to_run as u64);
        self.bar.reset_eta();
    }

    fn run_done(&self) {
        self.bar.inc(1);
    }
}

fn params(args: &ParamsArgs) -> Result<(), CliError> {
    let text = if args.markdown {
        output::params_markdown()
    } else {
        output::params_text()
    };
    print_text(&mut io::stdout().lock(), &text)
}

fn print_line(out: &mut impl Write, line: &str) -> Result<(), CliError> {
    print_text(out, &format!("{line}\n"))
}

/// Writes to stdout; a closed pipe (`palermo params | head`) is not an error.
fn print_text(out: &mut impl Write, text: &str) -> Result<(), CliError> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::Other(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
