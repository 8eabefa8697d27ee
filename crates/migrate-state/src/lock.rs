//! The run lock: who holds a state (id, owner, pid, host, time), stale-lock detection, and a guard
//! that releases the lock when the run ends.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::error::StateError;
use crate::store::StateStore;

/// What a lock records about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The id `migrate state unlock` needs.
    pub id: Uuid,
    /// The user who took the lock.
    pub owner: String,
    pub pid: u32,
    pub host: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// What took the lock (`apply`).
    pub operation: String,
}

impl LockInfo {
    /// A lock for this process: a fresh id, the current user, pid, host and time.
    pub fn current(operation: impl Into<String>) -> Self {
        LockInfo {
            id: Uuid::new_v4(),
            owner: current_user(),
            pid: std::process::id(),
            host: current_host(),
            created_at: OffsetDateTime::now_utc(),
            operation: operation.into(),
        }
    }

    /// `alice@host-1 (pid 42, apply since 2026-12-01T18:00:00Z)`.
    pub fn describe(&self) -> String {
        let since = self
            .created_at
            .format(&Rfc3339)
            .unwrap_or_else(|_| self.created_at.to_string());
        format!(
            "{}@{} (pid {}, {} since {since})",
            self.owner, self.host, self.pid, self.operation
        )
    }

    /// True when the holder is a process of this host that no longer runs. Locks of other hosts
    /// are never judged stale: their processes cannot be seen from here.
    pub fn is_stale(&self) -> bool {
        self.host == current_host() && !pid_alive(self.pid)
    }
}

/// What [`StateStore::lock`] answers: the lock now held, and the stale lock it replaced, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockAcquired {
    pub info: LockInfo,
    pub took_over: Option<LockInfo>,
}

/// Holds a lock; releases it on [`release`](Self::release) or, best effort, when dropped.
pub struct LockGuard {
    store: Arc<dyn StateStore>,
    acquired: LockAcquired,
    released: bool,
}

impl LockGuard {
    pub(crate) fn new(store: Arc<dyn StateStore>, acquired: LockAcquired) -> Self {
        LockGuard {
            store,
            acquired,
            released: false,
        }
    }

    pub fn info(&self) -> &LockInfo {
        &self.acquired.info
    }

    /// The stale lock this one replaced (tell the user).
    pub fn took_over(&self) -> Option<&LockInfo> {
        self.acquired.took_over.as_ref()
    }

    /// Releases the lock, reporting failure.
    pub fn release(mut self) -> Result<(), StateError> {
        self.released = true;
        self.store.unlock(&self.acquired.info.id.to_string())
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if !self.released {
            let _ = self.store.unlock(&self.acquired.info.id.to_string());
        }
    }
}

fn current_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn current_host() -> String {
    hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Whether process `pid` of this host still runs (a zombie counts as gone). Where processes cannot
/// be inspected, every process counts as alive, so no lock is ever taken over by mistake.
fn pid_alive(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (comm) S ...`: the state follows the last `)`.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(pid_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!pid_alive(pid));
    }

    #[test]
    fn locks_of_other_hosts_are_never_stale() {
        let mut info = LockInfo::current("apply");
        info.pid = u32::MAX;
        assert!(info.is_stale());
        info.host = "some-other-host.invalid".into();
        assert!(!info.is_stale());
    }
}
