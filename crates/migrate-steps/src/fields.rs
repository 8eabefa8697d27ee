//! A field's mapping type in a source index (the reindex update-time field): read with a planned
//! `GET /{index}/_mapping`, found by its dotted path in every index of the answer.

use migrate_cluster::api::indices::mappings;
use migrate_core::request::{Fills, Request};
use migrate_exec::StepError;
use serde_json::Value;

use crate::cx::Cx;

/// The mapping type of `field` (dotted path) in `index`, `None` when it is not mapped.
pub(crate) async fn field_type(
    cx: &Cx<'_>,
    req: &Request,
    fills: &Fills,
    index: &str,
    field: &str,
) -> Result<Option<String>, StepError> {
    let v: Value = cx
        .json(req, fills, &format!("reading the mapping of `{index}`"))
        .await?;
    for (_, m) in mappings(v).unwrap_or_default() {
        let Some(mut at) = m.mapping else { continue };
        let mut found = true;
        for part in field.split('.') {
            match at.get("properties").and_then(|p| p.get(part)) {
                Some(v) => at = v.clone(),
                None => {
                    found = false;
                    break;
                }
            }
        }
        if found && let Some(t) = at.get("type").and_then(Value::as_str) {
            return Ok(Some(t.to_owned()));
        }
    }
    Ok(None)
}
