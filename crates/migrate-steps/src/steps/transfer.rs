//! `transfer-objects`: copies the repository's new objects from the source store to the
//! destination store with `migrate_store::transfer` (incremental, restorable order, `index.latest`
//! last). The transfer is its own check: objects already there are skipped, so a finished round
//! copies nothing the second time. Cancelling stops it; the next attempt resumes.

use migrate_core::SecretRef;
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::blueprint::Store;
use migrate_store::{TransferError, open, spec_of, transfer::progress_watch};
use serde_json::json;

use crate::cx::Cx;

pub(super) async fn run(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    from: &Store,
    to: &Store,
) -> Result<Outcome, StepError> {
    let resolve = |r: &SecretRef| cx.env.secrets.get(r).cloned();
    let from_spec =
        spec_of(from, &resolve).map_err(|why| cx.permanent(format!("the source store: {why}")))?;
    let to_spec = spec_of(to, &resolve)
        .map_err(|why| cx.permanent(format!("the destination store: {why}")))?;
    let (a, b) = (from_spec.display_location(), to_spec.display_location());
    if from_spec.same_location(&to_spec) {
        return Ok(Outcome::Done {
            outputs: json!({"from": a, "to": b, "skipped": "same location", "objects_copied": 0, "bytes_copied": 0}),
        });
    }
    let source = open(&from_spec).map_err(|e| cx.permanent(format!("opening {a}: {e}")))?;
    let destination = open(&to_spec).map_err(|e| cx.permanent(format!("opening {b}: {e}")))?;
    let (sink, mut rx) = progress_watch();
    let options = cx.env.options.transfer.clone();
    let job = migrate_store::transfer(source, destination, &options, Some(sink));
    tokio::pin!(job);
    let cancel = ctx.cancel_token().clone();
    let result = loop {
        tokio::select! {
            // Cancellation first: a cancelled run stops copying now, whatever else is ready.
            biased;
            () = cancel.cancelled() => {
                return Err(cx.retryable(format!(
                    "cancelled while copying {a} to {b}; the next run skips what is already copied"
                )));
            }
            r = &mut job => break r,
            changed = rx.changed() => {
                if changed.is_ok() && let Some(p) = rx.borrow_and_update().clone() {
                    ctx.report(StepProgress {
                        done: Some(p.bytes_done),
                        total: Some(p.bytes_total),
                        unit: "bytes",
                        message: Some(format!("{}/{} objects", p.objects_done, p.objects_total)),
                    });
                }
            }
        }
    };
    let report = result.map_err(|e| {
        let retryable = matches!(
            e,
            TransferError::List { .. } | TransferError::Copy { .. } | TransferError::Task(_)
        );
        let message = format!(
            "step `{}`: copying {a} to {b} failed: {e}{}",
            cx.id(),
            if retryable {
                "; the next attempt resumes where this one stopped"
            } else {
                ""
            }
        );
        StepError { message, retryable }
    })?;
    // The watch may not have delivered the last report before the copy finished.
    ctx.report(StepProgress {
        done: Some(report.bytes_copied),
        total: Some(report.bytes_copied),
        unit: "bytes",
        message: Some(format!(
            "{} objects copied, {} already there",
            report.objects_copied, report.objects_skipped
        )),
    });
    if report.has_restore_problems() {
        let invalid: Vec<String> = report
            .invalid_keys
            .iter()
            .map(|(k, why)| format!("`{k}` ({why:?})"))
            .collect();
        return Err(cx.permanent(format!(
            "the repository at {a} has objects that would break a restore: invalid keys [{}], missing at the source [{}]; repair the source repository (or take a new snapshot) and run again",
            invalid.join(", "),
            report.missing_at_source.join(", ")
        )));
    }
    Ok(Outcome::Done {
        outputs: json!({
            "from": a, "to": b,
            "objects_copied": report.objects_copied, "bytes_copied": report.bytes_copied,
            "objects_skipped": report.objects_skipped, "bytes_skipped": report.bytes_skipped,
            "generation": report.generation, "unknown_keys": report.unknown_keys.len(),
            "elapsed_ms": report.elapsed.as_millis() as u64,
        }),
    })
}
