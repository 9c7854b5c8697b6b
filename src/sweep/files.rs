//! The names of the files a sweep (and `palermo compare`) writes into its output directory,
//! in one place for the parts that write, assemble, replace and read them back.

/// One row per run.
pub const SUMMARY_FILE: &str = "summary.csv";
/// One row per point: the parameter values and statistics of every outcome.
pub const POINTS_FILE: &str = "points.csv";
/// One row per point, week and country: statistics of the weekly counters.
pub const AGGREGATE_FILE: &str = "aggregate.csv";
/// One row per run, week and country, on request.
pub const TIMESERIES_FILE: &str = "timeseries.csv";
pub const MANIFEST_FILE: &str = "manifest.json";
/// The SALib problem of a sampled design.
pub const PROBLEM_FILE: &str = "problem.json";
/// The sample matrix of a sampled design, in SALib's row order.
pub const SAMPLES_FILE: &str = "samples.csv";
/// The sensitivity indices of a sobol or morris design, computed by palermo.
pub const SENSITIVITY_FILE: &str = "sensitivity.csv";
/// The paired differences of `palermo compare`.
pub const COMPARE_FILE: &str = "compare.csv";
/// Every file a sweep may write, in the order they are put in place.
pub const FILES: [&str; 8] = [
    SUMMARY_FILE,
    POINTS_FILE,
    AGGREGATE_FILE,
    TIMESERIES_FILE,
    PROBLEM_FILE,
    SAMPLES_FILE,
    SENSITIVITY_FILE,
    MANIFEST_FILE,
];
