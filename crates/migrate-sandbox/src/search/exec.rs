//! Executes a search over concrete indexes: parses the request, filters, sorts, pages (from/size,
//! search_after) and renders hits as JSON bytes, embedding stored `_source` bytes without re-parsing.

use std::collections::HashMap;

use serde_json::Value;

use super::context::{HitRef, RenderOptions};
use super::fetch::FieldFetch;
use super::query::Query;
use super::sort::{self, SortField};
use super::source::SourceFilter;
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::json::write_json;
use crate::model::{Cluster, Doc, Index};

/// How total hits are tracked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackTotal {
    /// Exact up to N (default 10,000 on 7+).
    UpTo(usize),
    /// Exact.
    Exact,
    /// Not reported.
    Off,
}

/// A parsed search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Query.
    pub query: Query,
    /// Page size.
    pub size: usize,
    /// Offset.
    pub from: usize,
    /// Sort clauses (empty: by score then doc order).
    pub sort: Vec<SortField>,
    /// `search_after` values.
    pub search_after: Option<Vec<Value>>,
    /// Rendering.
    pub render: RenderOptions,
    /// Total tracking.
    pub track_total: TrackTotal,
    /// `pit.id` and `pit.keep_alive`.
    pub pit: Option<(String, Option<String>)>,
    /// Mapping types to restrict to (typed search on 5.x/6.x); empty: all.
    pub types: Vec<String>,
    /// Filters of filtered aliases the request went through, per concrete index.
    pub alias_filters: HashMap<String, Query>,
}

fn param_usize(params: &HashMap<String, String>, key: &str) -> ApiResult<Option<usize>> {
    match params.get(key) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            ApiError::illegal_argument(format!(
                "Failed to parse int parameter [{key}] with value [{s}]"
            ))
        }),
    }
}

impl SearchRequest {
    /// Parses body and query-string parameters.
    pub fn parse(
        body: Option<&Value>,
        params: &HashMap<String, String>,
        product: &Product,
    ) -> ApiResult<SearchRequest> {
        let empty = Value::Object(Default::default());
        let body = body.unwrap_or(&empty);
        if !body.is_object() {
            return Err(ApiError::parse("request body must be an object"));
        }
        let query = match body.get("query") {
            Some(q) => Query::parse(q)?,
            None => match params.get("q") {
                Some(q) => parse_q(q),
                None => Query::MatchAll,
            },
        };
        let size = match body.get("size") {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| ApiError::parse("[size] must be a number"))?
                as usize,
            None => param_usize(params, "size")?.unwrap_or(10),
        };
        let from = match body.get("from") {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| ApiError::parse("[from] must be a number"))?
                as usize,
            None => param_usize(params, "from")?.unwrap_or(0),
        };
        let sort = match body.get("sort") {
            Some(s) => sort::parse(s)?,
            None => match params.get("sort") {
                Some(s) => sort::parse_param(s)?,
                None => vec![],
            },
        };
        let search_after = body.get("search_after").and_then(Value::as_array).cloned();
        if search_after.is_some() && sort.is_empty() {
            return Err(ApiError::illegal_argument(
                "Sort must contain at least one field.",
            ));
        }
        let fetch = FieldFetch::parse(
            body.get("stored_fields"),
            body.get("docvalue_fields"),
            params.get("stored_fields").map(String::as_str),
            params.get("docvalue_fields").map(String::as_str),
        )?;
        let mut source = body
            .get("_source")
            .map(SourceFilter::from_body)
            .unwrap_or_default();
        if !fetch.keeps_source() && body.get("_source").is_none() {
            source.disabled = true;
        }
        source.apply_params(
            params.get("_source").map(String::as_str),
            params
                .get("_source_includes")
                .or(params.get("_source_include"))
                .map(String::as_str),
            params
                .get("_source_excludes")
                .or(params.get("_source_exclude"))
                .map(String::as_str),
        );
        let track_total = match body.get("track_total_hits").cloned().or_else(|| {
            params.get("track_total_hits").map(|s| match s.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                n => n
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or(Value::Bool(true)),
            })
        }) {
            Some(Value::Bool(true)) => TrackTotal::Exact,
            Some(Value::Bool(false)) => TrackTotal::Off,
            Some(Value::Number(n)) => TrackTotal::UpTo(n.as_u64().unwrap_or(10_000) as usize),
            _ => {
                if product.total_hits_object()
                    && params.get("rest_total_hits_as_int").map(String::as_str) != Some("true")
                {
                    TrackTotal::UpTo(10_000)
                } else {
                    TrackTotal::Exact
                }
            }
        };
        let pit = body.get("pit").map(|p| {
            (
                p.get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                p.get("keep_alive")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
        });
        let flag = |k: &str| {
            body.get(k).and_then(Value::as_bool).unwrap_or(false)
                || params.get(k).map(String::as_str) == Some("true")
        };
        let with_sort = !sort.is_empty();
        let null_score = with_sort && !sort.iter().any(|s| s.field == "_score");
        Ok(SearchRequest {
            query,
            size,
            from,
            search_after,
            render: RenderOptions {
                source,
                version: flag("version"),
                seq_no_primary_term: flag("seq_no_primary_term"),
                with_type: product.type_mode() != TypeMode::None,
                with_sort,
                null_score,
                fetch,
            },
            sort,
            track_total,
            pit,
            types: Vec::new(),
            alias_filters: HashMap::new(),
        })
    }
}

