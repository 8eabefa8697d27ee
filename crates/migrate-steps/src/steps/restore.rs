//! Restoring a round: `close-index`, `restore`, `open-index`, `wait-recovery`.
//!
//! A destination index remembers which snapshot it was last restored from (its recovery source),
//! and snapshot names carry the round (`<plan>-round-<n>`, `<plan>-final`). So "this round's restore
//! has happened" is "the index was restored from this round's snapshot or a later one": close and
//! restore are done then, and a second run of every step of the plan changes nothing. A done restore records the index's
//! uuid; on resume its postcondition compares it (`recheck`).

use std::time::Duration;

use migrate_cluster::api::cluster::{Health, HealthStatus};
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, Recheck, StepCtx, StepError, StepProgress};
use migrate_graph::preflight::{round_in, snapshot_prefix};
use migrate_graph::requests::restore as planned;
use migrate_graph::requests::slots::HEALTH_WAIT;
use migrate_graph::{Round, StepKind};
use serde_json::{Value, json};

use super::create_index::index_uuid;
use crate::cx::{Cx, none};
use crate::json::{active_shards, recovered};

/// The round a snapshot name of this plan (and of this state's lineage) stands for; a snapshot of
/// another lineage is no round of this migration.
fn round_of(plan: &str, lineage: Option<&str>, snapshot: &str) -> Option<Round> {
    round_in(&snapshot_prefix(plan, lineage), snapshot)
}

/// The oldest round any index matching `index` was restored from; `None` if one of them was not
/// restored from a snapshot of this plan or the index does not exist.
async fn restored_round(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
) -> Result<Option<Round>, StepError> {
    let rec: Value = match cx.try_json(req, &none()).await {
        Ok(v) => v,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => {
            return Err(cx.fail(
                Side::Destination,
                &format!("reading the recovery of `{index}`"),
                &e,
            ));
        }
    };
    let Some(per_index) = rec.as_object().filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    let mut oldest: Option<Round> = None;
    for entry in per_index.values() {
        let shards = entry.get("shards").and_then(Value::as_array);
        let round = shards
            .and_then(|s| {
                s.iter()
                    .find(|sh| sh.get("type").and_then(Value::as_str) == Some("SNAPSHOT"))
            })
            .and_then(|sh| sh.pointer("/source/snapshot"))
            .and_then(Value::as_str)
            .and_then(|snap| round_of(&cx.env.plan, cx.env.options.lineage.as_deref(), snap));
        match round {
            None => return Ok(None),
            Some(r) => oldest = Some(oldest.map_or(r, |o| o.min(r))),
        }
    }
    Ok(oldest)
}

