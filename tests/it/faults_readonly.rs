//! An output directory that turns read-only while `palermo run` or a sweep works in it. The
//! tests run as root, whom directory permissions do not stop, so the fault is made with the
//! immutable attribute (`chattr +i`, on the directory and every directory below it): no
//! entry can be created, renamed or removed there, by root either, as on a file system
//! remounted read-only. Where the attribute cannot be set (not root, or a file system
//! without it), each test says so and checks nothing. The run must fail with exit 1 and a
//! message naming the directory, put nothing under a final name, and the sweep must say how
//! to resume and resume to the bytes of a sweep never stopped once the directory is writable
//! again.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::signals::{
    LONG_RUN, SWEEP_FILES, assert_same_files, files_under, long_sweep, records, start, temporaries,
};
use crate::{fixture, palermo, wait_until};

/// `dir` and every directory below it.
fn directories(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![dir.to_path_buf()];
    let mut k = 0;
    while k < found.len() {
        if let Ok(entries) = std::fs::read_dir(&found[k]) {
            found.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir() && !p.is_symlink()),
            );
        }
        k += 1;
    }
    found
}

/// Sets (`+i`) or clears (`-i`) the immutable attribute of `dir` and the directories below.
fn chattr(flag: &str, dir: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .args(directories(dir))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A directory tree made read-only, made writable again when dropped (a failed test too).
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn make(dir: &Path) -> ReadOnly {
        assert!(chattr("+i", dir), "chattr +i {}", dir.display());
        ReadOnly(dir.to_path_buf())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        chattr("-i", &self.0);
    }
}

/// Whether this machine lets the test make a directory read-only; says why not if not.
fn can_make_read_only(tmp: &Path) -> bool {
    let probe = tmp.join("probe");
    std::fs::create_dir(&probe).unwrap();
    let can = chattr("+i", &probe) && std::fs::write(probe.join("x"), "").is_err();
    chattr("-i", &probe);
    if !can {
        eprintln!(
            "skipped: `chattr +i` cannot make {} read-only here (it needs root and a file system with the immutable attribute)",
            probe.display()
        );
    }
    can
}

#[test]
fn a_run_whose_directory_turns_read_only_fails_and_puts_nothing_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    if !can_make_read_only(tmp.path()) {
        return;
    }
    let out = tmp.path().join("out");
    let tiny = fixture("tiny.toml");
    let run = [
        "run",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let mut child = start(&[&run[..], &LONG_RUN[..]].concat());
    wait_until(&mut child, "a file is staged", || {
        !temporaries(&out).is_empty()
    });
    let read_only = ReadOnly::make(&out);
    let ended = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&out.display().to_string()) && stderr.contains("not permitted"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    drop(read_only);
    // The staged files could not be removed from a read-only directory; none was renamed.
    let left = files_under(&out);
    assert!(left.iter().all(|f| f.ends_with(".tmp")), "{left:?}");
}

#[test]
fn a_sweep_whose_directory_turns_read_only_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    if !can_make_read_only(tmp.path()) {
        return;
    }
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    let (whole, args) = long_sweep(tmp.path(), &out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = start(&args);
    wait_until(&mut child, "20 runs are recorded", || records(&out) >= 20);
    let read_only = ReadOnly::make(&out);
    let ended = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not permitted"), "{stderr}");
    assert!(
        stderr.contains(&format!("`palermo resume {out_s}` continues the sweep")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let recorded = records(&out);
    assert!((20..360).contains(&recorded), "{recorded}");
    let results: Vec<String> = files_under(&out)
        .into_iter()
        .filter(|f| !f.starts_with(".runs"))
        .collect();
    assert!(results.is_empty(), "no result before the end: {results:?}");

    // Writable again: the sweep resumes to the bytes of one that never failed.
    drop(read_only);
    palermo(["resume", out_s, "--quiet"]).ok();
    assert_same_files(&whole, &out, &SWEEP_FILES);
}
