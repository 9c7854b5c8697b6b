//! Bad input of every kind exits with status 2, says what and where on stderr, never panics,
//! and creates no output directory: nothing is written before everything is validated.

use std::fs;
use std::path::Path;

use crate::{Outcome, fixture, palermo};

/// Runs `palermo run ARGS --out TMP/out` and checks that it was refused as bad input without
/// creating `TMP/out`.
fn refused(args: &[&Path]) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut all = vec![Path::new("run")];
    all.extend(args);
    all.extend([Path::new("--out"), out.as_path()]);
    let outcome = palermo(all).bad_input();
    assert!(!out.exists(), "bad input created {}", out.display());
    outcome
}

fn p(s: &str) -> &Path {
    Path::new(s)
}

#[test]
fn a_missing_file() {
    let missing = fixture("no_such_scenario.toml");
    let e = refused(&[&missing]);
    assert!(e.stderr.contains("no_such_scenario.toml"), "{}", e.stderr);
}

#[test]
fn an_out_of_range_value_is_located() {
    let e = refused(&[&fixture("out_of_range.toml")]);
    let at = e
        .stderr
        .find("out_of_range.toml:")
        .unwrap_or_else(|| panic!("no file name in {}", e.stderr));
    let rest = &e.stderr[at + "out_of_range.toml:".len()..];
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().unwrap();
    let col = parts.next().unwrap_or("");
    assert!(
        line.parse::<u32>().is_ok() && col.parse::<u32>().is_ok(),
        "no line:col in {}",
        e.stderr
    );
    assert!(e.stderr.contains("corruption"), "{}", e.stderr);
}

#[test]
fn a_bad_set_path() {
    let e = refused(&[
        &fixture("tiny.toml"),
        &fixture("tiny2.toml"),
        p("--set"),
        p("all.no_such_parameter=1"),
    ]);
    let lines: Vec<&str> = e.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one error per file: {}", e.stderr);
    assert!(
        lines[0].contains("tiny.toml") && lines[1].contains("tiny2.toml"),
        "{}",
        e.stderr
    );
    assert!(
        lines.iter().all(|l| l.contains("all.no_such_parameter")),
        "{}",
        e.stderr
    );
}

#[test]
fn a_set_without_a_value() {
    refused(&[&fixture("tiny.toml"), p("--set"), p("all.corruption")]);
}

#[test]
fn zero_replicates() {
    let e = refused(&[&fixture("tiny.toml"), p("--replicates"), p("0")]);
    assert!(e.stderr.contains("replicates"), "{}", e.stderr);
}

#[test]
fn flags_clap_rejects() {
    refused(&[&fixture("tiny.toml"), p("--threads"), p("0")]);
    refused(&[&fixture("tiny.toml"), p("--seed"), p("minus-one")]);
    refused(&[&fixture("tiny.toml"), p("--no-such-flag")]);
    refused(&[]);
}

#[test]
fn one_bad_scenario_among_good_ones_runs_nothing() {
    let e = refused(&[
        &fixture("tiny.toml"),
        &fixture("out_of_range.toml"),
        &fixture("tiny2.toml"),
    ]);
    assert!(e.stderr.contains("out_of_range.toml"), "{}", e.stderr);
}

#[test]
fn every_bad_file_is_reported() {
    let e = refused(&[
        &fixture("out_of_range.toml"),
        &fixture("no_such_scenario.toml"),
    ]);
    assert!(e.stderr.contains("out_of_range.toml"), "{}", e.stderr);
    assert!(e.stderr.contains("no_such_scenario.toml"), "{}", e.stderr);
}

#[test]
fn two_scenarios_with_one_name() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("elsewhere");
    fs::create_dir(&other).unwrap();
    fs::copy(fixture("tiny2.toml"), other.join("tiny.toml")).unwrap();
    let e = refused(&[&fixture("tiny.toml"), &other.join("tiny.toml")]);
    assert!(e.stderr.contains("\"tiny\""), "{}", e.stderr);
}

#[test]
fn an_output_path_that_is_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("out");
    fs::write(&file, "not a directory").unwrap();
    let e = palermo([p("run"), &fixture("tiny.toml"), p("--out"), &file]).bad_input();
    assert!(e.stderr.contains("not a directory"), "{}", e.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
}

