//! `_tasks/<id>`, `_tasks?actions=..&detailed`, `_tasks/<id>/_cancel`.

use axum::http::Method;
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::names::glob;
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::GET, "/_tasks", "tasks.list", list);
    t.route(Method::GET, "/_tasks/{task_id}", "tasks.get", get);
    t.route(
        Method::POST,
        "/_tasks/{task_id}/_cancel",
        "tasks.cancel",
        cancel,
    );
    t.route(
        Method::POST,
        "/_tasks/_cancel",
        "tasks.cancel",
        cancel_matching,
    );
}

/// Parses `<node>:<n>` and checks the node.
pub fn parse_task_id(ctx: &Ctx, raw: &str) -> ApiResult<u64> {
    let (node, n) = raw
        .split_once(':')
        .ok_or_else(|| ApiError::illegal_argument(format!("malformed task id {raw}")))?;
    let n: u64 = n
        .parse()
        .map_err(|_| ApiError::illegal_argument(format!("malformed task id {raw}")))?;
    if node != ctx.shared.node_id {
        return Err(ApiError::resource_not_found(format!(
            "task [{raw}] belongs to the node [{node}] which isn't part of the cluster and there is no record of the task"
        )));
    }
    Ok(n)
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    let raw = ctx.param("task_id").to_string();
    let n = parse_task_id(&ctx, &raw)?;
    let wait = ctx.flag("wait_for_completion");
    let deadline = std::time::Instant::now()
        + ctx
            .q("timeout")
            .and_then(crate::search::context::parse_time)
            .unwrap_or(std::time::Duration::from_secs(30));
    loop {
        {
            let tasks = ctx.shared.tasks();
            let t = tasks.tasks.get(&n).ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "task [{raw}] isn't running and hasn't stored its results"
                ))
            })?;
            if !wait || t.completed() || std::time::Instant::now() >= deadline {
                let mut out = Map::new();
                out.insert("completed".into(), json!(t.completed()));
                out.insert("task".into(), t.info(&ctx.shared.node_id, true));
                if let Some(r) = &t.response {
                    out.insert("response".into(), r.clone());
                }
                if let Some(e) = &t.error {
                    out.insert("error".into(), e.clone());
                }
                return Reply::ok(Value::Object(out));
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn list(ctx: Ctx) -> ApiResult<Reply> {
    let actions: Vec<String> = ctx
        .q("actions")
        .map(|a| a.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let detailed = ctx.flag("detailed");
    let s = &ctx.shared;
    let tasks = s.tasks();
    let mut list = Map::new();
    for t in tasks.tasks.values().filter(|t| !t.completed()) {
        if !actions.is_empty() && !actions.iter().any(|a| glob(a, &t.action)) {
            continue;
        }
        list.insert(
            format!("{}:{}", s.node_id, t.id),
            t.info(&s.node_id, detailed),
        );
    }
    let addr = s.address();
    let ip = addr.split(':').next().unwrap_or("127.0.0.1").to_string();
    Reply::ok(json!({
        "nodes": {
            s.node_id.clone(): {
                "name": s.node_name, "transport_address": addr, "host": ip, "ip": addr,
                "roles": ["data", "ingest", "master", "remote_cluster_client"],
                "tasks": Value::Object(list)
            }
        }
    }))
}

async fn cancel(ctx: Ctx) -> ApiResult<Reply> {
    let raw = ctx.param("task_id").to_string();
    let n = parse_task_id(&ctx, &raw)?;
    let s = &ctx.shared;
    let tasks = s.tasks();
    let t = tasks.tasks.get(&n).filter(|t| !t.completed());
    let mut nodes = Map::new();
    if let Some(t) = t {
        t.progress.cancelled.store(true, Ordering::SeqCst);
        nodes.insert(
            s.node_id.clone(),
            json!({"name": s.node_name, "tasks": {raw.clone(): t.info(&s.node_id, true)}}),
        );
    }
    Reply::ok(json!({"nodes": Value::Object(nodes)}))
}

/// `POST /_tasks/_cancel?actions=..&nodes=..`: cancels every running cancellable task that matches.
async fn cancel_matching(ctx: Ctx) -> ApiResult<Reply> {
    let actions: Vec<String> = ctx
        .q("actions")
        .map(|a| a.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let s = &ctx.shared;
    if let Some(nodes) = ctx.q("nodes")
        && !nodes
            .split(',')
            .any(|n| n == s.node_id || n == "_all" || n == "_local" || glob(n, &s.node_name))
    {
        return Reply::ok(json!({"nodes": {}}));
    }
    let tasks = s.tasks();
    let mut cancelled = Map::new();
    for t in tasks.tasks.values().filter(|t| !t.completed()) {
        if !actions.is_empty() && !actions.iter().any(|a| glob(a, &t.action)) {
            continue;
        }
        t.progress.cancelled.store(true, Ordering::SeqCst);
        cancelled.insert(format!("{}:{}", s.node_id, t.id), t.info(&s.node_id, true));
    }
    let mut nodes = Map::new();
    if !cancelled.is_empty() {
        nodes.insert(
            s.node_id.clone(),
            json!({"name": s.node_name, "tasks": Value::Object(cancelled)}),
        );
    }
    Reply::ok(json!({"nodes": Value::Object(nodes)}))
}
