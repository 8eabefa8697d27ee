//! Errors of the state store: each names the file and says what to do next.

use std::io;
use std::path::PathBuf;

use crate::lock::LockInfo;

/// Everything that can go wrong reading, writing or locking a state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("could not {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "state file `{path}` is not a valid migrate state: {message}; restore it from a backup, or move it aside to start the plan from scratch"
    )]
    Invalid { path: PathBuf, message: String },

    #[error(
        "state file `{path}` was written by a newer migrate (state format {found}; this migrate reads up to {supported}); upgrade migrate to use this state"
    )]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u32,
    },

    #[error(
        "state journal `{path}` is damaged at line {line}: {message}; the state up to the line before is intact — move the journal aside to resume from the last compacted state"
    )]
    CorruptJournal {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error(
        "state `{path}` was changed by someone else (expected {expected}, found {found}); another run may be using it — re-run to start from the latest state"
    )]
    Conflict {
        path: PathBuf,
        expected: String,
        found: String,
    },

    #[error(
        "state `{path}` is locked by {} (lock id `{}`); if that run is gone, run `migrate state unlock {}`",
        lock.describe(), lock.id, lock.id
    )]
    LockHeld { path: PathBuf, lock: Box<LockInfo> },

    #[error("state `{path}` is not locked; there is nothing to unlock")]
    NotLocked { path: PathBuf },

    #[error(
        "lock `{path}` has id `{}`, not `{given}`; nothing was unlocked (the lock belongs to {})",
        held.id, held.describe()
    )]
    WrongLockId {
        path: PathBuf,
        given: String,
        held: Box<LockInfo>,
    },

    #[error(
        "state `{path}` belongs to plan `{found}`, not to plan `{plan}` (lineage {lineage}); it was left unchanged — point `--state` at plan `{plan}`'s own state, or move this file aside to start `{plan}` from scratch"
    )]
    OtherPlan {
        path: PathBuf,
        found: String,
        plan: String,
        lineage: uuid::Uuid,
    },

    #[error(
        "plan name `{name}` cannot name a state file: use letters, digits, `-`, `_` and `.` (not starting with `.`)"
    )]
    BadPlanName { name: String },
}

impl StateError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        StateError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Refuses `state` read from `path` unless it belongs to the plan named `plan` (a state file
    /// copied from another plan is never adopted, and never rewritten).
    pub fn check_plan(
        path: impl Into<PathBuf>,
        state: &crate::State,
        plan: &str,
    ) -> Result<(), StateError> {
        if state.plan_name == plan {
            return Ok(());
        }
        Err(StateError::OtherPlan {
            path: path.into(),
            found: state.plan_name.clone(),
            plan: plan.to_owned(),
            lineage: state.lineage,
        })
    }

    /// True when the state cannot be used as it is (bad input rather than a failed run).
    pub fn is_refused_state(&self) -> bool {
        matches!(
            self,
            StateError::Invalid { .. }
                | StateError::TooNew { .. }
                | StateError::CorruptJournal { .. }
                | StateError::OtherPlan { .. }
        )
    }
}
