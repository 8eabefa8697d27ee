//! Running a reindex: batches from the source (local snapshot of matching documents, or a remote scroll)
//! written into the destination with `op_type`, conflict handling, `max_docs`, throttling and live counters.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::remote::{Origin, PulledDoc, RemoteScroll};
use super::request::{ReindexRequest, check_allowlist};
use super::script::{Target, target};
use crate::error::ApiError;
use crate::flavor::TypeMode;
use crate::model::cluster::Resolve;
use crate::search::context::RenderOptions;
use crate::search::exec::{self, SearchRequest, TrackTotal};
use crate::state::Shared;
use crate::tasks::Progress;
use crate::write::{DocWrite, WriteOptions, index_doc_with};

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
        let Some(doc) = c.searcher(idx).slot(h.slot) else {
            continue;
        };
        if !idx.stores_source() {
            return Err(ApiError::illegal_argument(format!(
                "[{}][{}] didn't store _source",
                idx.name, doc.id
            )));
        }
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
            meta: Some(Origin {
                index: idx.name.clone(),
                version: doc.version,
                routing: doc.routing.as_deref().map(str::to_string),
                seq_no: (doc.seq_no, doc.primary_term),
            }),
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
    if req.by_query
        && let Value::Object(m) = &mut v
    {
        // By-query responses have no `created`.
        m.remove("created");
    }
    let slices = p.slice_statuses();
    if !slices.is_empty() {
        v["slices"] = Value::Array(slices);
    }
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
    let slices = match (&mut source, req.slices) {
        (Source::Local { docs, .. }, n) if n != 1 => {
            let docs = std::mem::take(docs);
            let n = if n == 0 {
                auto_slices(&shared, &req)
            } else {
                n
            };
            let mut parts: Vec<Vec<PulledDoc>> = vec![Vec::new(); n as usize];
            for (i, d) in docs.into_iter().enumerate() {
                parts[i % n as usize].push(d);
            }
            parts
        }
        _ => Vec::new(),
    };
    let mut outcome = Copied::default();
    if slices.is_empty() {
        let counters = Counters {
            slice: &progress,
            parent: None,
        };
        match copy(&shared, &req, &mut source, &counters, &progress, 1.0).await {
            Ok(c) => outcome = c,
            Err(e) => return e,
        }
    } else {
        let n = slices.len();
        let children: Vec<Arc<Progress>> = (0..n)
            .map(|_| Arc::new(Progress::new(progress.rps().map(|r| r / n as f64))))
            .collect();
        for (child, docs) in children.iter().zip(&slices) {
            child.total.store(docs.len() as u64, Ordering::SeqCst);
        }
        progress.set_slices(children.clone());
        for (child, docs) in children.iter().zip(slices) {
            let mut part = Source::Local { docs, pos: 0 };
            let counters = Counters {
                slice: child,
                parent: Some(&progress),
            };
            match copy(&shared, &req, &mut part, &counters, &progress, n as f64).await {
                Ok(c) => {
                    outcome.failures.extend(c.failures);
                    if c.aborted {
                        outcome.aborted = true;
                        break;
                    }
                }
                Err(e) => return e,
            }
        }
    }
    let Copied { aborted, failures } = outcome;
    if req.refresh {
        let mut c = shared.cluster();
        let written: Vec<String> = if req.by_query {
            c.resolve(&req.source_indices.join(","), Resolve::default())
                .unwrap_or_default()
        } else {
            vec![req.dest_index.clone()]
        };
        let written: Vec<&str> = written.iter().map(String::as_str).collect();
        c.refresh_for(Some("true"), &written);
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

/// What one run of the batch loop left: whether it stopped on failures, and the failures.
#[derive(Default)]
struct Copied {
    aborted: bool,
    failures: Vec<Value>,
}

/// The counters a batch loop bumps: its slice's, and the parent's when sliced.
struct Counters<'a> {
    slice: &'a Progress,
    parent: Option<&'a Progress>,
}

impl Counters<'_> {
    fn add(&self, field: fn(&Progress) -> &std::sync::atomic::AtomicU64, n: u64) {
        field(self.slice).fetch_add(n, Ordering::SeqCst);
        if let Some(p) = self.parent {
            field(p).fetch_add(n, Ordering::SeqCst);
        }
    }
}

/// `slices=auto`: one slice per primary shard of the source (the fewest among several indexes).
fn auto_slices(shared: &Shared, req: &ReindexRequest) -> u64 {
    let c = shared.cluster();
    c.resolve(&req.source_indices.join(","), Resolve::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| c.indices.get(n))
        .map(|i| u64::from(i.shards()))
        .min()
        .unwrap_or(1)
}

