//! Adaptive ABC-SMC, population Monte Carlo after Beaumont et al. (2009) with the adaptive
//! tolerances of Del Moral et al. (2012) and Lenormand et al. (2013). It knows no palermo
//! model: it fits a function from (parameter vector, seed) to summary statistics, so that it
//! can be tested on toy models with exact posteriors (`tests.rs`). It prints nothing.
//!
//! - Generation 0 draws `particles` parameter vectors from the prior and keeps those whose
//!   statistics are all defined, each weighted 1/N.
//! - Distances: statistic k contributes `e_k / s_k`, the distance as the Euclidean norm of
//!   those. A band target has `e_k = 0` inside the band and the distance to the nearer edge
//!   outside, scaled by `s_k` = 1.4826 × the median absolute deviation of generation 0's
//!   values of the statistic (the standard deviation for normal data, robust to outliers;
//!   where that is 0, the band's width, else 1). A value±sd target has `e_k = x − value` and
//!   `s_k = sd`: the distance is what a Gaussian kernel of that sd ranks by.
//! - Generation t ≥ 1: its tolerance is the `alpha` quantile of generation t−1's distances;
//!   a proposal picks a parent by weight, moves it by a normal kernel of twice the weighted
//!   covariance of generation t−1 (Beaumont et al.'s optimal scale), is rejected outside the
//!   prior, and is accepted when its distance is within the tolerance. Importance weights are
//!   `π(θ) / Σ_j w_j K(θ | θ_j)`, normalized.
//! - Stopping: a generation that would need more than `particles / min_acceptance`
//!   proposals is abandoned (its acceptance rate would be under the minimum), as is one the
//!   simulation budget cannot finish; the fit also stops when the tolerance reaches 0 or no
//!   longer falls, or at the generation cap. The fit is the last complete generation.
//!
//! Determinism: proposal `a` of generation `t` is made from its own random stream
//! ([`crate::rng::abc_proposal`]`(seed, t, a)`), which also gives the seed of its simulation.
//! Proposals are made in batches in index order, simulated in parallel, and read in index
//! order, so the particles accepted never depend on timing or on the number of threads.

use std::num::NonZeroUsize;

use rand::Rng;

pub use super::distance::Observed;
use super::distance::{distance, quantile, scales};
use super::mvn::{Kernel, weighted_covariance};
pub use super::prior::Prior;
use crate::rng::abc_proposal;
use crate::sweep::exec;

/// The most particles a generation may hold: ABC-SMC needs thousands at most, and a
/// generation of more would be refused by the memory it takes (each particle keeps its
/// parameters and statistics) before a single run.
pub const MAX_PARTICLES: usize = 1_000_000;

/// How a fit runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Particles per generation (N).
    pub particles: usize,
    /// The quantile of the last generation's distances that is the next tolerance.
    pub alpha: f64,
    /// The fit stops when a generation's acceptance rate would fall below this.
    pub min_acceptance: f64,
    /// The most simulations, all generations together.
    pub max_simulations: u64,
    /// The most generations, generation 0 included.
    pub max_generations: u32,
    /// The fewest proposals simulated at once (see [`fit`]); results depend on it, not on
    /// the thread count.
    pub min_batch: usize,
    pub seed: u64,
}

impl Settings {
    /// What is wrong with these settings, one message each (none where a fit can run with
    /// them): the command checks them with its other inputs, before it writes anything.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut bad = |wrong: bool, m: &str| {
            if wrong {
                problems.push(m.to_string());
            }
        };
        bad(self.particles < 2, "a fit needs at least 2 particles");
        bad(
            self.particles > MAX_PARTICLES,
            &format!("a fit takes at most {MAX_PARTICLES} particles"),
        );
        bad(
            !(self.alpha > 0.0 && self.alpha < 1.0),
            "alpha must be in (0, 1)",
        );
        bad(
            !(self.min_acceptance > 0.0 && self.min_acceptance <= 1.0),
            "the minimum acceptance rate must be in (0, 1]",
        );
        bad(
            self.max_generations < 1,
            "the generation cap must be at least 1 (it counts generation 0, the prior)",
        );
        bad(
            self.max_simulations < self.particles as u64,
            "the simulation budget must cover generation 0 (one run per particle)",
        );
        problems
    }
}

/// One accepted parameter vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    pub theta: Vec<f64>,
    /// Normalized within its generation.
    pub weight: f64,
    pub distance: f64,
    pub statistics: Vec<f64>,
}

