//! Steps of the snapshot strategy: snapshot → transfer → restore, incremental rounds, cutover, final round.
//!
//! Snapshots cover every plan index at once (`<plan>-round-<n>`): older clusters run one snapshot at a
//! time, and one snapshot per round keeps the repository small. Restores fan out per index.

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use serde_json::Value;

use super::{add_global, add_indexed, tail};
use crate::blueprint::{Blueprint, CopySettings, SnapshotStrategy};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::{Name, Round, Side, StepKind};
use crate::phase::Phase;

/// Handles of the plan-wide steps a round's per-index steps wait for.
struct RoundCtx {
    /// The round's snapshot is readable from the destination store.
    available: NodeIndex,
    /// The destination repository is registered.
    registered: NodeIndex,
    /// The round's snapshot name, shared by its restores.
    snapshot: Name,
}

pub(super) fn compile(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    s: &SnapshotStrategy,
) -> Result<(), CompileError> {
    let versions = super::add_versions(b, bp, "snapshot")?;
    let names = add_global(
        b,
        "preflight",
        "repository-name",
        StepKind::CheckRepositoryName {
            source: s.repository.clone(),
            destination: s.destination_repository.clone(),
        },
        Phase::Preflight,
        &[],
    )?;
    // Templates and pipelines are in place before the first restore (and so before any index).
    let mut first_round = vec![];
    if !bp.metadata.is_empty() {
        first_round = super::metadata::add(b, bp, versions)?;
    }
    let source_store = Arc::new(s.source_store.clone());
    let register_source = add_global(
        b,
        "register-repository",
        "source",
        StepKind::RegisterRepository {
            side: Side::Source,
            name: s.repository.clone(),
            store: Arc::clone(&source_store),
            readonly: false,
        },
        Phase::Setup,
        &[versions, names],
    )?;

    let indices = super::snapshot_targets(bp);
    let settings = Arc::new(restore_settings(&s.copy_settings, &s.index_settings));
    let mut rounds = Rounds {
        b,
        bp,
        s,
        indices,
        settings,
        source_store,
        destination_repository: Name::from(s.destination_repository.as_str()),
        prev_wait: register_source,
        prev_transfer: None,
        registered: None,
        until: s.rounds_until.map(Arc::new),
    };

    let mut last = Vec::with_capacity(bp.indexes.len());
    first_round.push(register_source);
    let ctx = rounds.plan_wide(Round::Number(1), Phase::Copy, &first_round)?;
    for spec in &bp.indexes {
        last.push(rounds.restore_index(spec, Round::Number(1), Phase::Copy, &ctx, None)?);
    }
    for n in 2..=s.incremental_rounds.saturating_add(1) {
        // Paced: round N+1's snapshot starts once every index of round N is restored (and so its
        // objects are transferred), so each round shrinks the next one and no snapshot rewrites
        // repository files a running transfer or restore still reads.
        let previous = last.clone();
        let ctx = rounds.plan_wide(Round::Number(n), Phase::Incremental, &previous)?;
        for (i, spec) in bp.indexes.iter().enumerate() {
            last[i] = rounds.restore_index(
                spec,
                Round::Number(n),
                Phase::Incremental,
                &ctx,
                Some(last[i]),
            )?;
        }
    }

    let (gate, ready) = tail::cutover(rounds.b, bp, &last)?;
    let mut final_deps = ready.clone();
    final_deps.push(gate);
    let ctx = rounds.plan_wide(Round::Final, Phase::Final, &final_deps)?;
    for (i, spec) in bp.indexes.iter().enumerate() {
        last[i] = rounds.restore_index(spec, Round::Final, Phase::Final, &ctx, Some(last[i]))?;
    }
    tail::finish(rounds.b, bp, &last)
}

/// The settings every restore applies: no replicas and no refresh while copying, then the plan's own.
fn restore_settings(
    copy: &CopySettings,
    extra: &BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let mut settings = BTreeMap::new();
    settings.insert(
        "index.number_of_replicas".to_owned(),
        Value::from(copy.number_of_replicas),
    );
    settings.insert(
        "index.refresh_interval".to_owned(),
        Value::from(copy.refresh_interval.as_str()),
    );
    for (k, v) in extra {
        let key = if k.starts_with("index.") {
            k.clone()
        } else {
            format!("index.{k}")
        };
        settings.insert(key, v.clone());
    }
    settings
}

