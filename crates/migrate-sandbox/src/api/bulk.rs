//! `_bulk`: NDJSON actions (index, create, delete, update with `doc`/`doc_as_upsert`), applied in order
//! under one lock, with per-item results and errors.

use std::time::Instant;

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::Product;
use crate::json::write_json;
use crate::router::RouteTable;
use crate::update::update;
use crate::write::{DocWrite, delete_doc, index_doc};
use serde::Deserialize;

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

/// Metadata of one bulk action.
#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(rename = "_index")]
    index: Option<String>,
    #[serde(rename = "_type")]
    ty: Option<String>,
    #[serde(rename = "_id")]
    id: Option<IdValue>,
    op_type: Option<String>,
    if_seq_no: Option<u64>,
    if_primary_term: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum IdValue {
    Str(String),
    Num(serde_json::Number),
}

/// An action line: exactly one of the four operations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionLine {
    index: Option<Meta>,
    create: Option<Meta>,
    delete: Option<Meta>,
    update: Option<Meta>,
}

fn malformed(n: usize, what: &str) -> ApiError {
    ApiError::illegal_argument(format!("Malformed action/metadata line [{n}], {what}"))
}

async fn bulk(ctx: Ctx) -> ApiResult<Reply> {
    let start = Instant::now();
    let p = ctx.shared.product;
    let default_index = ctx.param("index").to_string();
    let default_type = Some(ctx.param("type").to_string()).filter(|t| !t.is_empty());
    let mut items: Vec<u8> = Vec::with_capacity(ctx.body.len() / 2);
    let mut count = 0usize;
    let mut errors = false;
    let mut it = lines(&ctx.body);
    let mut c = ctx.shared.cluster();
    while let Some(action_line) = it.next() {
        count += 1;
        let action: ActionLine = serde_json::from_slice(&action_line).map_err(|e| {
            malformed(
                count,
                &format!("expected one of [create, delete, index, update] but found [{e}]"),
            )
        })?;
        let (op, meta) = match action {
            ActionLine {
                index: Some(m),
                create: None,
                delete: None,
                update: None,
            } => ("index", m),
            ActionLine {
                index: None,
                create: Some(m),
                delete: None,
                update: None,
            } => ("create", m),
            ActionLine {
                index: None,
                create: None,
                delete: Some(m),
                update: None,
            } => ("delete", m),
            ActionLine {
                index: None,
                create: None,
                delete: None,
                update: Some(m),
            } => ("update", m),
            _ => {
                return Err(malformed(
                    count,
                    "expected FIELD_NAME but found [END_OBJECT]",
                ));
            }
        };
        let meta_create = meta.op_type.as_deref() == Some("create");
        let index = meta.index.unwrap_or_else(|| default_index.clone());
        let ty = meta.ty.or_else(|| default_type.clone());
        let id = meta.id.map(|v| match v {
            IdValue::Str(s) => s,
            IdValue::Num(n) => n.to_string(),
        });
        if index.is_empty() {
            return Err(ApiError::validation(&["index is missing".into()]));
        }
        let rejected = ctx
            .shared
            .faults
            .reject_item(ctx.method.as_str(), &ctx.path);
        let empty_id = id.as_deref() == Some("") && op != "delete";
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
            "index" | "create" => {
                let Some(source) = it.next() else {
                    return Err(ApiError::illegal_argument(
                        "The bulk request must be terminated by a newline [\\n]",
                    ));
                };
                let create_only = op == "create" || meta.op_type.as_deref() == Some("create");
                let if_seq = meta.if_seq_no.zip(meta.if_primary_term);
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
            _ => {
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
        };
        if !items.is_empty() {
            items.push(b',');
        }
        // An `index` action with `op_type: create` is reported as a `create`.
        let shown = if op == "index" && meta_create {
            "create"
        } else {
            op
        };
        items.extend_from_slice(format!("{{\"{shown}\":").as_bytes());
        match result {
            Ok(r) => r.write_json(&mut items, true),
            Err(e) => {
                errors = true;
                write_json(
                    &mut items,
                    &item_error(&e, &index, ty.as_deref(), id.as_deref().unwrap_or(""), &p),
                );
            }
        }
        items.push(b'}');
    }
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
    Ok(Reply::Raw(
        StatusCode::OK,
        out,
        "application/json; charset=UTF-8",
    ))
}
