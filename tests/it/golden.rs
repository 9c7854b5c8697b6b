//! The golden file: the summary of a small, busy scenario for a fixed seed, pinned byte for
//! byte. Any change to the model's behaviour, its random streams or the output format changes
//! it. Update it only on purpose, after checking the difference is intended:
//! `PALERMO_BLESS=1 cargo test --test it golden`, and say why in the commit.

use std::fs;
use std::path::Path;

use crate::{funnel, palermo};

#[test]
fn the_funnel_summary_matches_the_golden_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let golden = root.join("tests/golden/funnel_summary.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    palermo([
        "run".as_ref(),
        funnel().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .ok();
    let actual = fs::read_to_string(out.join("summary.csv")).unwrap();
    if std::env::var_os("PALERMO_BLESS").is_some() {
        fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (create it with PALERMO_BLESS=1)", golden.display()));
    assert!(
        actual == expected,
        "summary.csv differs from {}:\n--- expected\n{expected}\n--- actual\n{actual}",
        golden.display()
    );
    // The golden world must exercise the whole funnel, or it pins too little.
    let (header, rows) = crate::read_csv(&out.join("summary.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for name in [
        "victims_total",
        "identified_total",
        "convictions_total",
        "bribed_cases_total",
    ] {
        let total: f64 = rows
            .iter()
            .map(|r| r[col(name)].parse::<f64>().unwrap())
            .sum();
        assert!(total > 0.0, "{name} is zero in the golden world");
    }
}
