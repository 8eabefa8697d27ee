//! The adapter from the plan file's validated types to the compiler's [`Blueprint`], and
//! [`compile`], the entry point from a [`Plan`] to its [`StepGraph`].
//!
//! Every plan type is destructured field by field, so a field added to the plan that is not
//! carried here fails to compile. Not carried, on purpose (no step's input): TLS options (the
//! clients' transport) and the execution `settings` (parallelism, retries, the state location);
//! the CLI reads those from the [`Plan`] directly.

use migrate_plan as plan;
use migrate_plan::Plan;

use crate::blueprint::{
    AfterCopy, Auth, Blueprint, Cluster, CopySettings, CopyStrategy, Cutover, IndexSpec,
    MetadataObject, MetadataSpec, Partition, ReindexStrategy, SnapshotReindexStrategy,
    SnapshotStrategy, Strategy, Verify, canonical,
};
use crate::compile::{compile_blueprint, compile_blueprint_in};
use crate::error::CompileError;
use crate::graph::StepGraph;

/// Compiles a validated plan into its step graph (through its [`Blueprint`]).
pub fn compile(plan: &Plan) -> Result<StepGraph, CompileError> {
    compile_blueprint(&Blueprint::from_plan(plan))
}

/// [`compile`], with the server-side names carrying `lineage` (see
/// [`crate::compile_blueprint_in`]): what `apply` runs and the dry run shows.
pub fn compile_in(plan: &Plan, lineage: Option<&str>) -> Result<StepGraph, CompileError> {
    compile_blueprint_in(&Blueprint::from_plan(plan), lineage)
}

impl Blueprint {
    /// The compiler's view of a validated plan.
    pub fn from_plan(p: &Plan) -> Blueprint {
        let Plan {
            name,
            source,
            destination,
            indexes,
            strategy,
            cutover,
            verify,
            settings: _, // execution knobs: the CLI's
            estimate: _, // `plan --refresh`'s estimate: the CLI's
            drift: _,    // saved plans' tolerance: the CLI's
            metadata,
        } = p;
        let plan::Cutover {
            approved,
            block_source_writes,
        } = *cutover;
        let plan::Verify {
            level,
            doc_count,
            health,
            recovery,
            sample,
        } = *verify;
        Blueprint {
            name: name.clone(),
            source: cluster(source),
            destination: cluster(destination),
            indexes: indexes.iter().map(index).collect(),
            strategy: match strategy {
                plan::Strategy::Snapshot(s) => Strategy::Snapshot(snapshot(s)),
                plan::Strategy::Reindex(r) => Strategy::Reindex(reindex(r)),
                plan::Strategy::Copy(c) => Strategy::Copy(copy(c)),
                plan::Strategy::SnapshotReindex(s) => {
                    Strategy::SnapshotReindex(snapshot_reindex(s))
                }
            },
            cutover: Cutover {
                approved,
                block_source_writes,
            },
            verify: Verify {
                level: level.as_str().to_owned(),
                doc_count,
                health: health.map(|h| h.as_str().to_owned()),
                recovery,
                sample,
            },
            metadata: metadata.iter().map(metadata_spec).collect(),
        }
    }
}

fn metadata_spec(m: &plan::MetadataSelection) -> MetadataSpec {
    let plan::MetadataSelection {
        kind,
        include,
        exclude,
        replace,
    } = m;
    MetadataSpec {
        object: match kind {
            plan::MetadataKind::LifecyclePolicies => MetadataObject::LifecyclePolicies,
            plan::MetadataKind::ComponentTemplates => MetadataObject::ComponentTemplates,
            plan::MetadataKind::IndexTemplates => MetadataObject::IndexTemplates,
            plan::MetadataKind::LegacyTemplates => MetadataObject::LegacyTemplates,
            plan::MetadataKind::Pipelines => MetadataObject::Pipelines,
            plan::MetadataKind::StoredScripts => MetadataObject::StoredScripts,
            plan::MetadataKind::DataStreams => MetadataObject::DataStreams,
        },
        include: include.clone(),
        exclude: exclude.clone(),
        replace: *replace,
    }
}

impl From<&Plan> for Blueprint {
    fn from(p: &Plan) -> Self {
        Blueprint::from_plan(p)
    }
}

fn index(i: &plan::IndexSelector) -> IndexSpec {
    let plan::IndexSelector {
        source,
        rename,
        exclude,
    } = i;
    IndexSpec {
        source: source.as_str().into(),
        destination: rename.as_deref().unwrap_or(source).into(),
        exclude: exclude.clone(),
    }
}

