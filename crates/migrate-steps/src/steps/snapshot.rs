//! `create-snapshot` (asynchronous, deterministic name, re-attaches to a snapshot that already
//! exists when this state recorded asking for it, refuses one it did not) and `wait-snapshot` (`SUCCESS`; `PARTIAL` / `FAILED` are errors naming the failed shards).

use migrate_cluster::ClusterError;
use migrate_cluster::api::snapshot::{
    SnapshotInfo, is_missing_snapshot, snapshot_named, snapshot_names,
};
use migrate_core::Side;
use migrate_core::request::Request;
use migrate_exec::{Outcome, Recheck, StepCtx, StepError, StepProgress};
use migrate_graph::preflight::foreign_lineage;
use migrate_graph::requests::snapshot as planned;
use migrate_graph::{Round, Until};
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
    round: Round,
    until: Option<&Until>,
) -> Result<Outcome, StepError> {
    if let Some(skipped) = until.and_then(|u| crate::until::skip_round(cx, ctx, round, u)) {
        return Ok(skipped);
    }
    let r = planned::create(repository, snapshot, indices, round);
    report_foreign(cx, ctx, &r.others, repository).await;
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
        let counters = ctx
            .handle()
            .and_then(|h| h.get("counters"))
            .cloned()
            .unwrap_or(Value::Null);
        return Ok(Outcome::Done {
            outputs: json!({"repository": repository, "snapshot": snapshot, "state": info.state, "started": false, "counters": counters}),
        });
    }
    // The write counters the round's delta starts from, read just before the snapshot.
    let counters = super::snapshot_delta::counters(cx, &r.changes).await;
    let handle = json!({"repository": repository, "snapshot": snapshot, "counters": counters});
    // Durable before the request: a crash right after it still finds the snapshot ours.
    ctx.record_handle(handle).await?;
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
        outputs: json!({"repository": repository, "snapshot": snapshot, "state": "IN_PROGRESS", "started": true, "counters": counters}),
    })
}

/// Tells the operator about this plan's snapshots of other lineages in `repository` (left by a run
/// whose state was lost): never used, named with the `migrate cleanup` advice. A failed listing
/// only skips the report.
async fn report_foreign(cx: &Cx<'_>, ctx: &StepCtx, req: &Request, repository: &str) {
    let Some(lineage) = cx.env.options.lineage.as_deref() else {
        return;
    };
    let listed = match cx.try_json::<Value>(req, &none()).await {
        Ok(v) => v,
        Err(e) => {
            tracing::debug!("listing earlier runs' snapshots in `{repository}`: {e}");
            return;
        }
    };
    let names = snapshot_names(&listed);
    let mut foreign: Vec<(&str, &str)> = names
        .iter()
        .filter_map(|n| foreign_lineage(&cx.env.plan, lineage, n).map(|l| (l, n.as_str())))
        .collect();
    if foreign.is_empty() {
        return;
    }
    foreign.sort_unstable();
    let mut lineages: Vec<&str> = foreign.iter().map(|(l, _)| *l).collect();
    lineages.dedup();
    let shown: Vec<&str> = foreign.iter().take(10).map(|(_, n)| *n).collect();
    let more = foreign.len().saturating_sub(shown.len());
    ctx.notice(&format!(
        "repository `{repository}` holds {} snapshot(s) of this plan from earlier runs (lineage {}; this run is {lineage}): {}{} — they are never used; remove them with `migrate cleanup` run with the state of the run that made them, or delete them on the source once nothing needs them",
        foreign.len(),
        lineages.join(", "),
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
    ));
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
    round: Round,
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
                let delta = super::snapshot_delta::round_delta(cx, ctx, round, &stats);
                crate::until::report_round(ctx, delta);
                return Ok(Outcome::Done {
                    outputs: json!({
                        "repository": repository, "snapshot": snapshot, "state": info.state,
                        "uuid": info.uuid, "indices": info.indices, "shards": info.shards, "stats": stats,
                        "delta": delta.to_json(),
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

/// The postcondition of a done `create-snapshot` or `wait-snapshot`: the snapshot is still in the
/// repository, and (once waited for) with the uuid and the `SUCCESS` recorded. Gone (deleted by
/// `migrate cleanup --force` or by hand): it is taken again, with everything downstream. Another
/// uuid or state: someone replaced it under this migration's name, and it is never restored.
pub(crate) async fn recheck(
    cx: &Cx<'_>,
    repository: &str,
    snapshot: &str,
    outputs: &Value,
) -> Result<Recheck, StepError> {
    if outputs.get("skipped").and_then(Value::as_bool) == Some(true) {
        // A round skipped by `until` took no snapshot: nothing to find.
        return Ok(Recheck::Holds);
    }
    let r = planned::wait(repository, snapshot);
    let info = current(cx, &r.poll, snapshot).await.map_err(|e| {
        cx.fail(
            Side::Source,
            &format!("re-checking snapshot `{snapshot}`"),
            &e,
        )
    })?;
    let Some(info) = info else {
        return Ok(Recheck::Redo {
            reason: format!(
                "snapshot `{snapshot}` is no longer in repository `{repository}`; it is taken again"
            ),
        });
    };
    let recorded = outputs.get("uuid").and_then(Value::as_str);
    if let (Some(recorded), Some(now)) = (recorded, info.uuid.as_deref())
        && recorded != now
    {
        return Ok(Recheck::Broken {
            reason: format!(
                "snapshot `{snapshot}` in repository `{repository}` now has uuid `{now}`, but this migration took it with uuid `{recorded}`: it was replaced outside the migration and is never restored; delete it on the source and run apply again to have it taken again"
            ),
        });
    }
    if recorded.is_some() && info.state != "SUCCESS" {
        return Ok(Recheck::Broken {
            reason: format!(
                "snapshot `{snapshot}` in repository `{repository}` is {} now, but was SUCCESS when this migration waited for it; delete it on the source and run apply again to have it taken again",
                info.state
            ),
        });
    }
    Ok(Recheck::Holds)
}
