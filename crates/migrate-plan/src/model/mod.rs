//! The validated plan: typed, defaults filled in, references checked. Built only by the loader
//! ([`crate::load_file`] and friends), so holding a [`Plan`] means the file passed every check.

mod cluster;
mod indexes;
mod live;
mod metadata;
mod snapshot_reindex;
mod strategy;
mod tail;
mod until;

pub use cluster::{Auth, AwsService, Cluster, Http, Tls};
pub use indexes::IndexSelector;
pub(crate) use indexes::is_pattern;
pub use live::{Drift, Estimate};
pub use metadata::{MetadataKind, MetadataSelection};
pub use migrate_core::store::{Setting, Store};
pub use migrate_core::{Flavor, InlineSecret, Release, SecretRef};
pub use snapshot_reindex::SnapshotReindexStrategy;
pub use strategy::{
    AfterCopy, ClientCopyStrategy, CopySettings, Partition, ReindexStrategy, SnapshotStrategy,
    Strategy,
};
pub use tail::{Cutover, Health, MultiType, Retry, Settings, Translate, Verify, VerifyLevel};
pub use until::Until;

/// A validated migration plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The plan's name (prefix of snapshot names, name of the state file).
    pub name: String,
    /// The cluster copied from.
    pub source: Cluster,
    /// The cluster copied to.
    pub destination: Cluster,
    /// Index names and patterns, in plan order.
    pub indexes: Vec<IndexSelector>,
    /// How data moves.
    pub strategy: Strategy,
    /// The cutover gate.
    pub cutover: Cutover,
    /// Checks after the final round.
    pub verify: Verify,
    /// Execution knobs.
    pub settings: Settings,
    /// Declared rates for `plan --refresh`'s estimate.
    pub estimate: Estimate,
    /// The document-count tolerance of saved plans.
    pub drift: Drift,
    /// Cluster metadata migrated before the indexes, in the order the steps run.
    pub metadata: Vec<MetadataSelection>,
}
