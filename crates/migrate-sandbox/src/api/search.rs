//! `_search`, `_count`, scroll and clear-scroll, and point-in-time (ES `_pit`, OpenSearch
//! `_search/point_in_time`) where the version has it.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::indices::resolve_opts;
use super::{Ctx, Reply, shards};
use crate::error::{ApiError, ApiResult};
use crate::json::write_json;
use crate::model::Cluster;
use crate::router::RouteTable;
use crate::search::alias_filter::alias_filters;
use crate::search::context::HitRef;
use crate::search::context::{PitContext, ScrollContext, parse_time};
use crate::search::exec::{self, SearchRequest, TrackTotal, render_hits, total_value};
use crate::search::meta_sort;
use crate::search::scroll_rules::{self, Slice};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "search",
        &[M::GET, M::POST],
        &["/_search", "/{index}/_search", "/{index}/{type}/_search"],
        search,
    );
    t.api(
        "count",
        &[M::GET, M::POST],
        &["/_count", "/{index}/_count", "/{index}/{type}/_count"],
        count,
    );
    let scroll_paths = ["/_search/scroll", "/_search/scroll/{scroll_id}"];
    t.api("scroll", &[M::GET, M::POST], &scroll_paths, scroll);
    t.api("clear_scroll", &[M::DELETE], &scroll_paths, clear_scroll);
    // Point in time: Elasticsearch 7.10+ paths and OpenSearch 2.4+ paths; the handlers refuse the
    // other flavour.
    t.api(
        "open_point_in_time",
        &[M::POST],
        &["/{index}/_pit"],
        open_pit_es,
    );
    t.api(
        "close_point_in_time",
        &[M::DELETE],
        &["/_pit"],
        close_pit_es,
    );
    t.api(
        "create_pit",
        &[M::POST],
        &["/{index}/_search/point_in_time"],
        open_pit_os,
    );
    t.api(
        "delete_pit",
        &[M::DELETE],
        &["/_search/point_in_time"],
        close_pit_os,
    );
    t.api(
        "delete_all_pits",
        &[M::DELETE],
        &["/_search/point_in_time/_all"],
        close_all_pits_os,
    );
    t.api(
        "get_all_pits",
        &[M::GET],
        &["/_search/point_in_time/_all"],
        get_all_pits_os,
    );
}

fn expire(c: &mut Cluster) {
    let now = Instant::now();
    c.scrolls.retain(|_, s| s.expires > now);
    c.pits.retain(|_, p| p.expires > now);
}

/// Mapping types from a typed path (`/{index}/{type}/_search`), refused where the version has none.
fn url_types(ctx: &Ctx) -> ApiResult<Vec<String>> {
    let t = ctx.param("type");
    if t.is_empty() {
        return Ok(vec![]);
    }
    if ctx.shared.product.type_mode() == crate::flavor::TypeMode::None {
        return Err(ApiError::unrecognized(&ctx.path));
    }
    Ok(t.split(',').map(str::to_string).collect())
}

/// Resolves search targets, refusing closed concrete indexes.
fn targets(c: &Cluster, ctx: &Ctx, expr: &str) -> ApiResult<Vec<String>> {
    let names = c.resolve(expr, resolve_opts(ctx, false))?;
    for n in &names {
        if let Some(i) = c.indices.get(n)
            && !i.is_open()
        {
            return Err(ApiError::index_closed(n, &i.uuid));
        }
    }
    Ok(names)
}

fn total_shards(c: &Cluster, names: &[String]) -> u32 {
    names
        .iter()
        .filter_map(|n| c.indices.get(n))
        .map(|i| i.shards())
        .sum()
}

/// Writes `"key":"id",` (a scroll or point-in-time id ahead of the envelope).
fn id_field(out: &mut Vec<u8>, key: &str, id: &str) {
    write_json(out, &json!(key));
    out.push(b':');
    write_json(out, &json!(id));
    out.push(b',');
}

