//! Tests of a whole scenario file: the format's full example, every independent error in
//! file order, one error per mistake, the bad and good fixtures, loading, overrides applied
//! after the build. Tests of one section sit beside its code.

use std::path::Path;

use super::{load, parse};
use crate::ids::CountryId;
use crate::params::{CountryParams, ModelParams, OffenceSet};
use crate::scenario::{
    Change, Override, Pair, RunSettings, Scenario, ScenarioError, Shock, Target, Value,
};

/// The format's example, with a third country and a few twists: key order that differs
/// from alphabetical, policies out of week order, an integer where a real is expected.
const FULL: &str = r#"schema = 1

[run]
weeks = 520
seed = 42
replicates = 10

[model]
form_share.sexual = 0.3
deterrence = 3

[defaults]
corruption = 0.3
[defaults.law]
offences = ["sexual", "labour", "child"]
[defaults.enforcement]
resources = 0.5

[[country]]
name = "Aurelia"
at_risk = 20000
poverty = 0.8
borders = ["Borealis"]
law.offences = []

[[country]]
name = "Borealis"
at_risk = 5000
wage = 1
enforcement = { training = 0.9 }

[[country]]
name = "Caldera"
borders = ["Borealis"]
"law.penalty" = 0.7

[cooperation]
default = 0.1

[[bloc]]
name = "North"
members = ["Borealis", "Caldera"]
cooperation = 0.8

[[bloc]]
name = "Targets"
members = ["Aurelia"]

[[pair]]
a = "Aurelia"
b = "Borealis"
cooperation = 0.5
directed = true

[[policy]]
week = 200
target = "pair.Aurelia.Borealis"
set = { cooperation = 0.9 }

[[policy]]
week = 104
target = "bloc.North"
set = { "law.offences" = ["sexual", "labour", "child", "debt_bondage"], corruption = 0.1, cooperation = 1 }
scale = { "enforcement.resources" = 2.0 }
ramp_weeks = 26

[[policy]]
week = 104
target = "all"
scale = { awareness = 1.5 }

[[shock]]
country = "Aurelia"
week = 200
weeks = 52
vulnerability = 1.5
"#;

