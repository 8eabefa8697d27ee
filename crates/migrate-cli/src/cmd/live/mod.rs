//! What `plan --refresh`, saved plans, `approve` and `abort` share: clients that only read, the
//! live inventory, the preflight checks run against the clusters, the lint hook, the estimate and
//! the plan fingerprint approvals are bound to.

pub mod estimate;
pub mod inventory;
pub mod lint;
pub mod saved;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use async_trait_free::NoHandles;
use migrate_exec::{NoProgress, Outcome, Runner, StepCtx};
use migrate_graph::render::{LiveCheck, LiveCluster, LiveIndex, LiveReport};
use migrate_graph::{Phase, StepGraph};
use migrate_plan::{Plan, Strategy};
use migrate_steps::{Env, EnvOptions, PlanRunner};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use inventory::{Entry, Inventory};

/// The environment of `plan` with both clients read-only (`migrate_cluster::read_only`).
pub async fn read_only_env(path: &Path, plan: &Plan) -> Result<Env, String> {
    let mut options = EnvOptions {
        read_only: true,
        ..EnvOptions::default()
    };
    options.source_tls = super::apply::tls(&plan.source);
    options.destination_tls = super::apply::tls(&plan.destination);
    options.source_http = super::apply::http(&plan.source, &options.timeouts);
    options.destination_http = super::apply::http(&plan.destination, &options.timeouts);
    options.work_dir = Some(path.parent().unwrap_or(Path::new(".")).join(".migrate"));
    let bp = migrate_graph::blueprint::Blueprint::from(plan);
    Env::from_blueprint(&bp, &options)
        .await
        .map_err(|e| e.to_string())
}

/// The plan's entries as the inventory reads them.
fn entries(plan: &Plan) -> Vec<Entry<'_>> {
    plan.indexes
        .iter()
        .map(|i| Entry {
            source: &i.source,
            destination: i.rename.as_deref().unwrap_or(&i.source),
            exclude: &i.exclude,
        })
        .collect()
}

/// Reads the live inputs of `plan` through `runner`'s read-only clients.
pub async fn read_inventory(plan: &Plan, runner: &PlanRunner) -> Result<Inventory, String> {
    let env = runner.env();
    inventory::read(env.source(), env.destination(), &entries(plan))
        .await
        .map_err(|e| env.redact(&e.to_string()))
}

/// Runs every preflight step of the graph against the clusters (they only read); outputs go nowhere.
pub async fn preflight(runner: &PlanRunner) -> Vec<LiveCheck> {
    let graph = runner.graph();
    let mut out = Vec::new();
    let mut outputs = BTreeMap::new();
    for node in graph.topological_order() {
        let step = graph.step(node);
        if step.phase != Phase::Preflight {
            continue;
        }
        let id = step.id.as_str().to_owned();
        let mut ctx = StepCtx::new(
            id.clone(),
            1,
            None,
            Arc::new(outputs.clone()),
            Arc::new(NoHandles),
            Arc::new(NoProgress),
            CancellationToken::new(),
        );
        let (ok, message) = match runner.run(node.index(), &mut ctx).await {
            Ok(Outcome::Done { outputs: o }) => {
                outputs.insert(id.clone(), o);
                (true, "passed".to_owned())
            }
            Ok(Outcome::Blocked { message }) => (false, message),
            Err(e) => (false, e.message),
        };
        out.push(LiveCheck {
            step: id,
            ok,
            message,
        });
    }
    out
}

/// Assembles the live report of `plan` from its inventory, preflight checks and measured rates.
pub fn report(
    plan: &Plan,
    graph: &StepGraph,
    inv: &Inventory,
    preflight: Vec<LiveCheck>,
    measured: &BTreeMap<String, migrate_state::Measured>,
) -> LiveReport {
    let snapshot = matches!(plan.strategy, Strategy::Snapshot(_));
    let mut indexes = Vec::new();
    for i in &inv.indexes {
        let (destination_status, conflicts) = inv.conflicts(i, snapshot);
        indexes.push(LiveIndex {
            entry: i.entry.clone(),
            name: i.name.clone(),
            uuid: i.uuid.clone(),
            status: i.status.clone(),
            docs: i.docs,
            primary_bytes: i.primary_bytes,
            shards: i.shards,
            destination: i.destination.clone(),
            destination_status,
            conflicts,
        });
    }
    let conflicts = inv
        .missing
        .iter()
        .map(|m| format!("plan entry `{m}` matches no source index"))
        .collect();
    let version = |side: &str| {
        inv.clusters
            .iter()
            .find(|c| c.side == side)
            .and_then(|c| c.version.clone())
    };
    let (src, dst) = (version("source"), version("destination"));
    let linter = lint::TranslatorLint::new(src.as_deref(), dst.as_deref());
    let lint = lint::run(
        linter.as_ref().map(|l| l as &dyn lint::SourceLint),
        &inv.metadata,
    );
    let docs = inv.indexes.iter().filter_map(|i| i.docs).sum();
    let bytes = inv.indexes.iter().filter_map(|i| i.primary_bytes).sum();
    LiveReport {
        clusters: inv
            .clusters
            .iter()
            .map(|c| LiveCluster {
                side: c.side.clone(),
                name: c.name.clone(),
                uuid: c.uuid.clone(),
                version: c.version.clone(),
            })
            .collect(),
        indexes,
        conflicts,
        preflight,
        lint,
        estimate: estimate::estimate(plan, graph, measured, docs, bytes),
        fingerprint: None,
    }
}

/// The fingerprint approvals are bound to: SHA-256 over every step's id and fingerprint of the
/// plan compiled with the cutover not approved (so approving in the YAML does not change it, while
/// any change that changes a step does).
pub fn plan_fingerprint(plan: &Plan) -> Result<String, String> {
    let mut unapproved = plan.clone();
    unapproved.cutover.approved = false;
    let graph = migrate_graph::compile(&unapproved).map_err(|e| e.to_string())?;
    let mut h = Sha256::new();
    for node in graph.topological_order() {
        let s = graph.step(node);
        h.update(s.id.as_str().as_bytes());
        h.update(b"\0");
        h.update(s.fingerprint.to_hex().as_bytes());
        h.update(b"\n");
    }
    Ok(inventory::hex(&h.finalize()))
}

mod async_trait_free {
    //! A handle sink that refuses: preflight steps record no handle, and refresh writes nothing.

    use async_trait::async_trait;
    use migrate_exec::HandleSink;
    use serde_json::Value;

    pub struct NoHandles;

    #[async_trait]
    impl HandleSink for NoHandles {
        async fn record_handle(&self, step_id: &str, _: Value) -> Result<(), String> {
            Err(format!(
                "step `{step_id}` tried to record a handle during a read-only refresh"
            ))
        }
    }
}
