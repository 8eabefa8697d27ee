//! Steps of the snapshot-reindex strategy: create each destination index, then per round a snapshot
//! of every plan index (or the plan's existing snapshot, once) and per index a `snapshot-reindex`
//! step loading its shards' documents; incremental rounds read only new segments; after the cutover
//! a final round; then the shared settings/verify tail.

use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::{add_global, add_indexed, tail};
use crate::blueprint::{Blueprint, IndexSpec, SnapshotReindexStrategy, Store};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::{Name, Round, Side, StepKind};
use crate::phase::Phase;

pub(super) fn compile(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    s: &SnapshotReindexStrategy,
) -> Result<(), CompileError> {
    let versions = super::add_versions(b, bp, "snapshot_reindex")?;
    let names = add_global(
        b,
        "preflight",
        "repository-name",
        StepKind::CheckRepositoryName {
            source: s.repository.clone(),
            destination: s.repository.clone(),
        },
        Phase::Preflight,
        &[],
    )?;
    let mut before_create = super::metadata::add(b, bp, versions)?;
    before_create.push(names);
    let store = Arc::new(s.store.clone());
    let mut created = Vec::with_capacity(bp.indexes.len());
    for spec in &bp.indexes {
        created.push(super::create_index(
            b,
            spec,
            &s.copy_settings,
            &before_create,
        )?);
    }
    let load = Load {
        s,
        store: &store,
        repository: Name::from(s.repository.as_str()),
    };

    if let Some(existing) = &s.snapshot {
        let existing = Name::from(existing.as_str());
        let mut last = Vec::with_capacity(bp.indexes.len());
        for (spec, &create) in bp.indexes.iter().zip(&created) {
            let kind = load.kind(spec, &existing, None, Round::Number(1));
            last.push(load.add(b, spec, kind, Phase::Copy, &[create])?);
        }
        let (_, ready) = tail::cutover(b, bp, &last)?;
        let ready = tail::reconcile_deletes(b, bp, ready, s.reconcile_deletes)?;
        return tail::finish(b, bp, &ready);
    }

    let register = add_global(
        b,
        "register-repository",
        "source",
        StepKind::RegisterRepository {
            side: Side::Source,
            name: s.repository.clone(),
            store: Arc::clone(&store),
            readonly: false,
        },
        Phase::Setup,
        &[versions, names],
    )?;
    let indices = super::snapshot_targets(bp);
    let mut snapshots = Snapshots {
        repository: &s.repository,
        plan: &bp.name,
        indices,
        prev_wait: register,
        previous: None,
    };
    let mut last = created;
    for n in 1..=s.incremental_rounds.saturating_add(1) {
        let round = Round::Number(n);
        let phase = if n == 1 {
            Phase::Copy
        } else {
            Phase::Incremental
        };
        let (wait, previous) = snapshots.take(b, round, phase, &[])?;
        let name = Name::from(b.snapshot_name(&bp.name, round));
        for (i, spec) in bp.indexes.iter().enumerate() {
            let kind = load.kind(spec, &name, previous.clone(), round);
            last[i] = load.add(b, spec, kind, phase, &[wait, last[i]])?;
        }
    }
    let (gate, ready) = tail::cutover(b, bp, &last)?;
    let mut deps = ready.clone();
    deps.push(gate);
    let (wait, previous) = snapshots.take(b, Round::Final, Phase::Final, &deps)?;
    let name = Name::from(b.snapshot_name(&bp.name, Round::Final));
    let mut finals = Vec::with_capacity(bp.indexes.len());
    for (spec, &after) in bp.indexes.iter().zip(&ready) {
        let kind = load.kind(spec, &name, previous.clone(), Round::Final);
        finals.push(load.add(b, spec, kind, Phase::Final, &[wait, after])?);
    }
    let finals = tail::reconcile_deletes(b, bp, finals, s.reconcile_deletes)?;
    tail::finish(b, bp, &finals)
}

/// The per-index load steps.
struct Load<'a> {
    s: &'a SnapshotReindexStrategy,
    store: &'a Arc<Store>,
    repository: Name,
}

impl Load<'_> {
    fn kind(
        &self,
        spec: &IndexSpec,
        snapshot: &Name,
        previous: Option<Name>,
        round: Round,
    ) -> StepKind {
        StepKind::SnapshotReindex {
            store: Arc::clone(self.store),
            repository: Name::clone(&self.repository),
            snapshot: Name::clone(snapshot),
            previous,
            source_index: spec.source.clone(),
            destination_index: spec.destination.clone(),
            shard_concurrency: self.s.shard_concurrency,
            round,
        }
    }

    fn add(
        &self,
        b: &mut GraphBuilder,
        spec: &IndexSpec,
        kind: StepKind,
        phase: Phase,
        deps: &[NodeIndex],
    ) -> Result<NodeIndex, CompileError> {
        let round = match &kind {
            StepKind::SnapshotReindex { round, .. } => round.to_string(),
            _ => String::new(),
        };
        add_indexed(b, "snapshot-reindex", spec, Some(&round), kind, phase, deps)
    }
}

/// The plan's own snapshots, one at a time.
struct Snapshots<'a> {
    repository: &'a str,
    plan: &'a str,
    indices: Arc<Vec<String>>,
    prev_wait: NodeIndex,
    previous: Option<Name>,
}

impl Snapshots<'_> {
    /// Takes the round's snapshot; returns its wait step and the previous round's snapshot name.
    fn take(
        &mut self,
        b: &mut GraphBuilder,
        round: Round,
        phase: Phase,
        extra: &[NodeIndex],
    ) -> Result<(NodeIndex, Option<Name>), CompileError> {
        let r = round.to_string();
        let snapshot = b.snapshot_name(self.plan, round);
        let mut deps = vec![self.prev_wait];
        deps.extend_from_slice(extra);
        let create = add_global(
            b,
            "snapshot",
            &r,
            StepKind::CreateSnapshot {
                repository: self.repository.to_owned(),
                snapshot: snapshot.clone(),
                indices: Arc::clone(&self.indices),
                round,
                until: None,
            },
            phase,
            &deps,
        )?;
        let wait = add_global(
            b,
            "wait-snapshot",
            &r,
            StepKind::WaitSnapshot {
                repository: self.repository.to_owned(),
                snapshot: snapshot.clone(),
                round,
            },
            phase,
            &[create],
        )?;
        self.prev_wait = wait;
        Ok((wait, self.previous.replace(Name::from(snapshot))))
    }
}
