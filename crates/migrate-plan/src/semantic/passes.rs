//! The update-time field and incremental passes, shared by the strategies that copy documents
//! (reindex, copy): passes need a field, the field cannot be empty, and `until` is checked.

use super::until::{Measures, until};
use super::{Cx, Path};
use crate::model::Until;
use crate::wire::IncrementalPassesWire;

/// Checks `update_field` / `incremental_passes` (with its `until`) under `p`; false when a check
/// failed, and the threshold.
pub(super) fn passes(
    update_field: Option<&str>,
    incremental: &IncrementalPassesWire,
    p: &Path,
    cx: &mut Cx<'_>,
) -> (bool, Option<Until>) {
    let incremental_passes = incremental.max();
    let threshold = until(incremental, p, "incremental_passes", Measures::Passes, cx);
    let mut ok = threshold.is_ok();
    if incremental_passes > 0 && update_field.is_none() {
        let span = cx.value(&p.k("incremental_passes"));
        cx.error(
            "plan::incremental-field",
            "incremental passes need an update-time field".into(),
            span,
            "no `update_field` to select changed documents",
            "add `update_field: update_time` (the field holding each document's last update time), or remove `incremental_passes`".into(),
        );
        ok = false;
    }
    if let Some(f) = update_field
        && f.is_empty()
    {
        let span = cx.value(&p.k("update_field"));
        cx.error(
            "plan::incremental-field",
            "`update_field` is empty".into(),
            span,
            "empty field name",
            "write the update-time field, e.g. `update_time`".into(),
        );
        ok = false;
    }
    (ok, threshold.ok().flatten())
}
