//! `_update_by_query` without a script: every matching document is written again as it is (a new
//! version and sequence number), synchronously or as a task, with the options of
//! [`super::by_query`]. A request with a script is refused: the sandbox runs no scripts.

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::by_query::ByQuery;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::cluster::Resolve;
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
    if body.as_ref().and_then(|b| b.get("script")).is_some() {
        return Err(ApiError::illegal_argument(
            "the sandbox runs no scripts: _update_by_query with a script is not supported",
        ));
    }
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
        let mut updated = 0u64;
        for h in &hits {
            let Some(index) = names
                .get(h.index as usize)
                .and_then(|n| c.indices.get_mut(n))
            else {
                continue;
            };
            let term = index.primary_term;
            let Some(doc) = index.docs.slot(h.slot).cloned() else {
                continue;
            };
            index
                .docs
                .put(&doc.id, doc.ty.clone(), doc.source.clone(), term);
            updated += 1;
        }
        progress.updated.store(updated, Ordering::SeqCst);
        let batches = u64::from(!hits.is_empty());
        progress.batches.store(batches, Ordering::SeqCst);
        Ok(json!({
            "took": start.elapsed().as_millis() as u64, "timed_out": false, "total": hits.len(),
            "updated": updated, "deleted": 0, "batches": batches, "version_conflicts": 0, "noops": 0,
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