fn envelope(
    out: &mut Vec<u8>,
    took: u64,
    shard_count: u32,
    total: Option<Value>,
    max_score: Value,
    hits_json: &[u8],
) {
    out.extend_from_slice(format!("\"took\":{took},\"timed_out\":false,\"_shards\":").as_bytes());
    write_json(out, &shards(shard_count));
    out.extend_from_slice(b",\"hits\":{");
    if let Some(t) = total {
        out.extend_from_slice(b"\"total\":");
        write_json(out, &t);
        out.push(b',');
    }
    out.extend_from_slice(b"\"max_score\":");
    write_json(out, &max_score);
    out.extend_from_slice(b",\"hits\":");
    out.extend_from_slice(hits_json);
    out.extend_from_slice(b"}}");
}

async fn search(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let body = ctx.json()?;
    let mut req = SearchRequest::parse(body.as_ref(), &ctx.query, &p)?;
    req.types = url_types(&ctx)?;
    let scroll_keep = match ctx.q("scroll") {
        Some(s) => Some(parse_time(s).ok_or_else(|| {
            ApiError::illegal_argument(format!(
                "failed to parse setting [scroll] with value [{s}] as a time value"
            ))
        })?),
        None => None,
    };
    if scroll_keep.is_some() && req.search_after.is_some() {
        return Err(ApiError::validation(&[
            "using [search_after] is not allowed in a scroll context".into(),
        ]));
    }
    if scroll_keep.is_some() {
        let cache = ctx.q("request_cache") == Some("true")
            || body.as_ref().and_then(|b| b.get("request_cache")) == Some(&json!(true));
        scroll_rules::check_scroll_request(cache, req.size)?;
    }
    let slice = Slice::parse(body.as_ref())?;
    if slice.is_some() {
        scroll_rules::check_slice_context(&p, scroll_keep.is_some(), req.pit.is_some())?;
    }
    let mut c = ctx.shared.cluster();
    if let Some(k) = scroll_keep {
        scroll_rules::check_keep_alive(&c, k)?;
    }
    expire(&mut c);
    let (names, pit_id) = match &req.pit {
        Some((id, keep)) => {
            if !ctx.param("index").is_empty() {
                return Err(ApiError::validation(&["[indices] cannot be used with point in time. Do not specify any index with point in time.".into()]));
            }
            let Some(pit) = c.pits.get_mut(id) else {
                return Err(ApiError::no_search_context(id));
            };
            if let Some(k) = keep.as_deref().and_then(parse_time) {
                pit.expires = Instant::now() + k;
            }
            let names = pit.indices.clone();
            (names, Some(id.clone()))
        }
        None => (targets(&c, &ctx, ctx.param("index"))?, None),
    };
    if pit_id.is_none() {
        req.alias_filters = alias_filters(&c, ctx.param("index"))?;
    }
    exec::validate(&c, &names, &req)?;
    for n in &names {
        meta_sort::check(&c, &p, &req.sort, n)?;
    }
    let preferred = meta_sort::preferred_shards(ctx.q("preference"))?;
    let (mut total, mut all) = exec::run_counted(&c, &names, &req);
    if let Some(shards) = &preferred {
        all.retain(|h| {
            let index = names.get(h.index as usize).and_then(|n| c.indices.get(n));
            index.is_some_and(|i| {
                c.searcher(i)
                    .slot(h.slot)
                    .is_some_and(|d| meta_sort::in_shards(i, &p, d, shards))
            })
        });
        total = all.len();
    }
    if let Some(slice) = slice {
        for n in &names {
            if let Some(i) = c.indices.get(n) {
                slice.check(i)?;
            }
        }
        all.retain(|h| {
            let index = names.get(h.index as usize).and_then(|n| c.indices.get(n));
            index.is_some_and(|i| {
                c.searcher(i)
                    .slot(h.slot)
                    .is_some_and(|d| slice.contains(i, &p, d))
            })
        });
        total = all.len();
    }
    let shard_count = match &preferred {
        Some(shards) => shards.len() as u32,
        None => total_shards(&c, &names),
    };
    let first: Vec<HitRef> = all
        .iter()
        .skip(if scroll_keep.is_some() { 0 } else { req.from })
        .take(req.size)
        .cloned()
        .collect();
    let hits_json = render_hits(&c, &names, &first, &req.render);
    let max_score = if first.is_empty() || req.render.null_score {
        Value::Null
    } else {
        json!(1.0)
    };
    // Scrolls always count hits exactly; so does `rest_total_hits_as_int`.
    let track = if ctx.q("rest_total_hits_as_int") == Some("true") || scroll_keep.is_some() {
        TrackTotal::Exact
    } else {
        req.track_total
    };
    let as_object = p.total_hits_object() && ctx.q("rest_total_hits_as_int") != Some("true");
    let mut out = Vec::with_capacity(hits_json.len() + 256);
    out.push(b'{');
    if let Some(keep) = scroll_keep {
        let id = c.next_context_id("scroll");
        let size = req.size.max(1);
        c.scrolls.insert(
            id.clone(),
            ScrollContext {
                indices: names.clone(),
                pos: first.len(),
                hits: all,
                size,
                render: req.render.clone(),
                expires: Instant::now() + keep,
            },
        );
        id_field(&mut out, "_scroll_id", &id);
    }
    if let Some(id) = pit_id {
        id_field(&mut out, "pit_id", &id);
    }
    envelope(
        &mut out,
        start.elapsed().as_millis() as u64,
        shard_count,
        total_value(total, track, as_object),
        max_score,
        &hits_json,
    );
    Reply::ok_bytes(out)
}

