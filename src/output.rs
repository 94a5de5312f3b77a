//! Writing a run's output files safely: each file goes to a hidden temporary file in the output
//! directory and all are renamed into place only when every one was written. A failed or
//! interrupted run leaves no half-written 837 and no temporary files; existing outputs are not
//! replaced unless the user passed `--force`, and when they are, either all of them are or none.
//!
//! A command's run ([`OutputSet::prepare_run`]) also records the names it wrote in
//! [`MANIFEST`]. A later run into the same directory with `--force` removes what the earlier run
//! wrote and it does not (a payer with no rows this time, another invoice period), so the
//! directory never mixes two runs' outputs.

use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0} already exists; pass --force to replace it, or choose another --out directory")]
    Exists(String),
    #[error("cannot create output directory {dir}: {source}")]
    CreateDir { dir: String, source: std::io::Error },
    #[error("--out {0} is a file, not a directory; name a directory (it is created if missing)")]
    OutIsFile(String),
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
}

/// The list of the files a command's last run wrote into its output directory, one name a line.
pub const MANIFEST: &str = ".ecm-outputs";

/// A set of output files written together.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    force: bool,
    staged: Vec<(PathBuf, PathBuf)>,
    committed: bool,
    /// The set is a command's run: it keeps [`MANIFEST`] and retires an earlier run's files.
    run: bool,
}

/// What a commit put in place, and the files of an earlier run it removed.
#[derive(Debug, Default)]
pub struct Committed {
    pub written: Vec<PathBuf>,
    /// Files an earlier run wrote into the directory that this run did not (only with `--force`).
    pub removed: Vec<PathBuf>,
}

