//! Document APIs: index (PUT/POST), create, get, exists, delete; typed paths for 5.x/6.x.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::json::write_json;
use crate::model::Cluster;
use crate::model::routing::shard_of;
use crate::router::{JSON_UTF8, RouteTable};
use crate::search::fetch::FieldFetch;
use crate::search::source::SourceFilter;
use crate::write::{DocWrite, ExternalVersion, WriteOptions, index_doc_with};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    // The typed endpoints (`/{index}/{type}/...`) are those of 5.x and 6.x (deprecated on 7.x).
    t.api(
        "index",
        &[M::PUT, M::POST],
        &["/{index}/_doc/{id}", "/{index}/{type}/{id}"],
        put_doc,
    );
    t.api(
        "index",
        &[M::POST],
        &["/{index}/_doc", "/{index}/{type}"],
        post_doc,
    );
    t.api(
        "create",
        &[M::PUT, M::POST],
        &["/{index}/_create/{id}"],
        create_doc,
    );
    t.api(
        "create",
        &[M::PUT],
        &["/{index}/{type}/{id}/_create"],
        create_doc,
    );
    t.api(
        "get",
        &[M::GET],
        &["/{index}/_doc/{id}", "/{index}/{type}/{id}"],
        get_doc,
    );
    t.api("exists", &[M::HEAD], &["/{index}/_doc/{id}"], get_doc);
    t.api(
        "delete",
        &[M::DELETE],
        &["/{index}/_doc/{id}", "/{index}/{type}/{id}"],
        del_doc,
    );
}

fn url_type(ctx: &Ctx) -> ApiResult<Option<String>> {
    let t = ctx.param("type");
    if t.is_empty() {
        return Ok(None);
    }
    if ctx.shared.product.type_mode() == TypeMode::None {
        return Err(ApiError::unrecognized(&ctx.path));
    }
    Ok(Some(t.to_string()))
}

pub fn if_seq_no(ctx: &Ctx) -> ApiResult<Option<(u64, u64)>> {
    match (ctx.q("if_seq_no"), ctx.q("if_primary_term")) {
        (None, None) => Ok(None),
        (Some(s), Some(t)) => match (s.parse(), t.parse()) {
            (Ok(s), Ok(t)) => Ok(Some((s, t))),
            _ => Err(ApiError::illegal_argument(
                "if_seq_no and if_primary_term must be numbers",
            )),
        },
        _ => Err(ApiError::validation(&[
            "ifSeqNo is set, but primary term is [0]".into(),
        ])),
    }
}

/// `version` / `version_type` of a write: external types give the document that version; the
/// internal type cannot be used for optimistic concurrency (OpenSearch and ES 7+ point to
/// `if_seq_no`).
pub fn external_version(
    version: Option<&str>,
    version_type: Option<&str>,
) -> ApiResult<Option<ExternalVersion>> {
    let gte = match version_type {
        None | Some("internal") => {
            if version.is_some() {
                return Err(ApiError::validation(&["internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead".into()]));
            }
            return Ok(None);
        }
        Some("external") => false,
        Some("external_gte") => true,
        Some(other) => {
            return Err(ApiError::illegal_argument(format!(
                "No version type match [{other}]"
            )));
        }
    };
    let Some(v) = version else {
        return Err(ApiError::validation(&[
            "an external version must be set for an external version type".into(),
        ]));
    };
    let version = v.parse::<u64>().map_err(|_| {
        ApiError::validation(&[format!(
            "illegal version value [{v}] for version type [EXTERNAL]"
        )])
    })?;
    Ok(Some(ExternalVersion { version, gte }))
}

/// Adds `forced_refresh: true` to a write response when `refresh` is `true` or empty.
fn forced_refresh(ctx: &Ctx, mut body: Value) -> Value {
    if matches!(ctx.q("refresh"), Some("" | "true")) {
        body["forced_refresh"] = json!(true);
    }
    body
}

