//! Steps of the reindex strategy: create the destination index, remote `_reindex` per partition,
//! incremental passes on the update-time field with a missing-field pass, cutover, final pass.

use std::collections::HashSet;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use serde_json::{Value, json};

use super::{add_global, add_indexed, tail};
use crate::blueprint::{Auth, Blueprint, IndexSpec, Partition, ReindexStrategy};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::{Name, Pass, Remote, RemoteAuth, StepKind};
use crate::phase::Phase;

pub(super) fn compile(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    r: &ReindexStrategy,
) -> Result<(), CompileError> {
    let partitions = partitions(r)?;
    let versions = super::add_versions(b, bp, "reindex")?;
    let allowlist = add_global(
        b,
        "preflight",
        "remote-allowlist",
        StepKind::CheckRemoteAllowlist {
            remote_host: r.remote_host.clone(),
        },
        Phase::Preflight,
        &[],
    )?;
    let mut before_create = super::metadata::add(b, bp, versions)?;
    before_create.push(allowlist);
    let remote = Arc::new(Remote {
        host: r.remote_host.clone(),
        auth: remote_auth(r.remote_auth.as_ref().unwrap_or(&bp.source.auth)),
    });
    // Shared by every step that sends them: the update field, the queries (null for the passes
    // that build theirs from the update field) and each partition's name and query.
    let update_field = r.update_field.as_deref().map(Name::from);
    // One threshold shared by every pass.
    let until = r.passes_until.map(Arc::new);
    let null = Arc::new(Value::Null);
    let partitions: Vec<(Name, Arc<Value>)> = partitions
        .into_iter()
        .map(|p| (Name::from(p.name), Arc::new(p.query)))
        .collect();
    let final_query = if r.update_field.is_some() {
        Arc::clone(&null)
    } else {
        Arc::new(json!({"match_all": {}}))
    };
    let reindex = |spec: &IndexSpec, pass: Pass, query: &Arc<Value>| StepKind::Reindex {
        source_index: spec.source.clone(),
        destination_index: spec.destination.clone(),
        remote: Arc::clone(&remote),
        pass,
        query: Arc::clone(query),
        update_field: update_field.clone(),
        update_field_unit: r.update_field.as_ref().and(r.update_field_unit),
        batch_size: r.batch_size,
        requests_per_second: r.requests_per_second,
    };

    let mut created = Vec::with_capacity(bp.indexes.len());
    for spec in &bp.indexes {
        created.push(super::create_index(
            b,
            spec,
            &r.copy_settings,
            &before_create,
        )?);
    }

    // Every index's last pre-cutover steps: the gate waits for all of them.
    let mut before_gate: Vec<NodeIndex> = Vec::with_capacity(bp.indexes.len());
    for (spec, &create) in bp.indexes.iter().zip(&created) {
        let mut parts = Vec::with_capacity(partitions.len());
        for (name, query) in &partitions {
            let pass = Pass::Initial {
                partition: Name::clone(name),
            };
            let q = pass.to_string();
            parts.push(add_indexed(
                b,
                "reindex",
                spec,
                Some(&q),
                reindex(spec, pass, query),
                Phase::Copy,
                &[create],
            )?);
        }
        let mut at = parts;
        if r.update_field.is_some() {
            for n in 1..=r.incremental_passes {
                let pass = Pass::Incremental {
                    n,
                    until: until.clone(),
                };
                let q = pass.to_string();
                let step = add_indexed(
                    b,
                    "reindex",
                    spec,
                    Some(&q),
                    reindex(spec, pass, &null),
                    Phase::Incremental,
                    &at,
                )?;
                at = vec![step];
            }
            let pass = Pass::MissingField;
            let q = pass.to_string();
            at = vec![add_indexed(
                b,
                "reindex",
                spec,
                Some(&q),
                reindex(spec, pass, &null),
                Phase::Incremental,
                &at,
            )?];
        }
        // `at` holds the last pass, or every partition of the initial copy when there are no passes.
        before_gate.extend(at);
    }

    let (_, ready) = tail::cutover(b, bp, &before_gate)?;
    let mut finals = Vec::with_capacity(bp.indexes.len());
    for (spec, &after) in bp.indexes.iter().zip(&ready) {
        let mut at = add_indexed(
            b,
            "reindex",
            spec,
            Some("final"),
            reindex(spec, Pass::Final, &final_query),
            Phase::Final,
            &[after],
        )?;
        if r.update_field.is_some() {
            let pass = Pass::FinalMissingField;
            let q = pass.to_string();
            at = add_indexed(
                b,
                "reindex",
                spec,
                Some(&q),
                reindex(spec, pass, &null),
                Phase::Final,
                &[at],
            )?;
        }
        finals.push(at);
    }
    let finals = tail::reconcile_deletes(b, bp, finals, r.reconcile_deletes)?;
    tail::finish(b, bp, &finals)
}

/// The plan's partitions, or one partition `all` matching every document.
fn partitions(r: &ReindexStrategy) -> Result<Vec<Partition>, CompileError> {
    if r.partitions.is_empty() {
        return Ok(vec![Partition {
            name: "all".into(),
            query: json!({"match_all": {}}),
        }]);
    }
    let mut seen = HashSet::new();
    for p in &r.partitions {
        if !seen.insert(p.name.as_str()) {
            return Err(CompileError::DuplicatePartition(p.name.clone()));
        }
    }
    Ok(r.partitions.clone())
}

/// How the destination authenticates to the source: the source's own credentials, as references.
fn remote_auth(auth: &Auth) -> RemoteAuth {
    match auth {
        Auth::None => RemoteAuth::None,
        Auth::Basic { username, password } => RemoteAuth::Basic { username: username.clone(), password: password.clone() },
        Auth::ApiKey { key } => RemoteAuth::Header { scheme: "ApiKey".into(), value: key.clone() },
        Auth::Bearer { token } => RemoteAuth::Header { scheme: "Bearer".into(), value: token.clone() },
        Auth::AwsSigv4 { .. } => RemoteAuth::Unsupported {
            reason: "remote reindex cannot sign requests with AWS SigV4; use the snapshot strategy or basic auth".into(),
        },
    }
}
