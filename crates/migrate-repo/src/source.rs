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
}

impl BlobSource for FsBlobs {
    fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        if key.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{key}` is not a repository key (empty, `.` or `..` segment)"),
            ));
        }
        let path = self.root.join(key);
        std::fs::read(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }
}
