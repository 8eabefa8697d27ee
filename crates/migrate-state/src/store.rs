//! The backend trait: load, compare-and-swap commit, lock. The local file backend implements it; an
//! object-storage backend with conditional writes (`If-Match` on the state object, `If-None-Match`
//! on the lock object) fits the same shape.

use std::sync::Arc;

use crate::error::StateError;
use crate::lock::{LockAcquired, LockGuard, LockInfo};
use crate::state::State;

/// What changed since the previous commit, so a backend can append instead of rewriting.
#[derive(Debug, Clone, Copy)]
pub enum Changes<'a> {
    /// Anything may have changed (header included): write the whole state.
    All,
    /// Only these steps' records changed.
    Steps(&'a [String]),
}

/// Where a plan's state lives. Calls block; the executor calls them from its own writer thread.
pub trait StateStore: Send + Sync {
    /// Where the state lives, for messages (a path or URL).
    fn location(&self) -> String;

    /// The latest committed state, `None` if there is none yet. Never writes.
    fn load(&self) -> Result<Option<State>, StateError>;

    /// Makes `state` the committed state, durably, before returning. Compare-and-swap: `state`
    /// must carry the lineage of the committed state and its serial plus one (any lineage and
    /// serial when nothing is committed yet), otherwise [`StateError::Conflict`].
    fn commit(&self, state: &State, changes: Changes<'_>) -> Result<(), StateError>;

    /// Takes the lock, or fails with [`StateError::LockHeld`]. A stale lock (its process is gone)
    /// is taken over and reported in [`LockAcquired::took_over`].
    fn lock(&self, info: LockInfo) -> Result<LockAcquired, StateError>;

    /// Removes the lock if its id is `lock_id`; a different id is refused.
    fn unlock(&self, lock_id: &str) -> Result<(), StateError>;

    /// The current lock, if any. Never writes.
    fn read_lock(&self) -> Result<Option<LockInfo>, StateError>;
}

/// Takes the lock of `store` and returns a guard that releases it.
pub fn lock(store: &Arc<dyn StateStore>, info: LockInfo) -> Result<LockGuard, StateError> {
    let acquired = store.lock(info)?;
    Ok(LockGuard::new(Arc::clone(store), acquired))
}

/// Checks the compare-and-swap rule of [`StateStore::commit`] against the committed `(lineage, serial)`.
pub(crate) fn check_successor(
    location: &str,
    committed: Option<(uuid::Uuid, u64)>,
    next: &State,
) -> Result<(), StateError> {
    match committed {
        None => Ok(()),
        Some((lineage, serial)) if lineage == next.lineage && serial + 1 == next.serial => Ok(()),
        Some((lineage, serial)) => Err(StateError::Conflict {
            path: location.into(),
            expected: format!("serial {} of lineage {lineage}", serial + 1),
            found: format!("serial {} of lineage {}", next.serial, next.lineage),
        }),
    }
}