async fn count(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let body = ctx.json()?;
    if let Some(b) = &body
        && let Some(bad) = b
            .as_object()
            .and_then(|m| m.keys().find(|k| k.as_str() != "query"))
    {
        return Err(ApiError::parse(format!("request does not support [{bad}]")));
    }
    let mut req = SearchRequest::parse(body.as_ref(), &ctx.query, &p)?;
    req.sort.clear();
    req.search_after = None;
    req.types = url_types(&ctx)?;
    let c = ctx.shared.cluster();
    let names = targets(&c, &ctx, ctx.param("index"))?;
    req.alias_filters = alias_filters(&c, ctx.param("index"))?;
    exec::validate(&c, &names, &req)?;
    let n = exec::run(&c, &names, &req).len();
    Reply::ok(json!({"count": n, "_shards": shards(total_shards(&c, &names))}))
}

async fn scroll(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let body = ctx.json()?;
    let id = body
        .as_ref()
        .and_then(|b| b.get("scroll_id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| ctx.q("scroll_id").map(str::to_string))
        .or_else(|| Some(ctx.param("scroll_id").to_string()).filter(|s| !s.is_empty()))
        .ok_or_else(|| ApiError::validation(&["scrollId is missing".into()]))?;
    let keep = body
        .as_ref()
        .and_then(|b| b.get("scroll"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| ctx.q("scroll").map(str::to_string))
        .and_then(|s| parse_time(&s));
    let mut c = ctx.shared.cluster();
    expire(&mut c);
    let Some(mut sc) = c.scrolls.remove(&id) else {
        return Err(ApiError::no_search_context(&id));
    };
    if let Some(k) = keep {
        if let Err(e) = scroll_rules::check_keep_alive(&c, k) {
            c.scrolls.insert(id, sc);
            return Err(e);
        }
        sc.expires = Instant::now() + k;
    }
    let end = (sc.pos + sc.size).min(sc.hits.len());
    let page = &sc.hits[sc.pos..end];
    let hits_json = render_hits(&c, &sc.indices, page, &sc.render);
    let max_score = if page.is_empty() || sc.render.null_score {
        Value::Null
    } else {
        json!(1.0)
    };
    let total = sc.hits.len();
    sc.pos = end;
    let shard_count = total_shards(&c, &sc.indices);
    let as_object = p.total_hits_object() && ctx.q("rest_total_hits_as_int") != Some("true");
    c.scrolls.insert(id.clone(), sc);
    drop(c);
    let mut out = Vec::with_capacity(hits_json.len() + 256);
    out.push(b'{');
    id_field(&mut out, "_scroll_id", &id);
    envelope(
        &mut out,
        start.elapsed().as_millis() as u64,
        shard_count,
        total_value(total, TrackTotal::Exact, as_object),
        max_score,
        &hits_json,
    );
    Reply::ok_bytes(out)
}

async fn clear_scroll(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?;
    let mut ids =
        crate::json::string_or_list(body.as_ref().and_then(|b| b.get("scroll_id")), |s| {
            s.split(',').map(str::to_string).collect()
        });
    let p = ctx.param("scroll_id");
    if !p.is_empty() {
        ids.extend(p.split(',').map(str::to_string));
    }
    let mut c = ctx.shared.cluster();
    let freed = if ids.iter().any(|i| i == "_all") {
        let n = c.scrolls.len();
        c.scrolls.clear();
        n
    } else {
        ids.iter()
            .filter(|i| c.scrolls.remove(*i).is_some())
            .count()
    };
    let status = if freed == 0 && !ids.is_empty() && !ids.iter().any(|i| i == "_all") {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok(Reply::Json(
        status,
        json!({"succeeded": true, "num_freed": freed}),
    ))
}

fn open_pit(ctx: &Ctx) -> ApiResult<(String, PitContext)> {
    let keep = ctx
        .q("keep_alive")
        .ok_or_else(|| ApiError::validation(&["[keep_alive] is missing".into()]))?;
    let keep: Duration = parse_time(keep).ok_or_else(|| {
        ApiError::illegal_argument(format!("failed to parse [keep_alive] with value [{keep}]"))
    })?;
    let mut c = ctx.shared.cluster();
    expire(&mut c);
    let names = targets(&c, ctx, ctx.param("index"))?;
    let id = c.next_context_id("pit");
    let created_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let pit = PitContext {
        indices: names.clone(),
        created_ms,
        keep_alive: keep,
        expires: Instant::now() + keep,
    };
    c.pits.insert(
        id.clone(),
        PitContext {
            indices: names,
            created_ms,
            keep_alive: keep,
            expires: pit.expires,
        },
    );
    Ok((id, pit))
}

fn need_pit(ctx: &Ctx, opensearch_path: bool) -> ApiResult<()> {
    let p = ctx.shared.product;
    if !p.has_pit() || p.is_opensearch() != opensearch_path {
        return Err(ApiError::unrecognized(&ctx.path));
    }
    Ok(())
}

async fn open_pit_es(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, false)?;
    let (id, _) = open_pit(&ctx)?;
    Reply::ok(json!({"id": id}))
}

async fn close_pit_es(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, false)?;
    let body = ctx.json()?.unwrap_or(json!({}));
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let freed = ctx.shared.cluster().pits.remove(&id).is_some();
    let status = if freed {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(Reply::Json(
        status,
        json!({"succeeded": true, "num_freed": u32::from(freed)}),
    ))
}

async fn open_pit_os(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, true)?;
    let (id, pit) = open_pit(&ctx)?;
    let c = ctx.shared.cluster();
    let n = total_shards(&c, &pit.indices);
    Reply::ok(json!({"pit_id": id, "_shards": shards(n), "creation_time": pit.created_ms}))
}

async fn close_pit_os(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, true)?;
    let body = ctx.json()?.unwrap_or(json!({}));
    let ids: Vec<String> = body
        .get("pit_id")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut c = ctx.shared.cluster();
    let pits: Vec<Value> = ids
        .iter()
        .map(|id| json!({"successful": c.pits.remove(id).is_some(), "pit_id": id}))
        .collect();
    Reply::ok(json!({"pits": pits}))
}

async fn close_all_pits_os(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, true)?;
    let mut c = ctx.shared.cluster();
    let pits: Vec<Value> = c
        .pits
        .drain()
        .map(|(id, _)| json!({"successful": true, "pit_id": id}))
        .collect();
    Reply::ok(json!({"pits": pits}))
}

async fn get_all_pits_os(ctx: Ctx) -> ApiResult<Reply> {
    need_pit(&ctx, true)?;
    let mut c = ctx.shared.cluster();
    expire(&mut c);
    let pits: Vec<Value> = c.pits.iter().map(|(id, p)| json!({"pit_id": id, "creation_time": p.created_ms, "keep_alive": p.keep_alive.as_millis() as u64})).collect();
    Reply::ok(json!({"pits": pits}))
}
