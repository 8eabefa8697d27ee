//! The destination's free disk is at least 1.2 × the source's primary store size (reindex).

use migrate_core::Side;
use migrate_core::request::Fills;
use migrate_exec::StepError;
use migrate_graph::requests::preflight::ReindexChecks;
use migrate_graph::requests::slots::ENTRY;
use serde_json::{Map, Value, json};

use crate::cx::{Cx, none};

/// `bytes` in binary units with one decimal (`1.5 GiB`).
fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The destination's free disk (sum of `fs.total.available_in_bytes` over its data nodes) is at
/// least 1.2 × the primary store size of the concrete source indexes (`indexes`: entry → names).
/// Returns `{"available", "needed", "source_primary_bytes"}` or `"not checked"` when the
/// destination exposes no fs stats (Serverless).
pub(super) async fn disk_space(
    cx: &Cx<'_>,
    r: &ReindexChecks,
    indexes: &Map<String, Value>,
) -> Result<Value, StepError> {
    let mut names = std::collections::BTreeSet::new();
    for list in indexes.values().filter_map(Value::as_array) {
        names.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if names.is_empty() {
        return Ok(Value::Null);
    }
    let mut sizes = std::collections::BTreeMap::new();
    for entry in indexes.keys() {
        let rows: Vec<Value> = cx
            .json(
                &r.store_size,
                &Fills::new().set(ENTRY, entry.as_str()),
                &format!("reading the store size of `{entry}` (`GET /_cat/indices`)"),
            )
            .await?;
        for row in rows {
            let (Some(index), Some(size)) = (
                row.get("index").and_then(Value::as_str),
                row.get("pri.store.size").and_then(|v| match v {
                    Value::String(s) => s.parse::<u64>().ok(),
                    other => other.as_u64(),
                }),
            ) else {
                continue;
            };
            if names.contains(index) {
                sizes.insert(index.to_owned(), size);
            }
        }
    }
    let source: u64 = sizes.values().sum();
    let stats: Value = match cx.try_json(&r.fs_stats, &none()).await {
        Ok(v) => v,
        Err(e) if matches!(e.status(), Some(400 | 403 | 404 | 405)) => {
            return Ok(Value::from("not checked"));
        }
        Err(e) => {
            return Err(cx.fail(
                Side::Destination,
                "reading free disk space (`GET /_nodes/stats/fs`)",
                &e,
            ));
        }
    };
    let Some(nodes) = stats.get("nodes").and_then(Value::as_object) else {
        return Ok(Value::from("not checked"));
    };
    let available: u64 = nodes
        .values()
        .filter(|n| {
            n.get("roles")
                .and_then(Value::as_array)
                .is_none_or(|roles| {
                    roles
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|r| r == "data" || r.starts_with("data_"))
                })
        })
        .filter_map(|n| {
            n.pointer("/fs/total/available_in_bytes")
                .and_then(Value::as_u64)
        })
        .sum();
    let needed = source.saturating_mul(6) / 5;
    if available < needed {
        return Err(cx.permanent(format!(
            "the destination cluster ({}) has {} of free disk on its data nodes but the source indexes' primary store size is {} (at least {} free is needed, 1.2 × the source): free disk space or add data nodes on the destination, or migrate fewer indexes per plan",
            cx.url(Side::Destination),
            human(available),
            human(source),
            human(needed)
        )));
    }
    Ok(json!({"available": available, "needed": needed, "source_primary_bytes": source}))
}
