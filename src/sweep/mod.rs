//! Parameter sweeps: many points of one scenario, each run for several replicates.
//!
//! - [`design`]: the points of a grid, list, Latin hypercube, Saltelli (Sobol') or Morris
//!   design, from the validated `[sweep]` section (`scenario::sweep`).

pub mod design;
