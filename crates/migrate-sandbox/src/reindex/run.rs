//! Running a reindex: batches from the source (local snapshot of matching documents, or a remote scroll)
//! written into the destination with `op_type`, conflict handling, `max_docs`, throttling and live counters.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::remote::{PulledDoc, RemoteScroll};
use super::request::{ReindexRequest, check_allowlist};
use crate::error::ApiError;
use crate::flavor::TypeMode;
use crate::model::cluster::Resolve;
use crate::search::context::RenderOptions;
use crate::search::exec::{self, SearchRequest, TrackTotal};
use crate::state::Shared;
use crate::tasks::Progress;
use crate::write::{DocWrite, index_doc};

/// The outcome: HTTP status and body (the reindex response, or an error body).
pub type Outcome = (StatusCode, Value);

enum Source {
    Local { docs: Vec<PulledDoc>, pos: usize },
    Remote(Box<RemoteScroll>, Option<Vec<PulledDoc>>),
}

impl Source {
    async fn next(&mut self, size: usize) -> Result<Vec<PulledDoc>, ApiError> {
        match self {
            Source::Local { docs, pos } => {
                let end = (*pos + size).min(docs.len());
                let out = docs[*pos..end].to_vec();
                *pos = end;
                Ok(out)
            }
            Source::Remote(scroll, first) => match first.take() {
                Some(f) => Ok(f),
                None => scroll.next().await,
            },
        }
    }
}

fn local_docs(shared: &Shared, req: &ReindexRequest) -> Result<Vec<PulledDoc>, ApiError> {
    let c = shared.cluster();
    let names = c.resolve(&req.source_indices.join(","), Resolve::default())?;
    for n in &names {
        if let Some(i) = c.indices.get(n)
            && !i.is_open()
        {
            return Err(ApiError::index_closed(n, &i.uuid));
        }
    }
    let search = SearchRequest {
        query: req.query.clone(),
        size: usize::MAX,
        from: 0,
        sort: vec![],
        search_after: None,
        render: RenderOptions::default(),
        track_total: TrackTotal::Exact,
        pit: None,
        types: Vec::new(),
        alias_filters: crate::search::alias_filter::alias_filters(
            &c,
            &req.source_indices.join(","),
        )?,
    };
    exec::validate(&c, &names, &search)?;
    let hits = exec::run(&c, &names, &search);
    let limit = req.max_docs.map(|m| m as usize).unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(hits.len().min(limit));
    for h in hits.into_iter().take(limit) {
        let Some(idx) = names.get(h.index as usize).and_then(|n| c.indices.get(n)) else {
            continue;
        };
        let Some(doc) = idx.docs.slot(h.slot) else {
            continue;
        };
        let source = if req.source_filter.is_identity() {
            doc.source.clone()
        } else {
            let v: Value = serde_json::from_slice(&doc.source).unwrap_or(Value::Null);
            bytes::Bytes::from(
                serde_json::to_vec(&req.source_filter.filter(&v)).unwrap_or_default(),
            )
        };
        out.push(PulledDoc {
            id: doc.id.to_string(),
            ty: Some(doc.ty.to_string()),
            source,
            meta: Some((
                idx.name.clone(),
                doc.version,
                doc.routing.as_deref().map(str::to_string),
            )),
        });
    }
    Ok(out)
}

fn body(req: &ReindexRequest, p: &Progress, took: u128, failures: Vec<Value>) -> Value {
    let g = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::SeqCst);
    let mut v = json!({
        "took": took as u64, "timed_out": false, "total": g(&p.total), "updated": g(&p.updated), "created": g(&p.created),
        "deleted": g(&p.deleted), "batches": g(&p.batches), "version_conflicts": g(&p.version_conflicts), "noops": g(&p.noops),
        "retries": {"bulk": g(&p.bulk_retries), "search": g(&p.search_retries)}, "throttled_millis": g(&p.throttled_millis),
        "requests_per_second": p.rps().unwrap_or(-1.0), "throttled_until_millis": 0, "failures": failures
    });
    if p.cancelled.load(Ordering::SeqCst) {
        v["canceled"] = json!("by user request");
    }
    let _ = req;
    v
}

