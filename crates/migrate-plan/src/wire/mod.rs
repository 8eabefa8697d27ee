//! The plan file as written: serde + schemars types, one per YAML mapping. The JSON schema in
//! `schemas/plan.schema.json` is generated from these types and their doc comments; the validated
//! domain types in [`crate::model`] are built from them by [`crate::semantic`].

mod cluster;
mod indexes;
mod live;
mod metadata;
mod passes;
mod snapshot_reindex;
mod strategy;
mod tail;

pub use cluster::{
    ApiKeyAuthWire, AuthWire, AwsServiceWire, BasicAuthWire, BearerAuthWire, ClusterWire, HttpWire,
    SigV4AuthWire, TlsWire,
};
pub use indexes::{IndexDetailWire, IndexEntryWire};
pub use live::{DriftWire, EstimateWire};
pub use metadata::{MetadataSelectionWire, MetadataWire};
/// The stores are the store registry's own types (`migrate_core::store`), one file per kind.
pub use migrate_core::store::{
    AzureStore, CosStore, FsStore, GcsStore, OssStore, S3Credentials, S3Store, Store,
};
pub use passes::{IncrementalPassesWire, PassesUntilWire, UntilWire};
pub use snapshot_reindex::SnapshotReindexWire;
pub use strategy::{
    AfterCopyWire, CopySettingsWire, CopyWire, PartitionByWire, PartitionWire, ReindexWire,
    SnapshotWire, StrategyWire, UpdateFieldUnit,
};
pub use tail::{
    CutoverWire, HealthWire, MultiTypeWire, RetryWire, SettingsWire, TranslateWire,
    VerifyLevelWire, VerifyWire,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A migration plan: which indexes move from which cluster to which, and by which strategy. `migrate validate` checks it, `migrate plan --dry-run` shows the steps it compiles to, `migrate apply` runs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Plan")]
pub struct PlanWire {
    /// Version of the plan format. This release reads version `1`.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Short name of the migration: lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters. It prefixes snapshot names and names the state file.
    #[schemars(length(min = 1, max = 64))]
    pub name: String,
    /// The cluster the indexes are copied from.
    pub source: ClusterWire,
    /// The cluster the indexes are copied to.
    pub destination: ClusterWire,
    /// The indexes to migrate: names, patterns (`logs-*`) and renames (`{ name: books, destination: books-v2 }`). Patterns are expanded on the source at run time; system indexes (names starting with `.`) are only included when named explicitly.
    #[schemars(length(min = 1))]
    pub indexes: Vec<IndexEntryWire>,
    /// How the data moves: `snapshot` (snapshot → object-store transfer → restore) `reindex` (remote `_reindex` pulled by the destination) or `copy` (read and written by migrate itself, any pair of versions).
    pub strategy: StrategyWire,
    /// The cutover: an approval gate that `apply` stops at, then the final round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutover: Option<CutoverWire>,
    /// What is checked on the destination after the final round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyWire>,
    /// Execution knobs: parallelism and retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsWire>,
    /// Declared throughput rates for the duration estimate of `migrate plan --refresh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateWire>,
    /// How far the live inputs of a saved plan may move before `migrate apply FILE` refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftWire>,
    /// Templates, ingest pipelines, stored scripts and lifecycle policies migrated before the indexes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataWire>,
}