/// A `q=field:value` query-string query (single term, or `*`).
fn parse_q(q: &str) -> Query {
    if q == "*" || q == "*:*" {
        return Query::MatchAll;
    }
    match q.split_once(':') {
        Some((f, v)) => Query::Match {
            field: f.to_string(),
            text: v.trim_matches('"').to_string(),
        },
        None => Query::Match {
            field: "*".to_string(),
            text: q.to_string(),
        },
    }
}

/// Refuses a search the servers refuse before running it: a range bound a date field's format
/// cannot read fails every shard (`search_phase_execution_exception` 400, root cause
/// `parse_exception`).
pub fn validate(cluster: &Cluster, names: &[String], req: &SearchRequest) -> ApiResult<()> {
    for name in names {
        let Some(index) = cluster.indices.get(name) else {
            continue;
        };
        req.render.fetch.validate(index)?;
        if let Err(reason) = req.query.check_dates(index) {
            let cause = serde_json::json!({"type": "parse_exception", "reason": reason});
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "search_phase_execution_exception",
                "all shards failed",
            )
            .with("root_cause", serde_json::json!([cause]))
            .with("phase", "query")
            .with("grouped", true)
            .with(
                "failed_shards",
                serde_json::json!([{"shard": 0, "index": name, "reason": cause}]),
            ));
        }
    }
    Ok(())
}

/// All matching hits, sorted, before paging. Closed indexes must have been rejected by the caller.
pub fn run(cluster: &Cluster, names: &[String], req: &SearchRequest) -> Vec<HitRef> {
    run_counted(cluster, names, req).1
}

/// The number of documents the query matches (what `hits.total` counts: `search_after` does not
/// change it) and the hits after `search_after`, sorted, before paging.
pub fn run_counted(
    cluster: &Cluster,
    names: &[String],
    req: &SearchRequest,
) -> (usize, Vec<HitRef>) {
    let mut hits = Vec::new();
    let needs_source = req.query.needs_source()
        || req.alias_filters.values().any(Query::needs_source)
        || req
            .sort
            .iter()
            .any(|s| !matches!(s.field.as_str(), "_doc" | "_score" | "_id" | "_uid"));
    for (pos, name) in names.iter().enumerate() {
        let Some(index) = cluster.indices.get(name) else {
            continue;
        };
        let alias_filter = req.alias_filters.get(name);
        let field_types: Vec<Option<String>> = req
            .sort
            .iter()
            .map(|s| index.field_type(&s.field))
            .collect();
        let date_fields: Vec<bool> = field_types
            .iter()
            .map(|t| matches!(t.as_deref(), Some("date") | Some("date_nanos")))
            .collect();
        for (slot, doc) in cluster.searcher(index).iter() {
            if !req.types.is_empty() && !req.types.iter().any(|t| **t == *doc.ty) {
                continue;
            }
            let parsed: Option<Value> = if needs_source {
                match serde_json::from_slice(&doc.source) {
                    Ok(v) => Some(v),
                    Err(_) => continue,
                }
            } else {
                None
            };
            let src = parsed.as_ref().unwrap_or(&Value::Null);
            if !req.query.matches(&doc.id, src, index)
                || alias_filter.is_some_and(|f| !f.matches(&doc.id, src, index))
            {
                continue;
            }
            let doc_number = ((pos as u64) << 32) | slot as u64;
            let sort = req
                .sort
                .iter()
                .zip(date_fields.iter().zip(&field_types))
                .map(|(f, (d, t))| {
                    if f.field == "_uid" {
                        return super::meta_sort::uid(doc);
                    }
                    let v = sort::sort_value(f, &doc.id, doc_number, parsed.as_ref(), *d);
                    sort::with_precision(t.as_deref(), v)
                })
                .collect();
            hits.push(HitRef {
                index: pos as u32,
                slot,
                sort,
            });
        }
    }
    let doc_order = req.sort.is_empty()
        || (req.sort.len() == 1 && req.sort[0].field == "_doc" && !req.sort[0].desc);
    if !doc_order {
        hits.sort_by(|a, b| sort::compare(&req.sort, &a.sort, &b.sort));
    }
    let matched = hits.len();
    if let Some(after) = &req.search_after {
        hits.retain(|h| sort::compare(&req.sort, &h.sort, after) == std::cmp::Ordering::Greater);
    }
    (matched, hits)
}

