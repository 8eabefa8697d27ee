//! `_bulk`: NDJSON actions (index, create, delete, update with `doc`/`doc_as_upsert`), applied in order
//! under one lock, with per-item results and errors.

use std::time::Instant;

use axum::http::Method;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::dual_write;
use crate::error::{ApiError, ApiResult};
use crate::flavor::Product;
use crate::json::write_json;
use crate::router::RouteTable;
use crate::search::source::SourceFilter;
use crate::update::update;
use crate::write::{DocWrite, WriteOptions, WriteResult, delete_doc, index_doc_with};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.api(
        "bulk",
        &[Method::POST, Method::PUT],
        &["/_bulk", "/{index}/_bulk", "/{index}/{type}/_bulk"],
        bulk,
    );
}

/// Non-blank lines with their 1-based line numbers.
fn lines(body: &Bytes) -> impl Iterator<Item = (usize, Bytes)> + '_ {
    let mut start = 0;
    let mut n = 0;
    std::iter::from_fn(move || {
        while start < body.len() {
            n += 1;
            let end = body[start..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| start + p)
                .unwrap_or(body.len());
            let line = body.slice(start..end);
            start = end + 1;
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some((n, line));
            }
        }
        None
    })
}

fn item_error(e: &ApiError, index: &str, ty: Option<&str>, id: &str, product: &Product) -> Value {
    let mut m = Map::new();
    m.insert("_index".into(), json!(index));
    if product.type_mode() != crate::flavor::TypeMode::None {
        m.insert("_type".into(), json!(ty.unwrap_or("_doc")));
    }
    m.insert("_id".into(), json!(id));
    m.insert("status".into(), json!(e.status.as_u16()));
    m.insert("error".into(), e.cause());
    Value::Object(m)
}

/// Metadata of one bulk action.
#[derive(Debug, Default)]
struct Meta {
    index: Option<String>,
    ty: Option<String>,
    id: Option<String>,
    op_type: Option<String>,
    if_seq_no: Option<u64>,
    if_primary_term: Option<u64>,
    routing: Option<String>,
    version: Option<String>,
    version_type: Option<String>,
    require_alias: Option<bool>,
    pipeline: Option<String>,
    source: Option<Value>,
}

/// The metadata keys an action line may hold (anything else is refused, as `_version` and
/// `_routing` have been since 7.0).
const META_KEYS: &[&str] = &[
    "_index",
    "_type",
    "_id",
    "op_type",
    "if_seq_no",
    "if_primary_term",
    "routing",
    "version",
    "version_type",
    "require_alias",
    "retry_on_conflict",
    "pipeline",
    "_source",
];

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses an action line into the operation and its metadata.
fn parse_action(line: &[u8], n: usize) -> ApiResult<(&'static str, Meta)> {
    let v: Value = serde_json::from_slice(line).map_err(|e| {
        malformed(
            n,
            &format!("expected one of [create, delete, index, update] but found [{e}]"),
        )
    })?;
    let Value::Object(m) = v else {
        return Err(malformed(n, "expected START_OBJECT"));
    };
    let mut it = m.into_iter();
    let Some((op, meta)) = it.next() else {
        return Err(malformed(n, "expected FIELD_NAME but found [END_OBJECT]"));
    };
    let op = match op.as_str() {
        "index" => "index",
        "create" => "create",
        "delete" => "delete",
        "update" => "update",
        other => {
            return Err(ApiError::illegal_argument(format!(
                "Malformed action/metadata line [{n}], expected one of [create, delete, index, update] but found [{other}]"
            )));
        }
    };
    if it.next().is_some() {
        return Err(malformed(n, "expected END_OBJECT but found [FIELD_NAME]"));
    }
    let Value::Object(meta) = meta else {
        return Err(malformed(n, "expected START_OBJECT"));
    };
    let mut out = Meta::default();
    for (k, v) in &meta {
        if !META_KEYS.contains(&k.as_str()) {
            return Err(ApiError::illegal_argument(format!(
                "Action/metadata line [{n}] contains an unknown parameter [{k}]"
            )));
        }
        let text = scalar(v);
        match k.as_str() {
            "_index" => out.index = text,
            "_type" => out.ty = text,
            "_id" => out.id = text,
            "op_type" => out.op_type = text,
            "if_seq_no" => out.if_seq_no = v.as_u64(),
            "if_primary_term" => out.if_primary_term = v.as_u64(),
            "routing" => out.routing = text,
            "version" => out.version = text,
            "version_type" => out.version_type = text,
            "require_alias" => out.require_alias = v.as_bool().or(text.map(|t| t == "true")),
            "pipeline" => out.pipeline = text,
            "_source" => out.source = Some(v.clone()),
            _ => {}
        }
    }
    Ok((op, out))
}

