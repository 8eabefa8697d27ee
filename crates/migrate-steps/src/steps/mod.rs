//! One module per group of step kinds; [`run`] dispatches a step to its implementation. Each
//! module sends the requests `migrate_graph::requests` plans for its kind, and nothing else.

mod copy;
mod create_index;
mod cutover;
mod data_streams;
mod finalize;
mod finished_orphan;
mod metadata;
mod preflight;
mod reconcile;
mod reindex;
mod repository;
mod restore;
mod snapshot;
mod snapshot_delta;
mod snapshot_reindex;
mod transfer;
mod verify;

use migrate_exec::{Outcome, Recheck, StepCtx, StepError};
use migrate_graph::{Round, StepKind};
use serde_json::Value;

use crate::cx::Cx;

/// The postcondition of a done step of this kind (see `migrate_exec::Postconditions`); kinds
/// without one hold.
pub(crate) async fn recheck(cx: &Cx<'_>, outputs: &Value) -> Result<Recheck, StepError> {
    match &cx.step.kind {
        StepKind::CheckVersions { .. } => preflight::recheck_identity(cx, outputs).await,
        StepKind::CreateIndex { .. } => create_index::recheck(cx, outputs).await,
        StepKind::Restore { .. } => restore::recheck(cx, outputs).await,
        StepKind::CreateSnapshot {
            repository,
            snapshot,
            ..
        }
        | StepKind::WaitSnapshot {
            repository,
            snapshot,
            ..
        } => snapshot::recheck(cx, repository, snapshot, outputs).await,
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => repository::recheck(cx, *side, name, store, *readonly).await,
        _ => Ok(Recheck::Holds),
    }
}

pub(crate) async fn run(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    if let Some(round) = restore_round(&cx.step.kind)
        && let Some(skipped) = crate::until::round_skipped(cx, ctx, round)
    {
        return Ok(skipped);
    }
    match &cx.step.kind {
        StepKind::CheckVersions {
            strategy,
            declared_source,
            declared_destination,
        } => preflight::versions(cx, strategy, *declared_source, *declared_destination).await,
        StepKind::CheckRepositoryName {
            source,
            destination,
        } => preflight::repository_names(cx, source, destination),
        StepKind::CheckRemoteAllowlist { remote_host } => {
            preflight::remote_allowlist(cx, remote_host).await
        }
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => repository::register(cx, *side, name, store, *readonly).await,
        StepKind::CreateSnapshot {
            repository,
            snapshot,
            indices,
            round,
            until,
        } => {
            let until = until.as_deref();
            snapshot::create(cx, ctx, repository, snapshot, indices, *round, until).await
        }
        StepKind::WaitSnapshot {
            repository,
            snapshot,
            round,
        } => snapshot::wait(cx, ctx, repository, snapshot, *round).await,
        StepKind::TransferObjects { from, to, .. } => transfer::run(cx, ctx, from, to).await,
        StepKind::CloseIndex { index, round } => restore::close(cx, ctx, index, *round).await,
        StepKind::Restore { .. } => restore::restore(cx, ctx).await,
        StepKind::OpenIndex { index, .. } => restore::open(cx, index).await,
        StepKind::WaitRecovery { index, .. } => restore::wait_recovery(cx, ctx, index).await,
        StepKind::CreateIndex {
            source_index,
            destination_index,
            number_of_replicas,
            refresh_interval,
            ..
        } => {
            let copy = create_index::Copy {
                number_of_replicas: *number_of_replicas,
                refresh_interval,
            };
            create_index::run(cx, source_index, destination_index, copy).await
        }
        StepKind::Reindex { .. } => reindex::run(cx, ctx).await,
        StepKind::Copy { .. } => copy::run(cx, ctx).await,
        StepKind::SnapshotReindex { .. } => snapshot_reindex::run(cx, ctx).await,
        StepKind::ReconcileDeletes { .. } => reconcile::run(cx, ctx).await,
        StepKind::Gate { approved } => Ok(cutover::gate(*approved)),
        StepKind::BlockWrites { index } => cutover::block_writes(cx, ctx, index).await,
        StepKind::RestoreSettings {
            source_index,
            destination_index,
            after,
        } => finalize::restore_settings(cx, ctx, source_index, destination_index, after).await,
        StepKind::Verify {
            source_index,
            destination_index,
            checks,
        } => verify::run(cx, ctx, source_index, destination_index, checks).await,
        StepKind::MigrateMetadata {
            object,
            include,
            exclude,
            replace,
        } => {
            let spec = migrate_graph::metadata::MetadataSpec {
                object: *object,
                include: include.to_vec(),
                exclude: exclude.to_vec(),
                replace: *replace,
            };
            metadata::run(cx, ctx, &spec).await
        }
        StepKind::CopyDataStreams {
            include,
            exclude,
            replace,
        } => data_streams::run(cx, ctx, include, exclude, *replace).await,
        StepKind::VerifyDataStreams { include, exclude } => {
            data_streams::verify::run(cx, ctx, include, exclude).await
        }
    }
}

/// The round of a snapshot-strategy step after its `create-snapshot` (skipped with it by `until`).
fn restore_round(kind: &StepKind) -> Option<Round> {
    match kind {
        StepKind::WaitSnapshot { round, .. }
        | StepKind::TransferObjects { round, .. }
        | StepKind::CloseIndex { round, .. }
        | StepKind::Restore { round, .. }
        | StepKind::OpenIndex { round, .. }
        | StepKind::WaitRecovery { round, .. } => Some(*round),
        _ => None,
    }
}
