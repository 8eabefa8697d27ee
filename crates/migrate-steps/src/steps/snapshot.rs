//! `create-snapshot` (asynchronous, deterministic name, re-attaches to a snapshot that already
//! exists when this state recorded asking for it, refuses one it did not) and `wait-snapshot` (`SUCCESS`; `PARTIAL` / `FAILED` are errors naming the failed shards).

use migrate_cluster::ClusterError;
use migrate_cluster::api::snapshot::{SnapshotInfo, is_missing_snapshot, snapshot_named};
use migrate_core::Side;
use migrate_core::request::Request;
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::requests::snapshot as planned;
use serde_json::{Value, json};

use crate::cx::{Cx, none};

/// The snapshot `GET _snapshot/{repository}/{snapshot}` shows, `None` when it is not there.
async fn current(
    cx: &Cx<'_>,
    req: &Request,
    snapshot: &str,
) -> Result<Option<SnapshotInfo>, ClusterError> {
    match cx.try_json::<Value>(req, &none()).await {
        Ok(v) => Ok(snapshot_named(&v, snapshot)),
        Err(e) if is_missing_snapshot(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn create(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    repository: &str,
    snapshot: &str,
    indices: &[String],
) -> Result<Outcome, StepError> {
    let r = planned::create(repository, snapshot, indices);
    let handle = json!({"repository": repository, "snapshot": snapshot});
    let existing = current(cx, &r.current, snapshot).await.map_err(|e| {
        cx.fail(
            Side::Source,
            &format!("looking up snapshot `{snapshot}`"),
            &e,
        )
    })?;
    if let Some(info) = existing {
        // Ours only if this state recorded it before asking for it: a snapshot of that name found
        // without the record belongs to an earlier run whose state was lost (or to someone else),
        // and restoring it would bring back stale data.
        if ctx.handle().is_none() {
            return Err(cx.permanent(format!(
                "snapshot `{snapshot}` already exists in source repository `{repository}` (state {}), but this migration's state never asked for it: it is left from an earlier run whose state was lost, or is someone else's, and is never restored — delete it (`DELETE /_snapshot/{repository}/{snapshot}` on the source, after checking nothing else needs it) and run apply again",
                info.state
            )));
        }
        return Ok(Outcome::Done {
            outputs: json!({"repository": repository, "snapshot": snapshot, "state": info.state, "started": false}),
        });
    }
    // Durable before the request: a crash right after it still finds the snapshot ours.
    ctx.record_handle(handle.clone()).await?;
    match cx.try_send(&r.start, &none()).await {
        Ok(_) => {}
        // Another attempt got there first: the snapshot exists, which is this step's effect.
        Err(e)
            if e.error_type() == Some("invalid_snapshot_name_exception")
                && e.reason().is_some_and(|r| r.contains("already exists")) => {}
        Err(e) => {
            let mut err = cx.fail(Side::Source, &format!("starting snapshot `{snapshot}`"), &e);
            if e.error_type() == Some("concurrent_snapshot_execution_exception") {
                err.retryable = true;
                err.message
                    .push_str("; another snapshot is running on the source, the step waits for it");
            }
            return Err(err);
        }
    }
    Ok(Outcome::Done {
        outputs: json!({"repository": repository, "snapshot": snapshot, "state": "IN_PROGRESS", "started": true}),
    })
}

fn shard_counts(info: &SnapshotInfo) -> (Option<u64>, Option<u64>) {
    let s = info.shards.as_ref();
    let get = |k: &str| s.and_then(|v| v.get(k)).and_then(Value::as_u64);
    (get("successful"), get("total"))
}

fn failed_shards(info: &SnapshotInfo) -> String {
    if info.failures.is_empty() {
        return "no shard failures reported".into();
    }
    info.failures
        .iter()
        .take(10)
        .map(|f| {
            let index = f.get("index").and_then(Value::as_str).unwrap_or("?");
            let shard = f
                .get("shard_id")
                .map(|v| v.to_string())
                .unwrap_or_else(|| "?".into());
            let reason = f
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("no reason given");
            format!("[{index}][{shard}]: {reason}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) async fn wait(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    repository: &str,
    snapshot: &str,
) -> Result<Outcome, StepError> {
    let r = planned::wait(repository, snapshot);
    let mut poll = cx.poller(ctx);
    let what = format!("snapshot `{snapshot}`");
    loop {
        if poll.is_cancelled() {
            return Err(poll.cancelled(&what));
        }
        match current(cx, &r.poll, snapshot).await {
            Ok(Some(info)) if !info.is_done() => {
                poll.ok();
                let (done, total) = shard_counts(&info);
                poll.progress(
                    &what,
                    (&info.state, done, total),
                    &format!(
                        "{}, {} of {} shards",
                        info.state,
                        done.unwrap_or(0),
                        total.map_or_else(|| "?".to_owned(), |t| t.to_string())
                    ),
                )?;
                ctx.report(StepProgress {
                    done,
                    total,
                    unit: "shards",
                    message: Some(format!("{what} {}", info.state)),
                });
            }
            Ok(Some(info)) if info.is_success() => {
                let stats = cx
                    .try_json::<Value>(&r.status, &none())
                    .await
                    .ok()
                    .and_then(|s| s.pointer("/snapshots/0/stats").cloned())
                    .unwrap_or(Value::Null);
                return Ok(Outcome::Done {
                    outputs: json!({
                        "repository": repository, "snapshot": snapshot, "state": info.state,
                        "uuid": info.uuid, "indices": info.indices, "shards": info.shards, "stats": stats,
                    }),
                });
            }
            Ok(Some(info)) => {
                return Err(cx.permanent(format!(
                    "snapshot `{snapshot}` in repository `{repository}` ended {}: {}; fix the cause, then delete it (`DELETE _snapshot/{repository}/{snapshot}` on the source) so the next run takes it again",
                    info.state,
                    failed_shards(&info)
                )));
            }
            Ok(None) => {
                return Err(cx.permanent(format!(
                    "snapshot `{snapshot}` is not in repository `{repository}` on the source (deleted after it was started?); run the `create-snapshot` step of this round again"
                )));
            }
            Err(e) => poll.absorb(cx.fail(Side::Source, &format!("polling {what}"), &e))?,
        }
        poll.sleep(&what).await?;
    }
}
