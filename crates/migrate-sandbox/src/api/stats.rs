//! `GET [/{index}]/_stats[/{metric}]` (index statistics: docs, store, indexing, get, translog,
//! segments, flush and the other sections with zero counters, per index and `_all`, primaries and
//! total) and `[/{index}]/_flush`, which turns translog operations into segments.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::indices::resolve_opts;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::stats::{EMPTY_TRANSLOG_BYTES, IndexStats};
use crate::model::{Cluster, Index};
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "indices.stats",
        &[M::GET],
        &[
            "/_stats",
            "/_stats/{metric}",
            "/{index}/_stats",
            "/{index}/_stats/{metric}",
        ],
        stats,
    );
    t.api(
        "indices.flush",
        &[M::GET, M::POST],
        &["/_flush", "/{index}/_flush"],
        flush,
    );
}

/// The metrics `_stats` knows.
const METRICS: &[&str] = &[
    "_all",
    "completion",
    "docs",
    "fielddata",
    "flush",
    "get",
    "indexing",
    "merge",
    "query_cache",
    "recovery",
    "refresh",
    "request_cache",
    "search",
    "segments",
    "store",
    "translog",
    "warmer",
];

fn metrics(raw: &str, path: &str) -> ApiResult<Vec<&'static str>> {
    if raw.is_empty() || raw == "_all" {
        return Ok(METRICS[1..].to_vec());
    }
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for m in raw.split(',') {
        match METRICS.iter().find(|k| **k == m) {
            Some(k) => out.push(*k),
            None => bad.push(m),
        }
    }
    if let Some(m) = bad.first() {
        let close = METRICS
            .iter()
            .filter(|k| strsim::normalized_levenshtein(m, k) > 0.7)
            .max_by(|a, b| {
                strsim::normalized_levenshtein(m, a)
                    .total_cmp(&strsim::normalized_levenshtein(m, b))
            });
        let hint = close.map_or(String::new(), |k| format!(" -> did you mean [{k}]?"));
        return Err(ApiError::illegal_argument(format!(
            "request [{path}] contains unrecognized metric: [{m}]{hint}"
        )));
    }
    Ok(out)
}

fn time(human: bool, key: &str, alias: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    if human {
        m.insert(key.trim_end_matches("_in_millis").into(), json!("0s"));
        if let Some(a) = alias {
            m.insert(a.into(), json!("0s"));
        }
    }
    m.insert(key.into(), json!(0));
    m
}

/// One index's sections for the requested metrics (`copies`: 1 for primaries, more for total).
fn sections(
    index: &Index,
    s: &IndexStats,
    wanted: &[&str],
    flags: (bool, bool),
    copies: u64,
) -> Value {
    let (human, unloaded) = flags;
    let open = index.is_open();
    let docs = if open { index.docs.len() as u64 } else { 0 };
    let store = if open {
        index.docs.source_bytes() as u64
    } else {
        0
    };
    let mut out = Map::new();
    for m in wanted {
        let v = match *m {
            "docs" => json!({"count": docs * copies, "deleted": 0}),
            "store" => json!({"size_in_bytes": store * copies, "reserved_in_bytes": 0}),
            "indexing" => {
                let mut v = json!({"index_total": s.index_total * copies, "index_current": 0, "index_failed": 0,
                    "delete_total": s.delete_total * copies, "delete_current": 0,
                    "noop_update_total": s.noop_update_total * copies, "is_throttled": false});
                if let Value::Object(o) = &mut v {
                    o.extend(time(human, "index_time_in_millis", None));
                    o.extend(time(human, "delete_time_in_millis", None));
                    o.extend(time(human, "throttle_time_in_millis", None));
                }
                v
            }
            "get" => {
                let mut o = Map::new();
                o.insert("total".into(), json!(s.get_total * copies));
                o.extend(time(human, "time_in_millis", Some("getTime")));
                o.insert("exists_total".into(), json!(s.get_total * copies));
                o.extend(time(human, "exists_time_in_millis", None));
                o.insert("missing_total".into(), json!(0));
                o.extend(time(human, "missing_time_in_millis", None));
                o.insert("current".into(), json!(0));
                Value::Object(o)
            }
            "translog" => {
                let (ops, bytes) = if open {
                    (s.translog_ops, EMPTY_TRANSLOG_BYTES + s.translog_bytes)
                } else {
                    (0, EMPTY_TRANSLOG_BYTES)
                };
                json!({"operations": ops * copies, "size_in_bytes": bytes * copies,
                    "uncommitted_operations": ops * copies, "uncommitted_size_in_bytes": bytes * copies,
                    "earliest_last_modified_age": 0})
            }
            "segments" => {
                let count = if open || unloaded { s.segments } else { 0 };
                json!({"count": count * copies, "memory_in_bytes": 0, "terms_memory_in_bytes": 0,
                    "stored_fields_memory_in_bytes": 0, "term_vectors_memory_in_bytes": 0,
                    "norms_memory_in_bytes": 0, "points_memory_in_bytes": 0, "doc_values_memory_in_bytes": 0,
                    "index_writer_memory_in_bytes": 0, "version_map_memory_in_bytes": 0,
                    "fixed_bit_set_memory_in_bytes": 0, "max_unsafe_auto_id_timestamp": -1, "file_sizes": {}})
            }
            "flush" => {
                let mut o = Map::new();
                o.insert("total".into(), json!(s.flush_total * copies));
                o.insert("periodic".into(), json!(0));
                o.extend(time(human, "total_time_in_millis", None));
                Value::Object(o)
            }
            "search" => {
                let mut o = Map::new();
                o.insert("open_contexts".into(), json!(0));
                for k in ["query", "fetch", "scroll", "suggest"] {
                    o.insert(format!("{k}_total"), json!(0));
                    o.extend(time(human, &format!("{k}_time_in_millis"), None));
                    o.insert(format!("{k}_current"), json!(0));
                }
                Value::Object(o)
            }
            "merge" => {
                json!({"current": 0, "current_docs": 0, "current_size_in_bytes": 0, "total": 0,
                "total_time_in_millis": 0, "total_docs": 0, "total_size_in_bytes": 0})
            }
            "refresh" => json!({"total": 0, "total_time_in_millis": 0, "external_total": 0,
                "external_total_time_in_millis": 0, "listeners": 0}),
            "recovery" => {
                json!({"current_as_source": 0, "current_as_target": 0, "throttle_time_in_millis": 0})
            }
            "query_cache" => json!({"memory_size_in_bytes": 0, "total_count": 0, "hit_count": 0,
                "miss_count": 0, "cache_size": 0, "cache_count": 0, "evictions": 0}),
            "fielddata" => json!({"memory_size_in_bytes": 0, "evictions": 0}),
            "completion" => json!({"size_in_bytes": 0}),
            "warmer" => json!({"current": 0, "total": 0, "total_time_in_millis": 0}),
            "request_cache" => {
                json!({"memory_size_in_bytes": 0, "evictions": 0, "hit_count": 0, "miss_count": 0})
            }
            _ => continue,
        };
        out.insert((*m).to_string(), v);
    }
    Value::Object(out)
}

