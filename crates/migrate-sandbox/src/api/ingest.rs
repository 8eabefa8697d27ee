//! Ingest pipelines: `PUT /_ingest/pipeline/{id}` (a `processors` list of known processor types
//! is required), `GET /_ingest/pipeline[/{id}]` (404 `{}` when none matches), `DELETE`.
//! Documents written through a pipeline are refused (see [`refuse_write`]): the sandbox stores
//! pipelines but does not run them, and a write that silently skipped one would be a false green.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::Cluster;
use crate::router::RouteTable;
use crate::templates::select;

/// Processor types of the default ingest modules (common, and the geoip/user_agent plugins).
const PROCESSORS: &[&str] = &[
    "append",
    "bytes",
    "circle",
    "community_id",
    "convert",
    "csv",
    "date",
    "date_index_name",
    "dissect",
    "dot_expander",
    "drop",
    "enrich",
    "fail",
    "fingerprint",
    "foreach",
    "geoip",
    "grok",
    "gsub",
    "html_strip",
    "inference",
    "join",
    "json",
    "kv",
    "lowercase",
    "network_direction",
    "pipeline",
    "registered_domain",
    "remove",
    "rename",
    "reroute",
    "script",
    "set",
    "set_security_user",
    "sort",
    "split",
    "trim",
    "uppercase",
    "uri_parts",
    "urldecode",
    "user_agent",
    "copy",
    "text_embedding",
    "sparse_encoding",
];

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "ingest.put_pipeline",
        &[M::PUT],
        &["/_ingest/pipeline/{id}"],
        put,
    );
    t.api(
        "ingest.get_pipeline",
        &[M::GET],
        &["/_ingest/pipeline", "/_ingest/pipeline/{id}"],
        get,
    );
    t.api(
        "ingest.delete_pipeline",
        &[M::DELETE],
        &["/_ingest/pipeline/{id}"],
        delete,
    );
}

/// The error a document write naming pipeline `name` gets.
pub fn refuse_write(cluster: &Cluster, name: &str) -> ApiError {
    if cluster.meta.pipelines.contains_key(name) {
        ApiError::illegal_argument(format!(
            "pipeline with id [{name}] exists, but the sandbox does not run ingest pipelines"
        ))
    } else {
        ApiError::illegal_argument(format!("pipeline with id [{name}] does not exist"))
    }
}

fn check_processors(list: &[Value]) -> ApiResult<()> {
    for p in list {
        let Some((kind, config)) = p.as_object().and_then(|o| o.iter().next()) else {
            return Err(ApiError::parse(
                "[processors] each processor must be an object",
            ));
        };
        if !PROCESSORS.contains(&kind.as_str()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "parse_exception",
                format!("No processor type exists with name [{kind}]"),
            )
            .with("processor_type", kind.clone()));
        }
        if let Some(Value::Array(nested)) = config.get("on_failure") {
            check_processors(nested)?;
        }
    }
    Ok(())
}

async fn put(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?.unwrap_or(Value::Null);
    let Some(Value::Array(processors)) = body.get("processors") else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "parse_exception",
            "[processors] required property is missing",
        )
        .with("property_name", "processors"));
    };
    check_processors(processors)?;
    if let Some(Value::Array(on_failure)) = body.get("on_failure") {
        check_processors(on_failure)?;
    }
    ctx.shared
        .cluster()
        .meta
        .pipelines
        .insert(ctx.param("id").to_string(), body);
    Reply::ok(json!({"acknowledged": true}))
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let expr = ctx.param("id");
    let out: Map<String, Value> = select(&c.meta.pipelines, expr)
        .into_iter()
        .map(|n| (n.clone(), c.meta.pipelines[n].clone()))
        .collect();
    let status = if out.is_empty() && !expr.is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok(Reply::Json(status, Value::Object(out)))
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let expr = ctx.param("id").to_string();
    let ids: Vec<String> = select(&c.meta.pipelines, &expr)
        .into_iter()
        .cloned()
        .collect();
    if ids.is_empty() {
        return Err(ApiError::resource_not_found(format!(
            "pipeline [{expr}] is missing"
        )));
    }
    for id in ids {
        c.meta.pipelines.remove(&id);
    }
    Reply::ok(json!({"acknowledged": true}))
}