fn snapshot(s: &plan::SnapshotStrategy) -> SnapshotStrategy {
    let plan::SnapshotStrategy {
        repository,
        destination_repository,
        source_store,
        destination_store,
        incremental_rounds,
        rounds_until,
        index_settings,
        copy_settings: copy,
    } = s;
    SnapshotStrategy {
        repository: repository.clone(),
        destination_repository: destination_repository.clone(),
        // The store registry's typed value, credentials included.
        source_store: source_store.clone(),
        destination_store: destination_store.clone(),
        incremental_rounds: *incremental_rounds,
        rounds_until: rounds_until.as_ref().and_then(crate::Until::from_plan),
        index_settings: index_settings
            .iter()
            .map(|(k, v)| (k.clone(), canonical(v)))
            .collect(),
        copy_settings: copy_settings(copy),
    }
}

fn snapshot_reindex(s: &plan::SnapshotReindexStrategy) -> SnapshotReindexStrategy {
    let plan::SnapshotReindexStrategy {
        repository,
        store,
        snapshot,
        incremental_rounds,
        shard_concurrency,
        reconcile_deletes,
        copy_settings: copy,
    } = s;
    SnapshotReindexStrategy {
        repository: repository.clone(),
        store: store.clone(),
        snapshot: snapshot.clone(),
        incremental_rounds: *incremental_rounds,
        shard_concurrency: *shard_concurrency,
        reconcile_deletes: *reconcile_deletes,
        copy_settings: copy_settings(copy),
    }
}

fn reindex(r: &plan::ReindexStrategy) -> ReindexStrategy {
    let plan::ReindexStrategy {
        remote_host,
        remote_auth,
        batch_size,
        requests_per_second,
        partitions,
        update_field,
        update_field_unit,
        incremental_passes,
        passes_until,
        reconcile_deletes,
        copy_settings: copy,
    } = r;
    ReindexStrategy {
        remote_host: remote_host.clone(),
        remote_auth: remote_auth.as_ref().map(auth),
        update_field: update_field.clone(),
        update_field_unit: *update_field_unit,
        incremental_passes: *incremental_passes,
        passes_until: passes_until.as_ref().and_then(crate::Until::from_plan),
        reconcile_deletes: *reconcile_deletes,
        partitions: partitions
            .iter()
            .map(|plan::Partition { name, query }| Partition {
                name: name.clone(),
                query: canonical(query),
            })
            .collect(),
        batch_size: *batch_size,
        requests_per_second: *requests_per_second,
        copy_settings: copy_settings(copy),
    }
}

fn copy(c: &plan::ClientCopyStrategy) -> CopyStrategy {
    let plan::ClientCopyStrategy {
        slices,
        batch_size,
        batch_bytes,
        documents_per_second,
        bytes_per_second,
        concurrency,
        update_field,
        update_field_unit,
        incremental_passes,
        passes_until,
        reconcile_deletes,
        copy_settings: copy,
    } = c;
    CopyStrategy {
        slices: *slices,
        batch_size: *batch_size,
        batch_bytes: *batch_bytes,
        documents_per_second: *documents_per_second,
        bytes_per_second: *bytes_per_second,
        concurrency: *concurrency,
        update_field: update_field.clone(),
        update_field_unit: *update_field_unit,
        incremental_passes: *incremental_passes,
        passes_until: passes_until.as_ref().and_then(crate::Until::from_plan),
        reconcile_deletes: *reconcile_deletes,
        copy_settings: copy_settings(copy),
    }
}

fn cluster(c: &plan::Cluster) -> Cluster {
    let plan::Cluster {
        url: _, // read through `base_url`, without the trailing `/`
        auth: a,
        version,
        tls: _,  // the client's transport, not a step input
        http: _, // the client's bounds, not a step input
    } = c;
    Cluster {
        url: c.base_url(),
        auth: auth(a),
        version: *version,
    }
}

fn auth(a: &plan::Auth) -> Auth {
    match a {
        plan::Auth::None => Auth::None,
        plan::Auth::Basic { username, password } => Auth::Basic {
            username: username.clone(),
            password: password.clone(),
        },
        plan::Auth::ApiKey { key } => Auth::ApiKey { key: key.clone() },
        plan::Auth::Bearer { token } => Auth::Bearer {
            token: token.clone(),
        },
        plan::Auth::AwsSigV4 { region, service } => Auth::AwsSigv4 {
            region: region.clone(),
            service: service.as_str().to_owned(),
        },
    }
}

fn copy_settings(c: &plan::CopySettings) -> CopySettings {
    let plan::CopySettings {
        number_of_replicas,
        refresh_interval,
        after,
    } = c;
    CopySettings {
        number_of_replicas: *number_of_replicas,
        refresh_interval: refresh_interval.clone(),
        after: match after {
            plan::AfterCopy::Original => AfterCopy::Original,
            plan::AfterCopy::Set(m) => AfterCopy::Set(
                m.iter()
                    .map(|(k, v)| {
                        let k = k.strip_prefix("index.").unwrap_or(k).to_owned();
                        (k, canonical(v))
                    })
                    .collect(),
            ),
        },
    }
}
