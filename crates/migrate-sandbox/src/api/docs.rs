//! Document APIs: index (PUT/POST), create, get, exists, delete; typed paths for 5.x/6.x.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::json::write_json;
use crate::model::Cluster;
use crate::router::RouteTable;
use crate::search::source::SourceFilter;
use crate::write::{DocWrite, delete_doc, index_doc};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::PUT, "/{index}/_doc/{id}", "index", put_doc);
    t.route(Method::POST, "/{index}/_doc/{id}", "index", put_doc);
    t.route(Method::POST, "/{index}/_doc", "index", post_doc);
    t.route(Method::PUT, "/{index}/_create/{id}", "create", create_doc);
    t.route(Method::POST, "/{index}/_create/{id}", "create", create_doc);
    t.route(Method::GET, "/{index}/_doc/{id}", "get", get_doc);
    t.route(Method::HEAD, "/{index}/_doc/{id}", "exists", get_doc);
    t.route(Method::DELETE, "/{index}/_doc/{id}", "delete", del_doc);
    // Typed endpoints (5.x, 6.x; deprecated on 7.x).
    t.route(Method::PUT, "/{index}/{type}/{id}", "index", put_doc);
    t.route(Method::POST, "/{index}/{type}/{id}", "index", put_doc);
    t.route(Method::POST, "/{index}/{type}", "index", post_doc);
    t.route(
        Method::PUT,
        "/{index}/{type}/{id}/_create",
        "create",
        create_doc,
    );
    t.route(Method::GET, "/{index}/{type}/{id}", "get", get_doc);
    t.route(Method::DELETE, "/{index}/{type}/{id}", "delete", del_doc);
}

fn url_type(ctx: &Ctx) -> ApiResult<Option<String>> {
    let t = ctx.param("type");
    if t.is_empty() {
        return Ok(None);
    }
    if ctx.shared.product.type_mode() == TypeMode::None {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "illegal_argument_exception",
            format!(
                "request [{}] contains unrecognized parameters or path",
                ctx.path
            ),
        ));
    }
    Ok(Some(t.to_string()))
}

fn if_seq_no(ctx: &Ctx) -> ApiResult<Option<(u64, u64)>> {
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

async fn write(ctx: Ctx, id: Option<String>, create_only: bool) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = url_type(&ctx)?;
    let create_only = create_only || ctx.q("op_type") == Some("create");
    let w = DocWrite {
        index: ctx.param("index"),
        ty: ty.as_deref(),
        id,
        source: ctx.body.clone(),
        create_only,
        if_seq_no: if_seq_no(&ctx)?,
    };
    let r = {
        let mut c = ctx.shared.cluster();
        index_doc(&mut c, &p, w)?
    };
    Ok(Reply::Json(r.status, r.body()))
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
    let c = ctx.shared.cluster();
    let (found, out) = get_json(
        &c,
        &p,
        ctx.param("index"),
        ty.as_deref(),
        ctx.param("id"),
        &filter,
    )?;
    let status = if found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    if ctx.method == Method::HEAD {
        return Ok(Reply::Empty(status));
    }
    Ok(Reply::Raw(status, out, "application/json; charset=UTF-8"))
}

/// The body of a get (also each entry of `_mget`): whether the document exists, and the JSON.
pub fn get_json(
    c: &Cluster,
    p: &Product,
    name: &str,
    ty: Option<&str>,
    id: &str,
    filter: &SourceFilter,
) -> ApiResult<(bool, Vec<u8>)> {
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
    let doc = match ty {
        Some(t) if t != "_all" => index.docs.get(t, id).filter(|d| *d.ty == *t),
        _ if index.docs.typed => index.mappings.keys().find_map(|t| index.docs.get(t, id)),
        _ => index.docs.get("_doc", id),
    };
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
    out.extend_from_slice(b",\"found\":true");
    if !filter.disabled {
        out.extend_from_slice(b",\"_source\":");
        if filter.is_identity() {
            out.extend_from_slice(&doc.source);
        } else {
            let v: Value = serde_json::from_slice(&doc.source).unwrap_or(Value::Null);
            write_json(&mut out, &filter.filter(&v));
        }
    }
    out.push(b'}');
    Ok((true, out))
}

async fn del_doc(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = url_type(&ctx)?;
    let r = {
        let mut c = ctx.shared.cluster();
        delete_doc(
            &mut c,
            &p,
            ctx.param("index"),
            ty.as_deref(),
            ctx.param("id"),
        )?
    };
    Ok(Reply::Json(r.status, r.body()))
}
