//! SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop, `kill`): the process ends at once, but
//! cleanly. A thread waits for either signal; when one comes it removes every temporary file
//! the process has staged (`output::temporaries`, whose lock it then keeps, so nothing is put
//! in place after it), says what was kept and how to go on (a sweep: `palermo resume DIR`;
//! a fit: `palermo calibrate ... --resume`),
//! and exits with 128 + the signal's number (130, 143), as a shell reports a process
//! stopped by a signal. Files already under their final names are complete (they are
//! renamed into place whole); a sweep's finished run records are kept for its resume.
//!
//! A file size limit (`ulimit -f`) would end the process with SIGXFSZ, leaving temporaries
//! behind; palermo ignores that signal, so that the write fails with an error (EFBIG), which
//! is reported, naming the file, like a full disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
use signal_hook::iterator::Signals;

use crate::calibration::checkpoint::{self, Checkpoint};
use crate::output::temporaries;
use crate::sweep::workdir::{WORK_DIR, WorkArea};

/// What the command in progress leaves when it is stopped, said after "interrupted".
static WHAT_IS_LEFT: Mutex<Option<Left>> = Mutex::new(None);

/// What a stopped command leaves behind.
#[derive(Clone, Debug)]
enum Left {
    /// A sweep (or shard) in this directory: its finished runs are kept for a resume.
    Sweep(PathBuf),
    /// A fit written to this directory: its complete generations are kept for a resume.
    Fit(PathBuf),
}

/// Starts the thread that handles SIGINT and SIGTERM, and ignores SIGXFSZ. Where signals
/// cannot be set up (never on Linux), palermo runs without: signals then end it as they
/// would any program.
pub fn install() {
    // A handler that only sets a flag nobody reads: a write past the limit then fails with
    // EFBIG instead of ending the process.
    let _ = signal_hook::flag::register(SIGXFSZ, Default::default());
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            stop(signal);
        }
    });
}

/// Says that a sweep (or a shard) is being run in `dir`, so that a signal tells how to
/// resume it.
pub fn running_sweep(dir: &Path) {
    *WHAT_IS_LEFT.lock().unwrap_or_else(|p| p.into_inner()) = Some(Left::Sweep(dir.into()));
}

/// Says that a fit is being written to `dir`, so that a signal tells how to resume it.
pub fn running_fit(dir: &Path) {
    *WHAT_IS_LEFT.lock().unwrap_or_else(|p| p.into_inner()) = Some(Left::Fit(dir.into()));
}

/// What a sweep stopped in `dir` (by a signal or a failure) leaves, and the command that
/// continues it; `None` when it has recorded nothing to resume.
pub fn how_to_resume(dir: &Path) -> Option<String> {
    WorkArea::exists_in(dir).then(|| {
        format!(
            "the finished runs are kept in {}; `palermo resume {}` continues the sweep",
            dir.join(WORK_DIR).display(),
            dir.display()
        )
    })
}

/// Removes the temporaries, says what is left, and ends the process.
fn stop(signal: i32) -> ! {
    let held = temporaries::remove_all();
    let name = if signal == SIGINT {
        "SIGINT"
    } else {
        "SIGTERM"
    };
    let left = WHAT_IS_LEFT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let message = match left {
        Some(Left::Sweep(dir)) => how_to_resume(&dir),
        Some(Left::Fit(dir)) => Checkpoint::exists_in(&dir).then(|| {
            format!(
                "the complete generations are kept in {}; the same command with --resume continues the fit",
                dir.join(checkpoint::WORK_DIR).display()
            )
        }),
        _ => None,
    }
    .unwrap_or_else(|| "no file is left half written, and no temporary file is left".to_string());
    eprintln!("\ninterrupted by {name}: {message}");
    // `exit` flushes and ends every thread; `held` keeps anything from being put in place
    // meanwhile.
    std::mem::forget(held);
    std::process::exit(128 + signal)
}
