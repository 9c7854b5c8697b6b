//! The output directory rule and atomic files.
//!
//! Results never overwrite results by accident: a directory that holds anything is refused
//! unless the user says `--force`, and then only the files palermo writes are replaced. Each
//! file is written under a temporary name in the same directory, flushed to disk, and renamed
//! over its final name, so that a crash or a full disk leaves each file complete or absent,
//! never half written. The directory is created only when there is something to put in it.

use std::fs::{self, File};
use std::io::{self, BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::OutputError;
use super::temporaries;

/// Checks, before any work, that results may be written to `dir`: it does not exist, or it is
/// an empty directory, or it is a directory and `force` is set; and files can be created in
/// it, or, when it does not exist yet, in its nearest existing ancestor, where it will be
/// created (see [`check_writable`]). Nothing is left behind.
pub fn check_target(dir: &Path, force: bool) -> Result<(), OutputError> {
    match fs::metadata(dir) {
        // `NotADirectory`: a file stands where a parent directory should be, which the walk
        // up the ancestors finds and names.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            check_creatable(dir)
        }
        Err(e) => Err(OutputError::io(dir)(e)),
        Ok(meta) if !meta.is_dir() => Err(OutputError::NotADirectory {
            path: dir.to_path_buf(),
        }),
        Ok(_) => {
            if !force {
                let mut entries = fs::read_dir(dir).map_err(OutputError::io(dir))?;
                if entries.next().is_some() {
                    return Err(OutputError::NotEmpty {
                        dir: dir.to_path_buf(),
                    });
                }
            }
            check_writable(dir, dir)
        }
    }
}

/// `dir` does not exist: its nearest existing ancestor must be a directory that can hold it.
fn check_creatable(dir: &Path) -> Result<(), OutputError> {
    for ancestor in dir.ancestors().skip(1) {
        // The parent of a relative name (`out`) is the empty path: the current directory.
        let ancestor = if ancestor.as_os_str().is_empty() {
            Path::new(".")
        } else {
            ancestor
        };
        match fs::metadata(ancestor) {
            Ok(meta) if meta.is_dir() => return check_writable(dir, ancestor),
            Ok(_) => {
                return Err(OutputError::NotADirectory {
                    path: ancestor.to_path_buf(),
                });
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
            Err(e) => return Err(OutputError::io(ancestor)(e)),
        }
    }
    // Only a path with no existing ancestor at all (not even `/` or `.`) gets here.
    Ok(())
}

/// Proves that files can be created in the directory `at` (the output directory `dir`, or
/// the ancestor it will be created in) by creating and removing an empty file there, which
/// asks the file system itself (permissions, access lists, a read-only mount) rather than
/// guessing from mode bits. A refusal is bad input ([`OutputError::NotWritable`]); any other
/// failure is the system's.
pub fn check_writable(dir: &Path, at: &Path) -> Result<(), OutputError> {
    static PROBES: AtomicUsize = AtomicUsize::new(0);
    let mut attempts = 0;
    loop {
        let n = PROBES.fetch_add(1, Ordering::Relaxed);
        let probe = at.join(format!(".palermo-probe.{}.{n}.tmp", std::process::id()));
        match temporaries::create_new(&probe) {
            Ok(file) => {
                drop(file);
                return temporaries::remove(&probe).map_err(OutputError::io(&probe));
            }
            // Left by a process with the same id that was killed in between: try another.
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempts < 8 => attempts += 1,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Err(OutputError::NotWritable {
                    dir: dir.to_path_buf(),
                    at: at.to_path_buf(),
                    source: e,
                });
            }
            Err(e) => return Err(OutputError::io(at)(e)),
        }
    }
}

/// A directory results are being written to.
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    /// Whether [`OutputDir::prepare`] created it (and so may remove it again on failure).
    created: bool,
}

impl OutputDir {
    /// Checks the directory again (see [`check_target`]) and creates it with its parents.
    pub fn prepare(dir: &Path, force: bool) -> Result<OutputDir, OutputError> {
        check_target(dir, force)?;
        let created = temporaries::create_dir(dir).map_err(OutputError::io(dir))?;
        Ok(OutputDir {
            path: dir.to_path_buf(),
            created,
        })
    }

