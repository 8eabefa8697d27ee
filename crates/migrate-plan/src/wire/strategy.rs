//! Wire types for the strategies: snapshot/restore, remote reindex and the client-side copy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cluster::AuthWire;
use migrate_core::Store;

/// The strategy: exactly one of `snapshot`, `reindex`, `copy` or `snapshot_reindex`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Strategy")]
#[allow(clippy::large_enum_variant)] // one per plan; boxing would only complicate the wire type
pub enum StrategyWire {
    /// Snapshot on the source, copy the repository between object stores, restore on the destination; incremental rounds, then a final round at cutover.
    Snapshot(SnapshotWire),
    /// Create each destination index, then let the destination pull documents with remote `_reindex`; incremental passes on an update-time field, then a final pass at cutover.
    Reindex(ReindexWire),
    /// Read the source with point-in-time + `search_after` (or sliced scroll on older versions) and write the destination with `_bulk` by id, from this machine: works between any two versions, at an adaptive rate within a ceiling; incremental passes on an update-time field, then a final pass at cutover.
    Copy(CopyWire),
    /// Read the documents of a snapshot's Lucene files (a snapshot the plan takes each round, or an existing one) and bulk-load them into destination indexes created from the source's settings and mappings: any source version to any destination version or vendor; shards are the unit of parallelism and of checkpoints.
    SnapshotReindex(super::SnapshotReindexWire),
}

/// The client-side copy strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Copy")]
pub struct CopyWire {
    /// Slices read in parallel per index (the unit of parallelism and of resume); default 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub slices: Option<u32>,
    /// Documents per `_bulk` request (and per source page); default 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<u32>,
    /// Largest `_bulk` body in bytes; default 5242880 (5 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub batch_bytes: Option<u64>,
    /// Ceiling in documents per second; the rate adapts below it (omit for no ceiling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_per_second: Option<f64>,
    /// Ceiling in `_bulk` body bytes per second (omit for no ceiling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<f64>,
    /// Most `_bulk` requests in flight at once; default 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub concurrency: Option<u32>,
    /// The update-time field for incremental passes: each pass copies documents with the field in `[last pass, now)`, and a last pass copies documents that lack the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_field: Option<String>,
    /// The unit of a numeric `update_field` (`long`, `integer`, `double`…): `seconds` or `millis` since the epoch. Omitted: detected at preflight from the field's newest values (about 1e9 → seconds, about 1e12 → milliseconds), and preflight refuses when they do not say. Not used for a `date` field (its bounds are sent with `"format": "epoch_millis"`, whatever the field's own format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_field_unit: Option<UpdateFieldUnit>,
    /// Incremental passes before the cutover (needs `update_field`): a count, or `{ max: 5, until: { documents: 1000 } }` to skip the remaining passes once one's delta is below every threshold given (`documents` copied, `seconds` taken). Each pass prints its delta.
    #[serde(default)]
    pub incremental_passes: super::IncrementalPassesWire,
    /// After the final pass (while source writes are blocked), delete from each destination index the documents whose `_id` the source no longer has, so deletes made on the source during the migration reach the destination; default `true`. `false` leaves them (verification then fails naming the extra ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconcile_deletes: Option<bool>,
    /// Settings used on the destination indexes while data is copied, and what happens to them afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_settings: Option<CopySettingsWire>,
}

/// The snapshot → transfer → restore strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Snapshot")]
pub struct SnapshotWire {
    /// Snapshot repository name registered on the source (and on the destination unless `destination_repository` is set). Must not start with `cs-` (reserved by Amazon OpenSearch Service).
    pub repository: String,
    /// Repository name on the destination, when it differs from `repository`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_repository: Option<String>,
    /// The object store the source cluster writes snapshots to: one of `s3`, `oss`, `cos`, `azure`, `gcs`, `fs`.
    pub source_store: Store,
    /// The object store the destination restores from. Omit it when both clusters read the same store (no transfer step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_store: Option<Store>,
    /// Incremental snapshot → transfer → restore rounds after the first full round and before the cutover: a count, or `{ max: 5, until: { bytes: 104857600 } }` to skip the remaining rounds once one's delta (documents changed on the source since the round before, bytes its snapshot added, seconds its snapshot took) is below every threshold given. Each round prints its delta.
    #[serde(default)]
    pub incremental_rounds: super::IncrementalPassesWire,
    /// Index settings applied on restore, e.g. `{ "index.routing.allocation.require.box_type": warm }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub index_settings: BTreeMap<String, Value>,
    /// Settings used on the destination indexes while data is copied, and what happens to them afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_settings: Option<CopySettingsWire>,
}