/// `--threads` is bounded (1 to 1024) in every command that has it: tens of thousands of
/// threads made the process panic in its new threads and hang, after validation had passed.
#[test]
fn too_many_threads_are_a_usage_error_in_every_command() {
    let tiny = fixture("tiny.toml");
    let e = refused(&[&tiny, p("--threads"), p("99999")]);
    assert!(e.stderr.contains("from 1 to 1024"), "{}", e.stderr);
    refused(&[&tiny, p("--threads"), p("1025")]);

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sweep = fixture("tiny_sweep.toml");
    let commands: [Vec<&Path>; 3] = [
        vec![p("sweep"), &sweep, p("--out"), &out],
        vec![p("resume"), &out],
        vec![p("compare"), &tiny, &tiny, p("--out"), &out],
    ];
    for args in commands {
        let mut args = args.clone();
        args.extend([p("--threads"), p("99999")]);
        let e = palermo(&args).bad_input();
        assert!(
            e.stderr.contains("from 1 to 1024"),
            "{args:?}: {}",
            e.stderr
        );
        assert!(!out.exists(), "{args:?} created {}", out.display());
    }
}

/// A system that refuses the threads (here, a cap on the address space that leaves no room
/// for 1,000 thread stacks) is a failure of the system: exit 1 with a message, no panic, no
/// output. Stacks of 64 MiB (`RUST_MIN_STACK`) make the stacks, not the heap, run out: with
/// the default 2 MiB ones the heap could be exhausted first, by whichever thread allocated
/// last, and the allocator's abort would hide what is tested (seen once in CI).
#[cfg(target_os = "linux")]
#[test]
fn threads_the_system_refuses_are_a_clean_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let shell = format!(
        "ulimit -v 400000 2>/dev/null || exit 0; export RUST_MIN_STACK=67108864; \
         exec \"$0\" run {} --out {} --threads 1000 --quiet",
        fixture("tiny.toml").display(),
        out.display()
    );
    let result = std::process::Command::new("sh")
        .args(["-c", &shell, env!("CARGO_BIN_EXE_palermo")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    if result.status.success() {
        // A system that grants 1,000 threads within 400 MB of address space has nothing to
        // refuse; the test proves nothing there.
        return;
    }
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot start worker threads"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());
}

/// The output commands that run before they write: `run`, `sweep` and `compare --out`.
fn output_commands<'a>(out: &'a Path, tiny: &'a Path, sweep: &'a Path) -> [Vec<&'a Path>; 3] {
    [
        vec![p("run"), tiny, p("--out"), out, p("-q")],
        vec![p("sweep"), sweep, p("--out"), out, p("-q")],
        vec![p("compare"), tiny, tiny, p("--out"), out, p("-q")],
    ]
}

/// An output path below a file can never be created: refused before anything runs, like an
/// output path that is a file (exit 2), naming the file in the way.
#[test]
fn an_output_path_below_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    fs::write(&file, "not a directory").unwrap();
    let out = file.join("out");
    let (tiny, sweep) = (fixture("tiny.toml"), fixture("tiny_sweep.toml"));
    for args in output_commands(&out, &tiny, &sweep) {
        let e = palermo(&args).bad_input();
        let expected = format!("{} exists and is not a directory", file.display());
        assert!(e.stderr.contains(&expected), "{args:?}: {}", e.stderr);
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
}

/// A location where files cannot be created is refused before anything runs (exit 2, the
/// path named), not found out when the results are written. Root creates files even in a
/// read-only directory, so where the test's own probe succeeds it proves nothing and stops.
#[cfg(unix)]
#[test]
fn an_output_directory_that_cannot_be_written() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(ro.join("probe"), "").is_ok() {
        eprintln!("skipped: files can be created in a 0o555 directory (running as root?)");
        return;
    }
    let (tiny, sweep) = (fixture("tiny.toml"), fixture("tiny_sweep.toml"));
    for out in [ro.join("out"), ro.join("a/b"), ro.clone()] {
        for args in output_commands(&out, &tiny, &sweep) {
            let e = palermo(&args).bad_input();
            let expected = format!("cannot create files in {}", ro.display());
            assert!(e.stderr.contains(&expected), "{args:?}: {}", e.stderr);
        }
    }
    assert_eq!(fs::read_dir(&ro).unwrap().count(), 0);
}

