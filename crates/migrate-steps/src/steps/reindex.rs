//! `reindex`: one remote `_reindex` task per concrete source index of the entry, started with
//! `wait_for_completion=false` and followed through the task API.
//!
//! The handle, recorded before anything is started and again after each task starts, holds the
//! pass's bounds and the task ids: `{"from", "to", "numeric", "tasks": {index: task}, "done": {index:
//! counts}}`. A later attempt re-attaches to the recorded tasks instead of starting new ones, and
//! reuses the recorded bounds. When a recorded task no longer exists (the node restarted, the task
//! result was garbage-collected) or ended in failure, the pass is started again for that index:
//! passes write with the source's `_id` (`op_type: index`, `conflicts: proceed`), so a replay
//! overwrites documents and never duplicates them.
//!
//! Orphan tasks: before each `POST _reindex` the handle records a fresh opaque id for this (step,
//! index, attempt) under `opaque`, and the request carries it as `X-Opaque-Id`, which ES 6.2+ and
//! OpenSearch keep in the task's `headers`. An attempt that finds an opaque id but no task id (the
//! process died between the POST and recording its answer) lists the destination's running reindex
//! tasks (`GET _tasks?actions=*reindex&detailed=true`) and adopts the one carrying that id; only when
//! none does, looks for one that already finished in the destination's `.tasks` index, where ES
//! and OpenSearch keep the result of every `wait_for_completion=false` task with its headers (see
//! `finished_orphan`). An adopted task, running or finished, is then followed like any recorded
//! one: `GET _tasks/<id>` answers a finished task from `.tasks`, so its counts, failures and errors
//! are treated exactly as for a task this attempt started. Only when neither finds it is a new task
//! started. Limits: ES 5.x keeps no task headers, so there an orphan is never found and the pass
//! starts again (harmless, as above, but the orphan runs to its end); the same happens when
//! `.tasks` is missing or refused (ES 8 without `allow_restricted_indices`, a security plugin
//! guarding system indexes), or when the orphan is older than the newest 1,000 stored reindex
//! results.
//!
//! Bounds: a pass's `to` is its start time. Incremental passes copy `[from, to)` on the update-time
//! field, where `from` is the previous pass's `to` less `EnvOptions::watermark_overlap` (documents
//! indexed just before a pass started may not have been searchable yet). The final pass runs after
//! writes stopped and copies everything from `from` on, so documents stamped by a clock ahead of
//! ours are not left behind. The `to` goes to the outputs only when the pass succeeded, so a
//! failed pass never moves the watermark.

use std::collections::BTreeMap;