/// The remote reindex strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Reindex")]
pub struct ReindexWire {
    /// The source as the destination reaches it, `scheme://host:port` (port required, no path). It must be in the destination's `reindex.remote.whitelist` (OpenSearch 2.x: `reindex.remote.allowlist`).
    pub remote_host: String,
    /// Credentials the destination sends to the source, when they differ from `source.auth` (remote reindex cannot sign AWS SigV4 requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_auth: Option<AuthWire>,
    /// Documents per scroll batch (`source.size`); the server default is 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<u32>,
    /// Throttle in requests per second; omit for unthrottled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    /// Disjoint queries copied by separate reindex tasks in parallel (remote reindex cannot slice). Each needs a unique `name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<PartitionWire>,
    /// Split the initial copy into ranges of one field instead of listing `partitions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionByWire>,
    /// The update-time field for incremental passes: each pass copies documents with the field in `[last pass, now)`, and a last pass copies documents that lack the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_field: Option<String>,
    /// The unit of a numeric `update_field` (`long`, `integer`, `double`…): `seconds` or `millis` since the epoch. Omitted: detected at preflight from the field's newest values (about 1e9 → seconds, about 1e12 → milliseconds), and preflight refuses when they do not say. Not used for a `date` field (its bounds are sent with `"format": "epoch_millis"`, whatever the field's own format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_field_unit: Option<UpdateFieldUnit>,
    /// Incremental passes before the cutover (needs `update_field`): a count, or `{ max: 5, until: { documents: 1000 } }` to skip the remaining passes once one's delta is below every threshold given (`documents` copied, `seconds` taken). Each pass prints its delta.
    #[serde(default)]
    pub incremental_passes: super::IncrementalPassesWire,
    /// After the final pass (while source writes are blocked), delete from each destination index the documents whose `_id` the source no longer has, so deletes made on the source during the migration reach the destination; default `true`. `false` leaves them (verification then fails naming the extra ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconcile_deletes: Option<bool>,
    /// Settings used on the destination indexes while data is copied, and what happens to them afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_settings: Option<CopySettingsWire>,
}

/// What a numeric update-time field counts since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "UpdateFieldUnit")]
pub enum UpdateFieldUnit {
    /// Epoch seconds (`date +%s`).
    Seconds,
    /// Epoch milliseconds.
    Millis,
}

/// One disjoint part of an index for the initial copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Partition")]
pub struct PartitionWire {
    /// Short name used in step ids (`reindex/movies/part-<name>`): letters, digits, `-` and `_`.
    pub name: String,
    /// The query selecting this partition's documents (Elasticsearch query DSL).
    pub query: Value,
}

/// Range partitions over one field: `boundaries: [a, b]` gives the parts `< a`, `[a, b)` and `>= b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PartitionBy")]
pub struct PartitionByWire {
    /// The field to split on (a date or number).
    pub field: String,
    /// Ascending split points (numbers or date strings).
    #[schemars(length(min = 1))]
    pub boundaries: Vec<Value>,
}

/// Destination index settings while data is copied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CopySettings")]
pub struct CopySettingsWire {
    /// `index.number_of_replicas` during the copy.
    #[serde(default = "zero")]
    pub number_of_replicas: u32,
    /// `index.refresh_interval` during the copy (`-1` disables refresh).
    #[serde(default = "no_refresh")]
    pub refresh_interval: String,
    /// After the final round: `original` puts back the source index's values, or `{ set: {...} }` applies the given settings.
    #[serde(default)]
    pub after: AfterCopyWire,
}

fn zero() -> u32 {
    0
}

fn no_refresh() -> String {
    "-1".into()
}

/// What the copy settings become after the final round.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "AfterCopy")]
pub enum AfterCopyWire {
    /// Put back the source index's `number_of_replicas` and `refresh_interval`.
    #[default]
    Original,
    /// Apply these index settings, e.g. `{ number_of_replicas: 1, refresh_interval: 1s }`.
    Set(BTreeMap<String, Value>),
}
