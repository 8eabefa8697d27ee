//! Crash-safe file writes: a whole file replaced atomically, or created only if absent.
//!
//! Replacing: write a temporary file in the same directory, fsync it, rename it over the target,
//! fsync the directory. A kill at any instant leaves either the old or the new file, never a mix.
//! Creating exclusively: the same temporary file, then a hard link to the target, which fails if
//! the target exists — so the target never exists half-written.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::error::StateError;

/// Replaces `path` with `bytes` atomically and durably.
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let tmp = write_temp(path, bytes)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(StateError::io("rename a temporary file over", path, e));
    }
    sync_dir(path)
}

/// Creates `path` with `bytes` if it does not exist. `Ok(false)` when it already exists.
pub(crate) fn create_exclusive(path: &Path, bytes: &[u8]) -> Result<bool, StateError> {
    let tmp = write_temp(path, bytes)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            sync_dir(path)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(StateError::io("create", path, e)),
    }
}

/// Fsyncs the directory holding `path`, so a rename or removal in it is durable.
pub(crate) fn sync_dir(path: &Path) -> Result<(), StateError> {
    let dir = parent(path);
    if cfg!(unix) {
        std::fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StateError::io("sync the directory", &dir, e))?;
    }
    Ok(())
}

fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, StateError> {
    let dir = parent(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", Uuid::new_v4().simple()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(StateError::io("write", &tmp, e));
    }
    Ok(tmp)
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}
