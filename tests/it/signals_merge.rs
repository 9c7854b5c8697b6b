//! SIGINT and SIGTERM at many moments of `palermo merge` and `palermo report`: whenever the
//! signal comes, the process ends with 0 (it had finished) or 130 or 143 (or by the signal,
//! when it comes before the handler is installed), leaves no temporary
//! file, and every file under a final name is complete (the bytes of an undisturbed merge or
//! report, the times recorded aside). The moments are spread from the start to past the end of the command, so some
//! fall while the files are staged.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::signals::{LONG_SWEEP, files_under, start, temporaries};
use crate::{fixture, palermo, sweep};

/// Starts `palermo ARGS`, sends `signal` after `delay`, and returns the exit status.
fn stopped_after(args: &[&str], signal: &str, delay: Duration) -> Option<i32> {
    let child = start(args);
    std::thread::sleep(delay);
    // The process may have ended already: then the signal finds nothing, as intended.
    let _ = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status();
    let code = child.wait_with_output().unwrap().status.code();
    eprintln!(
        "{} SIG{signal} after {delay:?}: exit status {code:?}",
        args[0]
    );
    code
}

/// The bytes of each file under `dir`, with the times a manifest (and a report, from it)
/// records (`2026-12-02T03:06:09Z`) blanked: they differ from one merge to the next.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = without_times(fs::read(dir.join(&f)).unwrap());
            (f, bytes)
        })
        .collect()
}

fn without_times(mut bytes: Vec<u8>) -> Vec<u8> {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    let fits = |w: &[u8]| {
        w.iter().zip(SHAPE).all(|(&b, &s)| match s {
            b'd' => b.is_ascii_digit(),
            _ => b == s,
        })
    };
    let mut k = 0;
    while k + SHAPE.len() <= bytes.len() {
        if fits(&bytes[k..k + SHAPE.len()]) {
            bytes[k..k + SHAPE.len()].fill(b'_');
            k += SHAPE.len();
        } else {
            k += 1;
        }
    }
    bytes
}

/// What a stopped command may leave: no temporary, and only complete files of `reference`.
#[track_caller]
fn only_complete_files(dir: &Path, reference: &[(String, Vec<u8>)], code: Option<i32>) {
    // `None`: killed by the signal itself, which came before `main` installed its handler
    // (at a delay of 0); nothing can have been staged then, and the checks below hold.
    assert!(
        matches!(code, None | Some(0 | 130 | 143)),
        "exit status {code:?}"
    );
    assert_eq!(temporaries(dir), Vec::<String>::new());
    for (file, bytes) in contents(dir) {
        let expected = reference.iter().find(|(f, _)| *f == file);
        assert!(
            expected.is_some_and(|(_, b)| *b == bytes),
            "{file} is not the complete file (status {code:?}): {:?} where {:?}",
            String::from_utf8_lossy(&bytes),
            expected.map(|(_, b)| String::from_utf8_lossy(b))
        );
    }
    if code == Some(0) {
        assert_eq!(
            files_under(dir).len(),
            reference.len(),
            "finished: every file"
        );
    }
}

/// Delays from the start of a command that takes about `took` to past its end.
fn moments(took: Duration) -> Vec<Duration> {
    (0..8).map(|k| took.mul_f64(f64::from(k) / 6.0)).collect()
}

#[test]
fn merge_and_report_stopped_at_any_moment_leave_only_complete_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny_sweep.toml");
    let extra = [&LONG_SWEEP[..], &["--timeseries", "world"]].concat();
    let shards: Vec<String> = ["1/2", "2/2"]
        .iter()
        .enumerate()
        .map(|(k, shard)| {
            let out = tmp.path().join(format!("shard{k}"));
            sweep(&scenario, &out, &[&extra[..], &["--shard", shard]].concat()).ok();
            out.display().to_string()
        })
        .collect();
    let merge = |out: &Path| -> Vec<String> {
        let mut args = vec!["merge".to_string()];
        args.extend(shards.iter().cloned());
        args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);
        args
    };

    // The undisturbed merge and report, and how long each takes. Every try writes to the
    // same directory: the manifest and the report name it.
    let out = tmp.path().join("merged");
    let out_s = out.to_str().unwrap();
    let started = Instant::now();
    palermo(merge(&out)).ok();
    let merge_took = started.elapsed();
    let merged = contents(&out);
    let started = Instant::now();
    palermo(["report", out_s]).ok();
    let report_took = started.elapsed();
    let reported = contents(&out);
    assert!(reported.len() > merged.len(), "the report is a new file");

    let args = merge(&out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for (k, delay) in moments(merge_took).into_iter().enumerate() {
        let signal = if k % 2 == 0 { "INT" } else { "TERM" };
        let _ = fs::remove_dir_all(&out);
        let code = stopped_after(&args, signal, delay);
        only_complete_files(&out, &merged, code);
    }

    // A report stopped over a merged directory: the merge's files stand, and the report is
    // there whole or not at all.
    for (k, delay) in moments(report_took).into_iter().enumerate() {
        let signal = if k % 2 == 0 { "TERM" } else { "INT" };
        let _ = fs::remove_dir_all(&out);
        palermo(merge(&out)).ok();
        let code = stopped_after(&["report", out_s], signal, delay);
        only_complete_files(&out, &reported, code);
        for (file, bytes) in &merged {
            let now = without_times(fs::read(out.join(file)).unwrap());
            assert_eq!(&now, bytes, "{file}");
        }
    }
}