/// One complete generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    pub index: u32,
    /// Distances at most this were accepted (infinite for generation 0).
    pub tolerance: f64,
    /// Proposals read until the N-th acceptance (those outside the prior included).
    pub proposals: u64,
    /// N / proposals.
    pub acceptance: f64,
    /// Effective sample size, `1 / Σ w²`.
    pub ess: f64,
    /// Simulations so far, all generations together (with those a batch ran past the N-th
    /// acceptance).
    pub simulations: u64,
    pub particles: Vec<Particle>,
}

/// Why a fit stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    MinAcceptance,
    Budget,
    MaxGenerations,
    /// Every particle of the last generation is at distance 0 (inside every band).
    ZeroTolerance,
    /// The next tolerance would not be below the last: the targets cannot be approached
    /// further (a statistic stuck outside its band whatever the free parameters).
    Stalled,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::MinAcceptance => "the acceptance rate fell below the minimum",
            Stop::Budget => "the simulation budget is spent",
            Stop::MaxGenerations => "the generation cap is reached",
            Stop::ZeroTolerance => "every particle is inside every band",
            Stop::Stalled => "the tolerance no longer falls",
        }
    }
}

/// A finished fit: every complete generation (the last one is the posterior), the scale of
/// each statistic's distance, and why it stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub generations: Vec<Generation>,
    pub scales: Vec<f64>,
    pub stop: Stop,
    pub simulations: u64,
}

impl Fit {
    /// The last complete generation.
    pub fn posterior(&self) -> &Generation {
        self.generations.last().expect("a fit has generation 0")
    }
}

/// Why a fit could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AbcError {
    #[error("{0}")]
    Settings(String),
    #[error("{0}")]
    Threads(String),
    #[error("the fit to resume does not fit these settings: {0}")]
    Resume(String),
    #[error(
        "generation 0 could not be completed: {0} (every statistic must be defined, i.e. finite, for a particle to count)"
    )]
    FirstGeneration(String),
}

/// The model: statistics (non-finite where undefined) of a parameter vector, for a seed.
pub type Simulate<'a> = dyn Fn(&[f64], u64) -> Vec<f64> + Sync + 'a;

/// Fits `priors` to `observed` with `simulate` on `threads` threads (all cores if `None`);
/// `progress` sees each generation when it is complete. Batches of at least
/// `settings.min_batch` proposals, and of as many as the generation still needs, are
/// simulated at once.
pub fn fit(
    priors: &[Prior],
    observed: &[Observed],
    settings: &Settings,
    threads: Option<NonZeroUsize>,
    simulate: &Simulate<'_>,
    progress: &mut dyn FnMut(&Generation),
) -> Result<Fit, AbcError> {
    resume(
        priors,
        observed,
        settings,
        threads,
        Vec::new(),
        simulate,
        progress,
    )
}

/// [`fit`], continued after the complete generations `done` of a fit of the same priors,
/// statistics and settings (a fresh fit if `done` is empty). Everything the next generation
/// depends on is in them: the last population, the simulations so far, and (from generation
/// 0's statistics) the distances' scales; so the fit goes on exactly as if it had never
/// stopped. Only the budget and the generation cap may differ from the first run's.
pub fn resume(
    priors: &[Prior],
    observed: &[Observed],
    settings: &Settings,
    threads: Option<NonZeroUsize>,
    done: Vec<Generation>,
    simulate: &Simulate<'_>,
    progress: &mut dyn FnMut(&Generation),
) -> Result<Fit, AbcError> {
    check(priors, observed, settings)?;
    check_done(&done, priors.len(), observed.len(), settings.particles)?;
    let pool = exec::pool(threads).map_err(AbcError::Threads)?;
    let mut sampler = Sampler {
        priors,
        settings,
        pool: &pool,
        simulate,
        simulations: done.last().map_or(0, |g| g.simulations),
        proposals: 0,
    };
    let (scales, mut generations) = if let Some(first) = done.first() {
        (scales(observed, &statistics_of(&first.particles)), done)
    } else {
        let first = sampler
            .generation(0, None, &|_| 0.0)
            .map_err(|why| AbcError::FirstGeneration(why.describe().to_string()))?;
        let scales = scales(observed, &statistics_of(&first));
        let mut population = first;
        for p in &mut population {
            p.distance = distance(observed, &scales, &p.statistics);
        }
        let first = summarize(0, f64::INFINITY, &population, &sampler);
        progress(&first);
        (scales, vec![first])
    };
    let stop = loop {
        let index = generations.len() as u32;
        if index >= settings.max_generations {
            break Stop::MaxGenerations;
        }
        let last = &generations[generations.len() - 1];
        let tolerance = quantile(last.particles.iter().map(|p| p.distance), settings.alpha);
        if last.tolerance == 0.0 {
            break Stop::ZeroTolerance;
        }
        if tolerance >= last.tolerance {
            break Stop::Stalled;
        }
        let accept = |stats: &[f64]| distance(observed, &scales, stats);
        let next = match sampler.generation(index, Some((last, tolerance)), &accept) {
            Ok(particles) => particles,
            Err(stop) => break stop,
        };
        generations.push(summarize(index, tolerance, &next, &sampler));
        progress(&generations[generations.len() - 1]);
    };
    Ok(Fit {
        generations,
        scales,
        stop,
        simulations: sampler.simulations,
    })
}

