//! Data streams: `PUT /_data_stream/{name}` (a matching composable template with
//! `data_stream: {}` is required), `GET /_data_stream[/{name}]`, `DELETE /_data_stream/{name}`
//! (its backing indexes go with it), `POST /{stream}/_rollover` (data streams only: the sandbox
//! has no rollover of aliases). Elasticsearch 7.9+ and OpenSearch only.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::data_streams::rollover as roll;
use crate::data_streams::{create, supported};
use crate::error::{ApiError, ApiResult};
use crate::router::RouteTable;
use crate::templates::select;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "indices.create_data_stream",
        &[M::PUT],
        &["/_data_stream/{name}"],
        put,
    );
    t.api(
        "indices.get_data_stream",
        &[M::GET],
        &["/_data_stream", "/_data_stream/{name}"],
        get,
    );
    t.api(
        "indices.rollover",
        &[M::POST],
        &["/{alias}/_rollover", "/{alias}/_rollover/{new_index}"],
        rollover,
    );
    t.api(
        "indices.delete_data_stream",
        &[M::DELETE],
        &["/_data_stream/{name}"],
        delete,
    );
}

fn absent(ctx: &Ctx) -> Option<ApiError> {
    (!supported(&ctx.shared.product)).then(|| ApiError::unrecognized(&ctx.path))
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "index_not_found_exception",
        format!("no such index [{name}]"),
    )
    .with("resource.type", "index_or_alias")
    .with("resource.id", name)
    .with("index", name)
}

async fn put(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(e) = absent(&ctx) {
        return Err(e);
    }
    let p = ctx.shared.product;
    create(&mut ctx.shared.cluster(), &p, ctx.param("name"))?;
    Reply::ok(json!({"acknowledged": true}))
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(e) = absent(&ctx) {
        return Err(e);
    }
    let c = ctx.shared.cluster();
    let expr = ctx.param("name");
    let list: Vec<Value> = select(&c.meta.data_streams, expr)
        .into_iter()
        .map(|n| {
            let d = &c.meta.data_streams[n];
            let indices: Vec<Value> = d
                .indices
                .iter()
                .map(|i| json!({"index_name": i, "index_uuid": c.indices.get(i).map(|x| x.uuid.clone())}))
                .collect();
            json!({"name": n, "timestamp_field": {"name": "@timestamp"}, "indices": indices,
                   "generation": d.generation, "status": "YELLOW", "template": d.template})
        })
        .collect();
    if list.is_empty() && !expr.is_empty() && !expr.contains('*') {
        return Err(missing(expr));
    }
    Reply::ok(json!({ "data_streams": list }))
}

async fn rollover(ctx: Ctx) -> ApiResult<Reply> {
    if ctx.params.contains_key("new_index") {
        return Err(ApiError::illegal_argument(
            "new index name is not supported for data streams",
        ));
    }
    let p = ctx.shared.product;
    let (old, new) = roll(&mut ctx.shared.cluster(), &p, ctx.param("alias"))?;
    Reply::ok(
        json!({"acknowledged": true, "shards_acknowledged": true, "old_index": old,
                     "new_index": new, "rolled_over": true, "dry_run": false, "conditions": {}}),
    )
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(e) = absent(&ctx) {
        return Err(e);
    }
    let mut c = ctx.shared.cluster();
    let name = ctx.param("name").to_string();
    let Some(d) = c.meta.data_streams.remove(&name) else {
        return Err(missing(&name));
    };
    for i in d.indices {
        c.indices.remove(&i);
    }
    Reply::ok(json!({"acknowledged": true}))
}
