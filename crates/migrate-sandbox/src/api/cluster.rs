//! `_cluster/health` (cluster, per index, `wait_for_status`, `level=indices`), `_cluster/settings`
//! get/put, `_nodes/stats/fs` (free disk per the builder, total = free + the indexes' store size),
//! `_nodes` info and `_nodes/settings` (incl. the remote reindex allowlist and `http.publish_address`).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::cat::cluster_counts;
use super::indices::resolve_opts;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::settings::{flatten, render};
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "cluster.health",
        &[M::GET],
        &["/_cluster/health", "/_cluster/health/{index}"],
        health,
    );
    t.api(
        "cluster.get_settings",
        &[M::GET],
        &["/_cluster/settings"],
        get_settings,
    );
    t.api(
        "cluster.put_settings",
        &[M::PUT],
        &["/_cluster/settings"],
        put_settings,
    );
    t.api(
        "nodes.info",
        &[M::GET],
        &["/_nodes", "/_nodes/{metric}", "/_nodes/{node_id}/{metric}"],
        nodes,
    );
    t.api(
        "nodes.stats",
        &[M::GET],
        &["/_nodes/stats", "/_nodes/stats/fs"],
        nodes_stats,
    );
}

fn rank(s: &str) -> u8 {
    match s {
        "green" => 0,
        "yellow" => 1,
        _ => 2,
    }
}

/// The health body, its status, and whether a named index is missing.
fn health_body(ctx: &Ctx) -> ApiResult<(Value, &'static str, bool)> {
    let s = &ctx.shared;
    let c = s.cluster();
    let idx_expr = ctx.param("index");
    let names = if idx_expr.is_empty() {
        c.indices.keys().cloned().collect()
    } else {
        let mut opts = resolve_opts(ctx, true);
        opts.ignore_unavailable = true;
        c.resolve(idx_expr, opts)?
    };
    // A named index that does not exist (yet) is red: the server waits for it until the timeout.
    let missing = idx_expr.split(',').map(str::trim).any(|item| {
        !item.is_empty()
            && !item.contains('*')
            && item != "_all"
            && !item.starts_with('-')
            && c.resolve(item, resolve_opts(ctx, true)).is_err()
    });
    let mut status = if missing { "red" } else { "green" };
    let (mut pri, mut active, mut init, mut unassigned) = (0u32, 0u32, 0u32, 0u32);
    let mut per_index = Map::new();
    for n in &names {
        let Some(i) = c.indices.get(n) else { continue };
        if !i.is_open() {
            continue;
        }
        let h = s.snapshots.restoring_health(n).unwrap_or(c.index_health(i));
        if rank(h) > rank(status) {
            status = h;
        }
        let copies = c.copies(i);
        pri += copies.primaries;
        active += copies.active;
        init += copies.initializing;
        unassigned += copies.unassigned;
        per_index.insert(
            n.clone(),
            json!({"status": h, "number_of_shards": i.shards(), "number_of_replicas": i.replicas(), "active_primary_shards": copies.primaries,
                   "active_shards": copies.active, "relocating_shards": 0, "initializing_shards": copies.initializing, "unassigned_shards": copies.unassigned}),
        );
    }
    if idx_expr.is_empty() {
        let (st, _, _, _) = cluster_counts(&c);
        status = st;
        if c.indices
            .keys()
            .any(|n| s.snapshots.restoring_health(n).is_some())
        {
            status = "red";
        }
    }
    let total = active + init + unassigned;
    let pct = if total == 0 {
        100.0
    } else {
        f64::from(active) * 100.0 / f64::from(total)
    };
    let mut m = Map::new();
    m.insert("cluster_name".into(), json!(s.cluster_name));
    m.insert("status".into(), json!(status));
    m.insert("timed_out".into(), json!(false));
    m.insert("number_of_nodes".into(), json!(c.node_count()));
    m.insert("number_of_data_nodes".into(), json!(c.node_count()));
    if s.product.is_opensearch() {
        m.insert("discovered_master".into(), json!(true));
        if s.product.version.major >= 2 {
            m.insert("discovered_cluster_manager".into(), json!(true));
        }
    }
    m.insert("active_primary_shards".into(), json!(pri));
    m.insert("active_shards".into(), json!(active));
    m.insert("relocating_shards".into(), json!(0));
    m.insert("initializing_shards".into(), json!(init));
    m.insert("unassigned_shards".into(), json!(unassigned));
    m.insert("delayed_unassigned_shards".into(), json!(0));
    m.insert("number_of_pending_tasks".into(), json!(0));
    m.insert("number_of_in_flight_fetch".into(), json!(0));
    m.insert("task_max_waiting_in_queue_millis".into(), json!(0));
    m.insert("active_shards_percent_as_number".into(), json!(pct));
    if matches!(ctx.q("level"), Some("indices") | Some("shards")) {
        m.insert("indices".into(), Value::Object(per_index));
    }
    Ok((Value::Object(m), status, missing))
}

