//! `palermo calibrate SCENARIO --targets FILE --free PATH=LOW..HIGH ...`: fit free
//! parameters (given by `--free`, or by the targets file's `[calibrate]` section) to the
//! `calibrate` targets of a targets file by adaptive ABC-SMC
//! (`docs/VALIDATION.md` § Calibration). Every input is checked first (scenario, overrides,
//! targets against the scenario, each free path and range as `palermo check` checks an
//! override, the settings, the output directory, memory); then one line per generation on
//! stderr, the posterior summary on stdout, and with `--out` the files of
//! [`crate::calibration::files`]. The work is [`crate::calibration`]'s.

use std::io;
use std::path::PathBuf;

use clap::Args;

use super::common::{SettingsArgs, ThreadsArg, load_all, manifest_json, print_text, progress_bar};
use super::error::CliError;
use super::memory;
use super::validate::verdict;
use crate::budget::{Demand, RunSize};
use crate::calibration::checkpoint::{self, Checkpoint};
use crate::calibration::{self, AbcError, Free, Generation, Problem, Settings, files};
use crate::output::manifest::now_rfc3339;
use crate::output::{self, OutputDir};
use crate::params::fmt_num;
use crate::scenario::error::ScenarioError;
use crate::validation::{self, Role, Targets, report};

/// Proposals simulated at once at the least: enough to keep a few cores busy, fixed so that
/// results never depend on the thread count.
const MIN_BATCH: usize = 16;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML) whose parameters to fit.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The targets file (TOML); its `calibrate` targets are fitted.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// A free parameter and its uniform prior, e.g. --free model.deterrence=0.1..0.9
    /// (repeatable; a real-valued path of `palermo params`). Given, they replace the targets
    /// file's `[calibrate]` list of free parameters.
    #[arg(long = "free", value_name = "PATH=LOW..HIGH")]
    pub free: Vec<String>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    /// Particles per generation.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub particles: usize,
    /// Stop before the model has run this many times (particles × replicates each).
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub max_runs: u64,
    /// Stop when a generation's acceptance rate would fall below this.
    #[arg(long, value_name = "RATE", default_value_t = 0.05)]
    pub min_acceptance: f64,
    /// Each tolerance is this quantile of the last generation's distances.
    #[arg(long, value_name = "Q", default_value_t = 0.5)]
    pub alpha: f64,
    /// The most generations, generation 0 (the prior) included.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub generations: u32,
    /// Write posterior.csv, generations.csv, parameters.csv, calibrated.toml,
    /// validation.csv, validation.md and manifest.json into DIR (and, while the fit runs, the
    /// work area DIR/.calibration/ that --resume continues from); created if absent, refused
    /// if not empty (see --force).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace those files in a non-empty DIR (and start afresh over a stopped fit there).
    #[arg(long)]
    pub force: bool,
    /// Continue the fit that stopped in --out DIR, from its last complete generation: the
    /// same command it was started with (--generations and --max-runs may be raised); the
    /// result is the same bytes as a fit that never stopped.
    #[arg(long, requires = "out", conflicts_with = "force")]
    pub resume: bool,
    /// No progress lines.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `palermo calibrate`.
