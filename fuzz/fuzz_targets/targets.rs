//! The targets reader of `palermo validate` on any text: an error or a targets file, never a
//! panic, a hang or runaway memory. A file that parses is also checked against the shipped
//! baseline (its countries and weeks), as the command does before it runs anything.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use palermo::scenario::{self, Scenario};
use palermo::validation::Targets;

fn baseline() -> &'static Scenario {
    static BASELINE: OnceLock<Scenario> = OnceLock::new();
    BASELINE.get_or_init(|| {
        scenario::parse(
            include_str!("../../scenarios/baseline.toml"),
            "baseline.toml",
            &[],
        )
        .expect("the shipped baseline parses")
    })
}

fuzz_target!(|text: &str| {
    if let Ok(t) = Targets::parse(text, "fuzz.toml") {
        let _ = t.resolve(baseline());
    }
});
