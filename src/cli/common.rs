//! What the commands share: the run settings and overrides of `run`, `sweep` and `compare`
//! (`--seed`, `--replicates`, `--weeks`, `--set`) and `--threads`; loading scenario files with
//! errors that name the file; the progress bars (on stderr, only on a terminal); the command
//! line recorded in manifests; and writing to stdout, where a closed pipe is not an error.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::error::CliError;
use crate::scenario::sweep::parse_sweep;
use crate::scenario::{self, Override, Scenario};
use crate::sweep::plan::check_size;
use crate::sweep::{self, Plan};

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
    pub fn overrides(&self) -> Result<Vec<Override>, CliError> {
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
    pub fn is_empty(&self) -> bool {
        self.seed.is_none()
            && self.replicates.is_none()
            && self.weeks.is_none()
            && self.set.is_empty()
    }
}

/// `--threads N`, for every command that runs the model.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct ThreadsArg {
    /// Worker threads, 1 to 1024 [default: all cores]; results do not depend on it.
    #[arg(long = "threads", value_name = "N", value_parser = parse_threads)]
    pub count: Option<NonZeroUsize>,
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

/// Parses the `--set` texts, then appends the dedicated flags as overrides, so that they are
/// applied last and recorded like any other override.
pub fn overrides(set: &[String], flags: &[(&str, Option<u64>)]) -> Result<Vec<Override>, CliError> {
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
/// the rest of the file, its size included, though not run, so that a file `palermo check`
/// refuses is refused here too (a `--set` of a swept path is fine: the section is not run);
/// on failure, returns every error (one per file).
pub fn load_all(paths: &[PathBuf], overrides: &[Override]) -> (Vec<Scenario>, Vec<String>) {
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let loaded = load(path, overrides).and_then(|s| {
            if let Some(spec) = parse_sweep(&s).map_err(|e| named(path, &e))? {
                let replicates = spec.replicates.unwrap_or(s.run.replicates);
                check_size(&s, &spec, replicates).map_err(|e| named(path, &e))?;
            }
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
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, String> {
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
pub fn duplicate_names(scenarios: &[Scenario]) -> Vec<String> {
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

/// The plan of a scenario's `[sweep]`, if it has one; errors name the file, as [`load`]'s.
/// `replicates_flag`: `--replicates` was given, so `run.replicates` beats `[sweep] replicates`.
pub fn sweep_plan(
    path: &Path,
    base: Scenario,
    replicates_flag: bool,
) -> Result<Option<Plan>, String> {
    let Some(spec) = parse_sweep(&base).map_err(|e| named(path, &e))? else {
        return Ok(None);
    };
    let replicates = replicates_flag.then_some(base.run.replicates);
    Plan::new(base, spec, replicates)
        .map(Some)
        .map_err(|e| named(path, &e))
}

/// The `manifest.json` text of a command that ran one scenario's replicates (`validate`,
/// `calibrate`) on `threads` threads, started at `started`.
pub fn manifest_json(
    scenarios: &[Scenario],
    threads: usize,
    started: String,
) -> Result<String, CliError> {
    let replicates = scenarios.first().map_or(0, |s| s.run.replicates as usize);
    let manifest = crate::output::Manifest::new(
        scenarios,
        replicates,
        crate::output::Invocation {
            command_line: command_line(),
            threads,
            started,
            finished: crate::output::manifest::now_rfc3339(),
        },
    );
    let json = serde_json::to_string_pretty(&manifest).map_err(crate::output::OutputError::from)?;
    Ok(json + "\n")
}

/// The command line, for the manifest.
pub fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// Runs done out of all, with an ETA, on stderr; hidden when asked or when stderr is not a
/// terminal (logs and pipes get no control characters).
pub fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
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

/// The progress bar of a sweep or a merge: runs computed of runs to compute.
pub struct SweepProgress {
    pub bar: ProgressBar,
    pub quiet: bool,
}

impl SweepProgress {
    /// A bar whose length the sweep sets when it knows how many runs are left.
    pub fn new(quiet: bool) -> SweepProgress {
        SweepProgress {
            bar: progress_bar(0, quiet),
            quiet,
        }
    }
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

/// Writes one line to stdout (see [`print_text`]).
pub fn print_line(out: &mut impl Write, line: &str) -> Result<(), CliError> {
    print_text(out, &format!("{line}\n"))
}

/// Writes to stdout; a closed pipe (`palermo params | head`) is not an error.
pub fn print_text(out: &mut impl Write, text: &str) -> Result<(), CliError> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::Other(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
