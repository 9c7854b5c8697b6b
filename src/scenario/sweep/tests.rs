//! Tests of the `[sweep]` section as a whole: each design read from a scenario's text, the
//! located errors of every kind of mistake, and the bad sweep fixtures.

use super::{Design, SweepSpec, Values, parse_sweep};
use crate::params::{Domain, OffenceSet};
use crate::scenario::{ScenarioError, Value, parse};

const HEAD: &str = r#"schema = 1
[[country]]
name = "Aurelia"
[[country]]
name = "Borealis"
[[bloc]]
name = "North"
members = ["Borealis"]
"#;

fn spec(sweep: &str) -> Result<Option<SweepSpec>, ScenarioError> {
    let text = format!("{HEAD}{sweep}");
    let s = parse(&text, "s.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    parse_sweep(&s)
}

fn ok(sweep: &str) -> SweepSpec {
    spec(sweep).unwrap_or_else(|e| panic!("{e}")).unwrap()
}

fn err(sweep: &str) -> String {
    spec(sweep).expect_err(sweep).to_string()
}

#[test]
fn no_section_is_no_sweep_and_a_run_ignores_one() {
    assert_eq!(spec("").unwrap(), None);
    // `parse` (what `palermo run` uses) accepts a file with a broken [sweep].
    let text = format!("{HEAD}[sweep]\ndesign = \"nope\"\n");
    assert!(parse(&text, "s.toml", &[]).is_ok());
}

#[test]
fn grid_with_values_and_ranges() {
    let s = ok(r#"
[sweep]
design = "grid"
replicates = 3
[[sweep.parameter]]
path = "cooperation.default"
values = [0.0, 0.5, 1]
[[sweep.parameter]]
path = " all.corruption "
from = 0.0
to = 0.6
steps = 4
[[sweep.parameter]]
path = "country.Aurelia.law.offences"
values = [[], ["sexual", "labour"]]
"#);
    assert_eq!(s.design, Design::Grid);
    assert_eq!(s.replicates, Some(3));
    assert_eq!(s.seed, None);
    let paths: Vec<&str> = s.parameters.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "cooperation.default",
            "all.corruption",
            "country.Aurelia.law.offences"
        ]
    );
    assert_eq!(
        s.parameters[0].values,
        Values::List(vec![
            Value::Number(0.0),
            Value::Number(0.5),
            Value::Number(1.0)
        ])
    );
    assert_eq!(
        s.parameters[1].values,
        Values::Range {
            from: 0.0,
            to: 0.6,
            steps: Some(4)
        }
    );
    let sets = OffenceSet::from_names(["sexual", "labour"]).unwrap();
    assert_eq!(
        s.parameters[2].values,
        Values::List(vec![
            Value::Offences(OffenceSet::EMPTY),
            Value::Offences(sets)
        ])
    );
    assert_eq!(s.parameters[2].domain, Domain::Offences);
    assert_eq!(s.parameters[1].pos.line, 17);
}

#[test]
fn list_points_in_any_key_spelling() {
    let s = ok(r#"
[sweep]
design = "list"
[[sweep.point]]
"all.law.offences" = ["sexual"]
[[sweep.point]]
all.law.offences = ["sexual", "child"]
model.deterrence = 2
[[sweep.point]]
[sweep.point.bloc.North]
cooperation = 0.9
"#);
    let paths: Vec<&str> = s.parameters.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "all.law.offences",
            "model.deterrence",
            "bloc.North.cooperation"
        ]
    );
    let Design::List { points } = &s.design else {
        panic!("{:?}", s.design)
    };
    assert_eq!(points.len(), 3);
    assert_eq!(points[0][1], None);
    assert_eq!(points[1][1], Some(Value::Number(2.0)));
    assert_eq!(points[2], [None, None, Some(Value::Number(0.9))]);
    assert!(s.parameters.iter().all(|p| p.values == Values::ByPoint));
}

