//! An in-memory store with the same semantics as the file backend, for tests and embedding.

use std::sync::Mutex;

use crate::error::StateError;
use crate::lock::{LockAcquired, LockInfo};
use crate::state::State;
use crate::store::{Changes, StateStore, check_successor};

/// Keeps the committed state and the lock in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: Option<State>,
    lock: Option<LockInfo>,
    commits: u64,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that already holds `state`.
    pub fn with_state(state: State) -> Self {
        MemoryStore {
            inner: Mutex::new(Inner {
                state: Some(state),
                ..Inner::default()
            }),
        }
    }

    /// Number of commits so far.
    pub fn commits(&self) -> u64 {
        self.lock_inner().commits
    }

    fn lock_inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StateStore for MemoryStore {
    fn location(&self) -> String {
        "memory".into()
    }

    fn load(&self) -> Result<Option<State>, StateError> {
        Ok(self.lock_inner().state.clone())
    }

    fn commit(&self, state: &State, _: Changes<'_>) -> Result<(), StateError> {
        let mut inner = self.lock_inner();
        let committed = inner.state.as_ref().map(|s| (s.lineage, s.serial));
        check_successor("memory", committed, state)?;
        inner.state = Some(state.clone());
        inner.commits += 1;
        Ok(())
    }

    fn lock(&self, info: LockInfo) -> Result<LockAcquired, StateError> {
        let mut inner = self.lock_inner();
        if let Some(held) = &inner.lock {
            return Err(StateError::LockHeld {
                path: "memory".into(),
                lock: Box::new(held.clone()),
            });
        }
        inner.lock = Some(info.clone());
        Ok(LockAcquired {
            info,
            took_over: None,
        })
    }

    fn unlock(&self, lock_id: &str) -> Result<(), StateError> {
        let mut inner = self.lock_inner();
        match &inner.lock {
            None => Err(StateError::NotLocked {
                path: "memory".into(),
            }),
            Some(held) if held.id.to_string() != lock_id => Err(StateError::WrongLockId {
                path: "memory".into(),
                given: lock_id.to_owned(),
                held: Box::new(held.clone()),
            }),
            Some(_) => {
                inner.lock = None;
                Ok(())
            }
        }
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, StateError> {
        Ok(self.lock_inner().lock.clone())
    }
}
