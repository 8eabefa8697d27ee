//! migrate-state: the versioned checkpoint a run records every transition in, the crash-safe local
//! file backend (snapshot + append-only journal), the run lock, and the [`StateStore`] trait a remote
//! backend (object storage with conditional writes) implements later.

mod atomic;
mod error;
mod file;
mod format;
mod journal;
mod live;
mod lock;
mod memory;
mod state;
mod store;

pub use error::StateError;
pub use file::FileStore;
pub use format::{FORMAT_VERSION, parse_state, to_canonical_json};
pub use live::{AbortRecord, Approval, LiveRecords, Measured};
pub use lock::{LockAcquired, LockGuard, LockInfo};
pub use memory::MemoryStore;
pub use state::{State, StepState, StepStatus, short_lineage};
pub use store::{Changes, StateStore, lock};
