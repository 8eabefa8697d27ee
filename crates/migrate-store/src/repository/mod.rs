//! The Elasticsearch/OpenSearch snapshot repository layout (5.x–7.x): keys, root `index-N` data, `index.latest`.
//!
//! A repository is a tree of blobs under a base path. Only `index.latest` is ever overwritten; every
//! other blob is written once under a fresh name, which is what makes "same key, same size" a safe
//! test for "already copied". [`KeyClass`] says what a key is, [`CopyPhase`] the order in which a copy
//! must land so the destination is restorable at every instant, [`RepositoryData`] the root `index-N`
//! JSON and [`latest`] the 8-byte generation pointer. [`paths`] builds keys for writers.

mod data;
mod key;
pub mod latest;
pub mod paths;
mod read;

pub use data::{IndexEntry, RepositoryData, RepositoryDataError, SnapshotEntry, SnapshotState};
pub use key::{CopyPhase, KeyClass, KeyIssue, classify};
pub use read::{RepositoryReadError, RepositoryView, missing_blobs, read_repository};
