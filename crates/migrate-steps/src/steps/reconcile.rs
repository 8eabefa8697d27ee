//! `reconcile-deletes`: after the final pass, while the source write block holds, the documents
//! the destination has and the source no longer has (deleted on the source during the migration)
//! are deleted from the destination.
//!
//! Per concrete index: the destination refreshed, the `_id`s and routings of both sides streamed
//! by the scan reader (no `_source`) into a `migrate_proof::Proof` (bucket digests, spill, drill-down:
//! memory bounded whatever the index size), the ids only the destination has written to a JSONL
//! file under the work directory (`reconcile-deletes/<step>.jsonl`, kept: the list of what was
//! deleted), then read back and deleted with `_bulk` delete actions by id, routing kept (`_type`
//! on a 5.x/6.x destination: each of its mapping types). Idempotent and resumable without a
//! handle: a re-run after any interruption computes the difference again (the deleted ids are
//! gone from it) and deletes what is left; deleting an id that is already gone is a `not_found`
//! item, not an error.

use std::io::BufRead;
use std::path::Path;

use bytes::Bytes;
use migrate_cluster::MappingTypes;
use migrate_cluster::api::indices::mappings;
use migrate_cluster::bulk::response::{ItemOutcome, parse};
use migrate_core::Side;
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::StepKind;
use migrate_graph::requests::reconcile::{Reconcile, reconcile};
use migrate_proof::{Findings, NoDeadLetters, Proof, ProofConfig, Side as ProofSide};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::verify::work_file;
use crate::cx::{Cx, none};
use crate::pairs::{Pair, pairs};
use crate::proof::{EXAMPLES, feed_side};

/// Delete actions per `_bulk` request.
const BATCH: usize = 1000;
/// Sends of one batch after it was rejected for load.
const MAX_ATTEMPTS: u32 = 5;

/// One line of the findings file the proof wrote (only what the deletes need).
#[derive(Deserialize)]
struct Line {
    index: String,
    id: String,
    kind: String,
    #[serde(default)]
    routing: Option<String>,
}

/// What one index's reconciliation did.
#[derive(Debug, Default, Serialize)]
struct Done {
    source: String,
    destination: String,
    source_docs: u64,
    destination_docs: u64,
    /// Ids on the destination and not on the source.
    extra: u64,
    /// Delete actions sent (one per extra id and mapping type).
    deletes_sent: u64,
    /// Of which the destination deleted (the others were gone already).
    deleted: u64,
    examples: Vec<String>,
}

pub(super) async fn run(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    let StepKind::ReconcileDeletes {
        source_index,
        destination_index,
    } = &cx.step.kind
    else {
        return Err(cx.permanent("not a reconcile-deletes step"));
    };
    let path = work_file(cx, "reconcile-deletes")?;
    let dir = path.parent().unwrap_or(&path).to_owned();
    let mut done = Vec::new();
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let r = reconcile(&p.source, &p.destination);
        let d = one(cx, ctx, &p, &r, &path, &dir).await?;
        done.push(d);
    }
    let sent: u64 = done.iter().map(|d| d.deletes_sent).sum();
    let extra: u64 = done.iter().map(|d| d.extra).sum();
    if extra > 0 {
        tracing::info!(step = cx.id(), extra, sent, file = %path.display(), "deleted from the destination the documents the source no longer has");
    }
    Ok(Outcome::Done {
        outputs: json!({
            "extra": extra,
            "deletes_sent": sent,
            "deleted_ids_file": (extra > 0).then(|| path.display().to_string()),
            "indexes": done,
        }),
    })
}