fn full() -> Scenario {
    parse(FULL, "scenarios/full.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn id(i: usize) -> CountryId {
    CountryId::new(i)
}

fn offences(names: &[&str]) -> OffenceSet {
    OffenceSet::from_names(names.iter().copied()).unwrap()
}

#[test]
fn full_file_builds_the_expected_scenario() {
    let s = full();
    assert_eq!(s.name, "full");
    assert_eq!(s.path, "scenarios/full.toml");
    assert_eq!(s.text, FULL);
    assert_eq!(
        s.run,
        RunSettings {
            weeks: 520,
            seed: 42,
            replicates: 10,
            burn_in: 0,
        }
    );
    assert_eq!(s.model.share_sexual, 0.3);
    assert_eq!(s.model.deterrence, 3.0);
    assert_eq!(s.model.share_labour, ModelParams::default().share_labour);

    let names: Vec<&str> = s.countries.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Aurelia", "Borealis", "Caldera"]);
    let [a, b, c] = [&s.countries[0], &s.countries[1], &s.countries[2]];
    assert_eq!(a.params.numbers.at_risk, 20000.0);
    assert_eq!(a.params.numbers.poverty, 0.8);
    // An empty offence set is a valid law (no anti-trafficking law at all).
    assert_eq!(a.params.offences, OffenceSet::EMPTY);
    // Defaults reach every country that does not override them.
    assert_eq!(b.params.offences, offences(&["sexual", "labour", "child"]));
    assert_eq!(b.params.numbers.corruption, 0.3);
    assert_eq!(b.params.numbers.resources, 0.5);
    assert_eq!(b.params.numbers.wage, 1.0);
    assert_eq!(b.params.numbers.training, 0.9);
    assert_eq!(c.params.numbers.penalty, 0.7);
    assert_eq!(
        c.params.numbers.poverty,
        CountryParams::default().numbers.poverty
    );

    // Borders are symmetric: Borealis lists nobody but is listed by both others.
    assert_eq!(a.borders, Some(vec![id(1)]));
    assert_eq!(b.borders, Some(vec![id(0), id(2)]));
    assert_eq!(c.borders, Some(vec![id(1)]));

    assert_eq!(s.cooperation.default, 0.1);
    assert_eq!(s.cooperation.blocs.len(), 2);
    assert_eq!(s.cooperation.blocs[0].members, [id(1), id(2)]);
    assert_eq!(s.cooperation.blocs[0].cooperation, Some(0.8));
    assert_eq!(s.cooperation.blocs[1].cooperation, None);
    assert_eq!(
        s.cooperation.pairs,
        [Pair {
            a: id(0),
            b: id(1),
            cooperation: 0.5,
            directed: true
        }]
    );

    // Sorted by week, stable within a week.
    let order: Vec<(u32, Target)> = s.policies.iter().map(|p| (p.week, p.target)).collect();
    assert_eq!(
        order,
        [
            (104, Target::Bloc(0)),
            (104, Target::All),
            (200, Target::Pair(id(0), id(1)))
        ]
    );
    let p = &s.policies[0];
    assert_eq!(p.ramp_weeks, 26);
    // Set changes first, each in the order written (not alphabetical), then scales.
    assert_eq!(
        p.changes,
        [
            Change::Set {
                param: "law.offences".into(),
                value: Value::Offences(offences(&["sexual", "labour", "child", "debt_bondage"]))
            },
            Change::Set {
                param: "corruption".into(),
                value: Value::Number(0.1)
            },
            Change::Set {
                param: "cooperation".into(),
                value: Value::Number(1.0)
            },
            Change::Scale {
                param: "enforcement.resources".into(),
                factor: 2.0
            },
        ]
    );
    assert_eq!(s.policies[2].ramp_weeks, 0);

    assert_eq!(
        s.shocks,
        [Shock {
            country: id(0),
            week: 200,
            weeks: 52,
            vulnerability: 1.5
        }]
    );
    assert!(s.overrides.is_empty());
}

/// The lines of every error of a file that `parse` refuses, with each message.
fn error_lines(text: &str) -> Vec<(u32, String)> {
    let e = parse(text, "x.toml", &[]).unwrap_err();
    e.errors()
        .map(|one| (one.line.unwrap_or(0), one.message.clone()))
        .collect()
}

#[test]
fn every_independent_error_is_reported_in_file_order() {
    let text = r#"schema = 1
[run]
weeks = 0
replicates = 0
[[country]]
name = "A"
poverty = -1
corruption = 2
[[country]]
name = "B"
borders = ["Q"]
[[bloc]]
name = "N"
members = ["A", "Z"]
[[policy]]
week = -1
target = "bloc.N"
set = { corruption = 3, ngo = 0.5 }
[[policy]]
week = 1
target = "country.Nope"
scale = { corruption = -1 }
[[pair]]
a = "A"
b = "Zed"
[[shock]]
country = "Q"
week = 1
weeks = 0
vulnerability = 11
"#;
    let lines: Vec<u32> = error_lines(text).iter().map(|(l, _)| *l).collect();
    assert_eq!(
        lines,
        [3, 4, 7, 8, 11, 14, 16, 18, 21, 22, 25, 27, 29, 30],
        "{:#?}",
        error_lines(text)
    );
}

/// A missing key beside an unknown one (perhaps its misspelling), or an empty list whose
/// items were refused, would repeat what is already said: one mistake, one error.
#[test]
fn one_mistake_gives_one_error() {
    let head = "schema = 1\n[[country]]\nname = \"A\"\n";
    let cases = [
        "[[policy]]\nweek = 1\ntagret = \"all\"\nset = { ngo = 0.5 }\n",
        "[[policy]]\nweek = 1\ntarget = \"all\"\nset = { ngoo = 0.5 }\n",
        "[[policy]]\nweek = 1\ntarget = \"all\"\nsett = { ngo = 0.5 }\n",
        "[[bloc]]\nname = \"N\"\nmember = [\"A\"]\n",
        "[[bloc]]\nname = \"N\"\nmembers = [\"Z\"]\n",
        "[[shock]]\ncountri = \"A\"\nweek = 1\nweeks = 1\nvulnerability = 1\n",
        "[[pair]]\na = \"A\"\nbb = \"A\"\n",
        "[[policy]]\nweek = 1\ntarget = \"bloc.N\"\nset = { ngo = 0.5 }\n[[bloc]]\nname = \"N\"\nmembers = [\"Z\"]\n",
    ];
    for case in cases {
        let errors = error_lines(&format!("{head}{case}"));
        assert_eq!(errors.len(), 1, "{case}: {errors:#?}");
    }
    // A misspelt section is not also a missing one.
    assert_eq!(
        error_lines("schema = 1\n[[contry]]\nname = \"A\"\n").len(),
        1
    );
    assert_eq!(
        error_lines("shcema = 1\n[[country]]\nname = \"A\"\n").len(),
        1
    );
    // But a file with neither says both.
    assert_eq!(error_lines("[run]\nweeks = 5\n").len(), 2);
}

/// Countries, blocs and policy targets refused for one reason still serve the checks of
/// the rest: names are looked up among the countries accepted, a target's kind decides
/// what its changes may address even when the name in it is unknown.
#[test]
fn later_sections_are_checked_against_what_was_accepted() {
    let text = r#"schema = 1
[[country]]
name = "A"
corruption = 5
[[country]]
name = "A"
[[country]]
name = "B"
[[bloc]]
name = "N"
members = ["A", "Nope"]
[[policy]]
week = 1
target = "bloc.N"
set = { cooperation = 0.5 }
[[policy]]
week = 1
target = "pair.A.Nope"
set = { corruption = 0.5 }
"#;
    let errors = error_lines(text);
    let lines: Vec<u32> = errors.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [4, 6, 11, 18, 19], "{errors:#?}");
    assert!(errors[1].1.starts_with("duplicate country name `A`"));
    assert!(
        errors[4].1.contains("unknown key `corruption`"),
        "{errors:#?}"
    );
}