/// `open` / `close` of every index matching `index`, or `None` when none exists.
async fn statuses(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
) -> Result<Option<Vec<String>>, StepError> {
    match cx.try_json::<Vec<Value>>(req, &none()).await {
        Ok(rows) if rows.is_empty() => Ok(None),
        Ok(rows) => Ok(Some(
            rows.iter()
                .map(|r| {
                    r.get("status")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect(),
        )),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(cx.fail(
            Side::Destination,
            &format!("reading the status of `{index}`"),
            &e,
        )),
    }
}

pub(super) async fn close(
    cx: &Cx<'_>,
    _ctx: &mut StepCtx,
    index: &str,
    round: Round,
) -> Result<Outcome, StepError> {
    let r = planned::close(index);
    if restored_round(cx, &r.recovery, index)
        .await?
        .is_some_and(|r| r >= round)
    {
        return Ok(Outcome::Done {
            outputs: json!({"index": index, "closed": false, "reason": "already restored from this round"}),
        });
    }
    match statuses(cx, &r.status, index).await? {
        None => Ok(Outcome::Done {
            outputs: json!({"index": index, "closed": false, "reason": "absent"}),
        }),
        Some(s) if s.iter().all(|s| s == "close") => Ok(Outcome::Done {
            outputs: json!({"index": index, "closed": true}),
        }),
        Some(_) => {
            cx.send(&r.close, &none(), &format!("closing `{index}`"))
                .await?;
            Ok(Outcome::Done {
                outputs: json!({"index": index, "closed": true}),
            })
        }
    }
}

pub(super) async fn restore(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    let StepKind::Restore {
        repository,
        snapshot,
        source_index,
        destination_index,
        index_settings,
        round,
    } = &cx.step.kind
    else {
        return Err(cx.permanent("not a restore step"));
    };
    let r = planned::restore(
        repository,
        snapshot,
        source_index,
        destination_index,
        index_settings,
        *round,
    );
    // The restored index's uuid, the postcondition's record.
    let done = |uuid: Option<String>| Outcome::Done {
        outputs: json!({"snapshot": snapshot, "repository": repository, "index": destination_index, "uuid": uuid}),
    };
    if restored_round(cx, &r.recovery, destination_index)
        .await?
        .is_some_and(|r| r >= *round)
    {
        let uuid = index_uuid(cx, &r.identity, destination_index).await?;
        return Ok(done(uuid));
    }
    cx.try_send(&r.restore, &none())
        .await
        .map_err(|e| {
            let mut err = cx.fail(
                Side::Destination,
                &format!("restoring `{destination_index}` from `{snapshot}`"),
                &e,
            );
            if e.reason().is_some_and(|r| r.contains("open index with same name")) {
                err.message.push_str(&format!(
                    "; `{destination_index}` is open on the destination: close it (`POST /{destination_index}/_close`) or delete it, then run again"
                ));
            }
            err
        })?;
    ctx.record_handle(json!({"snapshot": snapshot, "index": destination_index}))
        .await?;
    let uuid = index_uuid(cx, &r.identity, destination_index).await?;
    Ok(done(uuid))
}

/// The postcondition of a done `restore`: the destination index still exists with the uuid it had
/// when this restore finished — unless a later round of this plan restored it (or reached the
/// destination repository and will), which then answers for it. Gone: it is restored again from
/// this round's snapshot (with everything downstream). Another uuid: someone deleted it and
/// created another; the migration never restores or copies over an index it did not create.
pub(crate) async fn recheck(cx: &Cx<'_>, outputs: &Value) -> Result<Recheck, StepError> {
    let StepKind::Restore {
        repository,
        snapshot,
        source_index,
        destination_index: index,
        index_settings,
        round,
    } = &cx.step.kind
    else {
        return Ok(Recheck::Holds);
    };
    let Some(recorded) = outputs.get("uuid").and_then(Value::as_str) else {
        // Skipped by `until`, or recorded before restores kept the uuid.
        return Ok(Recheck::Holds);
    };
    let r = planned::restore(
        repository,
        snapshot,
        source_index,
        index,
        index_settings,
        *round,
    );
    if restored_round(cx, &r.recovery, index)
        .await?
        .is_some_and(|r| r > *round)
    {
        return Ok(Recheck::Holds);
    }
    match index_uuid(cx, &r.identity, index).await? {
        Some(now) if now == recorded => Ok(Recheck::Holds),
        Some(now) => Ok(Recheck::Broken {
            reason: format!(
                "destination index `{index}` now has uuid `{now}`, but this migration restored it with uuid `{recorded}` from `{snapshot}`: it was deleted and created again outside the migration, and the migration never restores or copies into an index it did not create; delete `{index}` on the destination and run apply again to have it restored"
            ),
        }),
        None if later_round_reached(cx, &r.later, *round).await => Ok(Recheck::Holds),
        None => Ok(Recheck::Redo {
            reason: format!(
                "destination index `{index}` (restored with uuid `{recorded}`) no longer exists; it is restored again from `{snapshot}`"
            ),
        }),
    }
}

/// Whether a snapshot of a round after `round` (this plan, this lineage) is in the destination
/// repository: that round's restore brings the index back. A failed listing says no.
async fn later_round_reached(cx: &Cx<'_>, req: &Request, round: Round) -> bool {
    let Ok(listed) = cx.try_json::<Value>(req, &none()).await else {
        return false;
    };
    migrate_cluster::api::snapshot::snapshot_names(&listed)
        .iter()
        .filter_map(|n| round_of(&cx.env.plan, cx.env.options.lineage.as_deref(), n))
        .any(|r| r > round)
}

pub(super) async fn open(cx: &Cx<'_>, index: &str) -> Result<Outcome, StepError> {
    let r = planned::open(index);
    match statuses(cx, &r.status, index).await? {
        None => Err(cx.permanent(format!(
            "destination index `{index}` does not exist, so it cannot be opened; did the restore of this round run?"
        ))),
        Some(s) if s.iter().all(|s| s == "open") => Ok(Outcome::Done {
            outputs: json!({"index": index, "opened": false}),
        }),
        Some(_) => {
            cx.send(&r.open, &none(), &format!("opening `{index}`"))
                .await?;
            Ok(Outcome::Done {
                outputs: json!({"index": index, "opened": true}),
            })
        }
    }
}

pub(super) async fn wait_recovery(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    index: &str,
) -> Result<Outcome, StepError> {
    let dst = cx.client(Side::Destination);
    let r = planned::wait_recovery(index);
    let wait = cx.env.options.health_wait.max(Duration::from_secs(1));
    let fills = Fills::new().set(HEALTH_WAIT, format!("{}s", wait.as_secs()));
    let mut poll = cx.poller(ctx);
    let what = format!("the recovery of `{index}`");
    loop {
        if poll.is_cancelled() {
            return Err(poll.cancelled(&what));
        }
        // A wait that times out answers 408 with the health body.
        let health = match dst.execute_allowing(&r.health, &fills, &[408]).await {
            Ok(body) => migrate_cluster::decode::<Health>(&r.health, &body),
            Err(e) => Err(e),
        };
        match health {
            Ok(h) if !h.timed_out && h.status >= HealthStatus::Yellow => {
                match dst.json::<Value>(&r.recovery, &none()).await {
                    Ok(rec) if active_shards(&rec) == 0 => {
                        return Ok(Outcome::Done {
                            outputs: json!({"index": index, "health": h.status.as_str(), "active_shards": h.active_shards}),
                        });
                    }
                    Ok(rec) => {
                        poll.ok();
                        let moved = recovered(&rec);
                        poll.progress(
                            &what,
                            (
                                h.status.as_str(),
                                h.active_shards,
                                active_shards(&rec),
                                moved,
                            ),
                            &format!(
                                "{} shards recovering, {moved} bytes and files recovered",
                                active_shards(&rec)
                            ),
                        )?;
                        ctx.report(StepProgress {
                            done: None,
                            total: None,
                            unit: "shards",
                            message: Some(format!(
                                "{} shards of `{index}` recovering",
                                active_shards(&rec)
                            )),
                        });
                    }
                    Err(e) => {
                        poll.absorb(cx.fail(Side::Destination, &format!("reading {what}"), &e))?
                    }
                }
            }
            Ok(h) => {
                poll.ok();
                poll.progress(
                    &what,
                    (
                        h.status.as_str(),
                        h.active_shards,
                        h.relocating_shards,
                        h.timed_out,
                    ),
                    &format!(
                        "`{index}` {}, {} active shards",
                        h.status.as_str(),
                        h.active_shards
                    ),
                )?;
                ctx.report(StepProgress {
                    done: None,
                    total: None,
                    unit: "shards",
                    message: Some(format!(
                        "`{index}` is {}, waiting for yellow",
                        h.status.as_str()
                    )),
                });
            }
            Err(e) => {
                poll.absorb(cx.fail(Side::Destination, &format!("waiting for {what}"), &e))?
            }
        }
        poll.sleep(&what).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_from_snapshot_names() {
        assert_eq!(
            round_of("Movies to OSS", None, "movies-to-oss-round-2"),
            Some(Round::Number(2))
        );
        assert_eq!(
            round_of("Movies to OSS", None, "movies-to-oss-final"),
            Some(Round::Final)
        );
        assert_eq!(round_of("Movies to OSS", None, "other-round-1"), None);
        assert_eq!(
            round_of("movies", Some("0a1b2c3d"), "movies-0a1b2c3d-round-2"),
            Some(Round::Number(2))
        );
        assert_eq!(
            round_of("movies", Some("0a1b2c3d"), "movies-ffffffff-round-2"),
            None
        );
        assert!(Round::Final > Round::Number(9));
    }
}
