//! The targets parser on good files and on every bad fixture of `tests/fixtures/bad_targets`
//! (each with its expected message), the checks against a scenario, and the pass rule.

use std::path::Path;

use super::report::Row;
use super::targets::{Expected, Role, Statistic, Target, Targets};
use crate::ids::CountryId;
use crate::scenario::validate::tests::bad_fixture_failures;
use crate::scenario::{self, Override};

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_shipped_targets_parse() {
    let t = Targets::load(&repo("targets/baseline.toml")).unwrap();
    let iceberg = &t.targets[0];
    assert_eq!(iceberg.name, "iceberg");
    assert_eq!(
        iceberg.statistic,
        Statistic::Column("identified_per_exploited_year".into())
    );
    assert_eq!(
        iceberg.expected,
        Expected::Band {
            low: 0.002,
            high: 0.006
        }
    );
    assert_eq!(
        (iceberg.role, iceberg.year.as_str()),
        (Role::Calibrate, "2021-2023")
    );
    assert!(t.targets.iter().all(|t| !t.source.trim().is_empty()));
    // The one-sided band reads `inf` as an open end.
    let exits = t
        .targets
        .iter()
        .find(|t| t.name == "self_exit_over_police")
        .unwrap();
    assert_eq!(
        exits.expected,
        Expected::Band {
            low: 1.0,
            high: f64::INFINITY
        }
    );
}

#[test]
fn a_calibrate_section_lists_the_free_parameters_with_their_places() {
    let text = "schema = 1\n\n[calibrate]\nfree = [\n  \"model.deterrence=0.2..3\",\n  \"all.corruption=0..1\",\n]\n\n[[target]]\nname = \"iceberg\"\nstatistic = \"identified_per_exploited_year\"\nband = [0.002, 0.006]\nrole = \"calibrate\"\nsource = \"MODEL.md\"\nyear = 2021\n";
    let t = Targets::parse(text, "t.toml").unwrap();
    let free: Vec<(&str, usize)> = t
        .free
        .iter()
        .map(|(text, pos)| (text.as_str(), pos.line))
        .collect();
    assert_eq!(
        free,
        [("model.deterrence=0.2..3", 5), ("all.corruption=0..1", 6)]
    );
    // Without the section, no free parameter.
    let shipped = Targets::load(&repo("targets/baseline.toml")).unwrap();
    assert!(shipped.free.is_empty());
}

#[test]
fn a_good_file_with_every_kind_of_key() {
    let t = Targets::load(&repo("tests/fixtures/targets/pass.toml")).unwrap();
    let last = &t.targets[2];
    assert_eq!(
        last.statistic,
        Statistic::Ratio("at_home".into(), "at_home".into())
    );
    let names: Vec<&str> = last
        .countries
        .as_ref()
        .unwrap()
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["Aurelia", "Borealis"]);
    assert_eq!(last.weeks.map(|(a, b, _)| (a, b)), Some((2, 10)));
    assert_eq!(
        last.expected,
        Expected::Value {
            value: 1.0,
            sd: 0.001
        }
    );
    assert_eq!(last.expected.band(), (0.998, 1.002));
    assert_eq!(last.year, "2026");
    assert_eq!(t.targets[1].year, "2026");
    assert!(last.note.is_some());
    assert_eq!(last.scale, 1.0);
}