fn malformed(n: usize, what: &str) -> ApiError {
    ApiError::illegal_argument(format!("Malformed action/metadata line [{n}], {what}"))
}

/// The concrete index a write went to (the fallback when it failed).
fn index_of(r: &ApiResult<WriteResult>, fallback: &str) -> String {
    r.as_ref()
        .map_or_else(|_| fallback.to_string(), |w| w.index.clone())
}

/// Appends one item (`{"<op>": result-or-error}`) to the items array.
fn push_item(
    items: &mut Vec<u8>,
    op: &str,
    result: ApiResult<WriteResult>,
    get: Option<Value>,
    errors: &mut bool,
    product: &Product,
    names: impl FnOnce() -> (String, Option<String>, String),
) {
    if !items.is_empty() {
        items.push(b',');
    }
    items.extend_from_slice(format!("{{\"{op}\":").as_bytes());
    match result {
        Ok(r) => {
            r.write_json(items, true);
            if let Some(g) = get {
                items.pop();
                items.extend_from_slice(b",\"get\":");
                write_json(items, &g);
                items.push(b'}');
            }
        }
        Err(e) => {
            *errors = true;
            let (index, ty, id) = names();
            write_json(items, &item_error(&e, &index, ty.as_deref(), &id, product));
        }
    }
    items.push(b'}');
}

