//! `_cat/indices`, `_cat/health`, `_cat/count`, `_cat/plugins` (the repository plugins of the
//! repository types the sandbox serves; ES ≥ 8.0 ships s3 as a module, so it is not listed): text tables (`v`, `h=`, `s=`) or `format=json`
//! (also `yaml`, `cbor`, `smile`).

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value};

use super::indices::resolve_opts;
use super::{Ctx, Reply};
use crate::error::ApiResult;
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "cat.indices",
        &[M::GET],
        &["/_cat/indices", "/_cat/indices/{index}"],
        indices,
    );
    t.api("cat.health", &[M::GET], &["/_cat/health"], health);
    t.api(
        "cat.count",
        &[M::GET],
        &["/_cat/count", "/_cat/count/{index}"],
        count,
    );
    t.api("cat.plugins", &[M::GET], &["/_cat/plugins"], plugins);
}

/// A cat table: column names (with aliases accepted in `h=`), default columns, rows.
pub struct Table {
    /// (name, aliases).
    pub columns: Vec<(&'static str, &'static [&'static str])>,
    /// Columns shown without `h=`.
    pub defaults: Vec<&'static str>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table that shows every column without `h=`.
    pub fn all_columns(
        columns: Vec<(&'static str, &'static [&'static str])>,
        rows: Vec<Vec<String>>,
    ) -> Table {
        let defaults = columns.iter().map(|(c, _)| *c).collect();
        Table {
            columns,
            defaults,
            rows,
        }
    }
}

/// Renders a table per the request's `format`, `v`, `h`, `s`, `ts` and `help`.
pub fn render(ctx: &Ctx, t: Table) -> ApiResult<Reply> {
    if ctx.flag("help") {
        // One line per column: name | aliases | description (the sandbox describes a column by
        // its name).
        let w = t.columns.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
        let aliases: Vec<String> = t.columns.iter().map(|(_, a)| a.join(",")).collect();
        let wa = aliases.iter().map(String::len).max().unwrap_or(0);
        let mut text = String::new();
        for ((c, _), a) in t.columns.iter().zip(&aliases) {
            text.push_str(&format!(
                "{c:<w$} | {a:<wa$} | {}\n",
                c.replace(['.', '_'], " ")
            ));
        }
        return Ok(Reply::Raw(
            StatusCode::OK,
            text.into_bytes(),
            "text/plain; charset=UTF-8",
        ));
    }
    let wanted: Vec<usize> = match ctx.q("h") {
        Some(h) => h
            .split(',')
            .filter_map(|name| {
                t.columns
                    .iter()
                    .position(|(c, aliases)| *c == name || aliases.contains(&name))
            })
            .collect(),
        None => t
            .defaults
            .iter()
            // `ts=false` drops the time columns.
            .filter(|d| !(ctx.q("ts") == Some("false") && matches!(**d, "epoch" | "timestamp")))
            .filter_map(|d| t.columns.iter().position(|(c, _)| c == d))
            .collect(),
    };
    let mut rows = t.rows;
    if let Some(s) = ctx.q("s") {
        for key in s.split(',').rev() {
            let (name, desc) = match key.split_once(':') {
                Some((n, o)) => (n, o == "desc"),
                None => (key, false),
            };
            if let Some(i) = t
                .columns
                .iter()
                .position(|(c, a)| *c == name || a.contains(&name))
            {
                rows.sort_by(|a, b| {
                    let o = match (a[i].parse::<f64>(), b[i].parse::<f64>()) {
                        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                        _ => a[i].cmp(&b[i]),
                    };
                    if desc { o.reverse() } else { o }
                });
            }
        }
    }
    if matches!(
        ctx.q("format"),
        Some("json") | Some("yaml") | Some("cbor") | Some("smile")
    ) {
        let out: Vec<Value> = rows
            .iter()
            .map(|r| {
                let m: Map<String, Value> = wanted
                    .iter()
                    .map(|i| (t.columns[*i].0.to_string(), Value::String(r[*i].clone())))
                    .collect();
                Value::Object(m)
            })
            .collect();
        match ctx.q("format") {
            Some("cbor") => {
                let bytes = super::cat_binary::cbor(&Value::Array(out));
                return Ok(Reply::Raw(StatusCode::OK, bytes, "application/cbor"));
            }
            Some("smile") => {
                let bytes = super::cat_binary::smile(&Value::Array(out));
                return Ok(Reply::Raw(StatusCode::OK, bytes, "application/smile"));
            }
            _ => {}
        }
        if ctx.q("format") == Some("yaml") {
            let text = serde_yaml::to_string(&Value::Array(out)).unwrap_or_default();
            return Ok(Reply::Raw(
                StatusCode::OK,
                format!("---\n{text}").into_bytes(),
                "application/yaml",
            ));
        }
        return Reply::ok(Value::Array(out));
    }
    let verbose = ctx.flag("v");
    let mut grid: Vec<Vec<&str>> = Vec::new();
    if verbose {
        grid.push(wanted.iter().map(|i| t.columns[*i].0).collect());
    }
    for r in &rows {
        grid.push(wanted.iter().map(|i| r[*i].as_str()).collect());
    }
    let widths: Vec<usize> = (0..wanted.len())
        .map(|c| grid.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    // Every cell but the last is padded to its column's width, as the servers' RestTable does
    // (an empty trailing cell of a closed index still leaves its spaces).
    let mut text = String::new();
    for r in &grid {
        let last = r.len().saturating_sub(1);
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if c == last {
                    (*v).to_string()
                } else {
                    format!("{:<w$}", v, w = widths[c])
                }
            })
            .collect();
        text.push_str(&line.join(" "));
        text.push('\n');
    }
    Ok(Reply::Raw(
        StatusCode::OK,
        text.into_bytes(),
        "text/plain; charset=UTF-8",
    ))
}

fn size(bytes: usize, unit: Option<&str>) -> String {
    match unit {
        Some("b") => bytes.to_string(),
        Some("kb") => (bytes / 1024).to_string(),
        Some("mb") => (bytes / (1024 * 1024)).to_string(),
        _ => {
            if bytes >= 1024 * 1024 {
                format!("{:.1}mb", bytes as f64 / (1024.0 * 1024.0))
            } else if bytes >= 1024 {
                format!("{:.1}kb", bytes as f64 / 1024.0)
            } else {
                format!("{bytes}b")
            }
        }
    }
}

async fn indices(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    let unit = ctx.q("bytes");
    let health = match ctx.q("health") {
        None => None,
        Some(h @ ("green" | "yellow" | "red")) => Some(h),
        Some(other) => {
            return Err(crate::error::ApiError::illegal_argument(format!(
                "unknown health status [{other}]"
            )));
        }
    };
    let mut rows = Vec::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        // Closed indexes keep replicated shards (and a health) from ES 7.2 and on OpenSearch.
        let closed_health = p.is_opensearch() || p.version >= crate::flavor::Version::new(7, 2, 0);
        let shows_health = i.is_open() || closed_health;
        if health.is_some_and(|h| !shows_health || c.index_health(i) != h) {
            continue;
        }
        let bytes = i.docs.source_bytes() + 230 * i.shards() as usize;
        let open = i.is_open();
        let dash = |s: String| if open { s } else { String::new() };
        rows.push(vec![
            if shows_health {
                c.index_health(i).to_string()
            } else {
                String::new()
            },
            if open { "open".into() } else { "close".into() },
            n.clone(),
            i.uuid.clone(),
            i.shards().to_string(),
            i.replicas().to_string(),
            dash(i.docs.len().to_string()),
            dash("0".into()),
            dash(size(bytes, unit)),
            dash(size(bytes, unit)),
            i.creation_date.to_string(),
            iso_millis(i.creation_date),
        ]);
    }
    render(
        &ctx,
        Table {
            columns: vec![
                ("health", &["h"]),
                ("status", &["s"]),
                ("index", &["i", "idx"]),
                ("uuid", &["id", "uuid"]),
                ("pri", &["p", "shards.primary", "shardsPrimary"]),
                ("rep", &["r", "shards.replica", "shardsReplica"]),
                ("docs.count", &["dc", "docsCount"]),
                ("docs.deleted", &["dd", "docsDeleted"]),
                ("store.size", &["ss", "storeSize"]),
                ("pri.store.size", &[]),
                ("creation.date", &["cd"]),
                ("creation.date.string", &["cds"]),
            ],
            defaults: vec![
                "health",
                "status",
                "index",
                "uuid",
                "pri",
                "rep",
                "docs.count",
                "docs.deleted",
                "store.size",
                "pri.store.size",
            ],
            rows,
        },
    )
}

/// Cluster status colour and shard counts (shared with `_cluster/health`).
pub fn cluster_counts(c: &crate::model::Cluster) -> (&'static str, u32, u32, u32) {
    let mut status = "green";
    let (mut pri, mut active, mut unassigned) = (0, 0, 0);
    for i in c.indices.values().filter(|i| i.is_open()) {
        let copies = c.copies(i);
        pri += copies.primaries;
        active += copies.active;
        unassigned += copies.unassigned;
        if c.index_health(i) == "yellow" {
            status = "yellow";
        }
    }
    (status, pri, active, unassigned)
}

fn epoch_row() -> (String, String) {
    let now = time::OffsetDateTime::now_utc();
    (
        now.unix_timestamp().to_string(),
        format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second()),
    )
}

async fn health(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let (status, pri, active, unassigned) = cluster_counts(&c);
    let (epoch, ts) = epoch_row();
    let pct = if active + unassigned == 0 {
        100.0
    } else {
        active as f64 * 100.0 / (active + unassigned) as f64
    };
    let mut columns: Vec<(&'static str, &'static [&'static str])> = vec![
        ("epoch", &["t", "time"]),
        ("timestamp", &["ts", "hms", "hhmmss"]),
        ("cluster", &["cl"]),
        ("status", &["st"]),
        ("node.total", &["nt", "nodeTotal"]),
        ("node.data", &["nd", "nodeData"]),
    ];
    let mut row = vec![
        epoch,
        ts,
        ctx.shared.cluster_name.clone(),
        status.into(),
        "1".into(),
        "1".into(),
    ];
    if ctx.shared.product.is_opensearch() && ctx.shared.product.version.major >= 2 {
        columns.push(("discovered_cluster_manager", &["dcm"]));
        row.push("true".into());
    }
    columns.extend_from_slice(&[
        ("shards", &["t", "sh", "shards.total", "shardsTotal"][..]),
        ("pri", &["p", "shards.primary", "shardsPrimary"]),
        ("relo", &["r", "shards.relocating", "shardsRelocating"]),
        ("init", &["i", "shards.initializing", "shardsInitializing"]),
        ("unassign", &["u", "shards.unassigned", "shardsUnassigned"]),
        ("pending_tasks", &["pt", "pendingTasks"]),
        ("max_task_wait_time", &["mtwt", "maxTaskWaitTime"]),
        ("active_shards_percent", &["asp", "activeShardsPercent"]),
    ]);
    row.extend([
        active.to_string(),
        pri.to_string(),
        "0".into(),
        "0".into(),
        unassigned.to_string(),
        "0".into(),
        "-".into(),
        format!("{pct:.1}%"),
    ]);
    render(&ctx, Table::all_columns(columns, vec![row]))
}

async fn count(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    let n: usize = names
        .iter()
        .filter_map(|n| c.indices.get(n))
        .map(|i| i.docs.len())
        .sum();
    let (epoch, ts) = epoch_row();
    render(
        &ctx,
        Table {
            columns: vec![
                ("epoch", &["t", "time"]),
                ("timestamp", &["ts", "hms", "hhmmss"]),
                ("count", &["dc", "docs.count", "docsCount"]),
            ],
            defaults: vec!["epoch", "timestamp", "count"],
            rows: vec![vec![epoch, ts, n.to_string()]],
        },
    )
}

async fn plugins(ctx: Ctx) -> ApiResult<Reply> {
    let product = ctx.shared.product;
    let version = product.version.to_string();
    // Elasticsearch 8 ships s3, azure and gcs as modules, which `_cat/plugins` does not list.
    let modules = !product.is_opensearch() && product.version.major >= 8;
    let module = |c: &str| matches!(c, "repository-s3" | "repository-azure" | "repository-gcs");
    let missing = ctx.shared.cluster().missing_plugins.clone();
    let rows = [
        "repository-s3",
        "elasticsearch-repository-oss",
        "repository-cos",
        "repository-azure",
        "repository-gcs",
    ]
    .into_iter()
    .filter(|c| !(missing.contains(*c) || (modules && module(c))))
    .map(|c| {
        vec![
            ctx.shared.node_id.clone(),
            ctx.shared.node_name.clone(),
            c.to_string(),
            version.clone(),
        ]
    })
    .collect();
    render(
        &ctx,
        Table {
            columns: vec![
                ("id", &[]),
                ("name", &["n"]),
                ("component", &["c"]),
                ("version", &["v"]),
            ],
            defaults: vec!["name", "component", "version"],
            rows,
        },
    )
}

/// Epoch milliseconds as `2024-01-31T12:00:00.000Z`.
fn iso_millis(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}