/// Each file under tests/fixtures/bad_targets fails with its expected message, located, its
/// key named in it.
#[test]
fn every_bad_targets_fixture_fails_with_its_expected_message() {
    let failures = bad_fixture_failures("bad_targets", 34, |text, label| {
        Targets::parse(text, label).map(|_| ())
    });
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn several_mistakes_are_reported_together_in_file_order() {
    let text =
        std::fs::read_to_string(repo("tests/fixtures/bad_targets/several_mistakes.toml")).unwrap();
    let e = Targets::parse(&text, "x.toml").unwrap_err();
    let lines: Vec<Option<u32>> = e.errors().map(|e| e.line).collect();
    assert_eq!(lines, [Some(6), Some(7)], "{e}");
}

#[test]
fn targets_are_checked_against_the_scenario() {
    let tiny = scenario::load(
        &repo("tests/fixtures/cli/tiny.toml"),
        &[Override::parse("run.weeks=20").unwrap()],
    )
    .unwrap();
    let ok = Targets::load(&repo("tests/fixtures/targets/pass.toml")).unwrap();
    let resolved = ok.resolve(&tiny).unwrap();
    assert_eq!(resolved[0].weeks, 0..20);
    assert_eq!(resolved[2].weeks, 1..10);
    assert_eq!(
        resolved[2].countries,
        Some(vec![CountryId::new(0), CountryId::new(1)])
    );
    let text = "schema = 1\n[[target]]\nname = \"x\"\nstatistic = \"identification_rate\"\n\
                countries = [\"Borealis\", \"Borelis\"]\nweeks = [1, 21]\nband = [0, 1]\n\
                role = \"hold_out\"\nsource = \"s\"\nyear = 2026\n";
    let bad = Targets::parse(text, "t.toml").unwrap();
    let shown = bad.resolve(&tiny).unwrap_err().to_string();
    for expected in [
        "t.toml:5:14: identification_rate over some countries needs `weeks` starting after week 1",
        "t.toml:5:26: unknown country `Borelis`",
        "did you mean `Borealis`?",
        "t.toml:6:1: weeks = [1, 21] ends after the 20 recorded weeks",
    ] {
        assert!(shown.contains(expected), "{expected}\nnot in\n{shown}");
    }
}

fn target(expected: Expected) -> Target {
    let text = "schema = 1\n[[target]]\nname = \"x\"\nstatistic = \"victims_total\"\n\
                band = [0, 1]\nrole = \"hold_out\"\nsource = \"s\"\nyear = 2026\n";
    let mut t = Targets::parse(text, "t.toml").unwrap().targets.remove(0);
    t.expected = expected;
    t
}

#[test]
fn the_rule_is_the_mean_in_the_band_and_settled_says_whether_the_ci_agrees() {
    let band = Expected::Band {
        low: 0.0,
        high: 10.0,
    };
    // Well inside: a settled pass.
    let r = Row::new(target(band), vec![Some(4.0), Some(5.0), Some(6.0)]);
    assert!(r.pass && r.settled);
    assert_eq!(r.inside_share, 1.0);
    // Mean inside but one replicate out and a wide interval: an unsettled pass.
    let r = Row::new(target(band), vec![Some(9.0), Some(11.0), Some(8.0), None]);
    assert!(r.pass && !r.settled, "{r:?}");
    assert_eq!(r.inside_share, 0.5);
    assert_eq!(r.inside(), "2/4 (1 undefined)");
    assert_eq!(r.verdict(), "pass (unsettled)");
    // Mean outside: a fail, settled when the interval misses the band.
    let r = Row::new(target(band), vec![Some(20.0), Some(21.0), Some(22.0)]);
    assert!(!r.pass && r.settled);
    let r = Row::new(target(band), vec![Some(5.0), Some(30.0)]);
    assert!(!r.pass && !r.settled);
    // Undefined everywhere: a fail, never a pass by default.
    let r = Row::new(target(band), vec![None, None]);
    assert!(!r.pass && !r.settled);
    assert_eq!(r.mean(), "undefined");
    // value ± sd passes within two standard deviations, not three.
    let v = Expected::Value {
        value: 10.0,
        sd: 1.0,
    };
    assert!(Row::new(target(v), vec![Some(11.9), Some(11.9)]).pass);
    assert!(!Row::new(target(v), vec![Some(12.1), Some(12.1)]).pass);
    assert!(!Row::new(target(v), vec![Some(7.5), Some(7.5)]).pass);
}

#[test]
fn tables_have_a_row_per_target() {
    let band = Expected::Band {
        low: 1.0,
        high: f64::INFINITY,
    };
    let rows = vec![
        Row::new(target(band), vec![Some(4.0), Some(5.0)]),
        Row::new(
            target(Expected::Band {
                low: -1.0,
                high: 0.0,
            }),
            vec![Some(4.0)],
        ),
    ];
    let md = super::report::markdown(&rows);
    assert_eq!(md.lines().count(), 4);
    assert!(md.contains("| ≥ 1 |") && md.contains("| -1 to 0 |"), "{md}");
    let text = super::report::text(&rows);
    assert_eq!(text.lines().count(), 3);
    assert!(
        text.lines().nth(2).unwrap().ends_with("fail (unsettled)"),
        "{text}"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::scenario::validate::fuzz::{apply_edit, edit};

    const BASELINE: &str = include_str!("../../targets/baseline.toml");

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// No edit of the shipped targets makes reading them, or checking them against a
        /// scenario, panic; every error renders and points inside the file.
        #[test]
        fn mutations_of_the_shipped_targets_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
            let mut text = BASELINE.to_string();
            for e in &edits {
                text = apply_edit(&text, e);
            }
            match Targets::parse(&text, "fuzz.toml") {
                Ok(t) => {
                    let tiny = scenario::load(&repo("tests/fixtures/cli/tiny.toml"), &[]).unwrap();
                    let _ = t.resolve(&tiny);
                }
                Err(e) => {
                    prop_assert!(e.to_string().starts_with("fuzz.toml"));
                    for one in e.errors() {
                        if let Some(line) = one.line {
                            prop_assert!(line as usize <= text.lines().count() + 1);
                        }
                    }
                }
            }
        }
    }
}
