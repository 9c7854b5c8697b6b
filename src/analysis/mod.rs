//! Global sensitivity analysis of a sweep's outcomes: the indices of the `sobol` (Saltelli)
//! and `morris` designs, computed by palermo itself with the estimators SALib uses, so that
//! a sweep explains which parameters matter without a Python step (`docs/SWEEPS.md`,
//! "Sensitivity indices").
//!
//! - [`sobol`]: first-order (Saltelli 2010) and total (Jansen) Sobol' indices of a Saltelli
//!   design's outputs;
//! - [`morris`]: the elementary effects of Morris trajectories and their μ*, μ and σ;
//! - [`bootstrap`]: the resamples both draw their confidence intervals from, each a pure
//!   function of the sweep's seed, and [`Index`], an estimate with its interval.
//!
//! Everything here is arithmetic on numbers in design order: no files, no threads, no
//! printing. `sweep` feeds it the per-point means of `points.csv` and writes
//! `sensitivity.csv`.

pub mod bootstrap;
pub mod morris;
pub mod sobol;

pub use bootstrap::{Index, Resamples};
pub use morris::MorrisIndices;
pub use sobol::SobolIndices;
