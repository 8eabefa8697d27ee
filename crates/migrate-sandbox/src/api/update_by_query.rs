//! `_update_by_query`: every matching document is written again (a new version and sequence
//! number), as it is or as its Painless script leaves it (`ctx.op` `noop` or `delete` counted
//! apart; changing `_id`, `_index` or `_version` is refused as the servers refuse it), in batches of
//! `scroll_size`, synchronously or as a task, with the options of [`super::by_query`].

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::by_query::ByQuery;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::cluster::Resolve;
use crate::model::{Doc, VersionSet};
use crate::painless::{Script, ScrollOp, scroll_outcome};
use crate::router::RouteTable;
use crate::search::exec::{self, SearchRequest};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(
        Method::POST,
        "/{index}/_update_by_query",
        "update_by_query",
        update_by_query,
    );
}

async fn update_by_query(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let body = ctx.json()?;
    let opts = ByQuery::parse(body.as_ref(), &ctx.query)?;
    let script = match body.as_ref().and_then(|b| b.get("script")) {
        Some(v) => Some(Script::from_request(v, &ctx.shared.cluster())?),
        None => None,
    };
    let query_body = body.as_ref().map(|b| {
        let mut q = serde_json::Map::new();
        if let Some(v) = b.get("query") {
            q.insert("query".into(), v.clone());
        }
        Value::Object(q)
    });
    let mut req = SearchRequest::parse(query_body.as_ref(), &Default::default(), &p)?;
    req.sort.clear();
    let expr = ctx.param("index").to_string();
    let (id, progress) = ctx.shared.tasks().start(
        "indices:data/write/update/byquery",
        format!("update-by-query [{expr}]"),
        None,
    );
    let outcome = (|| -> ApiResult<Value> {
        let mut c = ctx.shared.cluster();
        let names = c.resolve(&expr, Resolve::default())?;
        for n in &names {
            if let Some(i) = c.indices.get(n) {
                if !i.is_open() {
                    return Err(ApiError::index_closed(n, &i.uuid));
                }
                if i.write_blocked() {
                    return Err(ApiError::write_blocked(n, p.is_opensearch()));
                }
            }
        }
        req.alias_filters = crate::search::alias_filter::alias_filters(&c, &expr)?;
        exec::validate(&c, &names, &req)?;
        let mut hits = exec::run(&c, &names, &req);
        if let Some(m) = opts.max_docs {
            hits.truncate(usize::try_from(m).unwrap_or(usize::MAX));
        }
        progress.total.store(hits.len() as u64, Ordering::SeqCst);
        let mut n = Counts::default();
        for h in &hits {
            let Some(index) = names
                .get(h.index as usize)
                .and_then(|n| c.indices.get_mut(n))
            else {
                continue;
            };
            let Some(doc) = index.docs.slot(h.slot).cloned() else {
                continue;
            };
            match apply(script.as_ref(), &index.name, &doc)? {
                (ScrollOp::Index, source) => {
                    let term = index.primary_term;
                    index.docs.put_with(
                        &doc.id,
                        doc.ty.clone(),
                        source,
                        term,
                        doc.routing.clone(),
                        VersionSet::Next,
                    );
                    n.updated += 1;
                }
                (ScrollOp::Noop, _) => n.noops += 1,
                (ScrollOp::Delete, _) => {
                    index.docs.delete(&doc.ty, &doc.id);
                    n.deleted += 1;
                }
            }
        }
        progress.updated.store(n.updated, Ordering::SeqCst);
        let batches = (hits.len() as u64).div_ceil(opts.scroll_size).max(1);
        progress.batches.store(batches, Ordering::SeqCst);
        let (updated, deleted, noops) = (n.updated, n.deleted, n.noops);
        Ok(json!({
            "took": start.elapsed().as_millis() as u64, "timed_out": false, "total": hits.len(),
            "updated": updated, "deleted": deleted, "batches": batches, "version_conflicts": 0, "noops": noops,
            "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0, "requests_per_second": -1.0,
            "throttled_until_millis": 0, "failures": []
        }))
    })();
    if ctx.q("wait_for_completion") == Some("false") {
        let result = match &outcome {
            Ok(r) => Ok(r.clone()),
            Err(e) => Err(e.body()["error"].clone()),
        };
        crate::task_results::store(&ctx.shared, id, &result);
        ctx.shared.tasks().finish(id, result);
        return Reply::ok(json!({"task": format!("{}:{id}", ctx.shared.node_id)}));
    }
    ctx.shared.tasks().tasks.remove(&id);
    Ok(Reply::Json(StatusCode::OK, outcome?))
}

#[derive(Default)]
struct Counts {
    updated: u64,
    deleted: u64,
    noops: u64,
}

/// Runs the script (if any) on one document: what to do with it and the source to write.
fn apply(script: Option<&Script>, index: &str, doc: &Doc) -> ApiResult<(ScrollOp, bytes::Bytes)> {
    let Some(script) = script else {
        return Ok((ScrollOp::Index, doc.source.clone()));
    };
    let source: Value = serde_json::from_slice(&doc.source).unwrap_or(Value::Null);
    let before = json!({
        "_index": index, "_id": doc.id.as_ref(), "_version": doc.version,
        "_routing": doc.routing.as_deref(), "_source": source, "op": "index",
    });
    let after = script.execute(before.clone())?;
    for key in ["_id", "_index", "_version"] {
        if after.get(key) != before.get(key) {
            return Err(ApiError::illegal_argument(format!(
                "Modifying [{key}] not allowed"
            )));
        }
    }
    let op = scroll_outcome(&after)?;
    let bytes = serde_json::to_vec(&after["_source"]).unwrap_or_default();
    Ok((op, bytes::Bytes::from(bytes)))
}
