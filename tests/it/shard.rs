//! `palermo sweep --shard K/N` and `palermo merge` through the real binary: shards merged in
//! any order give the bytes of the same sweep on one machine; incomplete, foreign, repeated
//! or damaged shards are refused (exit 2) and nothing is written or damaged.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Outcome, fixture, palermo};

/// `palermo sweep tiny_sweep.toml --out OUT --quiet EXTRA...`.
fn tiny_sweep(out: &Path, extra: &[&str]) -> Outcome {
    crate::sweep(&fixture("tiny_sweep.toml"), out, extra)
}

fn merge(shards: &[&Path], out: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    palermo(args)
}

/// Runs shards 1..=n of the tiny sweep with `extra`, into `DIR/sK`.
fn shards(dir: &Path, n: usize, extra: &[&str]) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let out = dir.join(format!("s{k}"));
            let shard = format!("{k}/{n}");
            let mut args = vec!["--shard", shard.as_str()];
            args.extend_from_slice(extra);
            tiny_sweep(&out, &args).ok();
            out
        })
        .collect()
}

fn refs(paths: &[PathBuf]) -> Vec<&Path> {
    paths.iter().map(PathBuf::as_path).collect()
}

/// The result files two directories share, asserting they are the same set.
fn same_result_files(a: &Path, b: &Path) -> Vec<String> {
    let names = |d: &Path| {
        let mut n: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(a), names(b));
    names(a)
}

/// `manifest.json` without what describes the invocation (times, command line, threads,
/// how the runs were obtained).
fn manifest_facts(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let o = m.as_object_mut().unwrap();
    for key in ["started", "finished", "command_line", "threads"] {
        o.remove(key).unwrap();
    }
    let sweep = o["sweep"].as_object_mut().unwrap();
    for key in ["first_started", "computed_runs", "resumed_runs", "shards"] {
        sweep.remove(key);
    }
    m
}

#[test]
fn merged_shards_are_the_bytes_of_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = ["--timeseries", "countries", "--aggregate", "countries"];
    let single = tmp.path().join("single");
    tiny_sweep(&single, &extra).ok();
    for n in [1, 4, 18] {
        let dir = tmp.path().join(format!("n{n}"));
        let threads = if n == 4 { "1" } else { "2" };
        let mut args = extra.to_vec();
        args.extend(["--threads", threads]);
        let mut parts = shards(&dir, n, &args);
        for s in &parts {
            assert!(s.join("shard.json").is_file() && s.join(".runs/runs").is_dir());
            assert!(!s.join("summary.csv").exists(), "a shard assembles nothing");
        }
        // Any order on the command line.
        parts.reverse();
        let merged = dir.join("merged");
        let e = merge(&refs(&parts), &merged, &[]).ok();
        assert!(e.stderr.is_empty(), "--quiet: {}", e.stderr);
        for name in same_result_files(&single, &merged) {
            if name == "manifest.json" {
                continue;
            }
            assert!(
                fs::read(single.join(&name)).unwrap() == fs::read(merged.join(&name)).unwrap(),
                "{name}: {n} shards merged differ from one machine"
            );
        }
        assert_eq!(manifest_facts(&single), manifest_facts(&merged));
        let m: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(merged.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["sweep"]["shards"], n);
        // The shards are left as they were: merging again gives the same files.
        let again = dir.join("again");
        merge(&refs(&parts), &again, &[]).ok();
        assert_eq!(
            fs::read(merged.join("aggregate.csv")).unwrap(),
            fs::read(again.join("aggregate.csv")).unwrap()
        );
    }
}