/// The fixtures of `tests/fixtures/DIR`: each opens with `# expect: FRAGMENT`, the
/// fragment starting with the file's name. Runs `check` on each (text, file name) and
/// returns what went wrong: accepted, a message without the fragment, or a message that
/// does not show the key the error names. Shared with the sweep's bad fixtures.
pub(crate) fn bad_fixture_failures(
    dir: &str,
    at_least: usize,
    check: impl Fn(&str, &str) -> Result<(), ScenarioError>,
) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= at_least, "only {} bad fixtures", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{label}: first line must be `# expect: ...`"));
        assert!(
            expect.starts_with(&label),
            "{label}: expectation must name the file"
        );
        match check(&text, &label) {
            Ok(()) => failures.push(format!("{label}: accepted")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.contains(expect) {
                    failures.push(format!("{label}:\n  expected {expect}\n  got      {shown}"));
                }
                for one in e.errors() {
                    if let Some(key) = &one.key
                        && !one.message.contains(key.as_str())
                    {
                        failures.push(format!("{label}: key `{key}` not in the message"));
                    }
                    // A located scenario error names its key; only TOML syntax errors
                    // have none.
                    if dir.ends_with("bad")
                        && one.key.is_none()
                        && one.line.is_some()
                        && !one.message.contains("invalid TOML")
                    {
                        failures.push(format!("{label}: located error without a key"));
                    }
                }
            }
        }
    }
    failures
}

/// Each file under tests/fixtures/bad must fail to parse with its expected message.
#[test]
fn every_bad_fixture_fails_with_its_expected_message() {
    let failures =
        bad_fixture_failures("bad", 40, |text, label| parse(text, label, &[]).map(|_| ()));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_good_fixture_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn the_small_fixture_is_what_it_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/small.toml");
    let s = load(&path, &[]).unwrap();
    assert_eq!(s.name, "small");
    assert_eq!(s.countries.len(), 3);
    assert_eq!((s.run.weeks, s.run.replicates), (52, 2));
    assert_eq!(s.cooperation.blocs.len(), 1);
    assert_eq!(s.cooperation.pairs.len(), 1);
    assert_eq!((s.policies.len(), s.shocks.len()), (1, 1));
    assert_eq!(s.countries[0].params.numbers.network_density, 2.0);
    assert!(
        s.countries
            .iter()
            .all(|c| c.params.numbers.at_risk == 2000.0)
    );
    // Origo-Transia-Destia is a line: the middle borders both ends.
    assert_eq!(s.countries[1].borders, Some(vec![id(0), id(2)]));
}

#[test]
fn unreadable_files_are_bad_input() {
    let e = load(Path::new("/nonexistent/dir/x.toml"), &[]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/dir/x.toml: cannot read"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.toml");
    std::fs::write(&path, [0xff, 0xfe, b'a']).unwrap();
    let e = load(&path, &[]).unwrap_err();
    assert!(e.to_string().contains("is not UTF-8"), "{e}");
}

#[test]
fn overrides_are_applied_in_order_and_recorded() {
    let ovs: Vec<Override> = ["all.corruption=0.2", "country.Aurelia.corruption=0.6"]
        .iter()
        .map(|t| Override::parse(t).unwrap())
        .collect();
    let s = parse(FULL, "full.toml", &ovs).unwrap();
    assert_eq!(s.countries[0].params.numbers.corruption, 0.6);
    assert_eq!(s.countries[1].params.numbers.corruption, 0.2);
    assert_eq!(s.overrides, ovs);
    let bad = [Override::parse("run.weeks=0").unwrap()];
    let e = parse(FULL, "full.toml", &bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--set run.weeks=0: weeks = 0 is outside [1, 100000]"
    );
}