async fn health(ctx: Ctx) -> ApiResult<Reply> {
    let wanted = ctx.q("wait_for_status").map(str::to_string);
    let timeout = ctx
        .q("timeout")
        .and_then(crate::search::context::parse_time)
        .unwrap_or(Duration::from_secs(30));
    let deadline = Instant::now() + timeout;
    loop {
        let (mut body, status, missing) = health_body(&ctx)?;
        // A missing index is waited for even without `wait_for_status`: it must at least exist.
        let initializing = body["initializing_shards"].as_u64().unwrap_or(0) > 0;
        let unmet = missing
            || wanted.as_deref().is_some_and(|w| rank(status) > rank(w))
            || (ctx.flag("wait_for_no_initializing_shards") && initializing);
        if !unmet {
            return Reply::ok(body);
        }
        if Instant::now() >= deadline {
            body["timed_out"] = json!(true);
            return Ok(Reply::Json(StatusCode::REQUEST_TIMEOUT, body));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get_settings(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let flat = ctx.flag("flat_settings");
    let mut out = Map::new();
    out.insert("persistent".into(), render(&c.persistent, flat));
    out.insert("transient".into(), render(&c.transient, flat));
    if ctx.flag("include_defaults") {
        let mut defaults = c.node_settings.clone();
        defaults
            .entry(ctx.shared.product.allowlist_setting().to_string())
            .or_insert(json!([]));
        defaults.insert("cluster.name".into(), json!(ctx.shared.cluster_name));
        defaults.insert("http.publish_host".into(), json!("127.0.0.1"));
        out.insert("defaults".into(), render(&defaults, flat));
    }
    Reply::ok(Value::Object(out))
}

async fn put_settings(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx
        .json()?
        .ok_or_else(|| ApiError::validation(&["no settings to update".into()]))?;
    let p = ctx.shared.product;
    let mut c = ctx.shared.cluster();
    let mut ack = Map::new();
    for scope in ["persistent", "transient"] {
        let Some(v) = body.get(scope) else {
            ack.insert(scope.into(), json!({}));
            continue;
        };
        let updates = flatten(v);
        for k in updates.keys() {
            let other = if p.allowlist_setting() == "reindex.remote.allowlist" {
                "reindex.remote.whitelist"
            } else {
                "reindex.remote.allowlist"
            };
            if k == other || k.starts_with("index.") {
                return Err(ApiError::illegal_argument(format!(
                    "{} setting [{k}], not recognized",
                    if ctx.shared.product.is_opensearch() {
                        "persistent"
                    } else {
                        scope
                    }
                )));
            }
        }
        let target = if scope == "persistent" {
            &mut c.persistent
        } else {
            &mut c.transient
        };
        for (k, v) in &updates {
            if v.is_null() {
                target.remove(k);
            } else {
                target.insert(k.clone(), v.clone());
            }
        }
        ack.insert(
            scope.into(),
            render(
                &updates.into_iter().filter(|(_, v)| !v.is_null()).collect(),
                ctx.flag("flat_settings"),
            ),
        );
    }
    let mut out = Map::new();
    out.insert("acknowledged".into(), json!(true));
    out.extend(ack);
    Reply::ok(Value::Object(out))
}

async fn nodes(ctx: Ctx) -> ApiResult<Reply> {
    let s = &ctx.shared;
    let p = s.product;
    let addr = s.address();
    let c = s.cluster();
    let mut settings = c.node_settings.clone();
    settings.insert("cluster.name".into(), json!(s.cluster_name));
    settings.insert("node.name".into(), json!(s.node_name));
    settings.insert(
        "http.port".into(),
        json!(addr.rsplit(':').next().unwrap_or("9200")),
    );
    settings.insert("path.home".into(), json!("/usr/share/sandbox"));
    let metric = format!("{},{}", ctx.param("metric"), ctx.param("node_id"));
    let all = ctx.param("metric").is_empty() || metric.contains("_all");
    let want = |m: &str| all || metric.split(',').any(|x| x == m);
    let mut node = Map::new();
    node.insert("name".into(), json!(s.node_name));
    node.insert("transport_address".into(), json!(addr));
    node.insert("host".into(), json!("127.0.0.1"));
    node.insert("ip".into(), json!("127.0.0.1"));
    node.insert("version".into(), json!(p.version.to_string()));
    if p.is_opensearch() {
        node.insert("distribution".into(), json!("opensearch"));
    }
    node.insert(
        "build_hash".into(),
        json!("5a3d1c8b0f0e6d2c9a1b7e4f3c2d1e0f9a8b7c6d"),
    );
    node.insert("roles".into(), json!(node_roles(&p)));
    if want("aggregations") && p.is_opensearch() && p.version.major >= 2 {
        // The aggregation types a node supports and the value types each accepts (a subset).
        let other = json!({"types": ["other"]});
        let numeric = json!({"types": ["boolean", "date", "numeric"]});
        node.insert(
            "aggregations".into(),
            json!({"filter": other, "filters": other, "global": other, "missing": {"types": ["boolean", "bytes", "date", "geopoint", "ip", "numeric", "range"]},
                "avg": numeric, "max": numeric, "min": numeric, "sum": numeric,
                "terms": {"types": ["boolean", "bytes", "date", "ip", "numeric"]}}),
        );
    }
    if want("settings") {
        node.insert(
            "settings".into(),
            render(&settings, ctx.flag("flat_settings")),
        );
    }
    if want("http") {
        node.insert("http".into(), json!({"bound_address": [addr], "publish_address": addr, "max_content_length_in_bytes": crate::state::MAX_BODY}));
    }
    if want("os") || all {
        node.insert("os".into(), json!({"name": "Linux", "arch": "amd64", "available_processors": 2, "allocated_processors": 2}));
    }
    if want("jvm") {
        node.insert("jvm".into(), json!({"version": "17.0.2", "vm_name": "OpenJDK 64-Bit Server VM", "mem": {"heap_max_in_bytes": 1_073_741_824u64}}));
    }
    let mut nodes = Map::new();
    nodes.insert(s.node_id.clone(), Value::Object(node));
    Reply::ok(
        json!({"_nodes": {"total": 1, "successful": 1, "failed": 0}, "cluster_name": s.cluster_name, "nodes": Value::Object(nodes)}),
    )
}

async fn nodes_stats(ctx: Ctx) -> ApiResult<Reply> {
    let s = &ctx.shared;
    let (available, used) = {
        let c = s.cluster();
        let used: u64 = c
            .indices
            .values()
            .map(|i| (i.docs.source_bytes() + 230 * i.shards() as usize) as u64)
            .sum();
        (c.disk_available.unwrap_or(1 << 40), used)
    };
    let total = available + used;
    let fs = json!({
        "timestamp": 0,
        "total": {"total_in_bytes": total, "free_in_bytes": available, "available_in_bytes": available},
        "data": [{"path": "/usr/share/data/nodes/0", "total_in_bytes": total, "free_in_bytes": available, "available_in_bytes": available}]
    });
    let node = json!({
        "name": s.node_name,
        "host": "127.0.0.1",
        "ip": "127.0.0.1",
        "roles": node_roles(&s.product),
        "fs": fs,
    });
    let mut nodes = Map::new();
    nodes.insert(s.node_id.clone(), node);
    Reply::ok(
        json!({"_nodes": {"total": 1, "successful": 1, "failed": 0}, "cluster_name": s.cluster_name, "nodes": Value::Object(nodes)}),
    )
}

/// The node's roles as `_nodes` lists them: sorted from ES 7.8 and on OpenSearch (`master` is
/// `cluster_manager` from OpenSearch 2), `remote_cluster_client` from ES 7.3.
pub fn node_roles(p: &crate::flavor::Product) -> Vec<&'static str> {
    use crate::flavor::Version;
    let manager = if p.is_opensearch() && p.version.major >= 2 {
        "cluster_manager"
    } else {
        "master"
    };
    let mut roles = vec![manager, "data", "ingest"];
    if p.is_opensearch() || p.version >= Version::new(7, 3, 0) {
        roles.push("remote_cluster_client");
    }
    if p.is_opensearch() || p.version >= Version::new(7, 8, 0) {
        roles.sort_unstable();
    }
    roles
}
