//! The input of the reader: a Lucene directory, i.e. named files read at any offset.
//!
//! Two implementations: [`MemoryDirectory`] (files held in memory, e.g. reassembled snapshot
//! blobs of a small shard, or tests) and [`FsDirectory`] (a directory on disk). The snapshot
//! strategy provides its own implementation backed by snapshot blobs.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A Lucene directory: file names and random-access reads of their bytes.
pub trait Directory: Send + Sync {
    /// The names of all files in the directory (any order).
    fn list(&self) -> io::Result<Vec<String>>;
    /// Opens one file for reading. A missing file is an [`io::ErrorKind::NotFound`] error.
    fn open(&self, name: &str) -> io::Result<Arc<dyn DirFile>>;
}

/// One open file of a [`Directory`].
pub trait DirFile: Send + Sync {
    /// The file's length in bytes.
    fn len(&self) -> u64;
    /// Whether the file is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` with the bytes at `offset`; reading past the end is an
    /// [`io::ErrorKind::UnexpectedEof`] error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
}

/// Files held in memory.
#[derive(Clone, Default)]
pub struct MemoryDirectory {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) {
        self.files.insert(name.into(), bytes.into());
    }

    /// Removes a file, returning its bytes.
    pub fn remove(&mut self, name: &str) -> Option<Arc<[u8]>> {
        self.files.remove(name)
    }

    /// The bytes of a file.
    pub fn get(&self, name: &str) -> Option<&Arc<[u8]>> {
        self.files.get(name)
    }

    /// Reads every file of a directory on disk into memory (not its subdirectories).
    pub fn read_from(path: &Path) -> io::Result<Self> {
        let mut dir = Self::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                dir.insert(name, std::fs::read(entry.path())?);
            }
        }
        Ok(dir)
    }
}

struct MemoryFile(Arc<[u8]>);

impl DirFile for MemoryFile {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| eof())?;
        let end = start.checked_add(buf.len()).ok_or_else(eof)?;
        let src = self.0.get(start..end).ok_or_else(eof)?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

fn eof() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "read past the end of the file",
    )
}

impl Directory for MemoryDirectory {
    fn list(&self) -> io::Result<Vec<String>> {
        Ok(self.files.keys().cloned().collect())
    }

    fn open(&self, name: &str) -> io::Result<Arc<dyn DirFile>> {
        match self.files.get(name) {
            Some(bytes) => Ok(Arc::new(MemoryFile(bytes.clone()))),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }
}

/// A directory on disk.
#[derive(Clone, Debug)]
pub struct FsDirectory {
    root: PathBuf,
}

impl FsDirectory {
    /// The directory at `root` (not read until used).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

struct FsFile {
    file: std::fs::File,
    len: u64,
}

impl DirFile for FsFile {
    fn len(&self) -> u64 {
        self.len
    }

    #[cfg(unix)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, mut offset: u64, mut buf: &mut [u8]) -> io::Result<()> {
        use std::os::windows::fs::FileExt;
        while !buf.is_empty() {
            match self.file.seek_read(buf, offset)? {
                0 => return Err(eof()),
                n => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }
}

impl Directory for FsDirectory {
    fn list(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }

    fn open(&self, name: &str) -> io::Result<Arc<dyn DirFile>> {
        if name.contains(['/', '\\']) || name == ".." {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a Lucene file name has no path separator",
            ));
        }
        let file = std::fs::File::open(self.root.join(name))?;
        let len = file.metadata()?.len();
        Ok(Arc::new(FsFile { file, len }))
    }
}