pub fn execute(args: &CalibrateArgs) -> Result<(), CliError> {
    let started = now_rfc3339();
    let overrides = args.settings.overrides()?;
    let (scenarios, mut errors) = load_all(std::slice::from_ref(&args.scenario), &overrides);
    let targets = Targets::load(&args.targets).map_err(|e| errors.push(e.to_string()));
    let mut free: Vec<Free> = args
        .free
        .iter()
        .filter_map(|text| Free::parse(text).map_err(|e| errors.push(e)).ok())
        .collect();
    let (Some(scenario), Ok(targets)) = (scenarios.first(), targets) else {
        return Err(CliError::BadInput(errors));
    };
    // Every mistake at once: the targets against the scenario, and each free parameter
    // (those of the targets file reported at their place in it).
    let resolved = targets
        .resolve(scenario)
        .map_err(|e| errors.push(e.to_string()))
        .unwrap_or_default();
    if args.free.is_empty() {
        for (text, pos) in &targets.free {
            let located = |m: String| ScenarioError::at(&targets.file, *pos, Some("free"), m);
            match Free::parse(text).and_then(|f| f.check(scenario).map(|()| f)) {
                Ok(f) => free.push(f),
                Err(m) => errors.push(located(m).to_string()),
            }
        }
        if targets.free.is_empty() {
            errors.push(format!(
                "no free parameter: give --free PATH=LOW..HIGH, or list them in {} as [calibrate] free = [\"PATH=LOW..HIGH\", ...]",
                targets.file
            ));
        }
    } else {
        errors.extend(free.iter().filter_map(|f| f.check(scenario).err()));
    }
    for (i, f) in free.iter().enumerate() {
        if free[..i].iter().any(|g| g.path == f.path) {
            errors.push(format!("--free {}: the path is given twice", f.path));
        }
    }
    if !targets.targets.iter().any(|t| t.role == Role::Calibrate) {
        errors.push(format!(
            "{}: no target has role = \"calibrate\"",
            targets.file
        ));
    }
    let replicates = u64::from(scenario.run.replicates);
    let settings = Settings {
        particles: args.particles,
        alpha: args.alpha,
        min_acceptance: args.min_acceptance,
        max_simulations: args.max_runs / replicates.max(1),
        max_generations: args.generations,
        min_batch: MIN_BATCH,
        seed: scenario.run.seed,
    };
    errors.extend(settings.problems());
    if !errors.is_empty() {
        return Err(CliError::BadInput(errors));
    }
    let problem = Problem {
        scenario,
        targets: &targets.targets,
        resolved: &resolved,
        free: &free,
    };
    let size = RunSize::of(scenario);
    let threads = memory::check(size, &Demand::of_outcomes(size), args.threads.count)?;
    let (checkpoint, done) = work_area(args, &problem, &settings)?;
    if let Some(dir) = args.out.as_deref().filter(|_| checkpoint.is_some()) {
        super::signals::running_fit(dir);
    }

    let quiet = args.quiet;
    if let (false, Some(last)) = (quiet, done.last()) {
        eprintln!(
            "resuming after generation {} ({} runs so far)",
            last.index,
            last.simulations * replicates
        );
    }
    let mut generations = done.clone();
    let mut saved = Ok(());
    let mut progress = |g: &Generation| {
        if !quiet {
            eprintln!(
                "generation {}: tolerance {}, acceptance {:.3}, ESS {:.1}, runs {}",
                g.index,
                fmt_num(g.tolerance),
                g.acceptance,
                g.ess,
                g.simulations * replicates
            );
        }
        if let (Some(c), Ok(())) = (&checkpoint, &saved) {
            generations.push(g.clone());
            saved = c.save(&generations);
        }
    };
    let fit = match calibration::calibrate(&problem, &settings, threads, done, &mut progress) {
        Ok(fit) => fit,
        Err(e) => {
            // A work area without a generation in it is no use to --resume.
            if let Some(c) = checkpoint.filter(|_| generations.is_empty()) {
                c.remove()?;
            }
            return Err(match e {
                AbcError::Settings(m) | AbcError::Resume(m) => CliError::BadInput(vec![m]),
                other => CliError::Other(other.to_string()),
            });
        }
    };
    saved?;
    print_text(&mut io::stdout().lock(), &table(&fit))?;

    // The calibrated scenario held to every target, the held-out ones included.
    let calibrated = fit
        .calibrated_scenario(scenario)
        .ok_or_else(|| CliError::Other("the posterior medians cannot be applied".into()))?;
    let bar = progress_bar(u64::from(calibrated.run.replicates), quiet);
    let checked = validation::validate(&calibrated, &targets, &resolved, threads, &|| bar.inc(1))?;
    bar.finish_and_clear();
    print_text(
        &mut io::stdout().lock(),
        &format!(
            "\nThe calibrated scenario against every target:\n{}\n{}\n",
            report::text(&checked.rows),
            report::verdict_line(&checked.rows, checked.replicates)
        ),
    )?;

    if let (Some(dir), Some(checkpoint)) = (&args.out, checkpoint) {
        let json = manifest_json(
            &scenarios,
            crate::sweep::exec::thread_count(threads),
            started,
        )?;
        let calibrated_text = files::calibrated(&fit, scenario)
            .map_err(|e| CliError::Other(format!("calibrated.toml: {e}")))?;
        let out = OutputDir::existing(dir);
        let mut staged = files::stage(&out, &fit, &calibrated_text)?;
        staged.extend(report::stage(&out, &checked.rows, &checked.markdown())?);
        staged.push(out.stage_text(output::MANIFEST_FILE, &json)?);
        out.commit(staged)?;
        checkpoint.remove()?;
    }
    verdict(&checked)
}

/// The work area of `--out DIR` and the generations a stopped fit completed there: a fresh
/// one (DIR refused if not empty, unless `--force`), or with `--resume` the one recorded,
/// refused if it was started with other inputs.
fn work_area(
    args: &CalibrateArgs,
    problem: &Problem<'_>,
    settings: &Settings,
) -> Result<(Option<Checkpoint>, Vec<Generation>), CliError> {
    let Some(dir) = &args.out else {
        return Ok((None, Vec::new()));
    };
    let fingerprint = checkpoint::fingerprint(problem, settings);
    let stopped = Checkpoint::exists_in(dir);
    if args.resume {
        if !stopped {
            return Err(CliError::BadInput(vec![format!(
                "{} holds no fit to resume (no {}/ work area: the fit finished, or never started there)",
                dir.display(),
                checkpoint::WORK_DIR
            )]));
        }
        let (c, done) = Checkpoint::open(dir, &fingerprint, problem.free.len())
            .map_err(|m| CliError::BadInput(vec![m]))?;
        return Ok((Some(c), done));
    }
    if stopped && !args.force {
        return Err(CliError::BadInput(vec![format!(
            "{} holds a stopped fit ({}/): continue it with --resume (the command it was started with), or start afresh with --force",
            dir.display(),
            checkpoint::WORK_DIR
        )]));
    }
    output::check_target(dir, args.force)?;
    Ok((Some(Checkpoint::create(dir, &fingerprint)?), Vec::new()))
}

/// The posterior summary as text, and how to apply the medians.
fn table(c: &calibration::Calibration) -> String {
    let mut text = format!(
        "{} generations, {} runs; stopped because {}.\n{:<40} {:>12} {:>12} {:>12} {:>12} {:>12}\n",
        c.fit.generations.len(),
        c.runs(c.fit.simulations),
        c.fit.stop.describe(),
        "parameter",
        "median",
        "5 %",
        "95 %",
        "contraction",
        "identifiable"
    );
    for (f, p) in c.free.iter().zip(c.parameters()) {
        text.push_str(&format!(
            "{:<40} {:>12.5} {:>12.5} {:>12.5} {:>12.3} {:>12}\n",
            f.path,
            p.median,
            p.low,
            p.high,
            p.contraction,
            if p.identifiable { "yes" } else { "NO" }
        ));
    }
    let sets: Vec<String> = c
        .median_sets()
        .iter()
        .map(|s| format!("--set {s}"))
        .collect();
    text.push_str(&format!("calibrated: {}\n", sets.join(" ")));
    text
}
