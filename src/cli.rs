//! The commands of the `palermo` binary: the terminal layer, and the only library file that
//! prints. It parses nothing itself (clap derives the parser from the structs below), holds
//! no model logic, and reports failures as a [`CliError`] that `main` maps to an exit code.
//!
//! `palermo run` validates every input before it creates anything, runs all (scenario,
//! replicate) jobs on a rayon pool, collects results in job order (so output bytes never
//! depend on the thread count or on scheduling), and writes them last via [`crate::output`].

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::output::{self, FinishedRun, Invocation, Manifest, OutputError};
use crate::run::run_replicate;
use crate::scenario::{self, Override, Scenario};

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
    /// Validate scenarios without running them.
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
    /// Base seed (the override run.seed=N).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Replicates per scenario (the override run.replicates=N).
    #[arg(long, value_name = "N")]
    pub replicates: Option<u64>,
    /// Weeks per run (the override run.weeks=N).
    #[arg(long, value_name = "N")]
    pub weeks: Option<u64>,
    /// Override a parameter in every scenario, e.g. --set all.corruption=0.5 (repeatable;
    /// see `palermo params` for paths).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,
    /// Replace timeseries.csv, summary.csv and manifest.json in a non-empty DIR.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    pub quiet: bool,
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
            CliError::Output(_) | CliError::Other(_) => 1,
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

/// Loads every scenario; on failure, returns every error (one per file).
fn load_all(paths: &[PathBuf], overrides: &[Override]) -> (Vec<Scenario>, Vec<String>) {
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match load(path, overrides) {
            Ok(s) => scenarios.push(s),
            Err(e) => errors.push(e),
        }
    }
    (scenarios, errors)
}

/// Loads one scenario; an error names the file even where the error itself does not (an
/// override that fails in one scenario of several).
fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, String> {
    scenario::load(path, overrides).map_err(|e| {
        let message = e.to_string();
        let file = path.display().to_string();
        if message.contains(&file) {
            message
        } else {
            format!("{file}: {message}")
        }
    })
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
    let overrides = overrides(
        &args.set,
        &[
            ("run.seed", args.seed),
            ("run.replicates", args.replicates),
            ("run.weeks", args.weeks),
        ],
    )?;
    let (scenarios, mut errors) = load_all(&args.scenarios, &overrides);
    errors.extend(duplicate_names(&scenarios));
    if !errors.is_empty() {
        return Err(CliError::BadInput(errors));
    }
    // Refuse a non-empty directory now rather than after hours of runs; it is checked again
    // just before writing.
    output::check_target(&args.out, args.force)?;

    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n.get());
    }
    let pool = builder
        .build()
        .map_err(|e| CliError::Other(format!("cannot start worker threads: {e}")))?;

    let jobs: Vec<(usize, u32)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.run.replicates).map(move |r| (i, r)))
        .collect();
    let progress = progress_bar(jobs.len() as u64, args.quiet);
    let runs: Vec<FinishedRun> = pool.install(|| {
        jobs.par_iter()
            .enumerate()
            .map(|(run, &(s, replicate))| {
                let result = run_replicate(&scenarios[s], replicate);
                let finished = output::finish_run(&scenarios[s], s, run, &result);
                progress.inc(1);
                finished
            })
            .collect::<Result<Vec<_>, OutputError>>()
    })?;
    progress.finish_and_clear();

    let manifest = Manifest::new(
        &scenarios,
        runs.len(),
        Invocation {
            command_line: std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
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
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} runs, ETA {eta}")
    {
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
        match load(path, &overrides) {
            Ok(s) => {
                let line = format!(
                    "ok: {} ({} countries, {} weeks, {} replicates)",
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
