//! `_recovery`: per index, one entry per primary shard with its recovery source (empty store, existing
//! store, or snapshot: the snapshot module sets [`crate::model::RecoverySource::Snapshot`]).

use axum::http::Method;
use serde_json::{Map, Value, json};

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

async fn recovery(ctx: Ctx) -> ApiResult<Reply> {
    let s = &ctx.shared;
    let c = s.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    let mut out = Map::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        let mut entries = shard_entries(i, &s.node_id, &s.node_name, &s.address());
        super::snapshot::patch_recovery(s, &n, &mut entries);
        if ctx.flag("active_only") {
            entries.retain(|e| e["stage"] != "DONE");
            if entries.is_empty() {
                continue;
            }
        }
        out.insert(n, json!({"shards": entries}));
    }
    Reply::ok(Value::Object(out))
}
