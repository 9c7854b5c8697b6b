//! Calibration: fitting a scenario's free parameters to the `calibrate` targets of a targets
//! file (`palermo calibrate`, `docs/VALIDATION.md` § Calibration) by adaptive ABC-SMC.
//!
//! - [`abc`]: the engine, which knows no palermo model (a function from parameters and a
//!   seed to statistics), tested on toy models with exact posteriors;
//! - `mvn.rs`: its multivariate normal kernel.

pub mod abc;
mod mvn;

#[cfg(test)]
mod tests;