#[test]
fn sampled_designs_and_their_sizes() {
    let s = ok(
        "[sweep]\ndesign = \"lhs\"\nsamples = 10\nseed = 5\n[[sweep.parameter]]\npath = \"model.deterrence\"\nfrom = 0.5\nto = 4\n",
    );
    assert_eq!(s.design, Design::Lhs { samples: 10 });
    assert_eq!(s.seed, Some(5));
    let s = ok(
        "[sweep]\ndesign = \"sobol\"\nsamples = 8\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n",
    );
    assert_eq!(s.design, Design::Sobol { samples: 8 });
    let s = ok(
        "[sweep]\ndesign = \"morris\"\ntrajectories = 4\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 4\n",
    );
    assert_eq!(
        s.design,
        Design::Morris {
            trajectories: 4,
            levels: 4
        }
    );
    assert!(matches!(s.parameters[0].domain, Domain::Count { .. }));
}

#[test]
fn located_errors() {
    let e = err(
        "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.corruptoin\"\nvalues = [0.1]\n",
    );
    assert_eq!(
        e,
        "s.toml:12:1: sweep path `all.corruptoin`: unknown country parameter `corruptoin`; did you mean `corruption`?"
    );
    let e = err(
        "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.corruption\"\nfrom = 0.2\nto = 1.5\nsteps = 2\n",
    );
    assert_eq!(
        e,
        "s.toml:14:1: `all.corruption`: to = 1.5 is outside [0, 1]"
    );
    let e = err("[sweep]\ndesign = \"sobel\"\n");
    assert_eq!(
        e,
        "s.toml:10:1: unknown design `sobel`; did you mean `sobol`? (designs: grid, list, lhs, sobol, morris)"
    );
    assert!(err("[sweep]\ndesign = \"grid\"\n").contains("needs at least one [[sweep.parameter]]"));
    assert!(err("[sweep]\nreplicates = 2\n").contains("[sweep] is missing `design`"));
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = []\n")
            .contains("is empty")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\nsteps = 0\n")
            .contains("steps = 0 is outside [1, 1000000]")
    );
    assert!(
        err("[sweep]\ndesign = \"lhs\"\nsamples = 0\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
            .contains("samples = 0 is outside [1, 10000000]")
    );
    assert!(
        err("[sweep]\ndesign = \"sobol\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
            .contains("a sobol design needs `samples`")
    );
    assert!(
        err("[sweep]\ndesign = \"sobol\"\nsamples = 2.5\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
            .contains("must be a whole number")
    );
    assert!(
        err("[sweep]\ndesign = \"morris\"\ntrajectories = 4\nlevels = 5\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
            .contains("must be even")
    );
    assert!(
        err("[sweep]\ndesign = \"morris\"\ntrajectories = 4\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 5\n")
            .contains("multiple of 3")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 4\nsteps = 2\n")
            .contains("multiple of 2")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
            .contains("`samples` does not apply to a grid design")
    );
    assert!(
        err("[sweep]\ndesign = \"lhs\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
            .contains("`values` is for a grid")
    );
    assert!(
        err("[sweep]\ndesign = \"lhs\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0.5\nto = 0.5\n")
            .contains("must be greater than from")
    );
    assert!(
        err(
            "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"run.weeks\"\nvalues = [5]\n"
        )
        .contains("run settings are the same for every point")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [0]\n")
            .contains("swept twice (first on line 12)")
    );
    assert!(
        err("[sweep]\ndesign = \"lhs\"\nsamples = 3\n[[sweep.parameter]]\npath = \"all.law.offences\"\nfrom = 0\nto = 1\n")
            .contains("is a set of offences")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.law.offences\"\nvalues = [[\"sexual\", \"organs\"]]\n")
            .contains("unknown offence `organs`")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [\"high\"]\n")
            .contains("must be a number, found string")
    );
    assert!(err("[sweep]\ndesign = \"list\"\n").contains("needs at least one [[sweep.point]]"));
    assert!(err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n").contains("sets nothing"));
    assert!(
        err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n\"country.Aurela.ngo\" = 0.1\n")
            .contains("unknown country `Aurela`; did you mean `Aurelia`?")
    );
    assert!(
        err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n\"all.ngo\" = 0.1\nall.ngo = 0.2\n")
            .contains("given twice in this [[sweep.point]]")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\ncolour = 1\n").contains("unknown key `colour` in [sweep]")
    );
    assert!(
        err("[sweep]\ndesign = \"grid\"\nreplicates = 0\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
            .contains("replicates = 0 is outside [1, 1000000]")
    );
}

/// The messages of every error `parse` gives for `text`, in file order.
fn file_errors(text: &str) -> Vec<String> {
    let e = parse(text, "s.toml", &[]).expect_err(text);
    e.errors()
        .map(|one| {
            let line = one.line.map_or(String::new(), |l| format!("{l}: "));
            format!("{line}{}", one.message)
        })
        .collect()
}

/// A `[sweep]` section's first error is reported beside the file's other errors, in file
/// order, rather than only once the rest is fixed.
#[test]
fn a_broken_sweep_is_reported_beside_the_files_other_errors() {
    // A bad value in [model] (line 2) and an unknown design (line 12).
    let text = format!(
        "{}[sweep]\ndesign = \"sobel\"\n",
        HEAD.replace("schema = 1\n", "schema = 1\n[model]\ndeterrence = -1\n")
    );
    let errors = file_errors(&text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("3: ") && errors[0].contains("deterrence"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("12: unknown design `sobel`"),
        "{errors:?}"
    );

    // A swept path naming an accepted country is checked too; a valid section adds nothing.
    let bad_path = "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"country.Aurelia.corruptoin\"\nvalues = [0.1]\n";
    let errors = file_errors(&format!(
        "{}{bad_path}",
        HEAD.replace("schema = 1", "schema = 9")
    ));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[1].contains("did you mean `corruption`?"),
        "{errors:?}"
    );
    let good = bad_path.replace("corruptoin", "corruption");
    let errors = file_errors(&format!(
        "{}{good}",
        HEAD.replace("schema = 1", "schema = 9")
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
}

/// A swept path that names a country or bloc the file's check refused says nothing new: the
/// refusal is the error, not a misleading "unknown country".
#[test]
fn a_sweep_naming_a_refused_country_adds_no_error() {
    let sweep = |path: &str| {
        format!(
            "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"{path}\"\nvalues = [0.1]\n"
        )
    };
    let no_sweep_error = |errors: &[String]| !errors.iter().any(|e| e.contains("sweep path"));
    // A name with a dot is refused; the path that names it has nothing to resolve against.
    let refused_country = HEAD.replace("\"Aurelia\"", "\"Aure.lia\"");
    let errors = file_errors(&format!(
        "{refused_country}{}",
        sweep("country.Aure.lia.ngo")
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("Aure.lia") && no_sweep_error(&errors),
        "{errors:?}"
    );
    // With no country accepted, the blocs are not read: the bloc the path names is unknown
    // only because of that.
    let no_country = refused_country.replace("\"Borealis\"\n", "\"Bore.alis\"\n");
    let errors = file_errors(&format!("{no_country}{}", sweep("bloc.North.cooperation")));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(no_sweep_error(&errors), "{errors:?}");
    // The same path with the countries accepted but the bloc's members wrong still resolves.
    let bad_member = HEAD.replace("members = [\"Borealis\"]", "members = [\"Nowhere\"]");
    let errors = file_errors(&format!("{bad_member}{}", sweep("bloc.North.cooperation")));
    assert_eq!(errors.len(), 1, "{errors:?}");
}

/// Each file under tests/fixtures/bad_sweep parses as a scenario (a run would accept it),
/// and its sweep fails with its expected message.
#[test]
fn every_bad_sweep_fixture_fails_with_its_expected_message() {
    let failures =
        crate::scenario::validate::tests::bad_fixture_failures("bad_sweep", 8, |text, label| {
            let scenario = parse(text, label, &[])
                .unwrap_or_else(|e| panic!("{label}: the scenario itself must be valid: {e}"));
            parse_sweep(&scenario).map(|_| ())
        });
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