/// Each particle's statistics.
fn statistics_of(particles: &[Particle]) -> Vec<&[f64]> {
    particles.iter().map(|p| p.statistics.as_slice()).collect()
}

/// The generations of a fit to resume: numbered from 0, each with `particles` particles of
/// `dimensions` parameters and `statistics` statistics.
fn check_done(
    done: &[Generation],
    dimensions: usize,
    statistics: usize,
    particles: usize,
) -> Result<(), AbcError> {
    for (i, g) in done.iter().enumerate() {
        let shaped = g.particles.len() == particles
            && g.particles
                .iter()
                .all(|p| p.theta.len() == dimensions && p.statistics.len() == statistics);
        if g.index as usize != i || !shaped {
            return Err(AbcError::Resume(format!(
                "generation {i} should have {particles} particles of {dimensions} parameters and {statistics} statistics"
            )));
        }
    }
    Ok(())
}

fn check(priors: &[Prior], observed: &[Observed], s: &Settings) -> Result<(), AbcError> {
    let bad = |m: &str| Err(AbcError::Settings(m.to_string()));
    for p in priors {
        let (low, high) = p.bounds();
        let sd_ok = match *p {
            Prior::Normal { sd, mean, .. } => sd > 0.0 && sd.is_finite() && mean.is_finite(),
            Prior::Uniform { .. } => true,
        };
        if !(low.is_finite() && high.is_finite() && low < high && sd_ok) {
            return bad("a prior needs finite bounds low < high (and a positive sd)");
        }
    }
    for o in observed {
        if let Observed::Value { sd, .. } = o
            && (sd.is_nan() || *sd <= 0.0)
        {
            return bad("a value target needs a positive sd");
        }
    }
    if priors.is_empty() || observed.is_empty() {
        return bad("a fit needs at least one free parameter and one statistic");
    }
    match s.problems().first() {
        Some(m) => bad(m),
        None => Ok(()),
    }
}

/// What makes the proposals of every generation, and counts the simulations.
struct Sampler<'a> {
    priors: &'a [Prior],
    settings: &'a Settings,
    pool: &'a rayon::ThreadPool,
    simulate: &'a Simulate<'a>,
    simulations: u64,
    /// The proposals the last complete generation read.
    proposals: u64,
}

/// What a generation's proposals move: the last population, its kernel and its weights.
struct Parents<'a> {
    particles: &'a [Particle],
    cumulative: Vec<f64>,
    kernel: Kernel,
}

