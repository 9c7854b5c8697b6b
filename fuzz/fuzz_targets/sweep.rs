//! The `[sweep]` section after a valid world (the baseline's), then the plan of its points
//! when the design is small enough to generate quickly: an error or a plan, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palermo::scenario::{self, sweep::parse_sweep};
use palermo::sweep::{design, plan::Plan};

const BASELINE: &str = include_str!("../../scenarios/baseline.toml");

fuzz_target!(|section: &str| {
    let text = format!("{BASELINE}\n[sweep]\n{section}");
    let Ok(base) = scenario::parse(&text, "fuzz.toml", &[]) else {
        return;
    };
    let Ok(Some(spec)) = parse_sweep(&base) else {
        return;
    };
    // A design of millions of points is the user's to ask for; the fuzzer keeps to small ones.
    if design::count(&spec).is_some_and(|n| n <= 10_000) {
        let _ = Plan::new(base, spec, None);
    }
});
