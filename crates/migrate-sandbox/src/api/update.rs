//! `_update` (partial update of one document): `POST /{index}/_update/{id}` (7.x+), and the typed
//! `POST /{index}/{type}/{id}/_update` of 5.x/6.x (kept, deprecated, by 7.x; gone in 8.x and
//! OpenSearch 2.x); `_mget` (several gets in one request).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::docs::{GetOptions, get_json, if_seq_no};
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::TypeMode;
use crate::json::write_json;
use crate::router::RouteTable;
use crate::search::source::SourceFilter;
use crate::update::update;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "update",
        &[M::POST],
        &["/{index}/_update/{id}", "/{index}/{type}/{id}/_update"],
        update_doc,
    );
    t.api(
        "mget",
        &[M::GET, M::POST],
        &["/_mget", "/{index}/_mget"],
        mget,
    );
}

fn unrecognized(ctx: &Ctx) -> ApiError {
    ApiError::unrecognized(&ctx.path)
}

async fn update_doc(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let ty = match ctx.param("type") {
        "" if p.type_mode() == TypeMode::Multi || p.type_mode() == TypeMode::Single => {
            // 5.x/6.x read `/{index}/_update/{id}` as a document of type `_update`.
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_type_name_exception",
                "Document mapping type name can't start with '_', found: [_update]",
            ));
        }
        "" => None,
        _ if p.type_mode() == TypeMode::None => return Err(unrecognized(&ctx)),
        t => Some(t.to_string()),
    };
    if ctx.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::validation(&["script or doc is missing".into()]));
    }
    let r = {
        let mut c = ctx.shared.cluster();
        let r = update(
            &mut c,
            &p,
            ctx.param("index"),
            ty.as_deref(),
            ctx.param("id"),
            &ctx.body,
            if_seq_no(&ctx)?,
        )?;
        c.refresh_for(ctx.q("refresh"), &[&r.index]);
        r
    };
    Ok(Reply::Json(r.status, r.body()))
}

/// One `_mget` entry: index, type, id and source filter.
fn entry(
    doc: &Value,
    default_index: &str,
    default_filter: &SourceFilter,
) -> ApiResult<(String, Option<String>, String, SourceFilter)> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let (index, ty, id, filter) = match doc {
        Value::Object(m) => {
            let index = m
                .get("_index")
                .and_then(text)
                .unwrap_or_else(|| default_index.to_string());
            let filter = m
                .get("_source")
                .map(SourceFilter::from_body)
                .unwrap_or_else(|| default_filter.clone());
            (
                index,
                m.get("_type").and_then(text),
                m.get("_id").and_then(text),
                filter,
            )
        }
        other => (
            default_index.to_string(),
            None,
            text(other),
            default_filter.clone(),
        ),
    };
    let mut problems = Vec::new();
    if index.is_empty() {
        problems.push("index is missing for doc 0".to_string());
    }
    let id = id.unwrap_or_default();
    if id.is_empty() {
        problems.push("id is missing for doc 0".to_string());
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(&problems));
    }
    Ok((index, ty, id, filter))
}

async fn mget(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let body = ctx
        .json()?
        .ok_or_else(|| ApiError::validation(&["no documents to get".into()]))?;
    let mut filter = SourceFilter::default();
    filter.apply_params(
        ctx.q("_source"),
        ctx.q("_source_includes"),
        ctx.q("_source_excludes"),
    );
    let docs: Vec<Value> = match (body.get("docs"), body.get("ids")) {
        (Some(Value::Array(d)), _) => d.clone(),
        (None, Some(Value::Array(ids))) => ids.clone(),
        _ => return Err(ApiError::validation(&["no documents to get".into()])),
    };
    if docs.is_empty() {
        return Err(ApiError::validation(&["no documents to get".into()]));
    }
    let entries = docs
        .iter()
        .map(|d| entry(d, ctx.param("index"), &filter))
        .collect::<ApiResult<Vec<_>>>()?;
    let c = ctx.shared.cluster();
    let mut out = b"{\"docs\":[".to_vec();
    for (n, (index, ty, id, filter)) in entries.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        let opts = GetOptions {
            filter: filter.clone(),
            ..Default::default()
        };
        match get_json(&c, &p, index, ty.as_deref(), id, &opts) {
            Ok((_, doc)) => out.extend_from_slice(&doc),
            Err(e) => {
                let mut item = serde_json::Map::new();
                item.insert("_index".into(), json!(index));
                if p.type_mode() != TypeMode::None {
                    item.insert("_type".into(), json!(ty.as_deref().unwrap_or("_doc")));
                }
                item.insert("_id".into(), json!(id));
                let mut err = e.cause();
                err["root_cause"] = json!([e.cause()]);
                item.insert("error".into(), err);
                write_json(&mut out, &Value::Object(item));
            }
        }
    }
    out.extend_from_slice(b"]}");
    Reply::ok_bytes(out)
}