/// `run` (and `compare`) check a `[sweep]` section like the rest of the file, though they do
/// not run it: a file `check` refuses is refused by every command, with the same message.
/// A valid section is still ignored, even where a `--set` gives a swept path.
#[test]
fn a_bad_sweep_section_is_refused_by_run_as_by_check() {
    let tmp = tempfile::tempdir().unwrap();
    let bogus = tmp.path().join("bogus.toml");
    let tiny = fs::read_to_string(fixture("tiny.toml")).unwrap();
    fs::write(&bogus, format!("{tiny}\n[sweep]\nbogus = 1\n")).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_sweep");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(bogus.clone());
    // Too big to run: refused without generating its 10^12 points.
    files.push(fixture("too_many_runs.toml"));
    for file in &files {
        let checked = palermo([p("check"), file]).bad_input();
        let e = refused(&[file]);
        assert_eq!(e.stderr, checked.stderr, "{}", file.display());
        let compared = palermo([p("compare"), file, &fixture("tiny.toml")]).bad_input();
        assert_eq!(compared.stderr, checked.stderr, "{}", file.display());
    }
    let e = refused(&[&fixture("too_many_runs.toml")]);
    assert!(
        e.stderr.contains("too_many_runs.toml:9:2: this sweep has 1000002000001 points × 2 replicates: at most 100000000 runs"),
        "{}",
        e.stderr
    );
    let e = refused(&[&bogus]);
    assert!(
        e.stderr.contains("unknown key `bogus` in [sweep]"),
        "{}",
        e.stderr
    );

    let out = tmp.path().join("out");
    palermo([
        p("run"),
        &fixture("tiny_sweep.toml"),
        p("--set"),
        p("all.corruption=0.5"),
        p("--out"),
        &out,
        p("-q"),
    ])
    .ok();
}

/// Writes `text` after the tiny world's text to `NAME.toml` in `dir`, runs it (refused as bad
/// input, nothing created) and returns the one line of stderr.
fn refused_tiny_with(dir: &Path, name: &str, text: &str) -> String {
    let tiny = fs::read_to_string(fixture("tiny.toml")).unwrap();
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, format!("{tiny}\n{text}")).unwrap();
    let e = refused(&[&path]);
    assert_eq!(e.stderr.lines().count(), 1, "{}", e.stderr);
    e.stderr.trim_end().to_string()
}

/// "did you mean" finds a misspelt table (`[defaults.enforcment]`) and a shortened name
/// (`corupt`), and a policy's list of allowed keys holds only what a policy can change.
#[test]
fn unknown_keys_suggest_what_was_meant() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let e = refused_tiny_with(t, "table", "[defaults.enforcment]\nresources = 0.5\n");
    assert!(
        e.ends_with("unknown key `enforcment` in [defaults]; did you mean `enforcement`?"),
        "{e}"
    );
    let e = refused_tiny_with(t, "dotted", "[model]\nform_shares.sexual = 0.5\n");
    assert!(e.ends_with("did you mean `form_share`?"), "{e}");
    let e = refused_tiny_with(t, "short", "[[country]]\nname = \"D\"\ncorupt = 0.3\n");
    assert!(
        e.ends_with("unknown key `corupt` in [[country]] \"D\"; did you mean `corruption`?"),
        "{e}"
    );
    let e = refused_tiny_with(t, "last", "[[country]]\nname = \"D\"\ntrainig = 0.3\n");
    assert!(e.ends_with("did you mean `enforcement.training`?"), "{e}");
    // Nothing close: the list, and no absurd guess.
    let e = refused_tiny_with(t, "far", "[[country]]\nname = \"D\"\nhorizon = 3\n");
    assert!(e.contains("allowed: name, borders, at_risk"), "{e}");

    let policy =
        |how: &str| format!("[[policy]]\nweek = 1\ntarget = \"all\"\n{how} = {{ budget = 2 }}\n");
    let e = refused_tiny_with(t, "set", &policy("set"));
    let allowed = e.split("allowed: ").nth(1).unwrap_or_else(|| panic!("{e}"));
    let allowed: Vec<&str> = allowed.split(", ").collect();
    assert!(
        allowed.contains(&"corruption") && allowed.contains(&"law.offences"),
        "{e}"
    );
    for build_only in ["at_risk", "poverty", "network_density"] {
        assert!(!allowed.contains(&build_only), "{e}");
    }
    let e = refused_tiny_with(t, "scale", &policy("scale"));
    assert!(
        e.contains("allowed: wage,") && !e.contains("law.offences"),
        "{e}"
    );

    // --set suggests with the same rules.
    let e = refused(&[&fixture("tiny.toml"), p("--set"), p("all.corupt=0.3")]);
    assert!(
        e.stderr.contains("did you mean `corruption`?"),
        "{}",
        e.stderr
    );
}