#[test]
fn a_sampled_design_merges_with_its_salib_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("lhs.toml");
    let text = fs::read_to_string(fixture("tiny_sweep.toml")).unwrap();
    let head = &text[..text.find("[sweep]").unwrap()];
    fs::write(
        &scenario,
        format!(
            "{head}[sweep]\ndesign = \"lhs\"\nsamples = 5\nreplicates = 2\nseed = 9\n\n\
             [[sweep.parameter]]\npath = \"all.corruption\"\nfrom = 0.0\nto = 0.5\n"
        ),
    )
    .unwrap();
    let single = tmp.path().join("single");
    crate::sweep(&scenario, &single, &[]).ok();
    let parts: Vec<PathBuf> = (1..=3)
        .map(|k| {
            let out = tmp.path().join(format!("s{k}"));
            crate::sweep(&scenario, &out, &["--shard", &format!("{k}/3")]).ok();
            out
        })
        .collect();
    let merged = tmp.path().join("merged");
    merge(&refs(&parts), &merged, &[]).ok();
    let names = same_result_files(&single, &merged);
    assert!(names.contains(&"problem.json".to_string()), "{names:?}");
    for name in names.iter().filter(|n| *n != "manifest.json") {
        assert_eq!(
            fs::read(single.join(name)).unwrap(),
            fs::read(merged.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn a_stopped_shard_is_resumed_and_then_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let single = tmp.path().join("single");
    tiny_sweep(&single, &[]).ok();
    let parts = shards(tmp.path(), 2, &[]);
    // Shard 2 "was stopped": its last records and its shard.json are gone.
    let runs = parts[1].join(".runs/runs");
    let mut records: Vec<PathBuf> = fs::read_dir(&runs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    records.sort();
    assert_eq!(records.len(), 9, "18 runs, every second one");
    for r in &records[5..] {
        fs::remove_file(r).unwrap();
    }
    fs::remove_file(parts[1].join("shard.json")).unwrap();

    let merged = tmp.path().join("merged");
    let e = merge(&refs(&parts), &merged, &[]).bad_input();
    assert!(e.stderr.contains("unfinished shard"), "{}", e.stderr);
    assert!(!merged.exists());

    // Without --resume the shard's directory is not touched.
    let e = tiny_sweep(&parts[1], &["--shard", "2/2"]).bad_input();
    assert!(e.stderr.contains("--resume"), "{}", e.stderr);
    // The wrong shard, or the whole sweep, cannot resume it.
    let e = tiny_sweep(&parts[1], &["--shard", "1/2", "--resume"]).bad_input();
    assert!(e.stderr.contains("shard 2/2"), "{}", e.stderr);
    let e = tiny_sweep(&parts[1], &["--resume"]).bad_input();
    assert!(e.stderr.contains("the whole sweep"), "{}", e.stderr);

    // Resumed in a later second than it started: the shard still records when it was first
    // started, as its work area does (they once disagreed, and the merge refused the shard).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    tiny_sweep(&parts[1], &["--shard", "2/2", "--resume"]).ok();
    merge(&refs(&parts), &merged, &[]).ok();
    assert_eq!(
        fs::read(single.join("summary.csv")).unwrap(),
        fs::read(merged.join("summary.csv")).unwrap()
    );
}

#[test]
fn incomplete_foreign_or_repeated_shards_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = shards(&tmp.path().join("a"), 3, &[]);
    let out = tmp.path().join("merged");
    let refused = |shards: &[&Path], fragment: &str| {
        let e = merge(shards, &out, &[]).bad_input();
        assert!(e.stderr.contains(fragment), "{fragment}: {}", e.stderr);
        assert!(
            !out.exists(),
            "{fragment}: a refused merge wrote {}",
            out.display()
        );
    };

    refused(
        &[&parts[0], &parts[2]],
        "shard 2/3 of this sweep is missing",
    );
    refused(
        &[&parts[0], &parts[1], &parts[1]],
        "shard 2/3 is given twice",
    );
    refused(
        &[&parts[0], &parts[1], &parts[2], tmp.path()],
        "not a shard directory",
    );
    refused(
        &[&parts[0], &parts[1], &tmp.path().join("nowhere")],
        "is not a directory",
    );

    // Another sweep (another --set), and the same sweep split another way.
    let other = shards(&tmp.path().join("b"), 3, &["--set", "all.ngo=0.9"]);
    refused(
        &[&parts[0], &other[1], &parts[2]],
        "shards of different sweeps",
    );
    let halves = shards(&tmp.path().join("c"), 2, &[]);
    refused(&[&parts[0], &halves[1], &parts[2]], "the same N");
    let longer = shards(&tmp.path().join("d"), 3, &["--weeks", "12"]);
    let e = merge(&[&parts[0], &longer[1], &parts[2]], &out, &[]).bad_input();
    assert!(e.stderr.contains("run.weeks=12"), "{}", e.stderr);

    // A record missing, then one damaged: the shard is incomplete.
    let record = parts[1].join(".runs/runs/000000004.run");
    let text = fs::read_to_string(&record).unwrap();
    fs::remove_file(&record).unwrap();
    refused(&refs(&parts), "the record of run 4 is missing");
    fs::write(&record, text.replacen("summary ", "summary 1", 1)).unwrap();
    refused(&refs(&parts), "the record of run 4 is damaged");
    fs::write(&record, &text).unwrap();

    // An output directory that holds something is not touched without --force, and a
    // shard directory is never an output.
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let e = merge(&refs(&parts), &out, &[]).bad_input();
    assert!(e.stderr.contains("--force"), "{}", e.stderr);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    let e = merge(&refs(&parts), &parts[0], &["--force"]).bad_input();
    assert!(
        e.stderr.contains("one of the shard directories"),
        "{}",
        e.stderr
    );
    merge(&refs(&parts), &out, &["--force"]).ok();
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert!(out.join("summary.csv").is_file());
}

#[test]
fn bad_shard_options_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for (shard, fragment) in [
        ("3/2", "1 ≤ K ≤ N"),
        ("0/2", "1 ≤ K ≤ N"),
        ("1/0", "1 ≤ K ≤ N"),
        ("two", "K/N"),
        ("19/19", "this sweep has 18 runs"),
    ] {
        let e = tiny_sweep(&out, &["--shard", shard]).bad_input();
        assert!(e.stderr.contains(fragment), "{shard}: {}", e.stderr);
        assert!(!out.exists(), "{shard}");
    }
    // --dry-run says what a shard would run, and writes nothing.
    let e = tiny_sweep(&out, &["--shard", "2/4", "--dry-run"]).ok();
    assert!(
        e.stdout.contains("6 points × 3 replicates = 18 runs"),
        "{}",
        e.stdout
    );
    assert!(e.stdout.contains("shard 2/4: 5 runs"), "{}", e.stdout);
    assert!(!out.exists());
    let e = tiny_sweep(&out, &["--shard", "19/19", "--dry-run"]).bad_input();
    assert!(e.stderr.contains("18 runs"), "{}", e.stderr);

    let e = palermo(["merge", "--out", "x"]).bad_input();
    assert!(e.stderr.contains("SHARD_DIR"), "{}", e.stderr);
}