fn add(a: &mut Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                match x.get_mut(k) {
                    Some(e) => add(e, v),
                    None => {
                        x.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(p), Some(q)) = (x.as_i64(), y.as_i64()) {
                *x = (p + q).into();
            }
        }
        _ => {}
    }
}

async fn stats(ctx: Ctx) -> ApiResult<Reply> {
    let wanted = metrics(ctx.param("metric"), &ctx.path)?;
    let flags = (ctx.flag("human"), ctx.flag("include_unloaded_segments"));
    let c = ctx.shared.cluster();
    let closed_ok = ctx.q("forbid_closed_indices") == Some("false");
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    let (mut total, mut ok) = (0u64, 0u64);
    let (mut all_p, mut all_t) = (json!({}), json!({}));
    let mut indices = Map::new();
    let empty = IndexStats::default();
    for n in &names {
        let Some(i) = c.indices.get(n) else { continue };
        if !i.is_open() && !closed_ok {
            continue;
        }
        let s = c.stats.get(&i.uuid).unwrap_or(&empty);
        let shards = u64::from(i.shards());
        total += shards * (1 + u64::from(i.replicas()));
        ok += shards * assigned_copies(&c, i);
        let p = sections(i, s, &wanted, flags, 1);
        let t = sections(i, s, &wanted, flags, assigned_copies(&c, i));
        add(&mut all_p, &p);
        add(&mut all_t, &t);
        indices.insert(
            n.clone(),
            json!({"uuid": i.uuid, "primaries": p, "total": t}),
        );
    }
    Reply::ok(json!({
        "_shards": {"total": total, "successful": ok, "failed": 0},
        "_all": {"primaries": all_p, "total": all_t},
        "indices": indices,
    }))
}

/// Copies of each shard that are assigned (the primary, and replicas that have a node).
fn assigned_copies(c: &Cluster, i: &Index) -> u64 {
    let nodes = c.node_count().max(1);
    1 + u64::from(i.replicas()).min(nodes - 1)
}

async fn flush(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    let (mut total, mut ok) = (0u64, 0u64);
    for n in &names {
        let Some(i) = c.indices.get(n) else { continue };
        if !i.is_open() {
            return Err(ApiError::index_closed(n, &i.uuid));
        }
        let uuid = i.uuid.clone();
        let shards = u64::from(i.shards());
        total += shards * (1 + u64::from(i.replicas()));
        ok += shards * assigned_copies(&c, i);
        c.stats.entry(uuid).or_default().flush();
    }
    Ok(Reply::Json(
        StatusCode::OK,
        json!({"_shards": {"total": total, "successful": ok, "failed": 0}}),
    ))
}
