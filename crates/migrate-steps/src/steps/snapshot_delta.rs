//! A snapshot round's delta: the plan indexes' write counters read just before the round's
//! snapshot starts (recorded by `create-snapshot`), compared with those of the last round taken
//! before it; the bytes the snapshot added (its `_status`); the seconds it took.

use migrate_core::request::Request;
use migrate_exec::StepCtx;
use migrate_graph::Round;
use serde_json::{Value, json};

use crate::cx::{Cx, none};
use crate::until::{Delta, round_steps};
use crate::watermark::now_millis;

/// The plan indexes' primaries: documents now and writes ever (index + delete operations), with
/// the time they were read; `Null` when the source did not say (the round's delta then has no
/// documents).
pub(super) async fn counters(cx: &Cx<'_>, req: &Request) -> Value {
    let stats = match cx.try_json::<Value>(req, &none()).await {
        Ok(v) => v,
        Err(e) => {
            tracing::debug!("reading the write counters before the snapshot: {e}");
            return Value::Null;
        }
    };
    let Some(p) = stats.pointer("/_all/primaries") else {
        return Value::Null;
    };
    let get = |path: &str| p.pointer(path).and_then(Value::as_u64);
    let writes = match (get("/indexing/index_total"), get("/indexing/delete_total")) {
        (Some(i), Some(d)) => Some(i.saturating_add(d)),
        _ => None,
    };
    json!({"documents": get("/docs/count"), "writes": writes, "at_ms": now_millis()})
}

/// The counters `create-snapshot` of `round` recorded, unless that round was skipped.
fn recorded(cx: &Cx<'_>, ctx: &StepCtx, round: Round) -> Option<Value> {
    let (create, _) = round_steps(cx, round);
    let out = ctx.output_of(create?)?;
    if out.get("skipped").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    out.get("counters").cloned()
}

/// The last round before `round` that was taken (not skipped), and its counters.
fn taken_before(cx: &Cx<'_>, ctx: &StepCtx, round: Round) -> Option<Value> {
    let last = match round {
        Round::Number(n) => n.checked_sub(1)?,
        Round::Final => cx
            .graph
            .steps()
            .filter_map(|s| match &s.kind {
                migrate_graph::StepKind::CreateSnapshot {
                    round: Round::Number(n),
                    ..
                } => Some(*n),
                _ => None,
            })
            .max()?,
    };
    (1..=last)
        .rev()
        .find_map(|n| recorded(cx, ctx, Round::Number(n)))
}

/// Round `round`'s delta, once its snapshot is `SUCCESS` with `stats` (`_status`): documents
/// changed since the round before (round 1: the documents it holds), bytes the snapshot added,
/// seconds it took. A counter that went down (a node restarted) leaves the documents unmeasured.
pub(super) fn round_delta(cx: &Cx<'_>, ctx: &StepCtx, round: Round, stats: &Value) -> Delta {
    let mine = recorded(cx, ctx, round);
    let field =
        |v: &Option<Value>, k: &str| v.as_ref().and_then(|v| v.get(k)).and_then(Value::as_u64);
    let documents = match round {
        Round::Number(1) => field(&mine, "documents"),
        _ => {
            let before = taken_before(cx, ctx, round);
            match (field(&mine, "writes"), field(&before, "writes")) {
                (Some(now), Some(then)) => now.checked_sub(then),
                _ => None,
            }
        }
    };
    let u = |p: &str| stats.pointer(p).and_then(Value::as_u64);
    // 7.4+ and OpenSearch: `incremental`; older releases name the same figure `total_size_in_bytes`.
    let bytes = u("/incremental/size_in_bytes").or_else(|| u("/total_size_in_bytes"));
    let seconds = u("/time_in_millis")
        .or_else(|| {
            let at = field(&mine, "at_ms")?;
            u64::try_from(now_millis()).ok()?.checked_sub(at)
        })
        .map(|ms| ms as f64 / 1000.0);
    Delta {
        documents,
        bytes,
        seconds,
    }
}
