//! The HTTP requests each step kind sends, constructed in exactly one place: one module per kind
//! (or group of kinds) builds a struct naming its requests; the step implementation sends those
//! (slots filled), and [`requests`] lists them, in order, for the dry run. Secrets are written by
//! a [`Secrets`]: previews use [`Redacted`] (`<redacted: env NAME>`), the executor the real values.
//!
//! Each step first checks whether its effect already exists (`Role::Check`), acts only if not
//! (`Role::Act`), then waits (`Role::Wait`); `Role::Read` fetches data the act needs. Requests that
//! are sent once per concrete index are previewed with the plan's entry (a name or a pattern).

pub mod cleanup;
pub mod copy;
pub mod create_index;
pub mod cutover;
pub mod data_streams;
mod describe;
pub mod endpoint;
pub mod expand;
pub mod finalize;
pub mod metadata;
pub mod preflight;
pub mod reconcile;
pub mod reindex;
pub mod repository;
pub mod restore;
pub mod scan;
pub mod slots;
pub mod snapshot;
pub mod snapshot_reindex;
pub mod verify;

pub use describe::describe;
pub use migrate_core::request::{Body, Method, Request, Role};

use crate::blueprint::SecretRef;
use crate::kind::StepKind;

/// Supplies the text that goes where a secret belongs in a request.
pub trait Secrets {
    fn text(&self, secret: &SecretRef) -> String;
}

/// Writes redacted placeholders instead of secrets: what every preview uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Redacted;

impl Secrets for Redacted {
    fn text(&self, secret: &SecretRef) -> String {
        secret.to_string()
    }
}

/// The requests `kind` sends, in order, with secrets written by `secrets`.
pub fn requests(kind: &StepKind, secrets: &dyn Secrets) -> Vec<Request> {
    match kind {
        StepKind::CheckVersions { strategy, .. } => preflight::versions(strategy).list(),
        StepKind::CheckRemoteAllowlist { .. } => preflight::allowlist().list(),
        StepKind::CheckRepositoryName { .. }
        | StepKind::Gate { .. }
        | StepKind::TransferObjects { .. } => Vec::new(),
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => repository::register(*side, name, store, *readonly, secrets).list(),
        StepKind::CreateSnapshot {
            repository,
            snapshot,
            indices,
            round,
            ..
        } => snapshot::create(repository, snapshot, indices, *round).list(),
        StepKind::WaitSnapshot {
            repository,
            snapshot,
            ..
        } => snapshot::wait(repository, snapshot).list(),
        StepKind::CloseIndex { index, .. } => restore::close(index).list(),
        StepKind::Restore {
            repository,
            snapshot,
            source_index,
            destination_index,
            index_settings,
            round,
        } => restore::restore(
            repository,
            snapshot,
            source_index,
            destination_index,
            index_settings,
            *round,
        )
        .list(),
        StepKind::OpenIndex { index, .. } => restore::open(index).list(),
        StepKind::WaitRecovery { index, .. } => restore::wait_recovery(index).list(),
        StepKind::CreateIndex {
            source_index,
            destination_index,
            exclude,
            number_of_replicas,
            refresh_interval,
        } => create_index::preview(
            source_index,
            destination_index,
            exclude,
            *number_of_replicas,
            refresh_interval,
        ),
        StepKind::Reindex {
            source_index,
            destination_index,
            remote,
            pass,
            query,
            update_field,
            batch_size,
            requests_per_second,
            ..
        } => reindex::reindex(
            &reindex::PassInputs {
                source_index,
                destination_index,
                remote,
                pass,
                query,
                update_field: update_field.as_deref(),
                batch_size: *batch_size,
                requests_per_second: *requests_per_second,
            },
            secrets,
        )
        .list(),
        StepKind::Copy {
            source_index,
            destination_index,
            pass,
            update_field,
            budget,
            ..
        } => copy::copy(
            source_index,
            destination_index,
            pass,
            update_field.as_deref(),
            budget.batch_size,
        )
        .list(),
        StepKind::SnapshotReindex {
            destination_index, ..
        } => vec![snapshot_reindex::bulk(destination_index)],
        StepKind::BlockWrites { index } => cutover::preview(index),
        StepKind::RestoreSettings {
            source_index,
            destination_index,
            after,
        } => finalize::preview(source_index, destination_index, after),
        StepKind::Verify {
            source_index,
            destination_index,
            checks,
        } => verify::preview(source_index, destination_index, checks),
        StepKind::MigrateMetadata { object, .. } => metadata::preview(*object),
        StepKind::CopyDataStreams { .. } => data_streams::preview_copy(),
        StepKind::VerifyDataStreams { .. } => data_streams::preview_verify(),
        StepKind::ReconcileDeletes {
            source_index,
            destination_index,
        } => reconcile::preview(source_index, destination_index),
    }
}