async fn write(ctx: Ctx, id: Option<String>, create_only: bool) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = url_type(&ctx)?;
    let create_only = create_only || ctx.q("op_type") == Some("create");
    if let Some(id) = &id {
        crate::write::check_id(id)?;
    }
    // The sandbox stores pipelines but does not run them: a write through one is refused.
    if let Some(name) = ctx.q("pipeline").filter(|p| *p != "_none") {
        return Err(super::ingest::refuse_write(&ctx.shared.cluster(), name));
    }
    let w = DocWrite {
        index: ctx.param("index"),
        ty: ty.as_deref(),
        id,
        source: ctx.body.clone(),
        create_only,
        if_seq_no: if_seq_no(&ctx)?,
    };
    let o = WriteOptions {
        routing: ctx.q("routing").map(str::to_string),
        version: external_version(ctx.q("version"), ctx.q("version_type"))?,
        require_alias: ctx.flag("require_alias"),
    };
    let auto_id = w.id.is_none();
    let shown_id = w.id.clone().unwrap_or_default();
    crate::active_shards::wait_for_active(
        &ctx.shared,
        w.index,
        ctx.q("wait_for_active_shards"),
        crate::active_shards::write_timeout(ctx.q("timeout"))?,
        |i| format!("index {{[{i}][_doc][{shown_id}]}}"),
    )
    .await?;
    let r = {
        let mut c = ctx.shared.cluster();
        let r = index_doc_with(&mut c, &p, w, o)?;
        if let Some(m) = crate::dual_write::mirror_write(&mut c, &p, &r, auto_id) {
            m?;
        }
        c.refresh_for(ctx.q("refresh"), &[&r.index]);
        r
    };
    Ok(Reply::Json(r.status, forced_refresh(&ctx, r.body())))
}

async fn put_doc(ctx: Ctx) -> ApiResult<Reply> {
    let id = ctx.param("id").to_string();
    write(ctx, Some(id), false).await
}

async fn post_doc(ctx: Ctx) -> ApiResult<Reply> {
    write(ctx, None, false).await
}

async fn create_doc(ctx: Ctx) -> ApiResult<Reply> {
    let id = ctx.param("id").to_string();
    write(ctx, Some(id), true).await
}

async fn get_doc(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = url_type(&ctx)?;
    let mut filter = SourceFilter::default();
    filter.apply_params(
        ctx.q("_source"),
        ctx.q("_source_includes").or(ctx.q("_source_include")),
        ctx.q("_source_excludes").or(ctx.q("_source_exclude")),
    );
    let fetch = FieldFetch::parse(None, None, ctx.q("stored_fields"), None)?;
    if !fetch.keeps_source() && ctx.q("_source").is_none() {
        filter.disabled = true;
    }
    let version = match ctx.q("version") {
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            ApiError::illegal_argument(format!("failed to parse [version] value [{v}]"))
        })?),
        None => None,
    };
    let opts = GetOptions {
        filter,
        fetch,
        version,
        stale: ctx.q("realtime") == Some("false"),
        routing: ctx.q("routing").map(str::to_string),
    };
    let mut c = ctx.shared.cluster();
    c.refresh_for(ctx.q("refresh"), &[ctx.param("index")]);
    let (found, out) = get_json(
        &c,
        &p,
        ctx.param("index"),
        ty.as_deref(),
        ctx.param("id"),
        &opts,
    )?;
    let status = if found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    if ctx.method == Method::HEAD {
        return Ok(Reply::Empty(status));
    }
    Ok(Reply::Raw(status, out, JSON_UTF8))
}

/// What a get returns besides the metadata.
#[derive(Debug, Clone, Default)]
pub struct GetOptions {
    /// `_source` filtering.
    pub filter: SourceFilter,
    /// `stored_fields`.
    pub fetch: FieldFetch,
    /// `version`: the document must have exactly this version (409 otherwise).
    pub version: Option<u64>,
    /// `realtime=false`: read what searches see (the last refresh), not the live document.
    pub stale: bool,
    /// `routing`: the shard to look on (the `_id`'s when absent).
    pub routing: Option<String>,
}

