//! The two strategies, the object stores of the snapshot strategy, and copy-time index settings.

use std::collections::BTreeMap;

use serde_json::Value;

use migrate_core::SecretRef;

use super::cluster::Auth;

/// How data moves.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    Snapshot(SnapshotStrategy),
    Reindex(ReindexStrategy),
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
    /// Incremental rounds before the cutover.
    pub incremental_rounds: u32,
    /// Index settings applied on restore.
    pub index_settings: BTreeMap<String, Value>,
    /// Settings while copying and afterwards.
    pub copy_settings: CopySettings,
}

/// An object store and the repository settings that point a cluster at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    pub kind: StoreKind,
    /// Repository settings (sorted), secrets as references.
    pub settings: BTreeMap<String, Setting>,
    /// Credentials `migrate` itself uses for transfers (S3), never sent to a cluster.
    pub credentials: Option<StoreCredentials>,
}

impl Store {
    /// A plain string setting (`bucket`, `base_path`, `endpoint`, `region`, `location`).
    pub fn plain(&self, key: &str) -> Option<&str> {
        match self.settings.get(key) {
            Some(Setting::Plain(Value::String(s))) => Some(s),
            _ => None,
        }
    }
}

/// The store kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    S3,
    Oss,
    Cos,
    Fs,
}

impl StoreKind {
    /// The repository `type`.
    pub fn repository_type(self) -> &'static str {
        match self {
            StoreKind::S3 => "s3",
            StoreKind::Oss => "oss",
            StoreKind::Cos => "cos",
            StoreKind::Fs => "fs",
        }
    }
}

/// A repository setting: a plain value or a secret.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Plain(Value),
    Secret(SecretRef),
}

/// Static credentials for a store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreCredentials {
    pub access_key_id: SecretRef,
    pub secret_access_key: SecretRef,
    pub session_token: Option<SecretRef>,
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
    /// Incremental passes before the cutover.
    pub incremental_passes: u32,
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
