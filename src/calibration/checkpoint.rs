//! The work area of a fit written to `--out DIR`, what lets `palermo calibrate --resume`
//! continue it after a stop at a generation boundary, with the same bytes as a fit that never
//! stopped:
//!
//! ```text
//! DIR/.calibration/fit.txt          the fingerprint of the fit's inputs, written first
//! DIR/.calibration/generations.csv  every complete generation, rewritten after each one
//! ```
//!
//! Each file is written aside and renamed into place (`output::atomic`), so whenever the
//! process stops it holds the generations complete so far, never half of one. A generation's
//! record is everything the fit's next step depends on ([`super::abc::resume`]): its index,
//! tolerance, proposals and simulations so far, and each particle's parameters, weight,
//! distance and statistics, the numbers written in Rust's shortest form that reads back to
//! the same bits. The work area is removed once the results are in place.

use std::fs;
use std::path::{Path, PathBuf};

use super::abc::{Generation, Particle, Settings, ess};
use super::model::Problem;
use crate::output::atomic::OutputDir;
use crate::output::manifest::sha256_hex;
use crate::output::{OutputError, temporaries};

/// The work area's directory name inside the output directory.
pub const WORK_DIR: &str = ".calibration";
const FINGERPRINT_FILE: &str = "fit.txt";
const GENERATIONS_FILE: &str = "generations.csv";

/// The SHA-256 of everything a fit's generations depend on: the scenario's text and
/// overrides, the targets, the free parameters and priors, and the settings other than the
/// budget and the generation cap (which only decide where the fit stops, so that a resumed
/// fit may be given more of either).
pub fn fingerprint(problem: &Problem<'_>, settings: &Settings) -> String {
    let Problem {
        scenario,
        targets,
        free,
        ..
    } = *problem;
    let settings = Settings {
        max_simulations: 0,
        max_generations: 0,
        ..*settings
    };
    let what = format!(
        "palermo {}\n{:?}\n{:?}\n{targets:?}\n{free:?}\n{settings:?}\n{}",
        env!("CARGO_PKG_VERSION"),
        scenario.overrides,
        scenario.run,
        scenario.text
    );
    sha256_hex(&what)
}

/// An open work area.
#[derive(Debug)]
pub struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    /// Whether `out` holds a fit's work area.
    pub fn exists_in(out: &Path) -> bool {
        out.join(WORK_DIR).join(FINGERPRINT_FILE).is_file()
    }

    /// A fresh work area in `out` (created if absent; the caller has checked that it may be
    /// written to), with the fingerprint, and no generation yet.
    pub fn create(out: &Path, fingerprint: &str) -> Result<Checkpoint, OutputError> {
        let dir = out.join(WORK_DIR);
        temporaries::create_dir(&dir).map_err(OutputError::io(&dir))?;
        let checkpoint = Checkpoint { dir };
        let stale = checkpoint.dir.join(GENERATIONS_FILE);
        if stale.exists() {
            fs::remove_file(&stale).map_err(OutputError::io(&stale))?;
        }
        checkpoint.write(FINGERPRINT_FILE, &format!("{fingerprint}\n"))?;
        Ok(checkpoint)
    }

    /// The work area in `out` and its complete generations (of `dimensions` free
    /// parameters), refused (with the reason) when it was started with other inputs or
    /// cannot be read.
    pub fn open(
        out: &Path,
        fingerprint: &str,
        dimensions: usize,
    ) -> Result<(Checkpoint, Vec<Generation>), String> {
        let dir = out.join(WORK_DIR);
        let read = |name: &str| {
            let path = dir.join(name);
            match fs::read_to_string(&path) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("{}: {e}", path.display())),
            }
        };
        let recorded = read(FINGERPRINT_FILE)?.unwrap_or_default();
        if recorded.trim() != fingerprint {
            return Err(format!(
                "{} holds a fit started with other inputs (scenario, --set, targets, --free, --particles, --alpha, --min-acceptance or seed): resume it with the command it was started with, or start afresh with --force",
                out.display()
            ));
        }
        let generations = match read(GENERATIONS_FILE)? {
            Some(text) => parse(&text)
                .map_err(|m| format!("{}: {m}", dir.join(GENERATIONS_FILE).display()))?,
            None => Vec::new(),
        };
        let mut generations = generations;
        split(&mut generations, dimensions);
        Ok((Checkpoint { dir }, generations))
    }

    /// Records `generations` (every complete one so far), replacing the last record.
    pub fn save(&self, generations: &[Generation]) -> Result<(), OutputError> {
        self.write(GENERATIONS_FILE, &text(generations))
    }

    /// Removes the work area (once the results are in place).
    pub fn remove(self) -> Result<(), OutputError> {
        fs::remove_dir_all(&self.dir).map_err(OutputError::io(&self.dir))
    }

    fn write(&self, name: &str, text: &str) -> Result<(), OutputError> {
        let area = OutputDir::existing(&self.dir);
        let file = area.stage_text(name, text)?;
        area.commit(vec![file])
    }
}

