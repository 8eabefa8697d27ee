//! The compiler: a [`Blueprint`] becomes a [`StepGraph`].
//!
//! Each strategy lays out its own copy steps (`snapshot`, `reindex`, `copy`, `snapshot_reindex`); the cutover, finalize and verify
//! tail is shared (`tail`). Steps are added phase by phase, plan-wide steps before per-index ones and
//! indexes in plan order, so the graph's insertion order is both topological and easy to read. Edges
//! are real dependencies only: one index's steps never wait for another index's, except where a
//! plan-wide step (a snapshot of every index, the cutover gate) joins them.

mod copy;
mod metadata;
mod reindex;
mod snapshot;
mod snapshot_reindex;
mod tail;

use std::collections::HashSet;

use petgraph::graph::NodeIndex;

use crate::blueprint::{Blueprint, IndexSpec, Strategy};
use crate::error::CompileError;
use crate::graph::{GraphBuilder, StepGraph};
use crate::id::StepId;
use crate::kind::{Name, StepKind};
use crate::phase::Phase;

/// Compiles a blueprint into its step graph, with server-side names that carry no lineage (graphs
/// made by hand in tests; `apply` compiles with [`compile_blueprint_in`]).
pub fn compile_blueprint(bp: &Blueprint) -> Result<StepGraph, CompileError> {
    compile_blueprint_in(bp, None)
}

/// Compiles a blueprint into its step graph; the names of the server-side objects the steps create
/// (snapshots) carry `lineage`, the state's short lineage
/// ([`crate::preflight::SHORT_LINEAGE_LEN`] characters) or the dry run's
/// [`crate::preflight::LINEAGE_PLACEHOLDER`].
pub fn compile_blueprint_in(
    bp: &Blueprint,
    lineage: Option<&str>,
) -> Result<StepGraph, CompileError> {
    check_indexes(&bp.indexes)?;
    let per_index = match &bp.strategy {
        Strategy::Snapshot(s) => 6 + 4 * s.incremental_rounds as usize + 6,
        Strategy::Reindex(r) => 2 + r.partitions.len().max(1) + r.incremental_passes as usize + 6,
        Strategy::Copy(c) => 2 + c.incremental_passes as usize + 8,
        Strategy::SnapshotReindex(s) => 4 + s.incremental_rounds as usize + 6,
    };
    let mut b = GraphBuilder::new(
        &bp.source.url,
        &bp.destination.url,
        16 + bp.indexes.len() * per_index,
    )
    .with_lineage(lineage);
    let strategy = match &bp.strategy {
        Strategy::Snapshot(s) => {
            snapshot::compile(&mut b, bp, s)?;
            "snapshot"
        }
        Strategy::Reindex(r) => {
            reindex::compile(&mut b, bp, r)?;
            "reindex"
        }
        Strategy::Copy(c) => {
            copy::compile(&mut b, bp, c)?;
            "copy"
        }
        Strategy::SnapshotReindex(s) => {
            snapshot_reindex::compile(&mut b, bp, s)?;
            "snapshot_reindex"
        }
    };
    let indexes = bp.indexes.iter().map(|i| Name::clone(&i.source)).collect();
    Ok(b.finish(&bp.name, strategy, indexes))
}

fn check_indexes(indexes: &[IndexSpec]) -> Result<(), CompileError> {
    if indexes.is_empty() {
        return Err(CompileError::NoIndexes);
    }
    let mut sources = HashSet::with_capacity(indexes.len());
    let mut destinations = std::collections::HashMap::with_capacity(indexes.len());
    for spec in indexes {
        if !sources.insert(&*spec.source) {
            return Err(CompileError::DuplicateIndex(spec.source.to_string()));
        }
        if let Some(first) = destinations.insert(&*spec.destination, &*spec.source) {
            return Err(CompileError::DuplicateDestination {
                first: first.to_owned(),
                second: spec.source.to_string(),
                destination: spec.destination.to_string(),
            });
        }
    }
    Ok(())
}

/// What a snapshot of every plan index names: each entry's source name or pattern, then its
/// excludes as `-name` targets (multi-target syntax).
pub(super) fn snapshot_targets(bp: &Blueprint) -> std::sync::Arc<Vec<String>> {
    let targets = bp.indexes.iter().flat_map(|i| {
        std::iter::once(i.source.to_string()).chain(i.exclude.iter().map(|x| format!("-{x}")))
    });
    std::sync::Arc::new(targets.collect())
}

/// The `create-index/<index>` step of one plan index, for the strategies that create their
/// destination indexes before copying into them (reindex, copy, snapshot_reindex).
pub(super) fn create_index(
    b: &mut GraphBuilder,
    spec: &IndexSpec,
    copy_settings: &crate::blueprint::CopySettings,
    deps: &[NodeIndex],
) -> Result<NodeIndex, CompileError> {
    let kind = StepKind::CreateIndex {
        source_index: spec.source.clone(),
        destination_index: spec.destination.clone(),
        exclude: spec.exclude.clone(),
        number_of_replicas: copy_settings.number_of_replicas,
        refresh_interval: Name::from(copy_settings.refresh_interval.as_str()),
    };
    add_indexed(b, "create-index", spec, None, kind, Phase::Setup, deps)
}

/// Adds a per-index step `verb/index[/qualifier]`.
pub(super) fn add_indexed(
    b: &mut GraphBuilder,
    verb: &str,
    spec: &IndexSpec,
    qualifier: Option<&str>,
    kind: StepKind,
    phase: Phase,
    deps: &[NodeIndex],
) -> Result<NodeIndex, CompileError> {
    let id = match qualifier {
        Some(q) => StepId::new(&[verb, &spec.source, q]),
        None => StepId::new(&[verb, &spec.source]),
    };
    b.add(id, kind, Some(&spec.source), phase, deps)
}

/// Adds a plan-wide step `verb/qualifier`.
/// Every strategy's first step: `preflight/versions`, checking both clusters against the plan's
/// declared versions and what `strategy` supports.
pub(super) fn add_versions(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    strategy: &str,
) -> Result<NodeIndex, CompileError> {
    add_global(
        b,
        "preflight",
        "versions",
        StepKind::CheckVersions {
            strategy: strategy.into(),
            declared_source: bp.source.version,
            declared_destination: bp.destination.version,
        },
        Phase::Preflight,
        &[],
    )
}

pub(super) fn add_global(
    b: &mut GraphBuilder,
    verb: &str,
    qualifier: &str,
    kind: StepKind,
    phase: Phase,
    deps: &[NodeIndex],
) -> Result<NodeIndex, CompileError> {
    b.add(StepId::new(&[verb, qualifier]), kind, None, phase, deps)
}
