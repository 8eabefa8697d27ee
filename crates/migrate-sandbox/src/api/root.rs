//! `GET /` and `HEAD /`: node name, cluster name and UUID, the version block, the tagline.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::ApiResult;
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::GET, "/", "info", info);
    t.route(Method::HEAD, "/", "ping", ping);
}

/// The body of `GET /`.
pub fn info_body(ctx: &Ctx) -> Value {
    let s = &ctx.shared;
    let mut m = Map::new();
    m.insert("name".into(), json!(s.node_name));
    m.insert("cluster_name".into(), json!(s.cluster_name));
    m.insert("cluster_uuid".into(), json!(s.cluster_uuid));
    m.insert("version".into(), s.product.version_block());
    m.insert("tagline".into(), json!(s.product.tagline()));
    Value::Object(m)
}

async fn info(ctx: Ctx) -> ApiResult<Reply> {
    Reply::ok(info_body(&ctx))
}

async fn ping(_ctx: Ctx) -> ApiResult<Reply> {
    Ok(Reply::Empty(StatusCode::OK))
}
