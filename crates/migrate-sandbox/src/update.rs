//! Partial updates (`_update` and `_bulk`'s `update`): `doc` merged into the stored source (a merge
//! that changes nothing is a `noop`), `doc_as_upsert`, `upsert`, or a Painless `script` over `ctx`
//! (`ctx.op` `none`/`noop` changes nothing, `delete` deletes).

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::model::Cluster;
use crate::model::index::merge;
use crate::write::{DocWrite, WriteResult, index_doc};

/// A partial update (`doc`, `doc_as_upsert`, `upsert`).
pub fn update(
    c: &mut Cluster,
    p: &Product,
    index: &str,
    ty: Option<&str>,
    id: &str,
    body: &[u8],
    if_seq_no: Option<(u64, u64)>,
) -> ApiResult<WriteResult> {
    let req: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::parse(format!("failed to parse update request: {e}")))?;
    let concrete = c.write_index(index)?;
    let current = concrete
        .as_ref()
        .and_then(|n| c.indices.get(n))
        .and_then(|i| i.docs.get(ty.unwrap_or("_doc"), id))
        .cloned();
    if let (Some((seq, term)), Some(d)) = (if_seq_no, &current)
        && (d.seq_no != seq || d.primary_term != term)
    {
        let tail = format!(
            "required seqNo [{seq}], primary term [{term}]. current document has seqNo [{}] and primary term [{}]",
            d.seq_no, d.primary_term
        );
        let name = concrete.clone().unwrap_or_default();
        let uuid = c
            .indices
            .get(&name)
            .map(|i| i.uuid.clone())
            .unwrap_or_default();
        return Err(ApiError::version_conflict(id, &tail, &name, &uuid));
    }
    let existing = current.as_ref().map(|d| d.source.clone());
    let script = match req.get("script") {
        Some(v) => Some(crate::painless::Script::from_request(v, c)?),
        None => None,
    };
    let detect_noop = req.get("detect_noop").and_then(Value::as_bool) != Some(false);
    let merged = match (existing, req.get("doc"), req.get("upsert")) {
        (Some(src), Some(doc), _) => {
            let before: Value = serde_json::from_slice(&src).unwrap_or(json!({}));
            let mut v = before.clone();
            merge(&mut v, doc);
            if detect_noop && v == before {
                return noop(c, p, index, ty, id);
            }
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
        (Some(src), None, _) if script.is_some() => {
            let (Some(script), Some(doc)) = (&script, &current) else {
                return Err(ApiError::validation(&["script or doc is missing".into()]));
            };
            let source: Value = serde_json::from_slice(&src).unwrap_or(json!({}));
            let ctx = json!({
                "_index": concrete.clone().unwrap_or_default(), "_id": id,
                "_version": doc.version, "_routing": doc.routing.as_deref(),
                "_source": source, "op": "index",
            });
            let out = script.execute(ctx)?;
            match out.get("op").and_then(Value::as_str).unwrap_or("index") {
                "none" | "noop" => return noop(c, p, index, ty, id),
                "delete" => return crate::write::delete_doc(c, p, index, ty, id),
                _ => out["_source"].clone(),
            }
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

/// The answer to an update that changes nothing (`result: noop`, no new version or sequence number).
fn noop(
    c: &mut Cluster,
    p: &Product,
    index: &str,
    ty: Option<&str>,
    id: &str,
) -> ApiResult<WriteResult> {
    let name = c
        .write_index(index)?
        .ok_or_else(|| ApiError::index_not_found(index))?;
    let i = c
        .indices
        .get(&name)
        .ok_or_else(|| ApiError::index_not_found(index))?;
    let doc = i
        .docs
        .get(ty.unwrap_or("_doc"), id)
        .ok_or_else(|| ApiError::index_not_found(index))?;
    let with_seq = p.es_major() >= 6;
    let (ty_name, version, seq) = (doc.ty.clone(), doc.version, (doc.seq_no, doc.primary_term));
    let uuid = i.uuid.clone();
    c.stats.entry(uuid).or_default().noop_update_total += 1;
    Ok(WriteResult {
        status: StatusCode::OK,
        index: name,
        ty: (p.type_mode() != TypeMode::None).then_some(ty_name),
        id: id.to_string(),
        version,
        result: "noop",
        seq_no: with_seq.then_some(seq),
        legacy_flag: None,
    })
}