    /// A directory that already holds the work area of a sweep being written: it exists and
    /// is not checked for emptiness (the caller owns it, see `sweep::workdir`).
    pub fn existing(dir: &Path) -> OutputDir {
        OutputDir {
            path: dir.to_path_buf(),
            created: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens a temporary file that will become `name` in this directory on
    /// [`OutputDir::commit`].
    pub fn stage(&self, name: &str) -> Result<Staged, OutputError> {
        let tmp = self
            .path
            .join(format!(".{name}.{}.tmp", std::process::id()));
        self.stage_at(name, tmp)
    }

    /// Like [`OutputDir::stage`], with the temporary file at `tmp` (on the same file system):
    /// a sweep stages in its work area, so that a killed sweep leaves no temporary file
    /// beside the results.
    pub fn stage_at(&self, name: &str, tmp: PathBuf) -> Result<Staged, OutputError> {
        let file = temporaries::create(&tmp).map_err(OutputError::io(&tmp))?;
        Ok(Staged {
            file: BufWriter::new(file),
            pending: Pending {
                dest: self.path.join(name),
                tmp,
                placed: false,
            },
        })
    }

    /// Renames every finished file over its final name, in order.
    pub fn commit(&self, mut files: Vec<Pending>) -> Result<(), OutputError> {
        let renamed = temporaries::rename_all(files.iter().map(|f| (&*f.tmp, &*f.dest)));
        // What was renamed is in place; what was not is removed when `files` is dropped.
        let placed = match &renamed {
            Ok(()) => files.len(),
            Err((dest, _)) => files.iter().position(|f| &f.dest == dest).unwrap_or(0),
        };
        for f in &mut files[..placed] {
            f.placed = true;
        }
        renamed.map_err(|(dest, e)| OutputError::io(&dest)(e))?;
        temporaries::forget_dir(&self.path);
        // Make the renames durable; not every file system can sync a directory, and the files
        // themselves are already on disk, so a failure here is not worth failing the run.
        if let Ok(d) = File::open(&self.path) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Writes a set of files into `dir` all at once: the directory is prepared (see
    /// [`OutputDir::prepare`]), `stage` writes each file under its temporary name, and they
    /// are put in place together, or on a failure removed with a directory made for them.
    pub fn write_all(
        dir: &Path,
        force: bool,
        stage: impl FnOnce(&OutputDir) -> Result<Vec<Pending>, OutputError>,
    ) -> Result<(), OutputError> {
        let out = OutputDir::prepare(dir, force)?;
        match stage(&out) {
            Ok(files) => out.commit(files),
            Err(e) => {
                out.abandon();
                Err(e)
            }
        }
    }

    /// Stages a file whose whole text is known.
    pub fn stage_text(&self, name: &str, text: &str) -> Result<Pending, OutputError> {
        let mut file = self.stage(name)?;
        file.writer()
            .write_all(text.as_bytes())
            .map_err(OutputError::io(file.path()))?;
        file.finish()
    }

    /// Gives up after a failure: staged files are already removed (see [`Pending`]); a
    /// directory this invocation created is removed if it is empty.
    pub fn abandon(self) {
        if self.created {
            let _ = fs::remove_dir(&self.path);
        }
        temporaries::forget_dir(&self.path);
    }
}

/// A file being written under its temporary name.
#[derive(Debug)]
pub struct Staged {
    file: BufWriter<File>,
    pending: Pending,
}

impl Staged {
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.file
    }

    /// The file's final name, for error messages: what the user knows it by.
    pub fn path(&self) -> &Path {
        &self.pending.dest
    }

    /// Flushes the file and waits until it is on disk.
    pub fn finish(self) -> Result<Pending, OutputError> {
        let Staged { file, pending } = self;
        let file = file
            .into_inner()
            .map_err(|e| OutputError::io(&pending.dest)(e.into_error()))?;
        file.sync_all().map_err(OutputError::io(&pending.dest))?;
        Ok(pending)
    }
}

/// Writing to a staged file writes to its buffer (so a CSV writer can own it); an error
/// names the file, which a CSV writer's error would not.
impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush().map_err(|e| self.named(e))
    }
}

impl Staged {
    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.pending.dest.display()))
    }
}

