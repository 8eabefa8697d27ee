//! migrate-state-remote: a plan's state on object storage (S3, OSS, COS) for runners that keep
//! nothing between jobs — a lock object created only if absent, commits as compare-and-swap on the
//! ETag — plus `--state URL` parsing, backend choice, and copying a state between backends.
//!
//! Apart from migrate-state so that crate (and everything that only needs the local file backend)
//! stays free of object_store and its HTTP stack.

mod backend;
mod bridge;
mod copy;
mod error;
mod location;
mod object;

pub use backend::{StateBackend, open_state_backend, open_state_store};
pub use copy::{CopyOutcome, CopyReport, copy_state};
pub use error::{CopyError, OpenStateError};
pub use location::{
    ResolvedState, StateLocation, StateOrigin, StateUrlError, parse_state_url, resolve_state,
};
pub use object::ObjectStateStore;
