//! The strategies and copy-time index settings; the snapshot strategy's stores are the store
//! registry's types (`migrate_core::store`).

use std::collections::BTreeMap;

use serde_json::Value;

use migrate_core::Store;

use super::cluster::Auth;

/// How data moves.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per plan; boxing would only complicate the model
pub enum Strategy {
    Snapshot(SnapshotStrategy),
    Reindex(ReindexStrategy),
    Copy(ClientCopyStrategy),
    SnapshotReindex(super::SnapshotReindexStrategy),
}

/// Read by migrate from the source, written by migrate to the destination with `_bulk`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientCopyStrategy {
    /// Slices per index read in parallel.
    pub slices: u32,
    /// Documents per `_bulk` request and per source page.
    pub batch_size: u32,
    /// Largest `_bulk` body.
    pub batch_bytes: u64,
    /// The rate ceiling: documents per second, bytes per second (none: no ceiling).
    pub documents_per_second: Option<f64>,
    pub bytes_per_second: Option<f64>,
    /// Requests in flight at most.
    pub concurrency: u32,
    /// Update-time field of the incremental passes.
    pub update_field: Option<String>,
    /// The unit of a numeric update field, when the plan declares it.
    pub update_field_unit: Option<crate::wire::UpdateFieldUnit>,
    /// Incremental passes before the cutover (the most that run).
    pub incremental_passes: u32,
    /// Once an incremental pass's delta is below every threshold, the remaining passes are skipped.
    pub passes_until: Option<super::Until>,
    /// Delete from the destination what the source no longer has, after the final pass.
    pub reconcile_deletes: bool,
    /// Settings while copying and afterwards.
    pub copy_settings: CopySettings,
}

/// Snapshot → transfer → restore.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotStrategy {
    /// Repository name on the source.
    pub repository: String,
    /// Repository name on the destination (defaults to `repository`).
    pub destination_repository: String,
    /// The store the source writes to.
    pub source_store: Store,
    /// The store the destination reads from; `None` when both read `source_store`.
    pub destination_store: Option<Store>,
    /// Incremental rounds before the cutover (the most that run).
    pub incremental_rounds: u32,
    /// Once an incremental round's delta is below every threshold, the remaining rounds are skipped.
    pub rounds_until: Option<super::Until>,
    /// Index settings applied on restore.
    pub index_settings: BTreeMap<String, Value>,
    /// Settings while copying and afterwards.
    pub copy_settings: CopySettings,
}

/// Remote reindex pulled by the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct ReindexStrategy {
    /// `scheme://host:port` of the source as the destination reaches it.
    pub remote_host: String,
    /// Credentials the destination sends to the source, when they differ from `source.auth`.
    pub remote_auth: Option<Auth>,
    /// Documents per scroll batch.
    pub batch_size: Option<u32>,
    /// Throttle; `None` is unthrottled.
    pub requests_per_second: Option<f64>,
    /// Disjoint queries of the initial copy (from `partitions` or `partition_by`); empty for one copy.
    pub partitions: Vec<Partition>,
    /// Update-time field of the incremental passes.
    pub update_field: Option<String>,
    /// The unit of a numeric update field, when the plan declares it.
    pub update_field_unit: Option<crate::wire::UpdateFieldUnit>,
    /// Incremental passes before the cutover (the most that run).
    pub incremental_passes: u32,
    /// Once an incremental pass's delta is below every threshold, the remaining passes are skipped.
    pub passes_until: Option<super::Until>,
    /// Delete from the destination what the source no longer has, after the final pass.
    pub reconcile_deletes: bool,
    /// Settings while copying and afterwards.
    pub copy_settings: CopySettings,
}

/// One part of the initial copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub name: String,
    pub query: Value,
}

/// Destination index settings while copying.
#[derive(Debug, Clone, PartialEq)]
pub struct CopySettings {
    pub number_of_replicas: u32,
    pub refresh_interval: String,
    pub after: AfterCopy,
}

impl Default for CopySettings {
    fn default() -> Self {
        CopySettings {
            number_of_replicas: 0,
            refresh_interval: "-1".into(),
            after: AfterCopy::Original,
        }
    }
}

/// What copy settings become after the final round.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterCopy {
    /// The source index's values.
    Original,
    /// These settings.
    Set(BTreeMap<String, Value>),
}