/// Appends one hit's JSON to `out`.
pub fn render_hit(out: &mut Vec<u8>, index: &Index, doc: &Doc, hit: &HitRef, opts: &RenderOptions) {
    out.extend_from_slice(b"{\"_index\":");
    write_json(out, &Value::String(index.name.clone()));
    if opts.with_type {
        out.extend_from_slice(b",\"_type\":");
        write_json(out, &Value::String(doc.ty.to_string()));
    }
    out.extend_from_slice(b",\"_id\":");
    write_json(out, &Value::String(doc.id.to_string()));
    if opts.version {
        out.extend_from_slice(format!(",\"_version\":{}", doc.version).as_bytes());
    }
    if opts.seq_no_primary_term {
        out.extend_from_slice(
            format!(
                ",\"_seq_no\":{},\"_primary_term\":{}",
                doc.seq_no, doc.primary_term
            )
            .as_bytes(),
        );
    }
    if opts.null_score {
        out.extend_from_slice(b",\"_score\":null");
    } else {
        out.extend_from_slice(b",\"_score\":1.0");
    }
    if let Some(r) = &doc.routing {
        out.extend_from_slice(b",\"_routing\":");
        write_json(out, &Value::String(r.to_string()));
    }
    let needs_parse = !opts.source.is_identity()
        || opts.fetch.stored.is_some()
        || !opts.fetch.docvalue.is_empty();
    let parsed: Value = if needs_parse {
        serde_json::from_slice(&doc.source).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    if !opts.source.disabled && index.stores_source() {
        out.extend_from_slice(b",\"_source\":");
        if opts.source.is_identity() {
            out.extend_from_slice(&doc.source);
        } else {
            write_json(out, &opts.source.filter(&parsed));
        }
    }
    if let Some(fields) = opts.fetch.render(index, &parsed) {
        out.extend_from_slice(b",\"fields\":");
        write_json(out, &fields);
    }
    if opts.with_sort {
        out.extend_from_slice(b",\"sort\":");
        write_json(out, &Value::Array(hit.sort.clone()));
    }
    out.push(b'}');
}

/// Renders a page of hits as a JSON array.
pub fn render_hits(
    cluster: &Cluster,
    names: &[String],
    page: &[HitRef],
    opts: &RenderOptions,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.len() * 128 + 2);
    out.push(b'[');
    let mut first = true;
    for hit in page {
        let Some(index) = names
            .get(hit.index as usize)
            .and_then(|n| cluster.indices.get(n))
        else {
            continue;
        };
        let Some(doc) = cluster.searcher(index).slot(hit.slot) else {
            continue;
        };
        if !first {
            out.push(b',');
        }
        first = false;
        render_hit(&mut out, index, doc, hit, opts);
    }
    out.push(b']');
    out
}

/// The `hits.total` value for a count under a tracking mode.
pub fn total_value(count: usize, track: TrackTotal, object: bool) -> Option<Value> {
    let (value, relation) = match track {
        TrackTotal::Off => return None,
        TrackTotal::Exact => (count, "eq"),
        TrackTotal::UpTo(n) if count > n => (n, "gte"),
        TrackTotal::UpTo(_) => (count, "eq"),
    };
    Some(if object {
        serde_json::json!({"value": value, "relation": relation})
    } else {
        serde_json::json!(count)
    })
}
