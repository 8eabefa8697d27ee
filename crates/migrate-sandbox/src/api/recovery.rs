//! `_recovery`: per index, one entry per primary shard with its recovery source (empty store, existing
//! store, or snapshot: the snapshot module sets [`crate::model::RecoverySource::Snapshot`]).

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::cat::{Table, render};
use super::indices::resolve_opts;
use super::{Ctx, Reply};
use crate::error::ApiResult;
use crate::model::{Index, RecoverySource};
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::GET, "/_recovery", "indices.recovery", recovery);
    t.route(
        Method::GET,
        "/{index}/_recovery",
        "indices.recovery",
        recovery,
    );
    t.route(Method::GET, "/_cat/recovery", "cat.recovery", cat_recovery);
    t.route(
        Method::GET,
        "/_cat/recovery/{index}",
        "cat.recovery",
        cat_recovery,
    );
}

/// The `shards` list of one index.
pub fn shard_entries(index: &Index, node_id: &str, node_name: &str, address: &str) -> Vec<Value> {
    let (kind, source) = match &index.recovery {
        RecoverySource::EmptyStore => ("EMPTY_STORE", json!({})),
        RecoverySource::ExistingStore => ("EXISTING_STORE", json!({})),
        RecoverySource::Snapshot {
            repository,
            snapshot,
            version,
            index,
        } => (
            "SNAPSHOT",
            json!({"repository": repository, "snapshot": snapshot, "version": version, "index": index}),
        ),
    };
    let per_shard_docs = index.docs.len() as u64 / u64::from(index.shards());
    let bytes = index.docs.source_bytes() as u64 / u64::from(index.shards());
    (0..index.shards())
        .map(|id| {
            json!({
                "id": id, "type": kind, "stage": "DONE", "primary": true,
                "start_time_in_millis": index.creation_date, "stop_time_in_millis": index.creation_date,
                "total_time_in_millis": 0,
                "source": source,
                "target": {"id": node_id, "host": "127.0.0.1", "transport_address": address, "ip": "127.0.0.1", "name": node_name},
                "index": {
                    "size": {"total_in_bytes": bytes, "reused_in_bytes": 0, "recovered_in_bytes": bytes, "percent": "100.0%"},
                    "files": {"total": 1, "reused": 0, "recovered": 1, "percent": "100.0%"},
                    "total_time_in_millis": 0, "source_throttle_time_in_millis": 0, "target_throttle_time_in_millis": 0
                },
                "translog": {"recovered": per_shard_docs, "total": per_shard_docs, "percent": "100.0%", "total_on_start": per_shard_docs, "total_time_in_millis": 0},
                "verify_index": {"check_index_time_in_millis": 0, "total_time_in_millis": 0}
            })
        })
        .collect()
}

/// Every index's shard recovery entries, in name order (`active_only`: unfinished ones only).
fn entries(ctx: &Ctx) -> ApiResult<Vec<(String, Vec<Value>)>> {
    let s = &ctx.shared;
    let c = s.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(ctx, false))?;
    let mut out = Vec::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        let mut entries = shard_entries(i, &s.node_id, &s.node_name, &s.address());
        super::snapshot::patch_recovery(s, &n, &mut entries);
        // Replica rows follow their primary's.
        let primaries = std::mem::take(&mut entries);
        for e in primaries {
            let shard = e["id"].as_u64().unwrap_or(0) as u32;
            let replicas = c.replica_entries(i, shard, &e["target"]);
            entries.push(e);
            entries.extend(replicas);
        }
        if ctx.flag("active_only") {
            entries.retain(|e| e["stage"] != "DONE");
            if entries.is_empty() {
                continue;
            }
        }
        out.push((n, entries));
    }
    Ok(out)
}

async fn recovery(ctx: Ctx) -> ApiResult<Reply> {
    let mut out = Map::new();
    for (n, entries) in entries(&ctx)? {
        out.insert(n, json!({"shards": entries}));
    }
    Reply::ok(Value::Object(out))
}

/// `_cat/recovery`: one row per shard recovery, from the same entries as `_recovery`.
async fn cat_recovery(ctx: Ctx) -> ApiResult<Reply> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "n/a".to_string(),
        other => other.to_string(),
    };
    let mut rows = Vec::new();
    for (n, entries) in entries(&ctx)? {
        for e in entries {
            let src = &e["source"];
            rows.push(vec![
                n.clone(),
                text(&e["id"]),
                format!("{}ms", text(&e["total_time_in_millis"])),
                text(&e["type"])
                    .to_lowercase()
                    .replace('_', " ")
                    .replace(' ', "_"),
                text(&e["stage"]).to_lowercase(),
                src.get("host").map(text).unwrap_or_else(|| "n/a".into()),
                src.get("name").map(text).unwrap_or_else(|| "n/a".into()),
                text(&e["target"]["host"]),
                text(&e["target"]["name"]),
                src.get("repository")
                    .map(text)
                    .unwrap_or_else(|| "n/a".into()),
                src.get("snapshot")
                    .map(text)
                    .unwrap_or_else(|| "n/a".into()),
                text(&e["index"]["files"]["total"]),
                text(&e["index"]["files"]["recovered"]),
                text(&e["index"]["files"]["percent"]),
                text(&e["index"]["files"]["total"]),
                text(&e["index"]["size"]["total_in_bytes"]),
                text(&e["index"]["size"]["recovered_in_bytes"]),
                text(&e["index"]["size"]["percent"]),
                text(&e["index"]["size"]["total_in_bytes"]),
                text(&e["translog"]["total"]),
                text(&e["translog"]["recovered"]),
                text(&e["translog"]["percent"]),
            ]);
        }
    }
    let columns: Vec<(&'static str, &'static [&'static str])> = vec![
        ("index", &["i", "idx"]),
        ("shard", &["s", "sh"]),
        ("time", &["t", "ti"]),
        ("type", &["ty"]),
        ("stage", &["st"]),
        ("source_host", &["shost"]),
        ("source_node", &["snode"]),
        ("target_host", &["thost"]),
        ("target_node", &["tnode"]),
        ("repository", &["rep"]),
        ("snapshot", &["snap"]),
        ("files", &["f"]),
        ("files_recovered", &["fr"]),
        ("files_percent", &["fp"]),
        ("files_total", &["tf"]),
        ("bytes", &["b"]),
        ("bytes_recovered", &["br"]),
        ("bytes_percent", &["bp"]),
        ("bytes_total", &["tb"]),
        ("translog_ops", &["to"]),
        ("translog_ops_recovered", &["tor"]),
        ("translog_ops_percent", &["top"]),
    ];
    render(&ctx, Table::all_columns(columns, rows))
}
