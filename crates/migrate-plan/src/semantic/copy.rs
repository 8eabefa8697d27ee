//! The client-side copy strategy: slices, batch bounds, the rate ceiling, the update-time field and
//! passes (shared with reindex), copy settings.

use super::passes::passes;
use super::reindex::copy_settings;
use super::{Cx, Path};
use crate::model::*;
use crate::wire::*;

/// Defaults when the plan leaves them out.
pub const DEFAULT_SLICES: u32 = 2;
pub const DEFAULT_BATCH: u32 = 1000;
pub const DEFAULT_BATCH_BYTES: u64 = 5 * 1024 * 1024;
pub const DEFAULT_CONCURRENCY: u32 = 4;

pub(super) fn copy(w: &CopyWire, p: &Path, cx: &mut Cx<'_>) -> Option<ClientCopyStrategy> {
    let (mut ok, passes_until) = passes(w.update_field.as_deref(), &w.incremental_passes, p, cx);
    for (key, value) in [
        ("documents_per_second", w.documents_per_second),
        ("bytes_per_second", w.bytes_per_second),
    ] {
        if let Some(v) = value
            && !(v > 0.0 && v.is_finite())
        {
            let span = cx.value(&p.k(key));
            cx.error(
                "plan::range",
                format!("`{key}` must be positive, found {v}"),
                span,
                "not a positive rate",
                format!("omit `{key}` for no ceiling (the rate still adapts to the destination)"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(ClientCopyStrategy {
        slices: w.slices.unwrap_or(DEFAULT_SLICES).max(1),
        batch_size: w.batch_size.unwrap_or(DEFAULT_BATCH).max(1),
        batch_bytes: w.batch_bytes.unwrap_or(DEFAULT_BATCH_BYTES).max(1024),
        documents_per_second: w.documents_per_second,
        bytes_per_second: w.bytes_per_second,
        concurrency: w.concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1),
        update_field: w.update_field.clone(),
        update_field_unit: w.update_field_unit,
        incremental_passes: w.incremental_passes.max(),
        passes_until,
        reconcile_deletes: w.reconcile_deletes.unwrap_or(true),
        copy_settings: copy_settings(w.copy_settings.as_ref()),
    })
}