use migrate_cluster::api::reindex::{
    ReindexStatus, TaskId, TaskState, parse_task, started_task, task_list,
};
use migrate_core::Side;
use migrate_core::request::Fills;
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::requests::reindex::{PassInputs, Reindex, is_range, reindex as planned};
use migrate_graph::requests::slots::{OPAQUE_ID, TASK};
use migrate_graph::{Pass, StepKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::create_index::index_uuid;
use super::finished_orphan::finished_orphan;
use crate::cx::{Cx, none};
use crate::fields::numeric_unit;
use crate::json::to_value;
use crate::pairs::{Pair, created, pairs};
use crate::until;
use crate::watermark::{fill_range, iso, now_millis};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Handle {
    from: Option<i64>,
    to: i64,
    numeric: bool,
    /// A numeric field counts epoch seconds (bounds are sent in seconds).
    #[serde(default)]
    seconds: bool,
    #[serde(default)]
    tasks: BTreeMap<String, String>,
    #[serde(default)]
    done: BTreeMap<String, Counts>,
    /// The `X-Opaque-Id` sent with the latest `_reindex` of each index (see the module docs).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    opaque: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Counts {
    task: String,
    #[serde(flatten)]
    status: ReindexStatus,
}

/// Rank of a pass among those that move the watermark (`None` for the others).
fn rank(pass: &Pass) -> Option<u32> {
    match pass {
        Pass::Initial { .. } => Some(0),
        Pass::Incremental { n, .. } => Some(*n),
        _ => None,
    }
}

/// The `to` of the latest earlier pass of this index that moves the watermark (the earliest `to`
/// among the initial partitions); `None` when none recorded one.
/// Passes of the reindex and copy strategies alike (a plan has one strategy).
pub(super) fn previous_watermark(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    source_index: &str,
    pass: &Pass,
) -> Option<i64> {
    let limit = match pass {
        Pass::Incremental { n, .. } => *n,
        _ => u32::MAX,
    };
    let mut best: Option<(u32, i64)> = None;
    for step in cx.graph.steps() {
        let (StepKind::Reindex {
            source_index: s,
            pass: p,
            ..
        }
        | StepKind::Copy {
            source_index: s,
            pass: p,
            ..
        }) = &step.kind
        else {
            continue;
        };
        let Some(r) = rank(p) else { continue };
        if **s != *source_index || r >= limit {
            continue;
        }
        let Some(to) = ctx
            .output_of(step.id.as_str())
            .and_then(|o| o.get("to_ms"))
            .and_then(Value::as_i64)
        else {
            continue;
        };
        best = match best {
            Some((br, bt)) if br > r || (br == r && bt <= to) => Some((br, bt)),
            _ => Some((r, to)),
        };
    }
    best.map(|(_, to)| to)
}

/// How one task ended.
enum End {
    Done(ReindexStatus),
    /// The task is gone (404): run the pass again.
    Lost,
    /// The task finished with an error: run the pass again on the next attempt.
    Failed(StepError),
}

pub(super) async fn run(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    let StepKind::Reindex {
        source_index,
        destination_index,
        pass,
        update_field,
        update_field_unit,
        ..
    } = &cx.step.kind
    else {
        return Err(cx.permanent("not a reindex step"));
    };
    if let Some(skipped) = until::skip(cx, ctx, source_index, pass) {
        return Ok(skipped);
    }
    let pairs = pairs(cx, ctx, source_index, destination_index).await?;
    let range = is_range(pass, update_field.as_deref());
    let plan_for = |p: &Pair| plan(cx, p);
    let recorded = ctx
        .handle()
        .and_then(|h| serde_json::from_value::<Handle>(h.clone()).ok());
    let mut handle = match recorded {
        Some(h) => h,
        None => {
            let to = now_millis();
            let mut h = Handle {
                to,
                ..Handle::default()
            };
            if range && let Some(field) = update_field {
                let overlap = cx.env.options.watermark_overlap.as_millis() as i64;
                h.from = previous_watermark(cx, ctx, source_index, pass).map(|w| w - overlap);
                let first = pairs.first().cloned().unwrap_or_else(|| Pair {
                    source: source_index.to_string(),
                    destination: destination_index.to_string(),
                });
                let r = plan_for(&first);
                (h.numeric, h.seconds) = numeric_unit(
                    cx,
                    r.field_mapping.as_ref(),
                    r.field_values.as_ref(),
                    *update_field_unit,
                    ("reindex", &first.source, field),
                )
                .await?;
            }
            // The bounds are durable before any task starts, so a re-attach uses the same ones.
            ctx.record_handle(to_value(&h)).await?;
            h
        }
    };
    for p in &pairs {
        if handle.done.contains_key(&p.source) {
            continue;
        }
        let r = plan_for(p);
        let mut restarts = 0;
        loop {
            let task = match handle.tasks.get(&p.source) {
                Some(t) => TaskId(t.clone()),
                None => {
                    let adopted = match handle.opaque.get(&p.source) {
                        Some(o) => match orphan(cx, &r, o).await? {
                            Some(t) => Some(t),
                            None => finished_orphan(cx, &r, o).await?,
                        },
                        None => None,
                    };
                    let t = match adopted {
                        Some(t) => {
                            tracing::info!(step = cx.id(), task = %t, "adopting the reindex task an interrupted attempt started");
                            t
                        }
                        None => {
                            let opaque = opaque_id(cx.id(), &p.source, ctx.attempt());
                            handle.opaque.insert(p.source.clone(), opaque.clone());
                            // Durable before the POST, so a re-attach can find the task it starts.
                            ctx.record_handle(to_value(&handle)).await?;
                            still_created(cx, ctx, &r, source_index, p).await?;
                            start(cx, &r, p, &handle, range, &opaque).await?
                        }
                    };
                    handle.tasks.insert(p.source.clone(), t.0.clone());
                    ctx.record_handle(to_value(&handle)).await?;
                    t
                }
            };
            match follow(cx, ctx, &r, &task, p).await? {
                End::Done(status) => {
                    handle.done.insert(
                        p.source.clone(),
                        Counts {
                            task: task.0.clone(),
                            status,
                        },
                    );
                    ctx.record_handle(to_value(&handle)).await?;
                    break;
                }
                End::Lost if restarts == 0 => {
                    tracing::warn!(step = cx.id(), task = %task, "recorded reindex task is gone; running the pass again");
                    handle.tasks.remove(&p.source);
                    handle.opaque.remove(&p.source);
                    restarts += 1;
                }
                End::Lost => {
                    return Err(cx.retryable(format!(
                        "reindex task `{task}` for `{}` disappeared twice; the destination may be restarting",
                        p.source
                    )));
                }
                End::Failed(err) => {
                    handle.tasks.remove(&p.source);
                    handle.opaque.remove(&p.source);
                    ctx.record_handle(to_value(&handle)).await?;
                    return Err(err);
                }
            }
        }
    }
    let mut totals = ReindexStatus::default();
    for c in handle.done.values() {
        totals.total += c.status.total;
        totals.created += c.status.created;
        totals.updated += c.status.updated;
        totals.deleted += c.status.deleted;
        totals.version_conflicts += c.status.version_conflicts;
        totals.noops += c.status.noops;
        totals.batches += c.status.batches;
    }
    let delta = until::report(ctx, totals.total, handle.to);
    Ok(Outcome::Done {
        outputs: json!({
            "pass": pass.to_string(),
            "from_ms": handle.from, "to_ms": handle.to,
            "from": handle.from.map(iso), "to": iso(handle.to),
            "documents": totals.total, "seconds": delta.seconds, "delta": delta.to_json(),
            "total": totals.total, "created": totals.created, "updated": totals.updated,
            "version_conflicts": totals.version_conflicts, "noops": totals.noops,
            "indices": handle.done,
        }),
    })
}

/// Never copies into an index the engine did not create: when `create-index` recorded the
/// destination index's uuid, the index must still have it (a `_reindex` into a vanished index
/// would create it with dynamic mappings and the run would look green).
async fn still_created(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    r: &Reindex,
    source_entry: &str,
    p: &Pair,
) -> Result<(), StepError> {
    let Some(recorded) = created(ctx, source_entry, &p.source)
        .and_then(|c| c.get("uuid").and_then(Value::as_str).map(str::to_owned))
    else {
        return Ok(());
    };
    let d = &p.destination;
    match index_uuid(cx, &r.destination_identity, d).await? {
        Some(now) if now == recorded => Ok(()),
        Some(now) => Err(cx.permanent(format!(
            "destination index `{d}` has uuid `{now}`, not the `{recorded}` `create-index` made: it was deleted and created again outside the migration, so nothing is copied into it; delete `{d}` on the destination and run apply again to have it created from the source's settings and mappings"
        ))),
        None => Err(cx.permanent(format!(
            "destination index `{d}` (uuid `{recorded}`) vanished after `create-index` made it, so nothing is copied (a `_reindex` would create it with dynamic mappings); run apply again: `create-index` creates it again from the source's settings and mappings"
        ))),
    }
}

/// The pass's planned requests for one concrete index.
fn plan(cx: &Cx<'_>, p: &Pair) -> Reindex {
    let StepKind::Reindex {
        remote,
        pass,
        query,
        update_field,
        batch_size,
        requests_per_second,
        ..
    } = &cx.step.kind
    else {
        unreachable!("the reindex step runs reindex steps only")
    };
    planned(
        &PassInputs {
            source_index: &p.source,
            destination_index: &p.destination,
            remote,
            pass,
            query,
            update_field: update_field.as_deref(),
            batch_size: *batch_size,
            requests_per_second: *requests_per_second,
        },
        &cx.env.secrets,
    )
}

/// A fresh `X-Opaque-Id` for one (step, index, attempt); the random tail keeps it unique when a
/// state is reset and the same attempt number comes again.
fn opaque_id(step: &str, index: &str, attempt: u32) -> String {
    let nonce: u64 = rand::random();
    // Header values must be visible ASCII.
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_graphic() { c } else { '_' })
            .collect()
    };
    format!(
        "migrate/{}/{}/a{attempt}-{nonce:016x}",
        clean(step),
        clean(index)
    )
}

