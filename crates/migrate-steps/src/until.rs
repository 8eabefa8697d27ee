//! Deltas of passes (reindex, copy) and snapshot rounds, and the `until` threshold, one
//! implementation for every strategy: each pass and round reports its delta (documents, bytes,
//! seconds) as a notice and in its outputs (`delta`), and an incremental pass or round with
//! `until` finishes at once, doing nothing, when the one before it had a delta below every
//! threshold (or was skipped itself), so the run goes on to the cutover. A skipped round's other
//! steps (wait, transfer, close, restore, open, recovery) finish the same way. The graph stays
//! the one compiled; each decision is read from the recorded outputs of the steps before.

use migrate_exec::{Outcome, StepCtx};
use migrate_graph::{Pass, Round, StepKind, Until};
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::watermark::now_millis;

/// The outputs' key holding the documents a pass copied.
pub(crate) const DOCUMENTS: &str = "documents";

/// What one pass or round moved: every measure its strategy takes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Delta {
    pub documents: Option<u64>,
    pub bytes: Option<u64>,
    pub seconds: Option<f64>,
}

impl Delta {
    /// The `delta` of a step's outputs.
    fn of(outputs: &Value) -> Option<Delta> {
        let d = outputs.get("delta")?;
        Some(Delta {
            documents: d.get("documents").and_then(Value::as_u64),
            bytes: d.get("bytes").and_then(Value::as_u64),
            seconds: d.get("seconds").and_then(Value::as_f64),
        })
    }

    pub(crate) fn to_json(self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(d) = self.documents {
            m.insert("documents".into(), d.into());
        }
        if let Some(b) = self.bytes {
            m.insert("bytes".into(), b.into());
        }
        if let Some(s) = self.seconds {
            m.insert("seconds".into(), json!((s * 1000.0).round() / 1000.0));
        }
        Value::Object(m)
    }

    /// Below every measure `until` gives; a measure this delta lacks is never below.
    fn below(&self, until: &Until) -> bool {
        let under = |limit: Option<std::num::NonZeroU64>, v: Option<f64>| match limit {
            None => true,
            Some(l) => v.is_some_and(|v| v < l.get() as f64),
        };
        under(until.documents, self.documents.map(|d| d as f64))
            && under(until.bytes, self.bytes.map(|b| b as f64))
            && under(until.seconds, self.seconds)
    }

    /// `3 documents, 4096 bytes in 0.4s`.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.documents {
            parts.push(format!("{d} documents"));
        }
        if let Some(b) = self.bytes {
            parts.push(format!("{b} bytes"));
        }
        let mut text = if parts.is_empty() {
            "nothing measured".to_owned()
        } else {
            parts.join(", ")
        };
        if let Some(s) = self.seconds {
            text.push_str(&format!(" in {s:.1}s"));
        }
        text
    }
}

/// A step's recorded `delta` in words (`3 documents, 4096 bytes in 0.4s`); `None` without one.
pub fn describe_delta(outputs: &Value) -> Option<String> {
    Delta::of(outputs).map(|d| d.describe())
}

/// The delta the step `id` decided by (its own, or the one it was skipped for) and the step that
/// measured it; `None` when it recorded none (an older state: the next one runs).
fn deciding(ctx: &StepCtx, id: &str) -> Option<(Delta, String)> {
    let out = ctx.output_of(id)?;
    let delta = Delta::of(out).or_else(|| {
        // Passes recorded before the `delta` object: their documents and seconds.
        let documents = out
            .get("delta_documents")
            .or_else(|| out.get(DOCUMENTS))
            .and_then(Value::as_u64)?;
        Some(Delta {
            documents: Some(documents),
            ..Delta::default()
        })
    })?;
    let from = match out.get("delta_of").and_then(Value::as_str) {
        Some(from) if out.get("skipped").and_then(Value::as_bool) == Some(true) => from.to_owned(),
        _ => id.to_owned(),
    };
    Some((delta, from))
}