impl Sampler<'_> {
    /// The particles of generation `index`: from the prior (generation 0, accepted when
    /// every statistic is defined) or moved from `last` and accepted within `tolerance`.
    fn generation(
        &mut self,
        index: u32,
        last: Option<(&Generation, f64)>,
        distance: &dyn Fn(&[f64]) -> f64,
    ) -> Result<Vec<Particle>, Stop> {
        let n = self.settings.particles;
        let parents = last.map(|(g, _)| self.parents(&g.particles));
        let tolerance = last.map_or(f64::INFINITY, |(_, t)| t);
        let most = (n as f64 / self.settings.min_acceptance).ceil() as u64;
        let mut accepted: Vec<Particle> = Vec::with_capacity(n);
        let mut attempt = 0u64;
        while accepted.len() < n {
            let size = (n - accepted.len()).max(self.settings.min_batch) as u64;
            let proposals: Vec<Option<(Vec<f64>, u64)>> = (attempt..(attempt + size).min(most))
                .map(|a| self.propose(index, a, parents.as_ref()))
                .collect();
            if proposals.is_empty() {
                return Err(Stop::MinAcceptance);
            }
            let jobs: Vec<&(Vec<f64>, u64)> = proposals.iter().flatten().collect();
            // A resumed fit may be given less budget than it has already spent.
            let left = self
                .settings
                .max_simulations
                .saturating_sub(self.simulations);
            if jobs.len() as u64 > left {
                return Err(Stop::Budget);
            }
            let results: Vec<Vec<f64>> = exec::map(self.pool, jobs.len(), |j| {
                Ok::<_, ()>((self.simulate)(&jobs[j].0, jobs[j].1))
            })
            .unwrap_or_default();
            self.simulations += jobs.len() as u64;
            let mut results = results.into_iter();
            for proposal in &proposals {
                attempt += 1;
                let Some((theta, _)) = proposal else { continue };
                let statistics = results.next().unwrap_or_default();
                let d = distance(&statistics);
                if statistics.iter().all(|x| x.is_finite()) && d <= tolerance {
                    accepted.push(Particle {
                        theta: theta.clone(),
                        weight: 0.0,
                        distance: d,
                        statistics,
                    });
                    if accepted.len() == n {
                        break;
                    }
                }
            }
        }
        self.weigh(&mut accepted, parents.as_ref());
        // The acceptance rate is read off the proposals up to the N-th acceptance.
        self.proposals = attempt;
        Ok(accepted)
    }

    /// Proposal `attempt` of generation `index`: the parameter vector and the seed of its
    /// simulation, or `None` outside the prior. The seed is drawn first, so the number of
    /// draws a perturbation takes never changes it.
    fn propose(
        &self,
        index: u32,
        attempt: u64,
        parents: Option<&Parents<'_>>,
    ) -> Option<(Vec<f64>, u64)> {
        let mut rng = abc_proposal(self.settings.seed, index, attempt);
        let seed: u64 = rng.random();
        let theta = match parents {
            None => self.priors.iter().map(|p| p.draw(&mut rng)).collect(),
            Some(parents) => {
                let u: f64 = rng.random();
                let k = parents
                    .cumulative
                    .partition_point(|&c| c < u)
                    .min(parents.particles.len() - 1);
                parents.kernel.draw(&parents.particles[k].theta, &mut rng)
            }
        };
        let inside = self.priors.iter().zip(&theta).all(|(p, x)| p.contains(*x));
        inside.then_some((theta, seed))
    }

    /// The kernel and the cumulative weights of the last population.
    fn parents<'p>(&self, particles: &'p [Particle]) -> Parents<'p> {
        let points: Vec<Vec<f64>> = particles.iter().map(|p| p.theta.clone()).collect();
        let weights: Vec<f64> = particles.iter().map(|p| p.weight).collect();
        let (_, cov) = weighted_covariance(&points, &weights);
        let twice: Vec<Vec<f64>> = cov
            .iter()
            .map(|row| row.iter().map(|c| 2.0 * c).collect())
            .collect();
        let floor: Vec<f64> = self
            .priors
            .iter()
            .map(|p| 1e-6 * (p.bounds().1 - p.bounds().0))
            .collect();
        let cumulative = weights
            .iter()
            .scan(0.0, |sum, w| {
                *sum += w;
                Some(*sum)
            })
            .collect();
        Parents {
            particles,
            cumulative,
            kernel: Kernel::new(&twice, &floor),
        }
    }

    /// Importance weights, normalized: equal for generation 0, else
    /// `π(θ_i) / Σ_j w_j K(θ_i | θ_j)`, computed in logs.
    fn weigh(&self, particles: &mut [Particle], parents: Option<&Parents<'_>>) {
        let logs: Vec<f64> = match parents {
            None => vec![0.0; particles.len()],
            Some(parents) => particles
                .iter()
                .map(|p| {
                    let prior: f64 = self
                        .priors
                        .iter()
                        .zip(&p.theta)
                        .map(|(q, x)| q.log_density(*x))
                        .sum();
                    let terms: Vec<f64> = parents
                        .particles
                        .iter()
                        .map(|q| q.weight.ln() + parents.kernel.log_density(&p.theta, &q.theta))
                        .collect();
                    prior - log_sum_exp(&terms)
                })
                .collect(),
        };
        let top = log_sum_exp(&logs);
        for (p, l) in particles.iter_mut().zip(logs) {
            p.weight = (l - top).exp();
        }
    }
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let top = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return top;
    }
    top + xs.iter().map(|x| (x - top).exp()).sum::<f64>().ln()
}

/// A generation's record.
fn summarize(index: u32, tolerance: f64, particles: &[Particle], s: &Sampler<'_>) -> Generation {
    Generation {
        index,
        tolerance,
        proposals: s.proposals,
        acceptance: particles.len() as f64 / s.proposals as f64,
        ess: ess(particles.iter().map(|p| p.weight)),
        simulations: s.simulations,
        particles: particles.to_vec(),
    }
}

/// The effective sample size of weights that sum to 1: `1 / Σ w²`.
pub fn ess(weights: impl Iterator<Item = f64>) -> f64 {
    1.0 / weights.map(|w| w * w).sum::<f64>()
}
