//! `verify-data-streams`: the proof of each selected data stream. The destination's stream is
//! refreshed, then both streams are read whole (every backing index, through the stream's name)
//! and compared document by document by id and `_source` hash (migrate-proof): a document missing
//! on the destination, an extra one or a different one fails the step, naming examples. A selected
//! source stream the destination lacks fails it too. The findings go to
//! `verify/<step id>.jsonl` like the index proof's.

use migrate_core::Side;
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::requests::data_streams::verify as planned;
use migrate_proof::{Findings, NoDeadLetters};
use serde_json::json;

use super::super::metadata::target;
use super::super::verify::work_file;
use super::{selected, selection};
use crate::cx::{Cx, none};
use crate::proof::{self, EXAMPLES};

pub(crate) async fn run(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    include: &[String],
    exclude: &[String],
) -> Result<Outcome, StepError> {
    let src = target(cx, Side::Source).await?;
    let spec = selection(include, exclude);
    let preview = planned(None);
    let streams = match selected(cx, ctx, &spec, src, &preview.list).await? {
        Ok(s) => s,
        Err(skipped) => return Ok(skipped),
    };
    let path = work_file(cx, "verify")?;
    let mut findings = Findings::create(&path, EXAMPLES)
        .map_err(|e| cx.permanent(format!("verification findings: {e}")))?;
    let (mut rows, mut failed) = (Vec::with_capacity(streams.len()), Vec::new());
    let copy = migrate_graph::requests::data_streams::copy(false, false);
    for s in &streams {
        if !super::stream_exists(cx, &copy, &s.name).await? {
            failed.push(format!("`{}`: absent on the destination", s.name));
            continue;
        }
        let r = planned(Some(&s.name));
        cx.send(
            &r.refresh,
            &none(),
            &format!("refreshing data stream `{}` on the destination", s.name),
        )
        .await?;
        let diff = proof::documents(
            cx.client(Side::Source),
            cx.client(Side::Destination),
            (r.source, r.destination),
            0,
            path.parent().unwrap_or(&path),
            &s.name,
            (&mut findings, &NoDeadLetters),
        )
        .await
        .map_err(|e| cx.retryable(e))?;
        if diff.failures() > 0 {
            failed.push(format!(
                "`{}`: {} source / {} destination documents, {} missing (e.g. {}), {} extra (e.g. {}), {} different (e.g. {})",
                s.name,
                diff.source_docs,
                diff.destination_docs,
                diff.missing.count,
                diff.missing.examples.join(", "),
                diff.extra.count,
                diff.extra.examples.join(", "),
                diff.differing.count,
                diff.differing.examples.join(", "),
            ));
        }
        rows.push(json!({
            "stream": s.name,
            "source_documents": diff.source_docs,
            "destination_documents": diff.destination_docs,
            "missing": diff.missing.count,
            "extra": diff.extra.count,
            "different": diff.differing.count,
        }));
    }
    if !failed.is_empty() {
        return Err(cx.permanent(format!(
            "the data streams differ from the source's (findings in `{}`): {}",
            path.display(),
            failed.join("; ")
        )));
    }
    Ok(Outcome::Done {
        outputs: json!({ "streams": rows, "findings_file": path.display().to_string() }),
    })
}
