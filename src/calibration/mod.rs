//! Calibration: fitting a scenario's free parameters to the `calibrate` targets of a targets
//! file (`palermo calibrate`, `docs/VALIDATION.md` § Calibration) by adaptive ABC-SMC.
//!
//! - [`abc`]: the engine, which knows no palermo model (a function from parameters and a
//!   seed to statistics), tested on toy models with exact posteriors;
//! - `mvn.rs`: its multivariate normal kernel; `prior.rs`: the priors;
//! - [`model`]: palermo as the engine's model (free parameters as `--set` overrides, the
//!   `calibrate` targets' statistics averaged over replicates);
//! - [`summary`]: each parameter's posterior (median, 90 % interval, contraction);
//! - [`files`]: `posterior.csv`, `generations.csv`, `parameters.csv`, `calibrated.toml`;
//! - [`checkpoint`]: the work area that lets a stopped fit resume at a generation boundary.

pub mod abc;
pub mod checkpoint;
mod distance;
pub mod files;
pub mod model;
mod mvn;
mod prior;
pub mod summary;

pub use abc::{AbcError, Generation, Prior, Settings};
pub use model::{Calibration, Free, Problem, calibrate};

#[cfg(test)]
mod tests;