/// Copies batches from `source` until it is drained, `max_docs` is reached, the task is
/// cancelled, or a failure stops it. `share`: the slice count (a slice runs at 1/share of the rate).
async fn copy(
    shared: &Shared,
    req: &ReindexRequest,
    source: &mut Source,
    counters: &Counters<'_>,
    control: &Progress,
    share: f64,
) -> Result<Copied, Outcome> {
    let product = shared.product;
    let progress = control;
    let limit = req.max_docs.unwrap_or(u64::MAX);
    let mut taken = 0u64;
    let mut failures: Vec<Value> = Vec::new();
    let mut aborted = false;
    while taken < limit && !progress.cancelled.load(Ordering::SeqCst) {
        let batch_start = Instant::now();
        let mut batch = match source.next(req.batch_size).await {
            Ok(b) => b,
            Err(e) => {
                if let Source::Remote(s, _) = source {
                    s.clear().await;
                }
                return Err((e.status, e.body()));
            }
        };
        if batch.is_empty() {
            break;
        }
        let room = (limit - taken) as usize;
        batch.truncate(room);
        taken += batch.len() as u64;
        // The batch's bulk waits for the destination's active copies.
        let written = if req.by_query {
            batch
                .first()
                .and_then(|d| d.meta.as_ref())
                .map(|m| m.index.clone())
        } else {
            Some(req.dest_index.clone())
        };
        if let Some(ix) = written {
            let n = batch.len();
            let describe =
                |i: &str| format!("BulkShardRequest [[{i}][0]] containing [{n}] requests");
            if let Err(e) = crate::active_shards::wait_for_active(
                shared,
                &ix,
                req.active_shards.as_deref(),
                req.timeout,
                describe,
            )
            .await
            {
                for d in &batch {
                    failures.push(failure(&ix, &d.id, &e, product.type_mode()));
                }
                counters.add(|p| &p.batches, 1);
                aborted = true;
                break;
            }
        }
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
                let target = match target(req, d) {
                    Ok(t) => t,
                    Err(e) => {
                        drop(c);
                        return Err((e.status, e.body()));
                    }
                };
                let target = match target {
                    Target::Noop => {
                        counters.add(|p| &p.noops, 1);
                        continue;
                    }
                    Target::Delete { index, id } => {
                        if crate::write::delete_doc(&mut c, &product, &index, ty.as_deref(), &id)
                            .is_ok_and(|r| r.result == "deleted")
                        {
                            counters.add(|p| &p.deleted, 1);
                        }
                        continue;
                    }
                    Target::Write(t) => t,
                };
                let ty = if req.by_query {
                    d.ty.clone().filter(|_| ty.is_some())
                } else {
                    ty
                };
                let w = DocWrite {
                    index: &target.index,
                    ty: ty.as_deref(),
                    id: target.id,
                    source: target.source,
                    create_only: req.create_only,
                    if_seq_no: target.if_seq_no,
                };
                let o = WriteOptions {
                    routing: target.routing,
                    ..Default::default()
                };
                match index_doc_with(&mut c, &product, w, o) {
                    Ok(r) if r.status == StatusCode::CREATED && !req.by_query => {
                        counters.add(|p| &p.created, 1);
                    }
                    Ok(_) => {
                        counters.add(|p| &p.updated, 1);
                    }
                    Err(e) if e.kind == "version_conflict_engine_exception" => {
                        counters.add(|p| &p.version_conflicts, 1);
                        if !req.proceed_on_conflict {
                            failures.push(failure(&target.index, &d.id, &e, product.type_mode()));
                        }
                    }
                    Err(e) => failures.push(failure(&target.index, &d.id, &e, product.type_mode())),
                }
            }
        }
        counters.add(|p| &p.batches, 1);
        if !failures.is_empty() {
            aborted = true;
            break;
        }
        // Throttle: wait until the batch has taken `docs / requests_per_second`; re-read the rate in
        // short slices so a rethrottle takes effect at once.
        // A slice runs at its share of the rate. When a rethrottle changes the rate mid-wait, the
        // servers reschedule the wait and count only the rescheduled delay.
        let worked = batch_start.elapsed();
        let mut counted_from = worked;
        let mut rate = progress.rps();
        while let Some(rps) = progress.rps() {
            if Some(rps) != rate {
                rate = Some(rps);
                counted_from = batch_start.elapsed();
            }
            let wanted = Duration::from_secs_f64(batch.len() as f64 * share / rps);
            let spent = batch_start.elapsed();
            if spent >= wanted || progress.cancelled.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep((wanted - spent).min(Duration::from_millis(50))).await;
        }
        if progress.rps() != rate {
            counted_from = batch_start.elapsed();
        }
        let throttled = batch_start.elapsed().saturating_sub(counted_from);
        counters.add(|p| &p.throttled_millis, throttled.as_millis() as u64);
    }
    Ok(Copied { aborted, failures })
}

fn failure(index: &str, id: &str, e: &ApiError, mode: TypeMode) -> Value {
    let mut v = json!({"index": index, "id": id, "cause": e.cause(), "status": e.status.as_u16()});
    if mode != TypeMode::None {
        v["type"] = json!("_doc");
    }
    v
}
