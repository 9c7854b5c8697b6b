//! The temporary files (and new output directories) this process has made and not yet put
//! in place or removed, so that a signal can remove them all before the process ends.
//!
//! Every file palermo stages under a temporary name (`atomic.rs`, the work area of a sweep)
//! is created here, and renamed or removed here, under one lock. [`remove_all`] takes that
//! lock, removes every temporary file and every directory made for the results that is still
//! empty, and hands back the lock held: no temporary can be created or renamed into place
//! after it, so a process that ends while holding it leaves each final name complete or
//! absent and no temporary behind (a file being renamed into place when the signal came is
//! either in place, complete, or still a temporary and removed).

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What is live: temporary files, and directories made by this process for results.
struct Live {
    files: BTreeSet<PathBuf>,
    dirs: BTreeSet<PathBuf>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    files: BTreeSet::new(),
    dirs: BTreeSet::new(),
});

/// The lock of the live temporaries; held by [`remove_all`]'s caller until the process ends.
pub struct Held(#[allow(dead_code)] MutexGuard<'static, Live>);

fn live() -> MutexGuard<'static, Live> {
    // Nothing that can panic runs while the lock is held (file system calls only).
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Creates (or truncates) the temporary file `path` and remembers it.
pub fn create(path: &Path) -> io::Result<File> {
    let mut live = live();
    let file = File::create(path)?;
    live.files.insert(path.to_path_buf());
    Ok(file)
}

/// Creates the temporary file `path`, which must not exist, and remembers it.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut live = live();
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    live.files.insert(path.to_path_buf());
    Ok(file)
}

/// Removes the temporary file `path` (if it is still there) and forgets it.
pub fn remove(path: &Path) -> io::Result<()> {
    let mut live = live();
    live.files.remove(path);
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Renames temporary files over their final names, in order, under the lock: a signal
/// comes before all of them or after all of them. Stops at the first failure, returning it
/// with the destination it was for; the files renamed so far stay in place.
pub fn rename_all<'a>(
    pairs: impl IntoIterator<Item = (&'a Path, &'a Path)>,
) -> Result<(), (PathBuf, io::Error)> {
    let mut live = live();
    for (tmp, dest) in pairs {
        fs::rename(tmp, dest).map_err(|e| (dest.to_path_buf(), e))?;
        live.files.remove(tmp);
    }
    Ok(())
}

/// Creates the directory `dir` and its missing parents; remembers `dir` when it did not
/// exist, so that a signal removes it again while it is empty.
pub fn create_dir(dir: &Path) -> io::Result<bool> {
    let mut live = live();
    let created = !dir.exists();
    fs::create_dir_all(dir)?;
    if created {
        live.dirs.insert(dir.to_path_buf());
    }
    Ok(created)
}

/// Forgets the directory `dir` (its results are in place, or it was removed).
pub fn forget_dir(dir: &Path) {
    live().dirs.remove(dir);
}

/// Removes every live temporary file, then every remembered directory that is empty, and
/// returns the lock, held: nothing is created or renamed into place while it is held.
pub fn remove_all() -> Held {
    let mut live = live();
    live.remove_everything();
    Held(live)
}

impl Live {
    fn remove_everything(&mut self) {
        for file in std::mem::take(&mut self.files) {
            let _ = fs::remove_file(file);
        }
        for dir in std::mem::take(&mut self.dirs) {
            // Only an empty directory goes: one that holds results, or a sweep's work area,
            // stays.
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry's bookkeeping through the public functions (the global registry, with
    /// this test's own paths only: tests run in parallel and must not remove each other's).
    #[test]
    fn created_renamed_and_removed_files_are_tracked() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("new/out");
        assert!(create_dir(&dir).unwrap());
        assert!(
            !create_dir(&dir).unwrap(),
            "an existing directory is not ours"
        );
        assert!(live().dirs.contains(&dir));
        let (a, b) = (dir.join("a.tmp"), dir.join("b.tmp"));
        drop(create(&a).unwrap());
        drop(create_new(&b).unwrap());
        assert!(
            create_new(&b).is_err(),
            "create_new refuses an existing file"
        );
        remove(&a).unwrap();
        assert!(!a.exists());
        rename_all([(b.as_path(), dir.join("b").as_path())]).unwrap();
        assert!(dir.join("b").exists());
        let live_now = live();
        assert!(!live_now.files.contains(&a) && !live_now.files.contains(&b));
        drop(live_now);
        forget_dir(&dir);
        assert!(!live().dirs.contains(&dir));
    }

    /// On a signal, live temporaries and empty new directories go; results stay.
    #[test]
    fn everything_live_is_removed_but_results_stay() {
        let t = tempfile::tempdir().unwrap();
        let (empty, full) = (t.path().join("empty"), t.path().join("full"));
        fs::create_dir_all(&empty).unwrap();
        fs::create_dir_all(&full).unwrap();
        let tmp = full.join(".x.tmp");
        fs::write(&tmp, "partial").unwrap();
        fs::write(full.join("result"), "done").unwrap();
        let mut live = Live {
            files: [tmp.clone()].into(),
            dirs: [empty.clone(), full.clone()].into(),
        };
        live.remove_everything();
        assert!(!tmp.exists() && !empty.exists());
        assert!(full.join("result").exists());
        assert!(live.files.is_empty() && live.dirs.is_empty());
    }
}
