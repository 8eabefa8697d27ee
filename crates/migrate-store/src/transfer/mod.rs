//! Snapshot-repository-aware, incremental, resumable copy of a repository between two stores.
//!
//! The source's `index.latest` is read first and fixes the generation `N` being copied. Both sides
//! are listed; a key already at the destination with the same size is skipped (repository blobs are
//! write-once), `index.latest` is compared by content. The rest is copied phase by phase in the
//! restorable order of [`crate::repository::CopyPhase`] — data blobs in parallel, then shard metadata,
//! index metadata, snapshot metadata, root `index-N`, and the captured `index.latest` last — so a
//! restore started at any instant only sees metadata whose blobs are already there. Large blobs are
//! streamed as multipart uploads with a bounded number of parts in flight, so memory stays bounded by
//! `concurrency × part_size × (parts_in_flight + 1)` whatever the object sizes. An interrupted run
//! resumes where it stopped because finished objects are skipped by the next one.

mod copy;
mod options;
mod plan;
mod progress;
mod report;
mod run;

pub use options::TransferOptions;
pub use progress::{ProgressFn, TransferProgress, progress_watch};
pub use report::{TransferError, TransferReport};
pub use run::transfer;
