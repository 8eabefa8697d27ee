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
    // The listing is itself a running task (with the request's X-Opaque-Id).
    let own_action = "cluster:monitor/tasks/lists";
    if actions.is_empty() || actions.iter().any(|a| glob(a, own_action)) {
        let id = tasks.peek_next();
        let mut own = json!({
            "node": s.node_id, "id": id, "type": "transport", "action": own_action,
            "start_time_in_millis": (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64,
            "running_time_in_nanos": 0, "cancellable": false, "headers": {},
        });
        if s.product.task_headers()
            && let Some(o) = ctx.headers.get("x-opaque-id").and_then(|v| v.to_str().ok())
        {
            own["headers"] = json!({"X-Opaque-Id": o});
        }
        list.insert(format!("{}:{id}", s.node_id), own);
    }
    drop(tasks);
    // OpenSearch 2.9+ reports each task's resource use in detailed listings.
    if detailed
        && s.product.is_opensearch()
        && s.product.version >= crate::flavor::Version::new(2, 9, 0)
    {
        for t in list.values_mut() {
            t["resource_stats"] = json!({"total": {"cpu_time_in_nanos": 0, "memory_in_bytes": 0}});
        }
    }
    let addr = s.address();
    let ip = addr.split(':').next().unwrap_or("127.0.0.1").to_string();
    match ctx.q("group_by").unwrap_or("nodes") {
        "nodes" => Reply::ok(json!({
            "nodes": {
                s.node_id.clone(): {
                    "name": s.node_name, "transport_address": addr, "host": ip, "ip": addr,
                    "roles": super::cluster::node_roles(&ctx.shared.product),
                    "tasks": Value::Object(list)
                }
            }
        })),
        "parents" => Reply::ok(json!({"tasks": Value::Object(list)})),
        "none" => Reply::ok(json!({"tasks": list.into_iter().map(|(_, t)| t).collect::<Vec<_>>()})),
        other => Err(ApiError::illegal_argument(format!(
            "group_by must be one of [nodes, parents, none] but was [{other}]"
        ))),
    }
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