/// Runs the reindex to completion and returns the response (200) or the failure (409, 4xx, 5xx).
pub async fn run_reindex(
    shared: Arc<Shared>,
    req: ReindexRequest,
    progress: Arc<Progress>,
) -> Outcome {
    let start = Instant::now();
    let product = shared.product;
    let mut source = match &req.remote {
        Some(remote) => {
            let setting = shared
                .cluster()
                .setting(product.allowlist_setting())
                .cloned();
            if let Err(e) = check_allowlist(
                &remote.host_port,
                setting.as_ref(),
                product.allowlist_setting(),
                product.allowlist_verb(),
            ) {
                return (e.status, e.body());
            }
            match RemoteScroll::open(
                progress.clone(),
                shared.http.clone(),
                remote.clone(),
                &req.source_indices,
                req.query_raw.as_ref(),
                req.source_filter_raw.as_ref(),
                req.batch_size,
            )
            .await
            {
                Ok((scroll, first)) => {
                    let total = req.max_docs.map_or(scroll.total, |m| m.min(scroll.total));
                    progress.total.store(total, Ordering::SeqCst);
                    Source::Remote(Box::new(scroll), Some(first))
                }
                Err(e) => return (e.status, e.body()),
            }
        }
        None => match local_docs(&shared, &req) {
            Ok(docs) => {
                progress.total.store(docs.len() as u64, Ordering::SeqCst);
                Source::Local { docs, pos: 0 }
            }
            Err(e) => return (e.status, e.body()),
        },
    };
    let limit = req.max_docs.unwrap_or(u64::MAX);
    let mut taken = 0u64;
    let mut failures: Vec<Value> = Vec::new();
    let mut aborted = false;
    while taken < limit && !progress.cancelled.load(Ordering::SeqCst) {
        let batch_start = Instant::now();
        let mut batch = match source.next(req.batch_size).await {
            Ok(b) => b,
            Err(e) => {
                if let Source::Remote(s, _) = &mut source {
                    s.clear().await;
                }
                return (e.status, e.body());
            }
        };
        if batch.is_empty() {
            break;
        }
        let room = (limit - taken) as usize;
        batch.truncate(room);
        taken += batch.len() as u64;
        {
            let mut c = shared.cluster();
            for d in batch.iter() {
                let ty = match product.type_mode() {
                    TypeMode::Multi | TypeMode::Single => req
                        .dest_type
                        .clone()
                        .or_else(|| d.ty.clone())
                        .filter(|t| t != "_doc")
                        .or(Some("doc".into())),
                    _ => None,
                };
                let target = match scripted(req.script.as_ref(), d, &req.dest_index) {
                    Ok(t) => t,
                    Err(e) => {
                        drop(c);
                        return (e.status, e.body());
                    }
                };
                let target = match target {
                    Target::Noop => {
                        progress.noops.fetch_add(1, Ordering::SeqCst);
                        continue;
                    }
                    Target::Delete { index, id } => {
                        if crate::write::delete_doc(&mut c, &product, &index, ty.as_deref(), &id)
                            .is_ok_and(|r| r.result == "deleted")
                        {
                            progress.deleted.fetch_add(1, Ordering::SeqCst);
                        }
                        continue;
                    }
                    Target::Write(t) => t,
                };
                let w = DocWrite {
                    index: &target.index,
                    ty: ty.as_deref(),
                    id: target.id,
                    source: target.source,
                    create_only: req.create_only,
                    if_seq_no: None,
                    routing: target.routing,
                    ..Default::default()
                };
                match index_doc(&mut c, &product, w) {
                    Ok(r) if r.status == StatusCode::CREATED => {
                        progress.created.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(_) => {
                        progress.updated.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(e) if e.kind == "version_conflict_engine_exception" => {
                        progress.version_conflicts.fetch_add(1, Ordering::SeqCst);
                        if !req.proceed_on_conflict {
                            failures.push(failure(&req.dest_index, &d.id, &e, product.type_mode()));
                        }
                    }
                    Err(e) => {
                        failures.push(failure(&req.dest_index, &d.id, &e, product.type_mode()))
                    }
                }
            }
        }
        progress.batches.fetch_add(1, Ordering::SeqCst);
        if !failures.is_empty() {
            aborted = true;
            break;
        }
        // Throttle: wait until the batch has taken `docs / requests_per_second`; re-read the rate in
        // short slices so a rethrottle takes effect at once.
        let worked = batch_start.elapsed();
        while let Some(rps) = progress.rps() {
            let wanted = Duration::from_secs_f64(batch.len() as f64 / rps);
            let spent = batch_start.elapsed();
            if spent >= wanted || progress.cancelled.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep((wanted - spent).min(Duration::from_millis(50))).await;
        }
        let throttled = batch_start.elapsed().saturating_sub(worked);
        progress
            .throttled_millis
            .fetch_add(throttled.as_millis() as u64, Ordering::SeqCst);
    }
    if let Source::Remote(s, _) = &mut source {
        s.clear().await;
    }
    let status = if aborted {
        failures
            .first()
            .and_then(|f| f["status"].as_u64())
            .and_then(|s| StatusCode::from_u16(s as u16).ok())
            .unwrap_or(StatusCode::CONFLICT)
    } else {
        StatusCode::OK
    };
    (
        status,
        body(&req, &progress, start.elapsed().as_millis(), failures),
    )
}

fn failure(index: &str, id: &str, e: &ApiError, mode: TypeMode) -> Value {
    let mut v = json!({"index": index, "id": id, "cause": e.cause(), "status": e.status.as_u16()});
    if mode != TypeMode::None {
        v["type"] = json!("_doc");
    }
    v
}

/// Where one pulled document goes after the script.
enum Target {
    Write(Write),
    Noop,
    Delete { index: String, id: String },
}

struct Write {
    index: String,
    id: Option<String>,
    routing: Option<String>,
    source: bytes::Bytes,
}

/// Runs the reindex script (if any) on a pulled document: `ctx._index`, `_id`, `_routing` choose
/// the destination (`_id = null`: a generated id), `ctx.op` may skip or delete it.
fn scripted(
    script: Option<&crate::painless::Script>,
    d: &PulledDoc,
    dest: &str,
) -> Result<Target, ApiError> {
    let (src_index, version, routing) = d.meta.clone().unwrap_or_default();
    let Some(script) = script else {
        return Ok(Target::Write(Write {
            index: dest.to_string(),
            id: Some(d.id.clone()),
            routing,
            source: d.source.clone(),
        }));
    };
    let source: Value = serde_json::from_slice(&d.source).unwrap_or(Value::Null);
    let ctx = json!({
        "_index": src_index, "_id": d.id, "_version": version, "_routing": routing,
        "_source": source, "op": "index",
    });
    let out = script.execute(ctx)?;
    let op = crate::painless::scroll_outcome(&out)?;
    let text = |k: &str| {
        out.get(k)
            .filter(|v| !v.is_null())
            .map(crate::painless::to_java_string)
    };
    // The destination index stays `dest` unless the script changed `_index`.
    let index = match text("_index") {
        Some(i) if i != src_index => i,
        _ => dest.to_string(),
    };
    let id = text("_id");
    Ok(match op {
        crate::painless::ScrollOp::Noop => Target::Noop,
        crate::painless::ScrollOp::Delete => Target::Delete {
            index,
            id: id.unwrap_or_default(),
        },
        crate::painless::ScrollOp::Index => Target::Write(Write {
            index,
            id,
            routing: text("_routing"),
            source: bytes::Bytes::from(serde_json::to_vec(&out["_source"]).unwrap_or_default()),
        }),
    })
}
