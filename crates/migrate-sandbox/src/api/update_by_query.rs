//! `_update_by_query`: every matching document is written back to its index (a new version and
//! sequence number), as it is or as its Painless script leaves it, by the reindex engine: batches
//! of `scroll_size`, throttling and rethrottling, slices with per-slice status, `conflicts`, a
//! version conflict when a document changed after it was read, synchronously or as a task, with
//! the options of [`super::by_query`].

use axum::http::Method;
use serde_json::{Map, json};

use super::by_query::ByQuery;
use super::reindex::start_task;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::cluster::Resolve;
use crate::painless::Script;
use crate::reindex::ReindexRequest;
use crate::router::RouteTable;

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
    let p = ctx.shared.product;
    let body = ctx.json()?;
    let opts = ByQuery::parse(body.as_ref(), &ctx.query)?;
    if body.as_ref().and_then(|b| b.get("stored_fields")).is_some() {
        return Err(ApiError::illegal_argument(
            "stored_fields is not supported in this context",
        ));
    }
    let expr = ctx.param("index").to_string();
    let script = match body.as_ref().and_then(|b| b.get("script")) {
        Some(v) => Some(Script::from_request(v, &ctx.shared.cluster())?),
        None => None,
    };
    {
        let c = ctx.shared.cluster();
        for n in &c.resolve(&expr, Resolve::default())? {
            if let Some(i) = c.indices.get(n) {
                if !i.is_open() {
                    return Err(ApiError::index_closed(n, &i.uuid));
                }
                if i.write_blocked() {
                    return Err(ApiError::write_blocked(n, p.is_opensearch()));
                }
            }
        }
    }
    // The same request as a reindex of the index into itself.
    let mut source = Map::new();
    source.insert("index".into(), json!(expr));
    if let Some(q) = body.as_ref().and_then(|b| b.get("query")) {
        source.insert("query".into(), q.clone());
    }
    source.insert("size".into(), json!(opts.scroll_size));
    let mut as_reindex = json!({"source": source, "dest": {"index": expr}});
    if opts.proceed {
        as_reindex["conflicts"] = json!("proceed");
    }
    if let Some(m) = opts.max_docs {
        as_reindex["max_docs"] = json!(m);
    }
    let mut params = ctx.query.clone();
    params.remove("max_docs");
    params.remove("conflicts");
    let mut req = ReindexRequest::parse(&as_reindex, &params)?;
    req.by_query = true;
    req.script = script;
    let description = format!("update-by-query [{expr}]");
    start_task(&ctx, req, "indices:data/write/update/byquery", description).await
}
