//! `--set PATH=VALUE` on the shipped baseline: each line of the input is one override, parsed
//! and applied as the command line does; an error or a scenario, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palermo::scenario::{self, Override};

const BASELINE: &str = include_str!("../../scenarios/baseline.toml");

fuzz_target!(|text: &str| {
    let overrides: Result<Vec<Override>, _> = text.lines().take(16).map(Override::parse).collect();
    if let Ok(overrides) = overrides {
        let _ = scenario::parse(BASELINE, "baseline.toml", &overrides);
    }
});