/// Reconciles one concrete index pair.
async fn one(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    p: &Pair,
    r: &Reconcile,
    path: &Path,
    dir: &Path,
) -> Result<Done, StepError> {
    let (s, d) = (p.source.as_str(), p.destination.as_str());
    cx.send(&r.refresh, &none(), &format!("refreshing `{d}`"))
        .await?;
    let proof = Proof::new(ProofConfig::default(), dir)
        .map_err(|e| cx.permanent(format!("preparing the id comparison of `{d}`: {e}")))?;
    let (src_docs, dst_docs) = tokio::try_join!(
        feed_side(
            cx.client(Side::Source),
            r.source.clone(),
            proof.side(ProofSide::Source)
        ),
        feed_side(
            cx.client(Side::Destination),
            r.destination.clone(),
            proof.side(ProofSide::Destination)
        ),
    )
    .map_err(|e| cx.retryable(e))?;
    let mut findings = Findings::create(path, EXAMPLES)
        .map_err(|e| cx.permanent(format!("the list of ids to delete: {e}")))?;
    let diff = proof
        .compare(d, &mut findings, &NoDeadLetters)
        .map_err(|e| cx.permanent(format!("comparing the ids of `{s}` and `{d}`: {e}")))?;
    findings
        .finish()
        .map_err(|e| cx.permanent(format!("the list of ids to delete: {e}")))?;
    let mut done = Done {
        source: s.to_owned(),
        destination: d.to_owned(),
        source_docs: src_docs,
        destination_docs: dst_docs,
        extra: diff.extra.count,
        examples: diff.extra.examples.clone(),
        ..Done::default()
    };
    if diff.extra.count == 0 {
        return Ok(done);
    }
    let types = delete_types(cx, r, d).await?;
    let file = std::fs::File::open(path)
        .map_err(|e| cx.permanent(format!("reading `{}`: {e}", path.display())))?;
    let mut batch: Vec<(String, Option<String>)> = Vec::with_capacity(BATCH);
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| cx.permanent(format!("reading `{}`: {e}", path.display())))?;
        let l: Line = serde_json::from_str(&line)
            .map_err(|e| cx.permanent(format!("a line of `{}` is damaged: {e}", path.display())))?;
        if l.kind != "extra" || l.index != d {
            continue;
        }
        batch.push((l.id, l.routing));
        if batch.len() * types.len().max(1) >= BATCH {
            flush(cx, ctx, r, d, &types, &mut batch, &mut done).await?;
        }
    }
    flush(cx, ctx, r, d, &types, &mut batch, &mut done).await?;
    Ok(done)
}

/// The `_type` each delete action names: none on a typeless destination, each mapping type of
/// the index on 5.x/6.x (deleting an id under a type that lacks it is a harmless `not_found`).
async fn delete_types(cx: &Cx<'_>, r: &Reconcile, d: &str) -> Result<Vec<String>, StepError> {
    let quirks = cx
        .client(Side::Destination)
        .quirks()
        .await
        .map_err(|e| cx.fail(Side::Destination, "reading the destination's version", &e))?;
    match quirks.mapping_types() {
        MappingTypes::TypelessWithParam | MappingTypes::Typeless => Ok(Vec::new()),
        MappingTypes::Multiple | MappingTypes::Single => {
            let v: Value = cx
                .json(
                    &r.mapping,
                    &none(),
                    &format!("reading the mapping of `{d}`"),
                )
                .await?;
            let mut types: Vec<String> = mappings(v)
                .unwrap_or_default()
                .into_iter()
                .flat_map(|(_, m)| m.types)
                .collect();
            types.sort();
            types.dedup();
            if types.is_empty() {
                types.push(quirks.default_type_name().to_owned());
            }
            Ok(types)
        }
    }
}

/// The NDJSON delete actions of `batch`.
fn lines(d: &str, types: &[String], batch: &[(String, Option<String>)]) -> (Bytes, usize) {
    let mut out = Vec::new();
    let mut n = 0;
    let typed: Vec<Option<&str>> = if types.is_empty() {
        vec![None]
    } else {
        types.iter().map(|t| Some(t.as_str())).collect()
    };
    for (id, routing) in batch {
        for ty in &typed {
            let mut action = serde_json::Map::new();
            action.insert("_index".into(), json!(d));
            if let Some(t) = ty {
                action.insert("_type".into(), json!(t));
            }
            action.insert("_id".into(), json!(id));
            if let Some(r) = routing {
                action.insert("routing".into(), json!(r));
            }
            let line = json!({ "delete": action });
            out.extend_from_slice(line.to_string().as_bytes());
            out.push(b'\n');
            n += 1;
        }
    }
    (Bytes::from(out), n)
}