/// `Some(outcome)` when this step is skipped because `previous`'s delta is below `until`: the
/// notice says why, and the outputs carry the deciding delta for the next one.
fn skip_after(ctx: &StepCtx, previous: &str, until: &Until, extra: Value) -> Option<Outcome> {
    let (delta, from) = deciding(ctx, previous)?;
    if !delta.below(until) {
        return None;
    }
    let reason = format!("delta {} is below until ({until})", delta.describe());
    ctx.notice(&format!(
        "skipped: {reason}, measured by `{from}`; going on to the cutover"
    ));
    let mut outputs = json!({
        "skipped": true,
        "reason": reason,
        "delta": delta.to_json(),
        "delta_of": from,
        "until": until,
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut outputs, extra) {
        o.extend(e);
    }
    Some(Outcome::Done { outputs })
}

/// `Some(outcome)` when this incremental pass is skipped: it has an `until` and the previous
/// incremental pass of the same index had a delta below it, or was skipped. Passes without
/// `until`, the first incremental pass and passes whose predecessor has no outputs run.
pub(crate) fn skip(cx: &Cx<'_>, ctx: &StepCtx, source_index: &str, pass: &Pass) -> Option<Outcome> {
    let Pass::Incremental {
        n,
        until: Some(until),
    } = pass
    else {
        return None;
    };
    let previous = previous_pass(cx, source_index, n.checked_sub(1)?)?;
    skip_after(
        ctx,
        previous,
        until,
        json!({"pass": pass.to_string(), DOCUMENTS: 0}),
    )
}

/// Reports a finished pass's delta: `documents` copied since `started_ms` (the pass's recorded
/// start, so a resumed pass counts from its first attempt). Returns it for the outputs.
pub(crate) fn report(ctx: &StepCtx, documents: u64, started_ms: i64) -> Delta {
    let seconds = (now_millis() - started_ms).max(0) as f64 / 1000.0;
    let delta = Delta {
        documents: Some(documents),
        bytes: None,
        seconds: Some(seconds),
    };
    ctx.notice(&format!("delta {}", delta.describe()));
    delta
}

/// Reports a snapshot round's delta (from its `wait-snapshot`).
pub(crate) fn report_round(ctx: &StepCtx, delta: Delta) {
    ctx.notice(&format!("delta {}", delta.describe()));
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

/// The ids of round `round`'s `create-snapshot` and `wait-snapshot`.
pub(crate) fn round_steps<'g>(cx: &'g Cx<'_>, round: Round) -> (Option<&'g str>, Option<&'g str>) {
    let (mut create, mut wait) = (None, None);
    for step in cx.graph.steps() {
        match &step.kind {
            StepKind::CreateSnapshot { round: r, .. } if *r == round => {
                create = Some(step.id.as_str());
            }
            StepKind::WaitSnapshot { round: r, .. } if *r == round => {
                wait = Some(step.id.as_str());
            }
            _ => {}
        }
    }
    (create, wait)
}

/// `Some(outcome)` when round `round`'s `create-snapshot` (which has `until`) is skipped: the
/// round before it is an incremental one whose delta is below `until`, or was skipped.
pub(crate) fn skip_round(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    round: Round,
    until: &Until,
) -> Option<Outcome> {
    let Round::Number(n) = round else {
        return None;
    };
    // The first incremental round (2) always runs: round 1 is the full copy.
    let before = Round::Number(n.checked_sub(1).filter(|b| *b >= 2)?);
    let (create, wait) = round_steps(cx, before);
    let skipped = |id: &str| {
        ctx.output_of(id)
            .and_then(|o| o.get("skipped"))
            .and_then(Value::as_bool)
            == Some(true)
    };
    let previous = match create {
        Some(c) if skipped(c) => c,
        _ => wait?,
    };
    skip_after(ctx, previous, until, json!({"round": round.to_string()}))
}

/// `Some(outcome)` for a step of a round whose `create-snapshot` was skipped: nothing to wait for,
/// transfer, close, restore or open.
pub(crate) fn round_skipped(cx: &Cx<'_>, ctx: &StepCtx, round: Round) -> Option<Outcome> {
    let (create, _) = round_steps(cx, round);
    let out = ctx.output_of(create?)?;
    if out.get("skipped").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let reason = out.get("reason").cloned().unwrap_or(Value::Null);
    Some(Outcome::Done {
        outputs: json!({"skipped": true, "round": round.to_string(), "reason": reason}),
    })
}
