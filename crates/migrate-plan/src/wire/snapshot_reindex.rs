//! Wire type of the snapshot-reindex strategy: documents read from a snapshot's Lucene files by
//! migrate and bulk-loaded into the destination (any version or vendor).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::strategy::CopySettingsWire;
use migrate_core::Store;

/// The snapshot-reindex strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SnapshotReindex")]
pub struct SnapshotReindexWire {
    /// Snapshot repository name on the source. Registered by the plan when it takes its own snapshots; with `snapshot` set, the name of the repository that holds it. Must not start with `cs-`.
    pub repository: String,
    /// The object store holding the repository: migrate reads the snapshot's shard files from it directly (one of `s3`, `oss`, `cos`, `azure`, `gcs`, `fs`).
    pub store: Store,
    /// An existing snapshot to read instead of taking one per round: one copy, no incremental or final round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// Incremental rounds after the first full round and before the cutover: each takes a snapshot and loads only the segments new since the previous one.
    #[serde(default)]
    pub incremental_rounds: u32,
    /// Shards read and loaded at once per index (the unit of parallelism).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub shard_concurrency: Option<u32>,
    /// After the final round (while source writes are blocked), delete from each destination index the documents whose `_id` the source no longer has, so deletes made on the source during the migration reach the destination; default `true`. `false` leaves them (verification then fails naming the extra ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconcile_deletes: Option<bool>,
    /// Settings used on the destination indexes while data is copied, and what happens to them afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_settings: Option<CopySettingsWire>,
}