struct Rounds<'a> {
    b: &'a mut GraphBuilder,
    bp: &'a Blueprint,
    s: &'a SnapshotStrategy,
    indices: Arc<Vec<String>>,
    settings: Arc<BTreeMap<String, Value>>,
    source_store: Arc<crate::blueprint::Store>,
    destination_repository: Name,
    /// The previous round's wait-snapshot (one snapshot at a time).
    prev_wait: NodeIndex,
    /// The previous round's transfer (transfers must not overlap: `index.latest` goes last).
    prev_transfer: Option<NodeIndex>,
    registered: Option<NodeIndex>,
    /// The `until` every incremental round carries (one shared threshold).
    until: Option<Arc<crate::Until>>,
}

impl Rounds<'_> {
    /// Snapshot, wait, transfer (unless the store is shared) and, in the first round, the destination
    /// repository registration.
    fn plan_wide(
        &mut self,
        round: Round,
        phase: Phase,
        extra_deps: &[NodeIndex],
    ) -> Result<RoundCtx, CompileError> {
        let r = round.to_string();
        let snapshot = self.b.snapshot_name(&self.bp.name, round);
        let mut deps = vec![self.prev_wait];
        deps.extend_from_slice(extra_deps);
        let create = add_global(
            self.b,
            "snapshot",
            &r,
            StepKind::CreateSnapshot {
                repository: self.s.repository.clone(),
                snapshot: snapshot.clone(),
                indices: Arc::clone(&self.indices),
                round,
                until: match round {
                    Round::Number(n) if n >= 2 => self.until.clone(),
                    _ => None,
                },
            },
            phase,
            &deps,
        )?;
        let wait = add_global(
            self.b,
            "wait-snapshot",
            &r,
            StepKind::WaitSnapshot {
                repository: self.s.repository.clone(),
                snapshot: snapshot.clone(),
                round,
            },
            phase,
            &[create],
        )?;
        self.prev_wait = wait;
        let available = match &self.s.destination_store {
            None => wait,
            Some(to) => {
                let mut deps = vec![wait];
                deps.extend(self.prev_transfer);
                let kind = StepKind::TransferObjects {
                    from: Arc::clone(&self.source_store),
                    to: Arc::new(to.clone()),
                    round,
                };
                let t = add_global(self.b, "transfer", &r, kind, phase, &deps)?;
                self.prev_transfer = Some(t);
                t
            }
        };
        let registered = match self.registered {
            Some(r) => r,
            None => {
                let store = self
                    .s
                    .destination_store
                    .as_ref()
                    .unwrap_or(&self.s.source_store);
                let kind = StepKind::RegisterRepository {
                    side: Side::Destination,
                    name: self.s.destination_repository.clone(),
                    store: Arc::new(store.clone()),
                    readonly: true,
                };
                let reg = add_global(
                    self.b,
                    "register-repository",
                    "destination",
                    kind,
                    Phase::Setup,
                    &[available],
                )?;
                self.registered = Some(reg);
                reg
            }
        };
        Ok(RoundCtx {
            available,
            registered,
            snapshot: Name::from(snapshot),
        })
    }

    /// One index's part of a round: restore and wait in round 1; close, restore, open, wait afterwards.
    fn restore_index(
        &mut self,
        spec: &crate::blueprint::IndexSpec,
        round: Round,
        phase: Phase,
        ctx: &RoundCtx,
        previous: Option<NodeIndex>,
    ) -> Result<NodeIndex, CompileError> {
        let r = round.to_string();
        let dest = &spec.destination;
        let mut deps = vec![ctx.available, ctx.registered];
        if let Some(prev) = previous {
            deps.push(prev);
            let close = StepKind::CloseIndex {
                index: dest.clone(),
                round,
            };
            deps = vec![add_indexed(
                self.b,
                "close",
                spec,
                Some(&r),
                close,
                phase,
                &deps,
            )?];
        }
        let restore = StepKind::Restore {
            repository: Name::clone(&self.destination_repository),
            snapshot: Name::clone(&ctx.snapshot),
            source_index: spec.source.clone(),
            destination_index: dest.clone(),
            index_settings: Arc::clone(&self.settings),
            round,
        };
        let mut at = add_indexed(self.b, "restore", spec, Some(&r), restore, phase, &deps)?;
        if previous.is_some() {
            let open = StepKind::OpenIndex {
                index: dest.clone(),
                round,
            };
            at = add_indexed(self.b, "open", spec, Some(&r), open, phase, &[at])?;
        }
        let wait = StepKind::WaitRecovery {
            index: dest.clone(),
            round,
        };
        add_indexed(self.b, "wait-recovery", spec, Some(&r), wait, phase, &[at])
    }
}
