//! A field's mapping type in a source index (the reindex update-time field): read with a planned
//! `GET /{index}/_mapping`, found by its dotted path in every index of the answer; and, for a
//! numeric one, whether it counts epoch seconds or milliseconds.

use migrate_cluster::api::indices::mappings;
use migrate_core::request::{Fills, Request};
use migrate_exec::StepError;
use serde_json::Value;

use migrate_graph::blueprint::UpdateFieldUnit;

use crate::cx::Cx;
use crate::watermark::seconds_from_values;

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

/// Whether the update-time field is numeric (its mapping read with the planned `mapping` request;
/// not numeric when none is planned) and, when it is, whether it counts epoch seconds
/// ([`counts_seconds`]). Shared by the reindex and copy passes.
pub(crate) async fn numeric_unit(
    cx: &Cx<'_>,
    mapping: Option<&Request>,
    values: Option<&Request>,
    declared: Option<UpdateFieldUnit>,
    (strategy, index, field): (&str, &str, &str),
) -> Result<(bool, bool), StepError> {
    let Some(req) = mapping else {
        return Ok((false, false));
    };
    let numeric = field_type(cx, req, &crate::cx::none(), index, field)
        .await?
        .is_some_and(|t| crate::watermark::is_numeric_type(&t));
    if !numeric {
        return Ok((false, false));
    }
    let seconds = counts_seconds(cx, values, declared, (strategy, index, field)).await?;
    Ok((true, seconds))
}

/// Whether a numeric update-time field counts epoch seconds: the plan's `update_field_unit`
/// (`declared`), else read from the field's newest values (`values` is the planned search); a
/// field whose values do not say fails the step, naming the plan field to set
/// (`strategy.<strategy>.update_field_unit`).
pub(crate) async fn counts_seconds(
    cx: &Cx<'_>,
    values: Option<&Request>,
    declared: Option<UpdateFieldUnit>,
    (strategy, index, field): (&str, &str, &str),
) -> Result<bool, StepError> {
    if let Some(unit) = declared {
        return Ok(unit == UpdateFieldUnit::Seconds);
    }
    let Some(req) = values else {
        return Err(
            cx.permanent("a field-values search the plan does not have (a bug in the step)")
        );
    };
    let v: Value = cx
        .json(
            req,
            &Fills::new(),
            &format!("reading the newest `{field}` values of `{index}`"),
        )
        .await?;
    let found: Vec<f64> = v
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .map(|hits| {
            hits.iter()
                .filter_map(|h| {
                    let mut at = h.get("_source")?;
                    for part in field.split('.') {
                        at = at.get(part)?;
                    }
                    match at {
                        Value::Number(n) => n.as_f64(),
                        Value::String(s) => s.parse().ok(),
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    seconds_from_values(&found).ok_or_else(|| {
        let shown: Vec<String> = found.iter().map(|v| format!("{v}")).collect();
        cx.permanent(format!(
            "the update field `{field}` of `{index}` is numeric and its newest values ({}) do not say whether they count seconds or milliseconds since the epoch; set `strategy.{strategy}.update_field_unit: seconds` (or `millis`) in the plan",
            if shown.is_empty() { "none".to_owned() } else { shown.join(", ") }
        ))
    })
}
