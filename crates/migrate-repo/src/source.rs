//! Where blob bytes come from: the [`BlobSource`] trait callers implement over their store, and
//! [`FsBlobs`], a repository in a local directory (for tests and tools).

use std::io;
use std::path::{Path, PathBuf};

/// Gets a blob's bytes by its key (relative to the repository root, `/`-separated).
pub trait BlobSource {
    /// The blob's bytes; an error of kind [`io::ErrorKind::NotFound`] when it does not exist.
    fn read(&self, key: &str) -> io::Result<Vec<u8>>;
}

/// A repository in a local directory.
#[derive(Debug, Clone)]
pub struct FsBlobs {
    root: PathBuf,
}

impl FsBlobs {
    /// The repository rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsBlobs { root: root.into() }
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The names directly under folder `folder` (a key prefix without its trailing `/`), sorted;
    /// empty when the folder does not exist.
    pub fn list(&self, folder: &str) -> io::Result<Vec<String>> {
        let dir = self.root.join(folder);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", dir.display()))),
        };
        let mut names = Vec::new();
        for entry in entries {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }

    /// Writes blobs (key, bytes) under the directory, creating folders: a test-and-tools writer.
    pub fn put_all(&self, blobs: &[(String, Vec<u8>)]) -> io::Result<()> {
        for (key, bytes) in blobs {
            let path = self.root.join(key);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
        }
        Ok(())
    }
}

impl BlobSource for FsBlobs {
    fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        if key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{key}` is not a repository key (empty, `.` or `..` segment)"),
            ));
        }
        let path = self.root.join(key);
        std::fs::read(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }
}