/// The body of a get (also each entry of `_mget`): whether the document exists, and the JSON.
pub fn get_json(
    c: &Cluster,
    p: &Product,
    name: &str,
    ty: Option<&str>,
    id: &str,
    opts: &GetOptions,
) -> ApiResult<(bool, Vec<u8>)> {
    let filter = &opts.filter;
    let concrete = c
        .write_index(name)?
        .ok_or_else(|| ApiError::index_not_found(name))?;
    let index = c
        .indices
        .get(&concrete)
        .ok_or_else(|| ApiError::index_not_found(name))?;
    if !index.is_open() {
        return Err(ApiError::index_closed(&index.name, &index.uuid));
    }
    let docs = if opts.stale {
        c.searcher(index)
    } else {
        &index.docs
    };
    let doc = match ty {
        Some(t) if t != "_all" => docs.get(t, id).filter(|d| *d.ty == *t),
        _ if docs.typed => index.mappings.keys().find_map(|t| docs.get(t, id)),
        _ => docs.get("_doc", id),
    };
    // A routing value other than the write's looks on another shard.
    let doc = doc.filter(|d| {
        let wanted = opts.routing.as_deref().unwrap_or(id);
        let stored = d.routing.as_deref().unwrap_or(id);
        index.shards() == 1
            || wanted == stored
            || shard_of(index, p, wanted) == shard_of(index, p, stored)
    });
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"_index\":");
    write_json(&mut out, &json!(concrete));
    if p.type_mode() != TypeMode::None {
        out.extend_from_slice(b",\"_type\":");
        let t = doc
            .map(|d| d.ty.to_string())
            .or(ty.map(str::to_string))
            .unwrap_or_else(|| "_doc".into());
        write_json(&mut out, &json!(t));
    }
    out.extend_from_slice(b",\"_id\":");
    write_json(&mut out, &json!(id));
    let Some(doc) = doc else {
        out.extend_from_slice(b",\"found\":false}");
        return Ok((false, out));
    };
    if let Some(v) = opts.version
        && v != doc.version
    {
        let tail = format!(
            "current version [{}] is different than the one provided [{v}]",
            doc.version
        );
        return Err(ApiError::version_conflict(
            id,
            &tail,
            &concrete,
            &index.uuid,
        ));
    }
    out.extend_from_slice(format!(",\"_version\":{}", doc.version).as_bytes());
    if p.es_major() >= 6 {
        out.extend_from_slice(
            format!(
                ",\"_seq_no\":{},\"_primary_term\":{}",
                doc.seq_no, doc.primary_term
            )
            .as_bytes(),
        );
    }
    if let Some(r) = &doc.routing {
        out.extend_from_slice(b",\"_routing\":");
        write_json(&mut out, &json!(r.as_ref()));
    }
    out.extend_from_slice(b",\"found\":true");
    let parsed: Value = if filter.is_identity() && opts.fetch.stored.is_none() {
        Value::Null
    } else {
        serde_json::from_slice(&doc.source).unwrap_or(Value::Null)
    };
    if !filter.disabled && index.stores_source() {
        out.extend_from_slice(b",\"_source\":");
        if filter.is_identity() {
            out.extend_from_slice(&doc.source);
        } else {
            write_json(&mut out, &filter.filter(&parsed));
        }
    }
    if let Some(fields) = opts.fetch.render(index, &parsed) {
        out.extend_from_slice(b",\"fields\":");
        write_json(&mut out, &fields);
    }
    out.push(b'}');
    Ok((true, out))
}

async fn del_doc(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = url_type(&ctx)?;
    let r = {
        let mut c = ctx.shared.cluster();
        let r = crate::write::delete_doc_if(
            &mut c,
            &p,
            ctx.param("index"),
            ty.as_deref(),
            ctx.param("id"),
            if_seq_no(&ctx)?,
        )?;
        if let Some(m) = crate::dual_write::mirror_delete(&mut c, &p, &r) {
            m?;
        }
        c.refresh_for(ctx.q("refresh"), &[&r.index]);
        r
    };
    Ok(Reply::Json(r.status, r.body()))
}