async fn bulk(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let default_index = ctx.param("index").to_string();
    let default_type = Some(ctx.param("type").to_string()).filter(|t| !t.is_empty());
    let mut items: Vec<u8> = Vec::with_capacity(ctx.body.len() / 2);
    let mut errors = false;
    let default_routing = ctx.q("routing").map(str::to_string);
    let default_pipeline = ctx.q("pipeline").map(str::to_string);
    let require_alias = ctx.flag("require_alias");
    let mut it = lines(&ctx.body);
    let mut touched: Vec<String> = Vec::new();
    let mut c = ctx.shared.cluster();
    while let Some((line_no, action_line)) = it.next() {
        let (op, meta) = parse_action(&action_line, line_no)?;
        let meta_create = meta.op_type.as_deref() == Some("create");
        let index = meta.index.unwrap_or_else(|| default_index.clone());
        let ty = meta.ty.or_else(|| default_type.clone());
        let id = meta.id.clone();
        if let Some(id) = &id {
            crate::write::check_id(id)?;
        }
        if index.is_empty() {
            return Err(ApiError::validation(&["index is missing".into()]));
        }
        let rejected = ctx
            .shared
            .faults
            .reject_item(ctx.method.as_str(), &ctx.path);
        let empty_id = id.as_deref() == Some("") && op != "delete";
        let if_seq = meta.if_seq_no.zip(meta.if_primary_term);
        let mut get_block: Option<Value> = None;
        let result = match op {
            _ if empty_id => {
                it.next();
                Err(ApiError::illegal_argument(
                    "if _id is specified it must not be empty",
                ))
            }
            _ if rejected => {
                if op != "delete" {
                    it.next();
                }
                Err(ApiError::rejected(
                    p.is_opensearch(),
                    format!(
                        "rejected execution of primary operation [shard_detail=[{index}][0][P], shard_max_coordinating_and_primary_bytes=0, shard_max_replica_bytes=0] on the write thread pool (sandbox fault injection)"
                    ),
                ))
            }
            "index" | "create"
                if meta
                    .pipeline
                    .clone()
                    .or(default_pipeline.clone())
                    .is_some_and(|p| p != "_none") =>
            {
                it.next();
                // The sandbox stores pipelines but does not run them: a write through one is refused.
                let name = meta
                    .pipeline
                    .clone()
                    .or(default_pipeline.clone())
                    .unwrap_or_default();
                Err(super::ingest::refuse_write(&c, &name))
            }
            "index" | "create" => {
                let Some((_, source)) = it.next() else {
                    return Err(ApiError::illegal_argument(
                        "The bulk request must be terminated by a newline [\\n]",
                    ));
                };
                let create_only = op == "create" || meta.op_type.as_deref() == Some("create");
                index_doc_with(
                    &mut c,
                    &p,
                    DocWrite {
                        index: &index,
                        ty: ty.as_deref(),
                        id: id.clone(),
                        // Own copy: a slice would keep the whole request body (action lines
                        // included) alive for as long as the document lives.
                        source: Bytes::copy_from_slice(&source),
                        create_only,
                        if_seq_no: if_seq,
                    },
                    WriteOptions {
                        routing: meta.routing.clone().or(default_routing.clone()),
                        version: crate::api::docs::external_version(
                            meta.version.as_deref(),
                            meta.version_type.as_deref(),
                        )?,
                        require_alias: meta.require_alias.unwrap_or(require_alias),
                    },
                )
            }
            "delete" => match &id {
                Some(id) if if_seq.is_some() => {
                    crate::write::delete_doc_if(&mut c, &p, &index, ty.as_deref(), id, if_seq)
                }
                Some(id) => delete_doc(&mut c, &p, &index, ty.as_deref(), id),
                None => Err(ApiError::validation(&["id is missing".into()])),
            },
            _ => {
                let Some((_, body)) = it.next() else {
                    return Err(ApiError::illegal_argument(
                        "The bulk request must be terminated by a newline [\\n]",
                    ));
                };
                // `_source` of the update (action line, body, or the request) asks for the
                // document as updated in a `get` block.
                let body_source = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|b| b.get("_source").cloned());
                let wanted = meta.source.clone().or(body_source);
                let filter = update_source_filter(&ctx, wanted.as_ref());
                match &id {
                    Some(id) => update(&mut c, &p, &index, ty.as_deref(), id, &body, if_seq)
                        .inspect(|r| {
                            get_block = filter.and_then(|f| updated_source(&c, r, &f));
                        }),
                    None => Err(ApiError::validation(&["id is missing".into()])),
                }
            }
        };
        // An `index` action with `op_type: create` is reported as a `create`.
        let mut shown = if op == "index" && meta_create {
            "create"
        } else {
            op
        };
        // Dual write (OpenSearch 3.x): the mirrored item follows the source's; an update that
        // wrote is reported as the index or create it became.
        let mirror = match &result {
            Ok(r) if op == "delete" => dual_write::mirror_delete(&mut c, &p, r).map(|m| {
                (
                    if m.as_ref()
                        .is_ok_and(|m| m.result == "deleted" || m.result == "not_found")
                    {
                        "delete"
                    } else {
                        "index"
                    },
                    m,
                )
            }),
            Ok(r) if r.result != "noop" => {
                if op == "update" && dual_write::target(&c, &p, &r.index).is_some() {
                    shown = if r.result == "created" {
                        "create"
                    } else {
                        "index"
                    };
                }
                dual_write::mirror_write(&mut c, &p, r, id.is_none()).map(|m| ("index", m))
            }
            _ => None,
        };
        if let Ok(r) = &result
            && !touched.contains(&r.index)
        {
            touched.push(r.index.clone());
        }
        push_item(
            &mut items,
            shown,
            result,
            get_block,
            &mut errors,
            &p,
            || (index.clone(), ty.clone(), id.clone().unwrap_or_default()),
        );
        if let Some((key, m)) = mirror {
            let target = dual_write::target(&c, &p, &index_of(&m, &index)).map(|t| t.0);
            push_item(&mut items, key, m, None, &mut errors, &p, || {
                (
                    target.clone().unwrap_or_default(),
                    None,
                    id.clone().unwrap_or_default(),
                )
            });
        }
    }
    let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
    c.refresh_for(ctx.q("refresh"), &touched);
    drop(c);
    let mut out = Vec::with_capacity(items.len() + 64);
    out.extend_from_slice(
        format!(
            "{{\"took\":{},\"errors\":{errors},\"items\":[",
            start.elapsed().as_millis()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&items);
    out.extend_from_slice(b"]}");
    Reply::ok_bytes(out)
}

/// The `_source` filter an update's `get` block uses, if one is asked for.
fn update_source_filter(ctx: &Ctx, wanted: Option<&Value>) -> Option<SourceFilter> {
    match wanted {
        Some(v) => {
            let f = SourceFilter::from_body(v);
            (!f.disabled).then_some(f)
        }
        None if ctx.q("_source").is_some()
            || ctx.q("_source_includes").is_some()
            || ctx.q("_source_excludes").is_some() =>
        {
            let mut f = SourceFilter::default();
            f.apply_params(
                ctx.q("_source"),
                ctx.q("_source_includes"),
                ctx.q("_source_excludes"),
            );
            (!f.disabled).then_some(f)
        }
        None => None,
    }
}

/// The `get` block of an update item: the document as the update left it.
fn updated_source(c: &crate::model::Cluster, r: &WriteResult, f: &SourceFilter) -> Option<Value> {
    let i = c.indices.get(&r.index)?;
    let d = i.docs.get(r.ty.as_deref().unwrap_or("_doc"), &r.id)?;
    let src: Value = serde_json::from_slice(&d.source).ok()?;
    Some(json!({
        "_seq_no": d.seq_no, "_primary_term": d.primary_term, "found": true,
        "_source": f.filter(&src),
    }))
}
