//! The snapshot-reindex strategy, validated.

use migrate_core::Store;

use super::strategy::CopySettings;

/// Snapshot (or an existing one) → read shards from the store → bulk-load the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotReindexStrategy {
    /// Repository name on the source.
    pub repository: String,
    /// The store holding the repository.
    pub store: Store,
    /// An existing snapshot to read; `None` takes `<plan>-round-<n>` snapshots.
    pub snapshot: Option<String>,
    /// Incremental rounds before the cutover (0 with an existing snapshot).
    pub incremental_rounds: u32,
    /// Shards loaded at once per index.
    pub shard_concurrency: u32,
    /// Delete from the destination what the source no longer has, after the final round.
    pub reconcile_deletes: bool,
    /// Settings while copying and afterwards.
    pub copy_settings: CopySettings,
}
