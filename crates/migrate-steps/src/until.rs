//! Deltas of the passes that copy documents (reindex, copy) and the `until` threshold: every pass
//! reports the documents it copied and how long it took, and an incremental pass with `until`
//! finishes at once, copying nothing, when the pass before it copied fewer documents than the
//! threshold (or was skipped itself), so the run goes on to the cutover. The graph stays the one
//! compiled; the decision is read from the previous pass's recorded outputs.

use migrate_exec::{Outcome, StepCtx};
use migrate_graph::{Pass, StepKind};
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::watermark::now_millis;

/// The outputs' key holding the documents a pass copied (its delta).
pub(crate) const DOCUMENTS: &str = "documents";

/// `Some(outcome)` when this incremental pass is skipped: it has an `until` and the previous
/// incremental pass of the same index copied fewer documents, or was skipped. Passes without
/// `until`, the first incremental pass and passes whose predecessor has no outputs run.
pub(crate) fn skip(cx: &Cx<'_>, ctx: &StepCtx, source_index: &str, pass: &Pass) -> Option<Outcome> {
    let Pass::Incremental {
        n,
        until: Some(until),
    } = pass
    else {
        return None;
    };
    let until = until.get();
    let previous = previous_pass(cx, source_index, n.checked_sub(1)?)?;
    let out = ctx.output_of(previous)?;
    let (delta, from) = if out.get("skipped").and_then(Value::as_bool) == Some(true) {
        (
            out.get("delta_documents").and_then(Value::as_u64)?,
            out.get("delta_of").and_then(Value::as_str)?.to_owned(),
        )
    } else {
        (
            out.get(DOCUMENTS).and_then(Value::as_u64)?,
            previous.to_owned(),
        )
    };
    if delta >= until {
        return None;
    }
    let reason = format!("delta {delta} below until {until}");
    ctx.notice(&format!(
        "skipped: {reason} (`{from}` copied {delta} documents); going on to the cutover"
    ));
    Some(Outcome::Done {
        outputs: json!({
            "pass": pass.to_string(),
            "skipped": true,
            "reason": reason,
            "delta_documents": delta,
            "delta_of": from,
            "until_documents": until,
            "documents": 0,
        }),
    })
}

/// Reports a finished pass's delta: `documents` copied since `started_ms` (the pass's recorded
/// start, so a resumed pass counts from its first attempt).
pub(crate) fn report(ctx: &StepCtx, documents: u64, started_ms: i64) -> f64 {
    let seconds = (now_millis() - started_ms).max(0) as f64 / 1000.0;
    ctx.notice(&format!("delta {documents} documents in {seconds:.1}s"));
    seconds
}

/// The id of incremental pass `n` of `source_index` (reindex or copy).
fn previous_pass<'g>(cx: &'g Cx<'_>, source_index: &str, n: u32) -> Option<&'g str> {
    cx.graph.steps().find_map(|step| {
        let (StepKind::Reindex {
            source_index: s,
            pass: Pass::Incremental { n: m, .. },
            ..
        }
        | StepKind::Copy {
            source_index: s,
            pass: Pass::Incremental { n: m, .. },
            ..
        }) = &step.kind
        else {
            return None;
        };
        (**s == *source_index && *m == n).then_some(step.id.as_str())
    })
}