/// The running reindex task on the destination carrying `opaque` as its `X-Opaque-Id`, if any.
async fn orphan(cx: &Cx<'_>, r: &Reindex, opaque: &str) -> Result<Option<TaskId>, StepError> {
    let v: Value = cx
        .json(
            &r.running,
            &none(),
            "listing reindex tasks to find one an interrupted attempt started",
        )
        .await?;
    Ok(task_list(&v)
        .into_iter()
        .find(|t| t.opaque_id.as_deref() == Some(opaque))
        .map(|t| t.id))
}

async fn start(
    cx: &Cx<'_>,
    r: &Reindex,
    p: &Pair,
    h: &Handle,
    range: bool,
    opaque: &str,
) -> Result<TaskId, StepError> {
    // The final pass runs after writes stopped: no upper bound (see the module docs).
    let upper = !matches!(
        &cx.step.kind,
        StepKind::Reindex {
            pass: Pass::Final,
            ..
        }
    );
    let mut fills = Fills::new().set(OPAQUE_ID, opaque);
    if range {
        fills = fill_range(fills, (h.from, upper.then_some(h.to)), h.numeric, h.seconds);
    }
    let doing = format!(
        "starting the reindex of `{}` into `{}`",
        p.source, p.destination
    );
    let v: Value = cx.try_json(&r.start, &fills).await.map_err(|e| {
        let mut err = cx.fail(Side::Destination, &doing, &e);
        if e.reason().is_some_and(|r| r.contains("whitelisted") || r.contains("allowlisted")) {
            err.message.push_str("; the destination's remote-reindex allowlist must name the source host (see the preflight/remote-allowlist step)");
        }
        err
    })?;
    started_task(&v).ok_or_else(|| {
        cx.permanent(format!(
            "{doing}: the destination answered without a `task` id"
        ))
    })
}