/// A complete file waiting to be renamed into place; dropped before that, it removes itself.
#[derive(Debug)]
pub struct Pending {
    tmp: PathBuf,
    dest: PathBuf,
    placed: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.placed {
            let _ = temporaries::remove(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn absent_or_empty_is_fine_non_empty_needs_force() {
        let t = tempdir();
        assert!(check_target(&t.path().join("new/deeper"), false).is_ok());
        assert!(check_target(t.path(), false).is_ok());
        fs::write(t.path().join("x"), "x").unwrap();
        let err = check_target(t.path(), false).unwrap_err();
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("--force"));
        assert!(check_target(t.path(), true).is_ok());
        let file = t.path().join("x");
        assert!(matches!(
            check_target(&file, true),
            Err(OutputError::NotADirectory { .. })
        ));
    }

    #[test]
    fn the_check_proves_the_target_writable_and_leaves_nothing() {
        let t = tempdir();
        // Empty, absent, or absent under several missing levels: the probe comes and goes.
        assert!(check_target(t.path(), false).is_ok());
        assert!(check_target(&t.path().join("a/b/c"), false).is_ok());
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 0, "nothing left");
        // A file where a parent directory should be is named.
        fs::write(t.path().join("file"), "x").unwrap();
        match check_target(&t.path().join("file/sub/out"), false) {
            Err(e @ OutputError::NotADirectory { .. }) => {
                assert!(e.is_bad_input());
                assert!(
                    e.to_string().contains("file exists and is not a directory"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// Root may create files anywhere; where the probe succeeds in a read-only directory,
    /// there is nothing to refuse and the test proves nothing.
    #[cfg(unix)]
    #[test]
    fn a_read_only_directory_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempdir();
        let ro = t.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        if File::create(ro.join("root")).is_ok() {
            return;
        }
        for (dir, force) in [
            (ro.join("out/deeper"), false),
            (ro.clone(), false),
            (ro.clone(), true),
        ] {
            match check_target(&dir, force) {
                Err(e @ OutputError::NotWritable { .. }) => {
                    assert!(e.is_bad_input());
                    let shown = e.to_string();
                    assert!(
                        shown.contains(&format!("cannot create files in {}", ro.display())),
                        "{shown}"
                    );
                }
                other => panic!("{}: {other:?}", dir.display()),
            }
        }
        assert!(!ro.join("out").exists());
    }

    #[test]
    fn staged_files_appear_only_on_commit() {
        let t = tempdir();
        let dir = t.path().join("out");
        let out = OutputDir::prepare(&dir, false).unwrap();
        let mut a = out.stage("a.txt").unwrap();
        a.writer().write_all(b"hello").unwrap();
        let a = a.finish().unwrap();
        assert!(!dir.join("a.txt").exists());
        out.commit(vec![a]).unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"hello");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn abandoned_files_and_new_directory_are_removed() {
        let t = tempdir();
        let dir = t.path().join("out");
        let out = OutputDir::prepare(&dir, false).unwrap();
        let mut a = out.stage("a.txt").unwrap();
        a.writer().write_all(b"partial").unwrap();
        drop(a.finish().unwrap());
        out.abandon();
        assert!(!dir.exists());
    }

    #[test]
    fn force_replaces_only_the_named_file() {
        let t = tempdir();
        fs::write(t.path().join("a.txt"), "old").unwrap();
        fs::write(t.path().join("keep.txt"), "mine").unwrap();
        let out = OutputDir::prepare(t.path(), true).unwrap();
        let mut a = out.stage("a.txt").unwrap();
        a.writer().write_all(b"new").unwrap();
        let a = a.finish().unwrap();
        out.commit(vec![a]).unwrap();
        assert_eq!(fs::read(t.path().join("a.txt")).unwrap(), b"new");
        assert_eq!(fs::read(t.path().join("keep.txt")).unwrap(), b"mine");
    }
}
