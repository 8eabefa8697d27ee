//! A local directory (a shared file system repository as this machine mounts it).

use std::path::PathBuf;
use std::sync::Arc;

use migrate_core::store::FsStore;
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;

use crate::open::OpenError;
use crate::spec::{FsSpec, StoreSpec};
use migrate_core::store::url::{StoreUrl, UrlError};

/// An `fs` store of a plan: its `location`, which must be absolute (the directory the cluster's
/// `path.repo` allows, as this machine sees it).
pub(super) fn spec(s: &FsStore) -> Result<StoreSpec, String> {
    let root = PathBuf::from(&s.location);
    if !root.is_absolute() {
        return Err(format!(
            "the `fs` store location `{}` is relative to the cluster's `path.repo`; give the absolute directory so the transfer can read it",
            s.location
        ));
    }
    Ok(StoreSpec::Fs(FsSpec {
        root,
        base_path: String::new(),
    }))
}

/// `file:///dir`.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::Fs(FsSpec {
        root: PathBuf::from(&u.path),
        base_path: String::new(),
    }))
}

/// Opens the directory (created if missing), rooted at its base path.
pub(super) fn open(fs: &FsSpec, location: &str) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let dir = fs.root.join(fs.base_path.trim_matches('/'));
    std::fs::create_dir_all(&dir).map_err(|source| OpenError::Local {
        location: location.to_owned(),
        source,
    })?;
    let local = LocalFileSystem::new_with_prefix(&dir).map_err(|source| OpenError::Client {
        location: location.to_owned(),
        source,
    })?;
    Ok(Arc::new(local))
}
