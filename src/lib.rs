//! palermo: an agent-based policy simulator of human trafficking, international cooperation
//! and enforcement (named after the UN Palermo Protocol).
//!
//! Data flow, from file to CSV:
//! 1. [`scenario`] reads a TOML scenario, checks it against the one parameter table
//!    ([`params`]) and applies `--set` overrides, giving a typed [`scenario::Scenario`].
//! 2. [`world`] builds the state of one run's [`world::World`] from the scenario and the run's
//!    seed (countries, cooperation, persons, agencies); [`mechanisms::initialize`] then sets
//!    up what the mechanisms own (networks on their routes, perceived risk, calendars).
//!    [`run::initial_world`] does both; [`ids`] and [`draws`] sit below both.
//! 3. [`run`] is the only loop over weeks: it calls [`mechanisms::step_week`], which runs the
//!    twelve steps of MODEL.md §2 in order, each a function in its own file.
//! 4. Mechanisms only add to [`metrics`] counters; [`run`] collects them into a
//!    [`metrics::RunResult`] with per-run totals and rates.
//! 5. [`batch`] runs every replicate of every scenario in parallel (`sweep::exec`), kept in a
//!    fixed order; [`output`] writes `timeseries.csv`, `summary.csv` and `manifest.json`
//!    atomically.
//! 6. [`sweep`] runs a scenario's `[sweep]` (points × replicates) in parallel, resumably, and
//!    streams per-run and per-point results in run order; it also compares two scenarios.
//! 7. [`validation`] holds a scenario to the real-world figures of a targets file (its
//!    replicates through [`batch`], one row per target: mean, 95 % CI, pass or fail).
//! 8. [`cli`] is the terminal front end: one module per command, the only code that prints;
//!    everything it runs is the library above.
//! 9. [`report`] reads a directory palermo wrote and makes one self-contained HTML page of
//!    charts and tables (`palermo report`).
//! 10. [`serve`] is the classroom page (`palermo serve`): two worlds side by side, streamed
//!     week by week through [`run::ReplicateRun`].

// `unsafe` code only in `world::memory`: two hints to the platform (huge pages, prefetches).
#![deny(unsafe_code)]

pub mod analysis;
pub mod batch;
pub mod budget;
pub mod calibration;
pub mod cli;
pub mod draws;
pub mod ids;
pub mod mechanisms;
pub mod metrics;
pub mod offence;
pub mod output;
pub mod params;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod serve;
pub mod sweep;
pub mod validation;
pub mod world;
