//! The adapter from the plan file's validated types to the compiler's [`Blueprint`], and
//! [`compile`], the entry point from a [`Plan`] to its [`StepGraph`].
//!
//! Not carried over (they are no step's input): TLS options and the execution `settings`; the
//! CLI reads those from the [`Plan`] directly.

use migrate_plan as plan;
use migrate_plan::Plan;

use crate::blueprint::{
    AfterCopy, Auth, Blueprint, Cluster, CopySettings, Cutover, IndexSpec, Partition,
    ReindexStrategy, SecretRef, Setting, SnapshotStrategy, Store, StoreKind, Strategy, Verify,
    canonical,
};
use crate::compile::compile_blueprint;
use crate::error::CompileError;
use crate::graph::StepGraph;

/// Compiles a validated plan into its step graph (through its [`Blueprint`]).
pub fn compile(plan: &Plan) -> Result<StepGraph, CompileError> {
    compile_blueprint(&Blueprint::from_plan(plan))
}

impl Blueprint {
    /// The compiler's view of a validated plan.
    pub fn from_plan(p: &Plan) -> Blueprint {
        Blueprint {
            name: p.name.clone(),
            source: cluster(&p.source),
            destination: cluster(&p.destination),
            indexes: p
                .indexes
                .iter()
                .map(|i| IndexSpec {
                    source: i.source.clone(),
                    destination: i.destination().to_owned(),
                    exclude: i.exclude.clone(),
                })
                .collect(),
            strategy: match &p.strategy {
                plan::Strategy::Snapshot(s) => Strategy::Snapshot(SnapshotStrategy {
                    repository: s.repository.clone(),
                    destination_repository: s.destination_repository.clone(),
                    source_store: store(&s.source_store),
                    destination_store: s.destination_store.as_ref().map(store),
                    incremental_rounds: s.incremental_rounds,
                    index_settings: s
                        .index_settings
                        .iter()
                        .map(|(k, v)| (k.clone(), canonical(v)))
                        .collect(),
                    copy_settings: copy_settings(&s.copy_settings),
                }),
                plan::Strategy::Reindex(r) => Strategy::Reindex(ReindexStrategy {
                    remote_host: r.remote_host.clone(),
                    remote_auth: r.remote_auth.as_ref().map(auth),
                    update_field: r.update_field.clone(),
                    incremental_passes: r.incremental_passes,
                    partitions: r
                        .partitions
                        .iter()
                        .map(|x| Partition {
                            name: x.name.clone(),
                            query: canonical(&x.query),
                        })
                        .collect(),
                    batch_size: r.batch_size,
                    requests_per_second: r.requests_per_second,
                    copy_settings: copy_settings(&r.copy_settings),
                }),
            },
            cutover: Cutover {
                approved: p.cutover.approved,
                block_source_writes: p.cutover.block_source_writes,
            },
            verify: Verify {
                doc_count: p.verify.doc_count,
                health: p.verify.health.map(|h| h.as_str().to_owned()),
                recovery: p.verify.recovery,
                sample: p.verify.sample,
            },
        }
    }
}

impl From<&Plan> for Blueprint {
    fn from(p: &Plan) -> Self {
        Blueprint::from_plan(p)
    }
}

fn cluster(c: &plan::Cluster) -> Cluster {
    Cluster {
        url: c.base_url(),
        auth: auth(&c.auth),
        version: c.version,
    }
}

fn auth(a: &plan::Auth) -> Auth {
    match a {
        plan::Auth::None => Auth::None,
        plan::Auth::Basic { username, password } => Auth::Basic {
            username: username.clone(),
            password: secret(password),
        },
        plan::Auth::ApiKey { key } => Auth::ApiKey { key: secret(key) },
        plan::Auth::Bearer { token } => Auth::Bearer {
            token: secret(token),
        },
        plan::Auth::AwsSigV4 { region, service } => Auth::AwsSigv4 {
            region: region.clone(),
            service: service.as_str().to_owned(),
        },
    }
}

fn copy_settings(c: &plan::CopySettings) -> CopySettings {
    CopySettings {
        number_of_replicas: c.number_of_replicas,
        refresh_interval: c.refresh_interval.clone(),
        after: match &c.after {
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

fn secret(s: &SecretRef) -> SecretRef {
    s.clone()
}

fn store(s: &plan::Store) -> Store {
    Store {
        kind: match s.kind {
            plan::StoreKind::S3 => StoreKind::S3,
            plan::StoreKind::Oss => StoreKind::Oss,
            plan::StoreKind::Cos => StoreKind::Cos,
            plan::StoreKind::Fs => StoreKind::Fs,
        },
        settings: s
            .settings
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    plan::Setting::Plain(v) => Setting::Plain(canonical(v)),
                    plan::Setting::Secret(x) => Setting::Secret(secret(x)),
                };
                (k.clone(), v)
            })
            .collect(),
    }
}
