//! The run-record decoder of resume and merge on any body, sealed with its correct checksum
//! (else nearly every input would stop at the checksum), and expected to be the run its own
//! header lines name (else nearly every input would stop at the fingerprint): an error or a
//! record, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palermo::output::manifest::sha256_hex;
use palermo::sweep::record::{Expected, decode};

/// The numbers after `key` words on a line: `run 3 point 1` gives 3 for "run".
fn number_after(line: &str, key: &str) -> usize {
    let mut words = line.split(' ');
    while let Some(w) = words.next() {
        if w == key {
            return words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        }
    }
    0
}

fuzz_target!(|body: &str| {
    let text = format!("{body}end {}\n", sha256_hex(body));
    let mut lines = body.lines().skip(1);
    let fingerprint = lines
        .next()
        .and_then(|l| l.strip_prefix("fingerprint "))
        .unwrap_or("");
    let ids = lines.next().unwrap_or("");
    let _summary = lines.next();
    let weeks = lines.next().unwrap_or("");
    let shape: Vec<usize> = weeks
        .split(' ')
        .skip(1)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let expected = Expected {
        fingerprint,
        run: number_after(ids, "run"),
        point: number_after(ids, "point"),
        replicate: number_after(ids, "replicate") as u32,
        // Bounded, as a real sweep's are: the decoder is not asked for a billion weeks.
        weeks: shape.first().copied().unwrap_or(0).min(10_000),
        rows_per_week: shape.get(1).copied().unwrap_or(0).min(100),
    };
    let _ = decode(&text, &expected);
});
