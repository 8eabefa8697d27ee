//! The update-time field and incremental passes, shared by the strategies that copy documents
//! (reindex, copy): passes need a field, and the field cannot be empty.

use super::{Cx, Path};

/// Checks `update_field` / `incremental_passes` under `p`; false when a check failed.
pub(super) fn passes(
    update_field: Option<&str>,
    incremental_passes: u32,
    p: &Path,
    cx: &mut Cx<'_>,
) -> bool {
    let mut ok = true;
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
    ok
}
