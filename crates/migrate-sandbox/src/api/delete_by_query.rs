//! `_delete_by_query`: deletes the documents matching a query, synchronously or as a task.

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::cluster::Resolve;
use crate::router::RouteTable;
use crate::search::exec::{self, SearchRequest};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(
        Method::POST,
        "/{index}/_delete_by_query",
        "delete_by_query",
        delete_by_query,
    );
}

async fn delete_by_query(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let body = ctx.json()?;
    let opts = super::by_query::ByQuery::parse(body.as_ref(), &ctx.query)?;
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
        "indices:data/write/delete/byquery",
        format!("delete-by-query [{expr}]"),
        None,
    );
    // As in Elasticsearch, index resolution happens inside the task: with
    // `wait_for_completion=false` a missing or closed index still answers a task id, and the
    // failure becomes the task's `error`.
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
        let mut deleted = 0u64;
        for h in hits {
            let Some(name) = names.get(h.index as usize) else {
                continue;
            };
            let Some(index) = c.indices.get_mut(name) else {
                continue;
            };
            let Some((ty, doc_id)) = index
                .docs
                .slot(h.slot)
                .map(|d| (d.ty.to_string(), d.id.to_string()))
            else {
                continue;
            };
            if index.docs.delete(&ty, &doc_id).is_some() {
                deleted += 1;
            }
        }
        let touched: Vec<&str> = names.iter().map(String::as_str).collect();
        c.refresh_for(ctx.q("refresh"), &touched);
        progress.deleted.store(deleted, Ordering::SeqCst);
        progress
            .batches
            .store(u64::from(deleted > 0), Ordering::SeqCst);
        Ok(json!({
            "took": start.elapsed().as_millis() as u64, "timed_out": false, "total": deleted, "deleted": deleted, "batches": u64::from(deleted > 0),
            "version_conflicts": 0, "noops": 0, "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0,
            "requests_per_second": -1.0, "throttled_until_millis": 0, "failures": []
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
