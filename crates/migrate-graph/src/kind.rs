//! Every kind of step both runbooks need, each carrying its own inputs.
//!
//! A step kind's fields are the step's inputs: the executor matches on them to act, the request
//! builders in `requests` turn them into the exact HTTP requests, and the fingerprint hashes them.
//!
//! # How a variant stores its inputs (memory: a 50,000-index plan has about 650,000 steps)
//!
//! A step holds no text or JSON of its own that other steps repeat; requests are never stored, the
//! builders in `requests` make them when a step is rendered or run. When adding a variant:
//! - index names (`source_index`, `destination_index`, `index`) are [`Name`]s cloned from the
//!   [`IndexSpec`](crate::blueprint::IndexSpec) (`spec.source.clone()` copies a pointer, not text);
//! - other per-round or plan-wide text repeated across steps (repository, snapshot, field names)
//!   is a [`Name`] made once and cloned into each step;
//! - JSON values, settings maps, stores and checks are `Arc`s made once per plan (or per
//!   partition) and cloned into each step;
//! - a variant no larger than the others (96 bytes: the test at the end of this file fails past
//!   that), boxing its rare parts otherwise: every step is as large as the largest variant.
//!
//! `Name` and `Arc<T>` serialise exactly as `String` and `T`, so fingerprints do not change.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::blueprint::{AfterCopy, Release, SecretRef, Store, UpdateFieldUnit, Verify};
use crate::metadata::MetadataObject;

pub use crate::blueprint::Name;
pub use migrate_core::Side;

/// A snapshot round: `round-1` is the full copy, later numbers are incremental, `final` follows the cutover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    Number(u32),
    Final,
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Round::Number(n) => write!(f, "round-{n}"),
            Round::Final => f.write_str("final"),
        }
    }
}

/// Which reindex pass a reindex step is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// The first full copy of one partition.
    Initial { partition: Name },
    /// Incremental pass `n`: documents whose update-time field is in `[high-water mark, pass start)`.
    /// With `until`, the pass is skipped when the pass before it copied fewer documents (or was
    /// skipped itself).
    Incremental {
        n: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        until: Option<Arc<crate::Until>>,
    },
    /// Documents that lack the update-time field (incremental passes cannot see them).
    MissingField,
    /// The last incremental pass after source writes stopped (a full pass without an update field).
    Final,
    /// The missing-field pass after source writes stopped.
    FinalMissingField,
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pass::Initial { partition } => write!(f, "part-{partition}"),
            Pass::Incremental { n, .. } => write!(f, "pass-{n}"),
            Pass::MissingField => f.write_str("missing-field"),
            Pass::Final => f.write_str("final"),
            Pass::FinalMissingField => f.write_str("final-missing-field"),
        }
    }
}

/// How the destination authenticates to the source in a remote reindex (`source.remote`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteAuth {
    None,
    Basic {
        username: String,
        password: SecretRef,
    },
    /// An `Authorization` header: `scheme` is `ApiKey` or `Bearer`.
    Header {
        scheme: String,
        value: SecretRef,
    },
    /// Remote reindex cannot sign requests (AWS SigV4); preflight reports this.
    Unsupported {
        reason: String,
    },
}

/// The source as the destination's remote reindex reaches it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remote {
    /// `scheme://host:port`.
    pub host: String,
    pub auth: RemoteAuth,
}

/// How a copy step reads and writes: slices, batch bounds and the rate ceiling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyBudget {
    pub slices: u32,
    pub batch_size: u32,
    pub batch_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents_per_second: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<f64>,
    pub concurrency: u32,
}

