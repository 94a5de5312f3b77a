//! Writing a run's output files safely: each file goes to a hidden temporary file in the output
//! directory and all are renamed into place only when every one was written. A failed or
//! interrupted run leaves no half-written 837 and no temporary files; existing outputs are not
//! replaced unless the user passed `--force`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0} already exists; pass --force to replace it, or choose another --out directory")]
    Exists(String),
    #[error("cannot create output directory {dir}: {source}")]
    CreateDir { dir: String, source: std::io::Error },
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
}

/// A set of output files written together.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    force: bool,
    staged: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

/// One file being written; call [`StagedFile::finish`] to flush it.
pub struct StagedFile {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl OutputSet {
    /// Prepares `dir` (creating it) and checks that none of `names` exists there unless `force`.
    pub fn prepare(dir: &Path, names: &[String], force: bool) -> Result<OutputSet, OutputError> {
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
        })
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

    /// Renames every staged file into place and returns their final paths.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let mut done = Vec::new();
        for (tmp, target) in &self.staged {
            std::fs::rename(tmp, target).map_err(|source| OutputError::Write {
                file: target.display().to_string(),
                source,
            })?;
            done.push(target.clone());
        }
        self.committed = true;
        Ok(done)
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
        let path = self.path.display().to_string();
        let file = self.writer.into_inner().map_err(|e| OutputError::Write {
            file: path.clone(),
            source: e.into_error(),
        })?;
        file.sync_all()
            .map_err(|source| OutputError::Write { file: path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
