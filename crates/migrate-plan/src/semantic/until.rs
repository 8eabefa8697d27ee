//! The `until` of `incremental_passes` / `incremental_rounds`: at least one measure, only measures
//! the strategy takes (passes do not measure bytes), and a `max` that leaves `until` something to
//! decide (the first incremental pass or round always runs).

use super::{Cx, Path};
use crate::model::Until;
use crate::wire::IncrementalPassesWire;

/// What the strategy's passes or rounds measure.
#[derive(Clone, Copy)]
pub(super) enum Measures {
    /// Reindex and copy passes: documents and seconds.
    Passes,
    /// Snapshot rounds: documents, bytes and seconds.
    Rounds,
}

/// The checked threshold under `p.key` (`Ok(None)` for a count), `Err(())` after an error.
pub(super) fn until(
    w: &IncrementalPassesWire,
    p: &Path,
    key: &'static str,
    measures: Measures,
    cx: &mut Cx<'_>,
) -> Result<Option<Until>, ()> {
    let Some(u) = w.until() else {
        return Ok(None);
    };
    let what = match measures {
        Measures::Passes => "pass",
        Measures::Rounds => "round",
    };
    let at = p.k(key);
    let mut ok = true;
    if u.documents.is_none() && u.bytes.is_none() && u.seconds.is_none() {
        let span = cx.value(&at.k("until"));
        cx.error(
            "plan::until",
            format!("`{key}.until` gives no threshold"),
            span,
            "no measure",
            format!(
                "give at least one of `documents`, {}`seconds`, e.g. `until: {{ documents: 1000 }}`, or write `{key}: {}` for a fixed count",
                if matches!(measures, Measures::Rounds) { "`bytes`, " } else { "" },
                w.max()
            ),
        );
        ok = false;
    }
    if matches!(measures, Measures::Passes) && u.bytes.is_some() {
        let span = cx.key(&at.k("until").k("bytes"));
        cx.error(
            "plan::until",
            format!("`{key}.until.bytes`: incremental passes do not measure bytes"),
            span,
            "not measured by passes",
            "a pass counts the documents it copies and the seconds it takes: use `documents` or `seconds` (bytes are a snapshot round's measure)".into(),
        );
        ok = false;
    }
    if w.max() < 2 {
        let span = cx.value(&at.k("max"));
        cx.error(
            "plan::until",
            format!(
                "`{key}.max` is {}, so `until` never skips a {what}",
                w.max()
            ),
            span,
            "nothing for `until` to decide",
            format!(
                "the first incremental {what} always runs and `until` decides the later ones: set `max` to 2 or more, or write `{key}: {}` without `until`",
                w.max()
            ),
        );
        ok = false;
    }
    if !ok {
        return Err(());
    }
    Ok(Some(Until {
        documents: u.documents,
        bytes: u.bytes,
        seconds: u.seconds,
    }))
}