/// A store as fingerprints hash it (`migrate_core::store::Store::fingerprint`).
fn store_fingerprint<S: serde::Serializer>(store: &Arc<Store>, s: S) -> Result<S::Ok, S::Error> {
    store.fingerprint().serialize(s)
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_no_refresh(s: &Name) -> bool {
    &**s == "-1"
}

fn is_original(after: &Arc<AfterCopy>) -> bool {
    after.is_original()
}

/// One step's kind and inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StepKind {
    /// Detect both versions and check that the strategy can move data between them (for snapshots:
    /// the restore-compatibility table in `compat`; for reindex: mapping-type handling).
    CheckVersions {
        strategy: String,
        declared_source: Option<Release>,
        declared_destination: Option<Release>,
    },
    /// Check repository names (no `cs-` prefix on Amazon OpenSearch Service, valid characters).
    CheckRepositoryName { source: String, destination: String },
    /// Check that the destination allows `remote_host` in `reindex.remote.whitelist`/`allowlist`.
    CheckRemoteAllowlist { remote_host: String },
    /// Register a snapshot repository (destination side read-only).
    RegisterRepository {
        side: Side,
        name: String,
        #[serde(serialize_with = "store_fingerprint")]
        store: Arc<Store>,
        readonly: bool,
    },
    /// Start a snapshot of every plan index on the source; records the snapshot name before waiting.
    /// With `until` (incremental rounds after the first), the round is skipped, with every later
    /// step of it, when the round before it had a delta below the threshold (or was skipped).
    CreateSnapshot {
        repository: String,
        snapshot: String,
        indices: Arc<Vec<String>>,
        round: Round,
        #[serde(skip_serializing_if = "Option::is_none")]
        until: Option<Arc<crate::Until>>,
    },
    /// Wait until the snapshot is `SUCCESS` (fail on `PARTIAL`/`FAILED`).
    WaitSnapshot {
        repository: String,
        snapshot: String,
        round: Round,
    },
    /// Copy the repository's new objects from the source store to the destination store, in restorable order.
    TransferObjects {
        #[serde(serialize_with = "store_fingerprint")]
        from: Arc<Store>,
        #[serde(serialize_with = "store_fingerprint")]
        to: Arc<Store>,
        round: Round,
    },
    /// Close a destination index so an incremental restore can replace it.
    CloseIndex { index: Name, round: Round },
    /// Restore one index from a round's snapshot, with the copy-time settings override.
    Restore {
        repository: Name,
        snapshot: Name,
        source_index: Name,
        destination_index: Name,
        index_settings: Arc<BTreeMap<String, Value>>,
        round: Round,
    },
    /// Open a destination index after an incremental restore.
    OpenIndex { index: Name, round: Round },
    /// Wait until the index's shards have recovered (health at least yellow, recovery done).
    WaitRecovery { index: Name, round: Round },
    /// Create the destination index from the source's settings (stripped) and mappings, with the
    /// copy-time `number_of_replicas` and `refresh_interval` (by default 0 and `-1`).
    CreateIndex {
        source_index: Name,
        destination_index: Name,
        /// Source names or patterns left out of a pattern entry's matches.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        exclude: Vec<String>,
        #[serde(skip_serializing_if = "is_zero")]
        number_of_replicas: u32,
        #[serde(skip_serializing_if = "is_no_refresh")]
        refresh_interval: Name,
    },
    /// One remote `_reindex` task (records the task id before waiting on it).
    Reindex {
        source_index: Name,
        destination_index: Name,
        remote: Arc<Remote>,
        pass: Pass,
        /// The partition query (initial passes) or the update-time field (other passes).
        query: Arc<Value>,
        update_field: Option<Name>,
        /// The plan's unit for a numeric update field (`None`: detected at preflight).
        #[serde(skip_serializing_if = "Option::is_none")]
        update_field_unit: Option<UpdateFieldUnit>,
        batch_size: Option<u32>,
        requests_per_second: Option<f64>,
    },
    /// One pass of the client-side copy of one index: the source read in slices (point in time +
    /// `search_after`, or sliced scroll), written to the destination with `_bulk` by id; each
    /// slice's cursor and last acknowledged batch checkpointed in the step state.
    Copy {
        source_index: Name,
        destination_index: Name,
        pass: Pass,
        update_field: Option<Name>,
        /// The plan's unit for a numeric update field (`None`: detected at preflight).
        #[serde(skip_serializing_if = "Option::is_none")]
        update_field_unit: Option<UpdateFieldUnit>,
        #[serde(flatten)]
        budget: Arc<CopyBudget>,
        /// The dead-letter file, relative to the state directory (`dead-letters/<plan>/…`).
        dead_letters: String,
    },
    /// Read one index's shards of a snapshot from the repository's store and bulk-load their live
    /// documents into the destination index; per-shard checkpoints (segment, document) in the
    /// step's handle. With `previous`, only the segments new since that snapshot are read.
    SnapshotReindex {
        #[serde(serialize_with = "store_fingerprint")]
        store: Arc<Store>,
        repository: Name,
        snapshot: Name,
        #[serde(skip_serializing_if = "Option::is_none")]
        previous: Option<Name>,
        source_index: Name,
        destination_index: Name,
        shard_concurrency: u32,
        round: Round,
    },
    /// After the final pass, while source writes are blocked: delete from the destination index
    /// every document whose `_id` the source index no longer has (the id sets of both sides
    /// compared in bounded memory), by id with its routing. Idempotent: a re-run computes the
    /// difference again and deletes what is left.
    ReconcileDeletes {
        source_index: Name,
        destination_index: Name,
    },
    /// The cutover gate: apply stops here until the plan says `cutover.approved: true`.
    Gate { approved: bool },
    /// Block writes on a source index before the final round.
    BlockWrites { index: Name },
    /// Put back the replica count and refresh interval the source index had (`after: original`),
    /// or apply the plan's explicit settings.
    RestoreSettings {
        source_index: Name,
        destination_index: Name,
        #[serde(skip_serializing_if = "is_original")]
        after: Arc<AfterCopy>,
    },
    /// Compare the destination index with the source.
    Verify {
        source_index: Name,
        destination_index: Name,
        checks: Arc<Verify>,
    },
    /// Migrate one kind of cluster metadata: every selected source object translated for the
    /// destination, written when absent, left alone when equal, and a failure naming the
    /// differences when different (unless `replace`).
    MigrateMetadata {
        object: MetadataObject,
        include: Arc<[String]>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        exclude: Arc<[String]>,
        replace: bool,
    },
    /// After the cutover gate: each selected source data stream's composable template and
    /// component templates migrated (as `migrate-metadata` does), the stream created on the
    /// destination when absent, and its documents written to it with `_bulk` `create` actions by
    /// id (a 409 conflict is a document an earlier run wrote: counted as present).
    CopyDataStreams {
        include: Arc<[String]>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        exclude: Arc<[String]>,
        replace: bool,
    },
    /// The proof of each selected data stream: the destination's stream read whole and compared
    /// with the source's, document by document (a missing, extra or different document fails it).
    VerifyDataStreams {
        include: Arc<[String]>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        exclude: Arc<[String]>,
    },
}

