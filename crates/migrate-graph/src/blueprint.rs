//! The compiler's view of a plan: plain, owned, already-resolved data with secrets kept as references.
//!
//! `compile` turns a validated `migrate_plan::Plan` into a [`Blueprint`] first ([`Blueprint::from_plan`]), then
//! builds the DAG from the blueprint. Keeping this small layer between the plan file's types and the
//! step compiler means the compiler, the request builders and the renderers can be tested on
//! hand-made inputs, and a change in the plan file's spelling touches one adapter only.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use crate::metadata::{MetadataObject, MetadataSpec};
pub use migrate_core::store::{Setting, Store, StoreKind, canonical};
pub use migrate_core::{Flavor, InlineSecret, Release, SecretRef};
pub use migrate_plan::wire::UpdateFieldUnit;

pub use crate::name::Name;

/// Everything the compiler needs from a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blueprint {
    /// The plan's name; also the prefix of snapshot names.
    pub name: String,
    pub source: Cluster,
    pub destination: Cluster,
    /// Index entries in plan order (names or patterns).
    pub indexes: Vec<IndexSpec>,
    pub strategy: Strategy,
    pub cutover: Cutover,
    pub verify: Verify,
    /// Cluster metadata migrated before the indexes, in step order (empty: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<MetadataSpec>,
}

/// One cluster as the steps see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Base URL, without credentials.
    pub url: String,
    pub auth: Auth,
    /// Version the plan declares, if any (`"7.10.2"`); otherwise it is detected at run time.
    pub version: Option<Release>,
}

/// How a cluster authenticates; only references to secrets, never their values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    None,
    Basic {
        username: String,
        password: SecretRef,
    },
    ApiKey {
        key: SecretRef,
    },
    Bearer {
        token: SecretRef,
    },
    AwsSigv4 {
        region: String,
        service: String,
    },
}

/// One entry of the plan's `indexes`: a concrete name or a pattern expanded at run time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexSpec {
    /// Name (or pattern) on the source; shared text, so every step of the entry holds the same.
    pub source: Name,
    /// Name on the destination (equal to `source` unless the plan renames it).
    pub destination: Name,
    /// Names or patterns left out of a pattern's matches on the source (empty for none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl IndexSpec {
    /// An index copied under its own name.
    pub fn same(name: impl Into<Name>) -> Self {
        let name = name.into();
        IndexSpec {
            source: name.clone(),
            destination: name,
            exclude: Vec::new(),
        }
    }

    /// True when the entry is a pattern that only the source cluster can expand.
    pub fn is_pattern(&self) -> bool {
        self.source.contains(['*', '?'])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // one per plan; boxing would only complicate the blueprint
pub enum Strategy {
    Snapshot(SnapshotStrategy),
    Reindex(ReindexStrategy),
    Copy(CopyStrategy),
    SnapshotReindex(SnapshotReindexStrategy),
}

/// The create-index → client-side copy strategy (migrate reads the source and writes `_bulk`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyStrategy {
    /// Slices per index read in parallel.
    pub slices: u32,
    /// Documents per `_bulk` request and per source page.
    pub batch_size: u32,
    /// Largest `_bulk` body in bytes.
    pub batch_bytes: u64,
    /// The rate ceiling (none: no ceiling; the rate still adapts).
    pub documents_per_second: Option<f64>,
    pub bytes_per_second: Option<f64>,
    /// `_bulk` requests in flight at most.
    pub concurrency: u32,
    /// Update-time field for incremental passes; `None` means one full copy plus a full final pass.
    pub update_field: Option<String>,
    /// The unit of a numeric update field, when the plan declares it (else detected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_field_unit: Option<UpdateFieldUnit>,
    /// Incremental passes before the cutover (only with an `update_field`); the most that run.
    pub incremental_passes: u32,
    /// Once an incremental pass's delta is below every threshold, the remaining passes are skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes_until: Option<crate::Until>,
    /// Delete from each destination index what its source no longer has, after the final pass.
    pub reconcile_deletes: bool,
    /// Destination settings while data is copied, and what they become afterwards.
    #[serde(skip_serializing_if = "CopySettings::is_default")]
    pub copy_settings: CopySettings,
}

/// The snapshot-reindex strategy: shards read from the repository's store, bulk-loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotReindexStrategy {
    /// Repository name on the source.
    pub repository: String,
    /// The store holding the repository (the store registry's typed value, with credentials).
    pub store: Store,
    /// An existing snapshot to read; `None` takes one snapshot per round.
    pub snapshot: Option<String>,
    /// Incremental rounds after the first full round and before the cutover.
    pub incremental_rounds: u32,
    /// Shards loaded at once per index.
    pub shard_concurrency: u32,
    /// Delete from each destination index what its source no longer has, after the final round.
    pub reconcile_deletes: bool,
    /// Destination settings while data is copied, and what they become afterwards.
    #[serde(skip_serializing_if = "CopySettings::is_default")]
    pub copy_settings: CopySettings,
}

