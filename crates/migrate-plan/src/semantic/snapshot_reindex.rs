//! The snapshot-reindex strategy: repository name, store, and an existing snapshot only for a
//! one-round copy.

use super::reindex::copy_settings;
use super::snapshot::{repository_name, store};
use super::{Cx, Path};
use crate::model::*;
use crate::wire::*;

/// Shards loaded at once per index when the plan does not say.
pub const DEFAULT_SHARD_CONCURRENCY: u32 = 2;

pub(super) fn snapshot_reindex(
    w: &SnapshotReindexWire,
    p: &Path,
    cx: &mut Cx<'_>,
) -> Option<SnapshotReindexStrategy> {
    repository_name(&w.repository, &p.k("repository"), cx);
    let store = store(&w.store, &p.k("store"), cx);
    if let Some(name) = &w.snapshot {
        if name.is_empty() {
            let span = cx.value(&p.k("snapshot"));
            cx.error(
                "plan::snapshot",
                "`snapshot` is empty".into(),
                span,
                "empty",
                "name an existing snapshot of the repository, or omit `snapshot` to take new ones"
                    .into(),
            );
        }
        if w.incremental_rounds > 0 {
            let span = cx.value(&p.k("incremental_rounds"));
            cx.error(
                "plan::incremental_rounds",
                "incremental rounds need new snapshots, but `snapshot` names an existing one"
                    .into(),
                span,
                "needs new snapshots",
                "remove `snapshot` so each round takes its own, or set `incremental_rounds: 0`"
                    .into(),
            );
        }
    }
    Some(SnapshotReindexStrategy {
        repository: w.repository.clone(),
        store: store?,
        snapshot: w.snapshot.clone(),
        incremental_rounds: w.incremental_rounds,
        shard_concurrency: w.shard_concurrency.unwrap_or(DEFAULT_SHARD_CONCURRENCY),
        reconcile_deletes: w.reconcile_deletes.unwrap_or(true),
        copy_settings: copy_settings(w.copy_settings.as_ref()),
    })
}