impl StepKind {
    /// The kind's name as shown in every output (`create-snapshot`).
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::CheckVersions { .. } => "check-versions",
            StepKind::CheckRepositoryName { .. } => "check-repository-name",
            StepKind::CheckRemoteAllowlist { .. } => "check-remote-allowlist",
            StepKind::RegisterRepository { .. } => "register-repository",
            StepKind::CreateSnapshot { .. } => "create-snapshot",
            StepKind::WaitSnapshot { .. } => "wait-snapshot",
            StepKind::TransferObjects { .. } => "transfer-objects",
            StepKind::CloseIndex { .. } => "close-index",
            StepKind::Restore { .. } => "restore",
            StepKind::OpenIndex { .. } => "open-index",
            StepKind::WaitRecovery { .. } => "wait-recovery",
            StepKind::CreateIndex { .. } => "create-index",
            StepKind::Reindex { .. } => "reindex",
            StepKind::Copy { .. } => "copy",
            StepKind::SnapshotReindex { .. } => "snapshot-reindex",
            StepKind::ReconcileDeletes { .. } => "reconcile-deletes",
            StepKind::Gate { .. } => "gate",
            StepKind::BlockWrites { .. } => "block-writes",
            StepKind::RestoreSettings { .. } => "restore-settings",
            StepKind::Verify { .. } => "verify",
            StepKind::MigrateMetadata { .. } => "migrate-metadata",
            StepKind::CopyDataStreams { .. } => "copy-data-streams",
            StepKind::VerifyDataStreams { .. } => "verify-data-streams",
        }
    }

    /// The kind as its step runs it for one concrete index of its entry: the kinds that work per
    /// concrete index (create-index, reindex, block-writes, restore-settings, verify) get the
    /// concrete names; the others are returned as they are (they send the entry itself).
    pub fn for_index(&self, source: &str, destination: &str) -> StepKind {
        let mut k = self.clone();
        match &mut k {
            StepKind::CreateIndex {
                source_index,
                destination_index,
                ..
            }
            | StepKind::Reindex {
                source_index,
                destination_index,
                ..
            }
            | StepKind::Copy {
                source_index,
                destination_index,
                ..
            }
            | StepKind::SnapshotReindex {
                source_index,
                destination_index,
                ..
            }
            | StepKind::RestoreSettings {
                source_index,
                destination_index,
                ..
            }
            | StepKind::Verify {
                source_index,
                destination_index,
                ..
            }
            | StepKind::ReconcileDeletes {
                source_index,
                destination_index,
            } => {
                *source_index = Name::from(source);
                *destination_index = Name::from(destination);
            }
            StepKind::BlockWrites { index } => *index = Name::from(source),
            _ => {}
        }
        k
    }

    /// True for the cutover gate.
    pub fn is_gate(&self) -> bool {
        matches!(self, StepKind::Gate { .. })
    }

    /// Which clusters the step talks to: (source, destination).
    pub fn touches(&self) -> (bool, bool) {
        match self {
            StepKind::CheckVersions { .. }
            | StepKind::MigrateMetadata { .. }
            | StepKind::CopyDataStreams { .. }
            | StepKind::VerifyDataStreams { .. }
            | StepKind::Verify { .. }
            | StepKind::ReconcileDeletes { .. }
            | StepKind::CreateIndex { .. }
            | StepKind::Copy { .. } => (true, true),
            StepKind::RestoreSettings { .. } => (true, true),
            StepKind::CheckRepositoryName { .. }
            | StepKind::Gate { .. }
            | StepKind::TransferObjects { .. } => (false, false),
            StepKind::RegisterRepository { side, .. } => {
                (*side == Side::Source, *side == Side::Destination)
            }
            StepKind::CreateSnapshot { .. }
            | StepKind::WaitSnapshot { .. }
            | StepKind::BlockWrites { .. } => (true, false),
            StepKind::CheckRemoteAllowlist { .. }
            | StepKind::CloseIndex { .. }
            | StepKind::Restore { .. }
            | StepKind::OpenIndex { .. }
            | StepKind::WaitRecovery { .. }
            | StepKind::Reindex { .. }
            | StepKind::SnapshotReindex { .. } => (false, true),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_step_kind_variant_grows_every_step() {
        // Every step is as large as the largest variant (today's largest: reindex, whose pass,
        // query, update field and rate take 96 bytes with one-pointer names). A 50,000-index
        // snapshot plan has 650,014 steps: every 8 bytes here are 5 MB of its peak memory.
        let (kind, step) = (
            std::mem::size_of::<super::StepKind>(),
            std::mem::size_of::<crate::step::Step>(),
        );
        assert!(kind <= 96, "StepKind is {kind} bytes");
        assert!(step <= 152, "Step is {step} bytes");
    }
}