/// One file being written; call [`StagedFile::finish`] to flush it.
pub struct StagedFile {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl OutputSet {
    /// Prepares `dir` (creating it) and checks that none of `names` exists there unless `force`.
    pub fn prepare(dir: &Path, names: &[String], force: bool) -> Result<OutputSet, OutputError> {
        if dir.is_file() {
            return Err(OutputError::OutIsFile(dir.display().to_string()));
        }
        std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
            dir: dir.display().to_string(),
            source,
        })?;
        if !force {
            for n in names {
                let p = dir.join(n);
                if p.exists() {
                    return Err(OutputError::Exists(p.display().to_string()));
                }
            }
        }
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            force,
            staged: Vec::new(),
            committed: false,
            run: false,
        })
    }

    /// [`OutputSet::prepare`] for a command's whole run: its directory holds this run's outputs
    /// and nothing left from an earlier one (see the module notes).
    pub fn prepare_run(
        dir: &Path,
        names: &[String],
        force: bool,
    ) -> Result<OutputSet, OutputError> {
        let mut set = OutputSet::prepare(dir, names, force)?;
        set.run = true;
        Ok(set)
    }

    /// The directory outputs go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Starts writing `name`; it appears under its name only at [`OutputSet::commit`].
    pub fn create(&mut self, name: &str) -> Result<StagedFile, OutputError> {
        let target = self.dir.join(name);
        if !self.force && target.exists() {
            return Err(OutputError::Exists(target.display().to_string()));
        }
        let tmp = self
            .dir
            .join(format!(".{name}.ecm-tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|source| OutputError::Write {
            file: target.display().to_string(),
            source,
        })?;
        self.staged.push((tmp.clone(), target));
        Ok(StagedFile {
            path: tmp,
            writer: BufWriter::with_capacity(1 << 20, file),
        })
    }

    /// Writes a whole small file at once.
    pub fn write_all(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut f = self.create(name)?;
        f.writer()
            .write_all(bytes)
            .map_err(|source| OutputError::Write {
                file: name.to_string(),
                source,
            })?;
        f.finish()
    }

    /// Puts every staged file in place, all or none: files being replaced are first moved
    /// aside, and if any step fails they are put back and the new files removed. Then, for a
    /// run, the earlier run's files this one did not write are removed and the manifest written.
    pub fn commit(mut self) -> Result<Committed, OutputError> {
        let write_error = |target: &Path, source| OutputError::Write {
            file: target.display().to_string(),
            source,
        };
        for (_, target) in &self.staged {
            if target.is_dir() {
                return Err(write_error(
                    target,
                    std::io::Error::other("a directory of that name is in the way; remove it"),
                ));
            }
        }
        let earlier = if self.run && self.force {
            self.earlier_run()
        } else {
            Vec::new()
        };
        // Move aside what is being replaced; undo on the first failure.
        let mut aside: Vec<(PathBuf, PathBuf)> = Vec::new();
        let pid = std::process::id();
        for (_, target) in &self.staged {
            if target.exists() {
                let name = target.file_name().unwrap_or_default().to_string_lossy();
                let old = self.dir.join(format!(".{name}.ecm-old-{pid}"));
                if let Err(e) = std::fs::rename(target, &old) {
                    restore(&aside);
                    return Err(write_error(target, e));
                }
                aside.push((old, target.clone()));
            }
        }
        let mut done = Vec::new();
        for (tmp, target) in &self.staged {
            if let Err(e) = std::fs::rename(tmp, target) {
                for placed in &done {
                    let _ = std::fs::remove_file(placed);
                }
                restore(&aside);
                return Err(write_error(target, e));
            }
            done.push(target.clone());
        }
        self.committed = true;
        remove_all(aside.iter().map(|(old, _)| old));
        let mut removed = Vec::new();
        if self.run {
            for name in earlier {
                let p = self.dir.join(&name);
                if !done.contains(&p) && p.is_file() && std::fs::remove_file(&p).is_ok() {
                    removed.push(p);
                }
            }
            self.write_manifest(&done)?;
        }
        Ok(Committed {
            written: done,
            removed,
        })
    }

    /// The names the earlier run's manifest lists: plain file names only (never a path that
    /// leaves the directory, never the manifest itself). A missing or unreadable manifest is
    /// an empty list: nothing is removed that ecm did not record writing.
    fn earlier_run(&self) -> Vec<String> {
        let Ok(text) = std::fs::read_to_string(self.dir.join(MANIFEST)) else {
            return Vec::new();
        };
        text.lines()
            .map(str::trim)
            .filter(|n| {
                !n.is_empty() && *n != MANIFEST && !n.starts_with('.') && !n.contains(['/', '\\'])
            })
            .map(String::from)
            .collect()
    }

    /// Records the names this run wrote (written beside it, then renamed).
    fn write_manifest(&self, written: &[PathBuf]) -> Result<(), OutputError> {
        let mut text = String::new();
        for p in written {
            if let Some(name) = p.file_name() {
                text.push_str(&name.to_string_lossy());
                text.push('\n');
            }
        }
        let target = self.dir.join(MANIFEST);
        let tmp = self
            .dir
            .join(format!("{MANIFEST}.ecm-tmp-{}", std::process::id()));
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &target))
            .map_err(|source| {
                let _ = std::fs::remove_file(&tmp);
                OutputError::Write {
                    file: target.display().to_string(),
                    source,
                }
            })
    }
}

/// Removes the files replaced by a commit, half on another thread: freeing a large file's cached
/// pages is work for the kernel on the calling thread (39 invoice files of 421 MB took 0.08 s).
/// A file that cannot be removed is left where it is (a hidden `.NAME.ecm-old-PID`).
fn remove_all<'a>(files: impl Iterator<Item = &'a PathBuf>) {
    let files: Vec<&PathBuf> = files.collect();
    let (first, second) = files.split_at(files.len() / 2);
    let remove = |part: &[&PathBuf]| {
        for f in part {
            let _ = std::fs::remove_file(f);
        }
    };
    if first.is_empty() {
        remove(second);
        return;
    }
    std::thread::scope(|scope| {
        scope.spawn(|| remove(first));
        remove(second);
    });
}

