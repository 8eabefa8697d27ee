//! Picks the backend for a [`StateLocation`]: the file backend for a directory, the object
//! backend for a bucket.

use std::path::PathBuf;
use std::sync::Arc;

use migrate_state::{FileStore, State, StateError, StateStore, to_canonical_json};
use migrate_store::StoreSpec;

use crate::error::OpenStateError;
use crate::location::StateLocation;
use crate::object::ObjectStateStore;

/// An opened state backend. [`StateBackend::into_store`] gives the executor its trait object;
/// [`crate::copy_state`] needs the backend itself to replace a state wholesale.
#[derive(Debug)]
pub enum StateBackend {
    File(FileStore),
    Object(ObjectStateStore),
}

impl StateBackend {
    pub fn as_store(&self) -> &dyn StateStore {
        match self {
            StateBackend::File(f) => f,
            StateBackend::Object(o) => o,
        }
    }

    pub fn into_store(self) -> Arc<dyn StateStore> {
        match self {
            StateBackend::File(f) => Arc::new(f),
            StateBackend::Object(o) => Arc::new(o),
        }
    }

    /// Makes `state` the committed state whatever is there now (lineage and serial kept as they
    /// are in `state`). The caller holds the lock.
    pub(crate) fn replace(&self, state: &State) -> Result<(), StateError> {
        match self {
            StateBackend::Object(o) => o.write(state, false),
            StateBackend::File(f) => {
                replace_file(f, state)?;
                // Forget what the store had cached about the old files.
                f.load().map(drop)
            }
        }
    }
}

impl ObjectStateStore {
    /// Opens `spec` (credentials resolved as for every store) and the state of `plan_name` under
    /// `prefix` in it. On OSS the lock object is written with `x-oss-forbid-overwrite: true` too.
    pub fn open(spec: &StoreSpec, prefix: &str, plan_name: &str) -> Result<Self, OpenStateError> {
        let store = migrate_store::open(spec)?;
        let lock_store = migrate_store::open_write_once(spec)?;
        Ok(
            ObjectStateStore::new(store, &spec.display_location(), prefix, plan_name)?
                .with_lock_store(lock_store),
        )
    }
}

/// Opens the backend for `location` and `plan_name`.
pub fn open_state_backend(
    location: &StateLocation,
    plan_name: &str,
) -> Result<StateBackend, OpenStateError> {
    match location {
        StateLocation::Dir(dir) => Ok(StateBackend::File(FileStore::new(dir, plan_name)?)),
        StateLocation::File(file) => {
            let file_plan = file
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".state.json"))
                .unwrap_or_default();
            if file_plan != plan_name {
                return Err(OpenStateError::OtherPlansFile {
                    path: file.display().to_string(),
                    file_plan: file_plan.to_owned(),
                    plan: plan_name.to_owned(),
                });
            }
            Ok(StateBackend::File(FileStore::for_state_file(file)?))
        }
        StateLocation::Object { spec, prefix } => Ok(StateBackend::Object(ObjectStateStore::open(
            spec, prefix, plan_name,
        )?)),
    }
}

/// Opens the store for `location` and `plan_name`, as the executor uses it.
pub fn open_state_store(
    location: &StateLocation,
    plan_name: &str,
) -> Result<Arc<dyn StateStore>, OpenStateError> {
    Ok(open_state_backend(location, plan_name)?.into_store())
}

/// Replaces the file backend's state: the new state file is written aside and fsynced, the
/// journal (commits of the old state) removed, then the file renamed into place. A crash in
/// between leaves the old compacted state, and the source of the copy is untouched.
fn replace_file(store: &FileStore, state: &State) -> Result<(), StateError> {
    let target = store.state_path();
    let dir = target
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let io = |action: &'static str, path: &std::path::Path| {
        let path = path.to_owned();
        move |source| StateError::Io {
            action,
            path,
            source,
        }
    };
    std::fs::create_dir_all(&dir).map_err(io("create the state directory", &dir))?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = dir.join(format!(
        ".{file_name}.copy-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&aside)?;
        f.write_all(to_canonical_json(state).as_bytes())?;
        f.sync_all()
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&aside);
        return Err(io("write", &aside)(e));
    }
    match std::fs::remove_file(store.journal_path()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            let _ = std::fs::remove_file(&aside);
            return Err(io("remove", store.journal_path())(e));
        }
    }
    std::fs::rename(&aside, target).map_err(io("replace", target))?;
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io("sync", &dir))
}
