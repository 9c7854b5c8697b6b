//! The scenario reader and validator on any text: an error or a scenario, never a panic, a
//! hang or runaway memory. A scenario that validates also has its `[sweep]` section read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palermo::scenario::{self, sweep::parse_sweep};

fuzz_target!(|text: &str| {
    if let Ok(s) = scenario::parse(text, "fuzz.toml", &[]) {
        let _ = parse_sweep(&s);
    }
});
