//! Where one pulled document goes: as it is to the destination, or as the Painless script leaves
//! it. A reindex script may change `_index`, `_id` (`null`: a generated id) and `_routing`; an
//! update-by-query script may not change `_id`, `_index` or `_version` (refused in the servers'
//! words), and its write goes back to the document's own index only if the document is unchanged
//! since it was read (its `_seq_no`/`_primary_term`). `ctx.op` `noop` skips, `delete` deletes.

use bytes::Bytes;
use serde_json::{Value, json};

use super::ReindexRequest;
use super::remote::PulledDoc;
use crate::error::ApiError;
use crate::painless::{ScrollOp, scroll_outcome, to_java_string};

/// The outcome for one document.
pub enum Target {
    /// Write it.
    Write(Write),
    /// Leave it (`noops`).
    Noop,
    /// Delete `id` from `index` (`deleted`).
    Delete {
        /// Index.
        index: String,
        /// Id.
        id: String,
    },
}

/// A write of one document.
pub struct Write {
    /// Destination index.
    pub index: String,
    /// Id (`None`: generated).
    pub id: Option<String>,
    /// Routing.
    pub routing: Option<String>,
    /// Source.
    pub source: Bytes,
    /// The `_seq_no`/`_primary_term` the document must still have (update by query).
    pub if_seq_no: Option<(u64, u64)>,
}

/// Runs the request's script (if any) on a pulled document.
pub fn target(req: &ReindexRequest, d: &PulledDoc) -> Result<Target, ApiError> {
    let origin = d.meta.clone().unwrap_or_default();
    let (dest, if_seq_no) = if req.by_query {
        (origin.index.clone(), Some(origin.seq_no))
    } else {
        (req.dest_index.clone(), None)
    };
    let Some(script) = &req.script else {
        return Ok(Target::Write(Write {
            index: dest,
            id: Some(d.id.clone()),
            routing: origin.routing,
            source: d.source.clone(),
            if_seq_no,
        }));
    };
    let source: Value = serde_json::from_slice(&d.source).unwrap_or(Value::Null);
    let before = json!({
        "_index": origin.index, "_id": d.id, "_version": origin.version,
        "_routing": origin.routing, "_source": source, "op": "index",
    });
    let out = script.execute(before.clone())?;
    if req.by_query {
        for key in ["_id", "_index", "_version"] {
            if out.get(key) != before.get(key) {
                return Err(ApiError::illegal_argument(format!(
                    "Modifying [{key}] not allowed"
                )));
            }
        }
    }
    let op = scroll_outcome(&out)?;
    let text = |k: &str| out.get(k).filter(|v| !v.is_null()).map(to_java_string);
    // The destination stays unless the script changed `_index`.
    let index = match text("_index") {
        Some(i) if i != origin.index => i,
        _ => dest,
    };
    let id = text("_id");
    Ok(match op {
        ScrollOp::Noop => Target::Noop,
        ScrollOp::Delete => Target::Delete {
            index,
            id: id.unwrap_or_default(),
        },
        ScrollOp::Index => Target::Write(Write {
            index,
            id,
            routing: text("_routing"),
            source: Bytes::from(serde_json::to_vec(&out["_source"]).unwrap_or_default()),
            if_seq_no,
        }),
    })
}
