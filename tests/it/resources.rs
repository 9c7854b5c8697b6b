//! Resources known before starting and bounded while running (issue 13): `palermo run`
//! streams its runs, so its peak memory does not grow with the replicates; the memory check
//! refuses a batch that cannot fit before anything is allocated or created, and runs fewer at
//! once when that is enough; `--dry-run` says what a batch would cost; and the estimate is
//! within a stated factor of the memory actually used.
//!
//! Peak memory is the child's `VmHWM` (its resident high-water mark) read from
//! `/proc/PID/status` every millisecond while it runs: nothing to install, and the mark only
//! grows, so the last reading is the peak but for the last millisecond before exit.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use palermo::budget::{BatchCost, RunSize};
use palermo::scenario::{self, Override};

use super::{fixture, palermo};

const LIMIT: &str = "PALERMO_MEMORY_LIMIT";

fn baseline() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

/// `VmHWM` of a `/proc/PID/status` text, in bytes.
fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `palermo ARGS` to success and returns its peak resident memory in bytes.
fn peak_memory(args: &[&str]) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .env_remove(LIMIT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the palermo binary runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        // Read before asking whether it ended: a process that has exited has no VmHWM left.
        if let Some(hwm) = fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm(&s))
        {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "palermo {args:?}: {stderr}");
    assert!(peak > 0, "no VmHWM read for palermo {args:?}");
    peak
}

/// 2 and 200 replicates of a small world for 520 weeks: the 200 write 60 MB of
/// `timeseries.csv`, which the collecting `palermo run` held in memory (its peak grew from
/// 6 to 65 MB); streamed, the peak grows by at most the reorder buffer (8 finished runs of
/// 300 kB on two threads).
#[test]
fn run_memory_is_flat_in_the_replicates() {
    let t = tempfile::tempdir().unwrap();
    let tiny = fixture("tiny.toml");
    let peak = |replicates: &str| {
        let out = t.path().join(replicates);
        let out = out.to_str().unwrap();
        let tiny = tiny.to_str().unwrap();
        let args = [
            "run",
            tiny,
            "--replicates",
            replicates,
            "--weeks",
            "520",
            "--threads",
            "2",
            "--quiet",
            "--out",
            out,
        ];
        peak_memory(&args)
    };
    let (two, many) = (peak("2"), peak("200"));
    let written = fs::metadata(t.path().join("200/timeseries.csv"))
        .unwrap()
        .len();
    assert!(written > 50_000_000, "{written} bytes of timeseries.csv");
    let margin = 6 << 20;
    assert!(
        many <= two + margin,
        "peak memory {two} bytes at 2 replicates, {many} at 200: more than {margin} bytes apart"
    );
}

/// The estimate of the memory check is at least the peak a run measures, and at most 1.6
/// times it, at two world sizes (180,000 and 1.8 million persons, one thread, two
/// replicates).
#[test]
fn the_memory_estimate_bounds_the_measured_peak() {
    let t = tempfile::tempdir().unwrap();
    for at_risk in ["20000", "200000"] {
        let set = format!("all.at_risk={at_risk}");
        let out = t.path().join(at_risk);
        let baseline = baseline();
        let args = [
            "run",
            baseline.to_str().unwrap(),
            "--replicates",
            "2",
            "--weeks",
            "104",
            "--set",
            "run.burn_in=104",
            "--set",
            &set,
            "--threads",
            "1",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        let measured = peak_memory(&args);
        let overrides: Vec<Override> = ["run.replicates=2", "run.weeks=104", "run.burn_in=104"]
            .iter()
            .map(|s| Override::parse(s).unwrap())
            .chain([Override::parse(&set).unwrap()])
            .collect();
        let scenario = scenario::load(&baseline, &overrides).unwrap();
        let cost = BatchCost::of(std::slice::from_ref(&scenario));
        assert_eq!(cost.largest, RunSize::of(&scenario));
        let estimate = cost.demand().total(1);
        let ratio = estimate as f64 / measured as f64;
        assert!(
            (1.0..=1.6).contains(&ratio),
            "at_risk {at_risk}: estimated {estimate} bytes, measured {measured}: ratio {ratio:.2}"
        );
    }
}

/// A sweep's estimate (its `--dry-run` line) bounds its measured peak the same way, its run
/// records keeping every country's weekly rows.
#[test]
fn the_sweep_memory_estimate_bounds_the_measured_peak() {
    let t = tempfile::tempdir().unwrap();
    let tiny_sweep = fixture("tiny_sweep.toml");
    for at_risk in ["20000", "200000"] {
        let set = format!("all.at_risk={at_risk}");
        let out = t.path().join(at_risk);
        let mut args = vec!["sweep", tiny_sweep.to_str().unwrap(), "--set", &set];
        args.extend(["--weeks", "104", "--timeseries", "countries"]);
        args.extend(["--aggregate", "countries", "--threads", "1", "--quiet"]);
        let dry = palermo(args.iter().chain(&["--dry-run"])).ok();
        let line = dry.stdout.lines().find(|l| l.starts_with("memory: about "));
        let words: Vec<&str> = line.expect("a memory line").split_whitespace().collect();
        let unit = match words[3] {
            "MiB" => 1 << 20,
            "GiB" => 1 << 30,
            other => panic!("{other}"),
        };
        let estimate = words[2].parse::<f64>().unwrap() * f64::from(unit);
        let measured = peak_memory(&[args, vec!["--out", out.to_str().unwrap()]].concat());
        let ratio = estimate / measured as f64;
        assert!(
            (1.0..=1.7).contains(&ratio),
            "at_risk {at_risk}: estimated {estimate} bytes, measured {measured}: ratio {ratio:.2}"
        );
    }
}

/// The example: 9 countries of 100 million persons need about 58 GB a run. With the
/// memory capped at 16 GiB (as on a machine with that much free), it is refused before
/// anything is allocated or created, saying what it needs, what there is and what to change.
#[test]
fn a_run_that_cannot_fit_is_refused_before_anything_is_created() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let baseline = baseline();
    let args = [
        "run",
        baseline.to_str().unwrap(),
        "--replicates",
        "4",
        "--weeks",
        "10",
        "--set",
        "all.at_risk=100000000",
        "--out",
        out.to_str().unwrap(),
    ];
    let started = std::time::Instant::now();
    let refused = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(args)
        .env(LIMIT, "16G")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refused at once"
    );
    for words in [
        "not enough memory: one run of 900000000 persons (9 countries) for 10 weeks needs about",
        "GiB",
        "PALERMO_MEMORY_LIMIT=16G is only 16 GiB",
        "fewer persons",
        "fewer weeks (--weeks N)",
        "Nothing was run or written",
    ] {
        assert!(stderr.contains(words), "{words:?} not in: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "nothing created");

    // The same check guards sweeps and comparisons.
    let sweep = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(["sweep", fixture("tiny_sweep.toml").to_str().unwrap()])
        .args(["--set", "all.at_risk=100000000", "--out"])
        .arg(&out)
        .env(LIMIT, "1G")
        .output()
        .unwrap();
    assert_eq!(sweep.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&sweep.stderr).contains("not enough memory"));
    let compare = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(["compare", baseline.to_str().unwrap()])
        .arg(&baseline)
        .args(["--set", "all.at_risk=100000000"])
        .env(LIMIT, "1G")
        .output()
        .unwrap();
    assert_eq!(compare.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&compare.stderr).contains("not enough memory"));
    assert!(!out.exists(), "nothing created");

    let bad = Command::new(env!("CARGO_BIN_EXE_palermo"))
        .args(["run", baseline.to_str().unwrap(), "--out"])
        .arg(&out)
        .env(LIMIT, "lots")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("PALERMO_MEMORY_LIMIT=lots: not a size"));
    assert!(!out.exists(), "nothing created");
}