/// The snapshot → transfer → restore strategy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotStrategy {
    /// Repository name on the source (and, unless `destination_repository` says otherwise, the destination).
    pub repository: String,
    /// Repository name on the destination.
    pub destination_repository: String,
    /// The store the source cluster writes snapshots to (the store registry's typed value, with
    /// the credentials migrate's transfer uses).
    pub source_store: Store,
    /// The store the destination reads from; `None` when both clusters read the same store.
    pub destination_store: Option<Store>,
    /// Incremental rounds after the first full round and before the cutover (the most that run).
    pub incremental_rounds: u32,
    /// Once an incremental round's delta is below every threshold, the remaining rounds are skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds_until: Option<crate::Until>,
    /// Index settings applied on restore (on top of the copy settings).
    pub index_settings: BTreeMap<String, Value>,
    /// Destination settings while data is copied, and what they become afterwards.
    #[serde(skip_serializing_if = "CopySettings::is_default")]
    pub copy_settings: CopySettings,
}

/// The create-index → remote `_reindex` strategy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReindexStrategy {
    /// `scheme://host:port` of the source as the destination reaches it.
    pub remote_host: String,
    /// Credentials the destination sends to the source; `None` uses the source's own `auth`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_auth: Option<Auth>,
    /// Update-time field for incremental passes; `None` means one full copy plus a full final pass.
    pub update_field: Option<String>,
    /// The unit of a numeric update field, when the plan declares it (else detected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_field_unit: Option<UpdateFieldUnit>,
    /// Incremental passes before the cutover (only with an `update_field`); the most that run.
    pub incremental_passes: u32,
    /// Once an incremental pass's delta is below every threshold, the remaining passes are skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes_until: Option<crate::Until>,
    /// Delete from each destination index what its source no longer has, after the final pass.
    pub reconcile_deletes: bool,
    /// Disjoint queries run as separate reindex tasks (remote reindex cannot slice).
    pub partitions: Vec<Partition>,
    /// Documents per scroll batch (`source.size`).
    pub batch_size: Option<u32>,
    /// Throttle; `None` is unthrottled.
    pub requests_per_second: Option<f64>,
    /// Destination settings while data is copied, and what they become afterwards.
    #[serde(skip_serializing_if = "CopySettings::is_default")]
    pub copy_settings: CopySettings,
}

/// Destination index settings while data is copied, and what they become after the final round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopySettings {
    /// `index.number_of_replicas` during the copy.
    pub number_of_replicas: u32,
    /// `index.refresh_interval` during the copy (`-1` disables refresh).
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

impl CopySettings {
    /// True for replicas 0, refresh -1 and the original values afterwards.
    pub fn is_default(&self) -> bool {
        *self == CopySettings::default()
    }
}

/// What the copy settings become after the final round.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterCopy {
    /// The source index's `number_of_replicas` and `refresh_interval`.
    #[default]
    Original,
    /// These index settings (keys without the `index.` prefix, values canonical).
    Set(BTreeMap<String, Value>),
}

impl AfterCopy {
    pub fn is_original(&self) -> bool {
        matches!(self, AfterCopy::Original)
    }
}

/// One disjoint slice of an index for the initial copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partition {
    /// Short name used in step ids (`reindex/movies/part-recent`).
    pub name: String,
    /// The query selecting this partition's documents (keys sorted).
    pub query: Value,
}

/// The cutover: a gate that apply stops at until the plan is approved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cutover {
    pub approved: bool,
    pub block_source_writes: bool,
}

/// What the final verification checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verify {
    /// `proof` (every document both ways, metadata), `sampled` or `counts`.
    pub level: String,
    pub doc_count: bool,
    /// Required health colour (`green`, `yellow`), if checked.
    pub health: Option<String>,
    pub recovery: bool,
    /// Documents sampled and compared, 0 for none.
    pub sample: u32,
}

impl Verify {
    /// True when at least one check is enabled (always: the proof or the level chosen).
    pub fn any(&self) -> bool {
        true
    }

    /// Whether documents are proven (the default) rather than sampled or counted.
    pub fn proof(&self) -> bool {
        self.level == "proof"
    }

    /// Documents sampled: `sample`, 200 when the plan chose `sampled` without a size, 0 otherwise.
    pub fn sample_size(&self) -> u32 {
        match (self.level.as_str(), self.sample) {
            ("sampled", 0) => 200,
            ("sampled", n) => n,
            _ => 0,
        }
    }
}
