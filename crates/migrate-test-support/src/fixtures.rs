//! The shared folder of licensed fixtures and references (`../shared` next to the repository, or
//! `$MIGRATE_SHARED_DIR`): read in place, never copied into the repository.

use std::path::PathBuf;

/// The variable that overrides where the shared folder is.
pub const SHARED_DIR_ENV: &str = "MIGRATE_SHARED_DIR";

/// The shared folder.
pub fn shared_dir() -> PathBuf {
    std::env::var_os(SHARED_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::repo_root().join("../shared"))
}

/// A path inside the shared folder, which must exist (the message says where it was looked for).
pub fn shared(relative: &str) -> PathBuf {
    let path = shared_dir().join(relative);
    assert!(
        path.exists(),
        "the shared fixture `{relative}` is missing: expected {} (the `shared` folder next to the repository, or set {SHARED_DIR_ENV})",
        path.display()
    );
    path
}