/// Whether a task's failure text describes an overloaded or unavailable cluster (worth another
/// attempt) rather than a bad request, mapping or credential.
fn transient(reason: &str) -> bool {
    [
        "429",
        "502",
        "503",
        "504",
        "SERVICE_UNAVAILABLE",
        "es_rejected_execution",
        "rejected execution",
        "no_shard_available",
        "node_disconnected",
        "node_not_connected",
        "timed out",
        "timeout",
        "Connection reset",
        "connection reset",
        "Connection refused",
        "connect_exception",
    ]
    .iter()
    .any(|n| reason.contains(n))
}

async fn follow(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    r: &Reindex,
    task: &TaskId,
    p: &Pair,
) -> Result<End, StepError> {
    let mut poll = cx.poller(ctx);
    let what = format!("reindex task `{task}` (`{}`)", p.source);
    let fills = Fills::new().set(TASK, task.0.as_str());
    loop {
        if poll.is_cancelled() {
            return Err(poll.cancelled(&what));
        }
        let state = match cx.try_json::<Value>(&r.poll, &fills).await {
            Ok(v) => parse_task(&v).map_err(|detail| migrate_cluster::ClusterError::Decode {
                method: "GET".into(),
                path: r.poll.target(),
                detail,
            }),
            Err(e) => Err(e),
        };
        match state {
            Ok(TaskState::Running { status }) => {
                poll.ok();
                let done = status.created
                    + status.updated
                    + status.deleted
                    + status.noops
                    + status.version_conflicts;
                poll.progress(
                    &what,
                    (done, status.total),
                    &format!("{done} of {} documents", status.total),
                )?;
                ctx.report(StepProgress {
                    done: Some(done),
                    total: Some(status.total),
                    unit: "docs",
                    message: Some(format!("task {task} running for `{}`", p.source)),
                });
            }
            Ok(TaskState::Completed {
                status,
                failures,
                timed_out,
            }) => {
                if failures.is_empty() && !timed_out {
                    ctx.report(StepProgress {
                        done: Some(status.total),
                        total: Some(status.total),
                        unit: "docs",
                        message: Some(format!("task {task} done for `{}`", p.source)),
                    });
                    return Ok(End::Done(status));
                }
                let shown: Vec<String> = failures
                    .iter()
                    .take(3)
                    .map(|f| {
                        let id = f.get("id").and_then(Value::as_str).unwrap_or("?");
                        let cause = f
                            .pointer("/cause/reason")
                            .or_else(|| f.get("reason"))
                            .and_then(Value::as_str)
                            .unwrap_or("no reason given");
                        format!("document `{id}`: {cause}")
                    })
                    .collect();
                let text = shown.join("; ");
                let message = format!(
                    "step `{}`: reindex task `{task}` for `{}` finished with {} failure(s){}: {text}; the pass runs again on the next attempt",
                    cx.id(),
                    p.source,
                    failures.len(),
                    if timed_out { " and timed out" } else { "" },
                );
                return Ok(End::Failed(StepError {
                    retryable: timed_out || transient(&text),
                    message,
                }));
            }
            Ok(TaskState::Failed { error_type, reason }) => {
                let ty = error_type.unwrap_or_default();
                let mut message = format!(
                    "step `{}`: reindex task `{task}` for `{}` failed: {ty}: {reason}",
                    cx.id(),
                    p.source
                );
                if reason.contains("whitelisted") || reason.contains("allowlisted") {
                    message.push_str(
                        "; add the source host to the destination's remote-reindex allowlist",
                    );
                } else {
                    message.push_str("; the pass runs again on the next attempt");
                }
                return Ok(End::Failed(StepError {
                    retryable: transient(&ty) || transient(&reason),
                    message,
                }));
            }
            Err(e) if e.is_not_found() => return Ok(End::Lost),
            Err(e) => poll.absorb(cx.fail(Side::Destination, &format!("polling {what}"), &e))?,
        }
        poll.sleep(&what).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_are_visible_ascii_and_unique_per_attempt() {
        let a = opaque_id("reindex/logs-*/part-all", "logs-é 1", 2);
        let b = opaque_id("reindex/logs-*/part-all", "logs-é 1", 2);
        assert!(
            a.starts_with("migrate/reindex/logs-*/part-all/logs-__1/a2-"),
            "{a}"
        );
        assert!(a.chars().all(|c| c.is_ascii_graphic()));
        assert_ne!(a, b);
    }
}
