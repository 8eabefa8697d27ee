//! Finding a reindex task an interrupted attempt started that has already finished: its result is a
//! document in the destination's `.tasks` index (ES 5.0+ and OpenSearch store the result of every
//! `wait_for_completion=false` task there, id `<node>:<n>`, source `{"completed", "task": {...,
//! "headers": {"X-Opaque-Id"}}, "response" | "error"}`).
//!
//! `task.headers` is mapped `enabled: false` (kept in `_source`, not searchable), so the search
//! filters on the indexed `completed` and `task.action`, newest `task.start_time_in_millis` first,
//! and the opaque id is matched here, over at most [`PAGES`] pages of [`PAGE`]. `.tasks` is
//! refreshed first: results are written just before the task leaves the running list, and a search
//! only sees refreshed documents.
//!
//! Never fatal: a missing `.tasks` (404), a refusal (401/403: ES 8 without
//! `allow_restricted_indices`, an OpenSearch security plugin guarding system indexes), an answer of
//! another shape or ES 5.x documents without headers all mean "not found", and the pass starts
//! again. Only an overloaded or unreachable destination (429/5xx, transport) is an error, retryable.

use migrate_cluster::api::reindex::TaskId;
use migrate_core::Side;
use migrate_core::request::Fills;
use migrate_exec::StepError;
use migrate_graph::requests::reindex::{Reindex, TASKS_PAGE as PAGE};
use migrate_graph::requests::slots::PAGE_FROM;
use serde_json::Value;

use crate::cx::{Cx, none};
/// Pages read at most (the newest 1,000 finished reindex tasks).
pub(super) const PAGES: usize = 10;

/// The finished reindex task on the destination whose stored result carries `opaque`, if any.
pub(super) async fn finished_orphan(
    cx: &Cx<'_>,
    r: &Reindex,
    opaque: &str,
) -> Result<Option<TaskId>, StepError> {
    let doing =
        "looking in the destination's `.tasks` for a reindex task an interrupted attempt started";
    // Best effort: a refused or failed refresh leaves the search to what is already visible.
    if let Err(e) = cx.try_send(&r.finished_refresh, &none()).await {
        tracing::debug!(step = cx.id(), error = %e, "refreshing .tasks failed; searching anyway");
    }
    for page in 0..PAGES {
        let fills = Fills::new().set(PAGE_FROM, page * PAGE);
        let v: Value = match cx.try_json(&r.finished_search, &fills).await {
            Ok(v) => v,
            Err(e) if e.is_retryable() => return Err(cx.fail(Side::Destination, doing, &e)),
            Err(e) => {
                tracing::info!(step = cx.id(), error = %e, "no usable `.tasks` on the destination; a finished orphan task cannot be found");
                return Ok(None);
            }
        };
        let hits = v
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(id) = hits.iter().find_map(|h| matching(h, opaque)) {
            return Ok(Some(id));
        }
        if hits.len() < PAGE {
            break;
        }
    }
    Ok(None)
}

/// The task id of a `.tasks` hit whose task carried `opaque` and finished.
fn matching(hit: &Value, opaque: &str) -> Option<TaskId> {
    let src = hit.get("_source")?;
    if src.get("completed") != Some(&Value::Bool(true)) {
        return None;
    }
    let headers = src.pointer("/task/headers")?.as_object()?;
    let carried = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-opaque-id"))
        .and_then(|(_, v)| v.as_str())?;
    if carried != opaque {
        return None;
    }
    let id = hit
        .get("_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let node = src.pointer("/task/node")?.as_str()?;
            let n = src.pointer("/task/id")?.as_u64()?;
            Some(format!("{node}:{n}"))
        })?;
    Some(TaskId(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn a_hit_matches_on_its_opaque_id_only_when_completed() {
        let hit = json!({"_id": "n1:7", "_source": {"completed": true,
            "task": {"node": "n1", "id": 7, "headers": {"X-Opaque-Id": "migrate/a"}}, "response": {}}});
        assert_eq!(matching(&hit, "migrate/a"), Some(TaskId("n1:7".into())));
        assert_eq!(matching(&hit, "migrate/b"), None);
        let mut running = hit.clone();
        running["_source"]["completed"] = json!(false);
        assert_eq!(matching(&running, "migrate/a"), None);
        // ES 5.x: no headers at all.
        let old =
            json!({"_id": "n1:7", "_source": {"completed": true, "task": {"node": "n1", "id": 7}}});
        assert_eq!(matching(&old, "migrate/a"), None);
        // Header names are case-insensitive; the id falls back to node:id.
        let lower = json!({"_source": {"completed": true,
            "task": {"node": "n2", "id": 3, "headers": {"x-opaque-id": "o"}}}});
        assert_eq!(matching(&lower, "o"), Some(TaskId("n2:3".into())));
    }
}
