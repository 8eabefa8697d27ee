//! `_reindex` (synchronous, or a task with `wait_for_completion=false`) and `_reindex/<task>/_rethrottle`.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::tasks::parse_task_id;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::reindex::request::parse_rps;
use crate::reindex::{ReindexRequest, run_reindex};
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::POST, "/_reindex", "reindex", reindex);
    t.route(
        Method::POST,
        "/_reindex/{task_id}/_rethrottle",
        "reindex_rethrottle",
        rethrottle,
    );
}

fn describe(req: &ReindexRequest) -> String {
    let src = match &req.remote {
        Some(r) => format!(
            "[host={} port={} query={}]{:?}",
            r.host,
            r.host_port,
            req.query_raw.clone().unwrap_or(json!({"match_all": {}})),
            req.source_indices
        ),
        None => format!("{:?}", req.source_indices),
    };
    format!("reindex from {src} to [{}]", req.dest_index)
}

async fn reindex(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?.ok_or_else(|| {
        ApiError::validation(&[
            "source is missing".into(),
            "destination index is missing".into(),
        ])
    })?;
    let mut req = ReindexRequest::parse(&body, &ctx.query)?;
    if let Some(v) = body.get("script") {
        req.script = Some(crate::painless::Script::from_request(
            v,
            &ctx.shared.cluster(),
        )?);
    }
    let description = describe(&req);
    start_task(&ctx, req, "indices:data/write/reindex", description).await
}

/// Runs a reindex-engine request (a reindex or an update by query) as a task: to completion, or in
/// the background with `wait_for_completion=false` (the result then kept in `.tasks`).
pub async fn start_task(
    ctx: &Ctx,
    req: ReindexRequest,
    action: &str,
    description: String,
) -> ApiResult<Reply> {
    let shared = ctx.shared.clone();
    let (id, progress) = shared
        .tasks()
        .start(action, description, req.requests_per_second);
    if shared.product.task_headers()
        && let Some(opaque) = ctx.headers.get("x-opaque-id").and_then(|v| v.to_str().ok())
    {
        let headers = [("X-Opaque-Id".to_string(), opaque.to_string())].into();
        shared.tasks().set_headers(id, headers);
    }
    let wait = req.wait_for_completion;
    let worker = {
        let shared = shared.clone();
        async move {
            let (status, body) = run_reindex(shared.clone(), req, progress).await;
            let result = if status == StatusCode::OK {
                Ok(body.clone())
            } else if body.get("error").is_some() {
                Err(body["error"].clone())
            } else {
                Ok(body.clone())
            };
            if !wait {
                // Real clusters keep a `wait_for_completion=false` task's result in `.tasks`.
                crate::task_results::store(&shared, id, &result);
            }
            shared.tasks().finish(id, result);
            (status, body)
        }
    };
    if wait {
        let (status, body) = worker.await;
        // Finished synchronous tasks are not kept in the registry.
        shared.tasks().tasks.remove(&id);
        return Ok(Reply::Json(status, body));
    }
    tokio::spawn(worker);
    Reply::ok(json!({"task": format!("{}:{id}", shared.node_id)}))
}

async fn rethrottle(ctx: Ctx) -> ApiResult<Reply> {
    let raw = ctx.param("task_id").to_string();
    let n = parse_task_id(&ctx, &raw)?;
    let rps = parse_rps(Some(ctx.q("requests_per_second").ok_or_else(|| {
        ApiError::validation(&["requests_per_second must be set".into()])
    })?))?;
    let s = &ctx.shared;
    let tasks = s.tasks();
    let t = tasks
        .tasks
        .get(&n)
        .filter(|t| !t.completed())
        .ok_or_else(|| ApiError::resource_not_found(format!("task [{raw}] is missing")))?;
    t.progress.set_rps(rps);
    let mut task_map = Map::new();
    task_map.insert(raw.clone(), t.info(&s.node_id, true));
    let addr = s.address();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({"nodes": {s.node_id.clone(): {"name": s.node_name, "transport_address": addr, "host": "127.0.0.1", "ip": addr, "roles": super::cluster::node_roles(&s.product), "tasks": Value::Object(task_map)}}}),
    ))
}