/// One line per particle: `generation, tolerance, proposals, simulations, weight, distance`,
/// then its parameters, then its statistics.
fn text(generations: &[Generation]) -> String {
    let mut out = String::new();
    for g in generations {
        for p in &g.particles {
            let mut fields = vec![
                g.index.to_string(),
                g.tolerance.to_string(),
                g.proposals.to_string(),
                g.simulations.to_string(),
                p.weight.to_string(),
                p.distance.to_string(),
            ];
            fields.extend(p.theta.iter().chain(&p.statistics).map(f64::to_string));
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// The generations of [`text`], with the acceptance rate and ESS computed as the fit
/// computes them; the split of a particle's numbers between parameters and statistics is
/// checked by [`super::abc::resume`].
fn parse(text: &str) -> Result<Vec<Generation>, String> {
    let mut generations: Vec<Generation> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let fail = |what: &str| format!("line {}: {what}", n + 1);
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() < 6 {
            return Err(fail("too few fields"));
        }
        let number = |i: usize| fields[i].parse::<f64>().map_err(|_| fail("not a number"));
        let count = |i: usize| fields[i].parse::<u64>().map_err(|_| fail("not a count"));
        let index = u32::try_from(count(0)?).map_err(|_| fail("generation too large"))?;
        let (tolerance, proposals, simulations) = (number(1)?, count(2)?, count(3)?);
        let rest: Result<Vec<f64>, String> = (6..fields.len()).map(number).collect();
        let particle = Particle {
            theta: rest?,
            weight: number(4)?,
            distance: number(5)?,
            statistics: Vec::new(),
        };
        match generations.last_mut() {
            Some(g) if g.index == index => g.particles.push(particle),
            _ => generations.push(Generation {
                index,
                tolerance,
                proposals,
                acceptance: 0.0,
                ess: 0.0,
                simulations,
                particles: vec![particle],
            }),
        }
    }
    for g in &mut generations {
        g.acceptance = g.particles.len() as f64 / g.proposals as f64;
        g.ess = ess(g.particles.iter().map(|p| p.weight));
    }
    Ok(generations)
}

/// Splits each particle's numbers into `dimensions` parameters and the statistics after them.
fn split(generations: &mut [Generation], dimensions: usize) {
    for p in generations.iter_mut().flat_map(|g| g.particles.iter_mut()) {
        let at = dimensions.min(p.theta.len());
        p.statistics = p.theta.split_off(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_read_back_to_the_same_bits() {
        let particle = |x: f64| Particle {
            theta: vec![x, 1.0 / 3.0],
            weight: 0.1 + x,
            distance: x / 7.0,
            statistics: vec![f64::NAN, 2e-300, -0.0],
        };
        let g = |index: u32, tolerance: f64| Generation {
            index,
            tolerance,
            proposals: 9,
            acceptance: 2.0 / 9.0,
            ess: ess([0.1 + 0.3, 0.1 + 0.7].into_iter()),
            simulations: 11 + u64::from(index),
            particles: vec![particle(0.3), particle(0.7)],
        };
        let before = vec![g(0, f64::INFINITY), g(1, 0.123_456_789_012_345_67)];
        let mut after = parse(&text(&before)).unwrap();
        split(&mut after, 2);
        // NaN is not equal to itself: compare the texts, then the bits of what is not NaN.
        assert_eq!(text(&after), text(&before));
        assert_eq!(after[1].tolerance.to_bits(), before[1].tolerance.to_bits());
        assert_eq!(after[1].ess.to_bits(), before[1].ess.to_bits());
        assert_eq!(after[0].acceptance, before[0].acceptance);
        assert_eq!(after[1].particles[1].theta, before[1].particles[1].theta);
        assert!(parse("0,inf,9,11,x,0").unwrap_err().contains("line 1"));
    }
}