/// A key given twice is named, at the second one (the parser says only "duplicate key").
#[test]
fn a_key_given_twice_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = fs::read_to_string(fixture("tiny.toml"))
        .unwrap()
        .lines()
        .count();
    let policy = "[[policy]]\nweek = 1\ntarget = \"all\"\ntarget = \"all\"\nset = { ngo = 1 }\n";
    let e = refused_tiny_with(tmp.path(), "twice", policy);
    let expected = format!(
        "twice.toml:{}:1: key `target` is given twice in this table",
        lines + 5
    );
    assert!(e.ends_with(&expected), "{e}");
    let e = refused_tiny_with(tmp.path(), "table", "[run]\nburn_in = 2\n");
    assert!(
        e.contains(&format!(
            "table.toml:{}:2: table `[run]` is defined twice",
            lines + 2
        )),
        "{e}"
    );
}

/// An item given twice in a set is refused, named at its second place: it is almost always a
/// typo for another item, which then silently went missing.
#[test]
fn an_item_listed_twice_in_a_set() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let lines = fs::read_to_string(fixture("tiny.toml"))
        .unwrap()
        .lines()
        .count();
    let country = "[[country]]\nname = \"Dravia\"\n";
    let e = refused_tiny_with(
        t,
        "offences",
        &format!("{country}law.offences = [\"sexual\", \"sexual\"]\n"),
    );
    let at = format!("offences.toml:{}:27: ", lines + 4);
    assert!(
        e.ends_with(&format!(
            "{at}offence `sexual` is listed twice in `law.offences`"
        )),
        "{e}"
    );
    let e = refused_tiny_with(
        t,
        "policy",
        "[[policy]]\nweek = 1\ntarget = \"all\"\nset = { \"law.offences\" = [\"child\", \"child\"] }\n",
    );
    assert!(e.contains("offence `child` is listed twice"), "{e}");
    let e = refused_tiny_with(
        t,
        "borders",
        &format!("{country}borders = [\"Aurelia\", \"Aurelia\"]\n"),
    );
    let at = format!("borders.toml:{}:23: ", lines + 4);
    assert!(
        e.ends_with(&format!(
            "{at}`Aurelia` is listed twice in the borders of `Dravia`"
        )),
        "{e}"
    );
    let e = refused(&[
        &fixture("tiny.toml"),
        p("--set"),
        p("all.law.offences=sexual,labour,sexual"),
    ]);
    assert!(
        e.stderr.contains(
            "--set all.law.offences=sexual,labour,sexual: offence `sexual` is listed twice"
        ),
        "{}",
        e.stderr
    );
    // Both sides of a border may list it: that is not a repeat.
    let both = tmp.path().join("both.toml");
    let tiny = fs::read_to_string(fixture("tiny.toml")).unwrap();
    let both_sides = tiny
        .replace(
            "name = \"Aurelia\"\n",
            "name = \"Aurelia\"\nborders = [\"Borealis\"]\n",
        )
        .replace(
            "name = \"Borealis\"\n",
            "name = \"Borealis\"\nborders = [\"Aurelia\"]\n",
        );
    fs::write(&both, both_sides).unwrap();
    palermo([p("check"), &both]).ok();
}

/// A file with several independent mistakes, in different tables, reports every one of them
/// in one go, each on its own line at its place, in file order: a user fixes them all in one
/// round instead of one per run. `run` refuses the file with the same lines and creates
/// nothing.
#[test]
fn every_mistake_of_a_file_is_reported_in_file_order() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/several_mistakes.toml");
    let checked = palermo([p("check"), &file]).bad_input();
    let expected = [
        (6, 1, "unknown key `wekes` in [run]; did you mean `weeks`?"),
        (11, 1, "corruption = 1.4 is outside [0, 1]"),
        (
            18,
            23,
            "unknown country `Borealia` in `members`; did you mean `Borealis`? (countries: Aurelia, Borealis)",
        ),
        (
            22,
            1,
            "unknown policy target `Aurelia`; a target is `all`, `country.NAME`, `bloc.NAME` or `pair.A.B`",
        ),
        (
            26,
            1,
            "unknown country `Cascadia` in `country` (countries: Aurelia, Borealis)",
        ),
    ];
    let lines: Vec<&str> = checked.stderr.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{}", checked.stderr);
    for (shown, (line, col, message)) in lines.iter().zip(expected) {
        let want = format!("error: {}:{line}:{col}: {message}", file.display());
        assert_eq!(*shown, want, "{}", checked.stderr);
    }
    let e = refused(&[&file]);
    assert_eq!(e.stderr, checked.stderr);
}
