//! What a transfer did, and why one failed.

use std::time::Duration;

use thiserror::Error;

use crate::repository::KeyIssue;
use crate::repository::latest::LatestLengthError;

/// The outcome of a transfer.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TransferReport {
    /// Objects written to the destination.
    pub objects_copied: u64,
    /// Bytes written to the destination.
    pub bytes_copied: u64,
    /// Objects already at the destination (same size; `index.latest` same content).
    pub objects_skipped: u64,
    /// Bytes of the skipped objects.
    pub bytes_skipped: u64,
    /// The repository generation copied (from the source's `index.latest`), if it is a repository.
    pub generation: Option<u64>,
    /// Keys that would break restores and were not copied, with the reason.
    pub invalid_keys: Vec<(String, KeyIssue)>,
    /// Keys outside the repository layout (copied, but worth a look).
    pub unknown_keys: Vec<String>,
    /// Root `index-N` newer than the captured generation (written while we listed): not copied,
    /// the next round copies them with everything they reference.
    pub newer_generations: Vec<String>,
    /// Blobs the copied `index-N` references that the source itself lacks: restores of the
    /// affected snapshots will fail at the destination as they would at the source.
    pub missing_at_source: Vec<String>,
    /// Wall time of the whole transfer.
    pub elapsed: Duration,
}

impl TransferReport {
    /// Whether anything was found that would break a restore.
    pub fn has_restore_problems(&self) -> bool {
        !self.invalid_keys.is_empty() || !self.missing_at_source.is_empty()
    }
}

/// A transfer failed. Everything finished before the failure stays at the destination and is
/// skipped by the next run; `index.latest` is only written once everything else is there.
#[derive(Debug, Error)]
pub enum TransferError {
    /// Listing a store failed.
    #[error("listing the {side} store failed: {source}")]
    List {
        /// `source` or `destination`.
        side: &'static str,
        /// Why.
        #[source]
        source: object_store::Error,
    },
    /// Copying one object failed.
    #[error("copying `{key}` failed: {source}")]
    Copy {
        /// The key.
        key: String,
        /// Why.
        #[source]
        source: object_store::Error,
    },
    /// The source's `index.latest` is malformed.
    #[error("the source repository's {0}")]
    Latest(#[from] LatestLengthError),
    /// The source's `index.latest` names a generation whose `index-N` does not exist.
    #[error(
        "the source's `index.latest` points at `{0}`, which does not exist: the source repository is broken"
    )]
    MissingRootIndex(String),
    /// A copy task panicked or was cancelled.
    #[error("a copy task stopped unexpectedly: {0}")]
    Task(String),
}