/// When one run fits but not all the threads asked for, fewer run at once, it says so, and
/// the bytes are those of any other thread count.
#[test]
fn fewer_runs_at_once_when_that_is_enough() {
    let t = tempfile::tempdir().unwrap();
    let tiny = fixture("tiny.toml");
    let run = |out: &str, threads: &str, limit: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_palermo"));
        cmd.args(["run", tiny.to_str().unwrap(), "--replicates", "6"])
            .args(["--threads", threads, "--quiet", "--out"])
            .arg(t.path().join(out))
            .env_remove(LIMIT);
        if let Some(limit) = limit {
            cmd.env(LIMIT, limit);
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        stderr
    };
    // A run of the tiny world is estimated at about 1.2 MiB beyond the process's 8, its
    // reorder buffer included: 11 MiB hold two at once, not three, let alone eight.
    let stderr = run("fewer", "8", Some("11M"));
    assert!(
        stderr.contains("8 runs at once would need about")
            && stderr.contains("running 2 at once instead"),
        "{stderr}"
    );
    assert!(stderr.contains("the limit PALERMO_MEMORY_LIMIT=11M is 11 MiB"));
    let manifest = fs::read_to_string(t.path().join("fewer/manifest.json")).unwrap();
    assert!(manifest.contains("\"threads\": 2"), "{manifest}");
    assert_eq!(run("one", "1", None), "");
    for file in ["timeseries.csv", "summary.csv"] {
        assert_eq!(
            fs::read(t.path().join("fewer").join(file)).unwrap(),
            fs::read(t.path().join("one").join(file)).unwrap(),
            "{file}"
        );
    }
}

/// `--dry-run` says how many runs, the time (approximate), the memory and the output size,
/// and creates nothing.
#[test]
fn dry_run_prints_the_cost_and_creates_nothing() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let baseline = baseline();
    let o = palermo([
        "run",
        baseline.to_str().unwrap(),
        "--dry-run",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "10 runs, the largest of 100000 persons in 9 countries for 520 weeks (after 520 weeks of burn-in)"
    );
    // 10 runs × 100,000 persons × (0.2 µs + 1,040 weeks × 1.5 ns) on 2 threads: 0.88 s.
    assert!(
        lines[1].starts_with("time: less than a second on 2 threads (approximate"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("memory: about ")
            && lines[2].contains("a run in progress, 2 at once, and up to 8 finished runs"),
        "{}",
        lines[2]
    );
    // The baseline's files are 8.1 MB.
    assert_eq!(
        lines[3],
        "output: about 7.9 MiB (timeseries.csv and summary.csv)"
    );
    assert!(!out.exists(), "nothing created");

    let big = palermo([
        "run",
        baseline.to_str().unwrap(),
        "--dry-run",
        "--threads",
        "1",
        "--set",
        "all.at_risk=1000000",
    ])
    .ok();
    assert!(
        big.stdout.contains("time: about 5 min on 1 thread "),
        "{}",
        big.stdout
    );
}
