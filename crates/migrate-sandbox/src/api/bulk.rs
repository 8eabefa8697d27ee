//! `_bulk`: NDJSON actions (index, create, delete, update with `doc`/`doc_as_upsert`), applied in order
//! under one lock, with per-item results and errors.

use std::time::Instant;

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::Product;
use crate::model::Cluster;
use crate::model::index::merge;
use crate::router::RouteTable;
use crate::write::{DocWrite, WriteResult, delete_doc, index_doc};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(Method::POST, "/_bulk", "bulk", bulk);
    t.route(Method::PUT, "/_bulk", "bulk", bulk);
    t.route(Method::POST, "/{index}/_bulk", "bulk", bulk);
    t.route(Method::PUT, "/{index}/_bulk", "bulk", bulk);
    t.route(Method::POST, "/{index}/{type}/_bulk", "bulk", bulk);
    t.route(Method::PUT, "/{index}/{type}/_bulk", "bulk", bulk);
}

fn lines(body: &Bytes) -> impl Iterator<Item = Bytes> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < body.len() {
            let end = body[start..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| start + p)
                .unwrap_or(body.len());
            let line = body.slice(start..end);
            start = end + 1;
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some(line);
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

fn with_status(r: WriteResult) -> Value {
    let mut body = r.body;
    if let Value::Object(m) = &mut body {
        m.insert("status".into(), json!(r.status.as_u16()));
    }
    body
}

async fn bulk(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let default_index = ctx.param("index").to_string();
    let mut items = Vec::new();
    let mut errors = false;
    let mut it = lines(&ctx.body);
    let mut c = ctx.shared.cluster();
    while let Some(action_line) = it.next() {
        let action: Value = serde_json::from_slice(&action_line).map_err(|e| {
            ApiError::illegal_argument(format!(
                "Malformed action/metadata line [{}], expected START_OBJECT but found [{e}]",
                items.len() + 1
            ))
        })?;
        let Some((op, meta)) = action.as_object().and_then(|m| m.iter().next()) else {
            return Err(ApiError::illegal_argument(format!(
                "Malformed action/metadata line [{}], expected FIELD_NAME but found [END_OBJECT]",
                items.len() + 1
            )));
        };
        let index = meta
            .get("_index")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| default_index.clone());
        let ty = meta
            .get("_type")
            .and_then(Value::as_str)
            .map(str::to_string);
        let id = meta.get("_id").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if index.is_empty() {
            return Err(ApiError::validation(&["index is missing".into()]));
        }
        let result = match op.as_str() {
            "index" | "create" => {
                let Some(source) = it.next() else {
                    return Err(ApiError::illegal_argument(
                        "The bulk request must be terminated by a newline [\\n]",
                    ));
                };
                let create_only =
                    op == "create" || meta.get("op_type").and_then(Value::as_str) == Some("create");
                let if_seq = match (
                    meta.get("if_seq_no").and_then(Value::as_u64),
                    meta.get("if_primary_term").and_then(Value::as_u64),
                ) {
                    (Some(s), Some(t)) => Some((s, t)),
                    _ => None,
                };
                index_doc(
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
                )
            }
            "delete" => match &id {
                Some(id) => delete_doc(&mut c, &p, &index, ty.as_deref(), id),
                None => Err(ApiError::validation(&["id is missing".into()])),
            },
            "update" => {
                let Some(body) = it.next() else {
                    return Err(ApiError::illegal_argument(
                        "The bulk request must be terminated by a newline [\\n]",
                    ));
                };
                match &id {
                    Some(id) => update(&mut c, &p, &index, ty.as_deref(), id, &body),
                    None => Err(ApiError::validation(&["id is missing".into()])),
                }
            }
            other => {
                return Err(ApiError::illegal_argument(format!(
                    "Malformed action/metadata line [{}], expected one of [create, delete, index, update] but found [{other}]",
                    items.len() + 1
                )));
            }
        };
        let item = match result {
            Ok(r) => with_status(r),
            Err(e) => {
                errors = true;
                item_error(&e, &index, ty.as_deref(), id.as_deref().unwrap_or(""), &p)
            }
        };
        let mut wrapper = Map::new();
        wrapper.insert(op.clone(), item);
        items.push(Value::Object(wrapper));
    }
    drop(c);
    Ok(Reply::Json(
        StatusCode::OK,
        json!({"took": start.elapsed().as_millis() as u64, "errors": errors, "items": items}),
    ))
}

/// A partial update (`doc`, `doc_as_upsert`, `upsert`).
fn update(
    c: &mut Cluster,
    p: &Product,
    index: &str,
    ty: Option<&str>,
    id: &str,
    body: &[u8],
) -> ApiResult<WriteResult> {
    let req: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::parse(format!("failed to parse update request: {e}")))?;
    let concrete = c.write_index(index)?;
    let existing = concrete
        .as_ref()
        .and_then(|n| c.indices.get(n))
        .and_then(|i| i.docs.get(ty.unwrap_or("_doc"), id))
        .map(|d| d.source.clone());
    let merged = match (existing, req.get("doc"), req.get("upsert")) {
        (Some(src), Some(doc), _) => {
            let mut v: Value = serde_json::from_slice(&src).unwrap_or(json!({}));
            merge(&mut v, doc);
            v
        }
        (None, Some(doc), _) if req.get("doc_as_upsert").and_then(Value::as_bool) == Some(true) => {
            doc.clone()
        }
        (None, _, Some(up)) => up.clone(),
        (None, _, None) => {
            let uuid = concrete
                .as_ref()
                .and_then(|n| c.indices.get(n))
                .map(|i| i.uuid.clone())
                .unwrap_or_else(|| "_na_".into());
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "document_missing_exception",
                format!("[{}][{id}]: document missing", ty.unwrap_or("_doc")),
            )
            .with("index_uuid", uuid)
            .with("shard", "0")
            .with("index", index));
        }
        (Some(_), None, _) => {
            return Err(ApiError::validation(&["script or doc is missing".into()]));
        }
    };
    let bytes = Bytes::from(serde_json::to_vec(&merged).unwrap_or_default());
    index_doc(
        c,
        p,
        DocWrite {
            index,
            ty,
            id: Some(id.to_string()),
            source: bytes,
            create_only: false,
            if_seq_no: None,
        },
    )
}