/// Puts files moved aside back under their names.
fn restore(aside: &[(PathBuf, PathBuf)]) {
    for (old, target) in aside {
        let _ = std::fs::rename(old, target);
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            for (tmp, _) in &self.staged {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

impl StagedFile {
    /// The buffered writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes and syncs the file to disk.
    pub fn finish(self) -> Result<(), OutputError> {
        self.flush()?.sync()
    }

    /// Flushes the file to the system without waiting for the disk; [`Flushed::sync`] does that,
    /// before the set is committed. A command writing many files syncs one on another thread
    /// while it writes the next, instead of waiting for each in turn.
    pub fn flush(self) -> Result<Flushed, OutputError> {
        let file = self.writer.into_inner().map_err(|e| OutputError::Write {
            file: self.path.display().to_string(),
            source: e.into_error(),
        })?;
        Ok(Flushed {
            path: self.path,
            file,
        })
    }
}

/// A staged file written and flushed, not yet known to be on disk.
pub struct Flushed {
    path: PathBuf,
    file: File,
}

impl Flushed {
    /// Waits until the file's bytes are on disk.
    pub fn sync(self) -> Result<(), OutputError> {
        self.file.sync_all().map_err(|source| OutputError::Write {
            file: self.path.display().to_string(),
            source,
        })
    }
}

/// Output for standard output held back until the command knows it succeeded: a run that stops
/// on unreadable input (exit 2) then prints nothing, rather than the rows read before the bad
/// file, which a redirect would keep as if they were the whole answer. The first
/// [`Spool::MEMORY`] bytes stay in memory; beyond that they go to an unnamed temporary file
/// (created in the temporary directory and unlinked at once), so a large run does not hold its
/// whole output in memory.
pub struct Spool {
    memory: Vec<u8>,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl Spool {
    /// Bytes kept in memory before the rest goes to a temporary file.
    pub const MEMORY: usize = 16 << 20;

    pub fn new() -> Self {
        Spool {
            memory: Vec::new(),
            file: None,
        }
    }

    fn spill_file() -> std::io::Result<std::fs::File> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".ecm-spool-{}-{n}", std::process::id()));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => {
                    // Unlinked now: nothing is left behind however the run ends.
                    let _ = std::fs::remove_file(&path);
                    return Ok(f);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes everything held to `out`, in order.
    pub fn copy_to(self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(&self.memory)?;
        if let Some(f) = self.file {
            let mut f = f.into_inner().map_err(|e| e.into_error())?;
            f.seek(std::io::SeekFrom::Start(0))?;
            std::io::copy(&mut f, out)?;
        }
        out.flush()
    }
}

impl Default for Spool {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() && self.memory.len() + buf.len() <= Self::MEMORY {
            self.memory.extend_from_slice(buf);
            return Ok(buf.len());
        }
        if self.file.is_none() {
            self.file = Some(std::io::BufWriter::new(Self::spill_file()?));
        }
        self.file.as_mut().expect("set above").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What goes in comes out in order, across the switch from memory to the temporary file.
    #[test]
    fn a_spool_gives_back_its_bytes_in_order_past_its_memory() {
        let mut spool = Spool::new();
        let chunk: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let mut want = Vec::new();
        for i in 0..(Spool::MEMORY / chunk.len() + 3) {
            let part = &chunk[..chunk.len() - i];
            spool.write_all(part).unwrap();
            want.extend_from_slice(part);
        }
        assert!(spool.file.is_some(), "the spool never spilled to its file");
        let mut got = Vec::new();
        spool.copy_to(&mut got).unwrap();
        assert_eq!(got.len(), want.len());
        assert!(got == want);
    }

    #[test]
    fn an_out_path_that_is_a_file_is_named_as_such() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("afile");
        std::fs::write(&f, "x").unwrap();
        let e = OutputSet::prepare(&f, &[], false)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("is a file, not a directory"), "{e}");
        assert_eq!(std::fs::read(&f).unwrap(), b"x");
    }

    #[test]
    fn nothing_appears_until_commit_and_nothing_stays_on_failure() {
        let d = tempfile::tempdir().unwrap();
        {
            let mut set = OutputSet::prepare(d.path(), &["a.txt".into()], false).unwrap();
            set.write_all("a.txt", b"hello").unwrap();
            assert!(!d.path().join("a.txt").exists());
            // dropped without commit
        }
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
        let mut set = OutputSet::prepare(d.path(), &["a.txt".into()], false).unwrap();
        set.write_all("a.txt", b"hello").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(d.path().join("a.txt")).unwrap(), b"hello");
    }

    #[test]
    fn existing_outputs_need_force() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "old").unwrap();
        let e = OutputSet::prepare(d.path(), &["a.txt".into()], false).unwrap_err();
        assert!(e.to_string().contains("--force"));
        let mut set = OutputSet::prepare(d.path(), &["a.txt".into()], true).unwrap();
        set.write_all("a.txt", b"new").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(d.path().join("a.txt")).unwrap(), b"new");
    }
}