/// Sends the batch's deletes (again, whole, while items are rejected for load) and empties it.
async fn flush(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    r: &Reconcile,
    d: &str,
    types: &[String],
    batch: &mut Vec<(String, Option<String>)>,
    done: &mut Done,
) -> Result<(), StepError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (body, n) = lines(d, types, batch);
    let doing = format!("deleting from `{d}` the documents the source no longer has");
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (status, answer) = cx
            .client(Side::Destination)
            .send_ndjson(&r.bulk, &none(), body.clone())
            .await
            .map_err(|e| cx.fail(Side::Destination, &doing, &e))?;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&answer);
            let text: String = text.chars().take(500).collect();
            return Err(cx.retryable(format!("{doing}: HTTP {status}: {text}")));
        }
        let items = parse(&answer, n).map_err(|e| cx.permanent(format!("{doing}: {e}")))?;
        let gone = gone_items(&answer);
        let mut busy = false;
        for (k, item) in items.iter().enumerate() {
            match item {
                ItemOutcome::Written => {}
                _ if gone.get(k).copied().unwrap_or(false) => {}
                ItemOutcome::Retry { .. } => busy = true,
                ItemOutcome::Refused {
                    status,
                    error_type,
                    reason,
                }
                | ItemOutcome::Fatal {
                    status,
                    error_type,
                    reason,
                } => {
                    return Err(cx.permanent(format!(
                        "{doing}: the destination refused a delete ({status} {error_type}: {reason})"
                    )));
                }
            }
        }
        if busy && attempt < MAX_ATTEMPTS {
            tokio::time::sleep(std::time::Duration::from_millis(100 << attempt)).await;
            continue;
        }
        if busy {
            return Err(cx.retryable(format!(
                "{doing}: the destination is too busy ({MAX_ATTEMPTS} attempts)"
            )));
        }
        done.deletes_sent += n as u64;
        done.deleted += items_found(&answer);
        break;
    }
    batch.clear();
    ctx.report(StepProgress {
        done: Some(done.deletes_sent),
        total: Some(done.extra * types.len().max(1) as u64),
        unit: "deletes",
        message: None,
    });
    Ok(())
}

/// The delete item of each entry of a bulk answer's `items`.
fn delete_items(answer: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(answer).unwrap_or(Value::Null);
    v.get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|i| i.get("delete").cloned().unwrap_or(Value::Null))
                .collect()
        })
        .unwrap_or_default()
}

/// Items of a bulk answer whose result is `deleted` (a `not_found` one was gone already).
fn items_found(answer: &[u8]) -> u64 {
    delete_items(answer)
        .iter()
        .filter(|d| {
            d.get("result").and_then(Value::as_str) == Some("deleted")
                || d.get("found") == Some(&Value::Bool(true))
        })
        .count() as u64
}

/// Per item, whether it is a `404` without an error: the document was gone already.
fn gone_items(answer: &[u8]) -> Vec<bool> {
    delete_items(answer)
        .iter()
        .map(|d| d.get("status").and_then(Value::as_u64) == Some(404) && d.get("error").is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_actions_keep_the_routing_and_name_each_type_on_a_typed_destination() {
        let batch = vec![
            ("a\"1".to_owned(), Some("u7".to_owned())),
            ("b".to_owned(), None),
        ];
        let (body, n) = lines("films", &[], &batch);
        assert_eq!(n, 2);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "{\"delete\":{\"_index\":\"films\",\"_id\":\"a\\\"1\",\"routing\":\"u7\"}}\n{\"delete\":{\"_index\":\"films\",\"_id\":\"b\"}}\n"
        );
        let (body, n) = lines("films", &["doc".into(), "movie".into()], &batch[1..]);
        assert_eq!(n, 2);
        let text = std::str::from_utf8(&body).unwrap();
        assert!(text.contains("\"_type\":\"doc\"") && text.contains("\"_type\":\"movie\""));
    }

    #[test]
    fn only_deleted_items_count_as_deleted() {
        let answer = br#"{"errors":false,"items":[{"delete":{"_id":"a","status":200,"result":"deleted"}},{"delete":{"_id":"b","status":404,"result":"not_found"}},{"delete":{"_id":"c","status":200,"found":true}}]}"#;
        assert_eq!(items_found(answer), 2);
        assert_eq!(gone_items(answer), [false, true, false]);
    }
}
