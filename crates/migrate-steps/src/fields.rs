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
/// (`strategy.<strategy>.update_field_unit`). Preflight refused such a field already ([`unit`]);
/// this is the pass's own reading, in case the source changed since.
pub(crate) async fn counts_seconds(
    cx: &Cx<'_>,
    values: Option<&Request>,
    declared: Option<UpdateFieldUnit>,
    names: (&str, &str, &str),
) -> Result<bool, StepError> {
    if let Some(unit) = declared {
        return Ok(unit == UpdateFieldUnit::Seconds);
    }
    let Some(req) = values else {
        return Err(
            cx.permanent("a field-values search the plan does not have (a bug in the step)")
        );
    };
    unit(cx, (req, &Fills::new()), None, names).await
}

/// Whether a numeric update-time field counts epoch seconds, read from its newest values (the
/// search `values` with its fills) and checked against the plan's `update_field_unit`
/// (`declared`): see [`unit_of`]. Preflight calls it for every numeric update field.
pub(crate) async fn unit(
    cx: &Cx<'_>,
    (req, fills): (&Request, &Fills),
    declared: Option<UpdateFieldUnit>,
    (strategy, index, field): (&str, &str, &str),
) -> Result<bool, StepError> {
    let v: Value = cx
        .json(
            req,
            fills,
            &format!("reading the newest `{field}` values of `{index}`"),
        )
        .await?;
    let found = newest(&v, field);
    unit_of(declared, &found, (strategy, index, field)).map_err(|why| cx.permanent(why))
}

/// The numbers a newest-values search found in `field` (dotted path) of each hit's `_source`.
fn newest(v: &Value, field: &str) -> Vec<f64> {
    v.pointer("/hits/hits")
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
        .unwrap_or_default()
}

/// The unit of a numeric update field (true: epoch seconds), the one place it is decided: the
/// declared unit, unless the newest values (`found`) clearly count the other one; without a
/// declaration, what the values say, refused when they do not say it (none, below both ranges, or
/// some in each). A refusal names the index, the field, the values and the plan field to set.
pub(crate) fn unit_of(
    declared: Option<UpdateFieldUnit>,
    found: &[f64],
    (strategy, index, field): (&str, &str, &str),
) -> Result<bool, String> {
    let shown = || {
        if found.is_empty() {
            "none".to_owned()
        } else {
            found
                .iter()
                .map(|v| format!("{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let said = seconds_from_values(found);
    let name = |seconds: bool| if seconds { "seconds" } else { "millis" };
    match (declared, said) {
        (Some(unit), Some(seconds)) if (unit == UpdateFieldUnit::Seconds) != seconds => {
            Err(format!(
                "the update field `{field}` of `{index}` is declared `strategy.{strategy}.update_field_unit: {}` but its newest values ({}) count {} since the epoch; set `strategy.{strategy}.update_field_unit: {}` in the plan (a wrong unit makes every incremental pass select nothing)",
                name(!seconds),
                shown(),
                if seconds { "seconds" } else { "milliseconds" },
                name(seconds),
            ))
        }
        (Some(unit), _) => Ok(unit == UpdateFieldUnit::Seconds),
        (None, Some(seconds)) => Ok(seconds),
        (None, None) => Err(format!(
            "the update field `{field}` of `{index}` is numeric and its newest values ({}) do not say whether they count seconds or milliseconds since the epoch; set `strategy.{strategy}.update_field_unit: seconds` (or `millis`) in the plan",
            shown()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: (&str, &str, &str) = ("copy", "movies", "updated_at");

    #[test]
    fn values_decide_the_unit_when_the_plan_declares_none() {
        assert_eq!(unit_of(None, &[1.7e9, 1.69e9], NAMES), Ok(true));
        assert_eq!(unit_of(None, &[1.7e12], NAMES), Ok(false));
    }

    #[test]
    fn values_that_do_not_say_are_refused_naming_index_field_values_and_plan_field() {
        for found in [&[][..], &[3.0, 42.0], &[1.7e9, 1.7e12]] {
            let e = unit_of(None, found, NAMES).unwrap_err();
            assert!(e.contains("`updated_at` of `movies`"), "{e}");
            assert!(
                e.contains("`strategy.copy.update_field_unit: seconds`"),
                "{e}"
            );
        }
        let e = unit_of(None, &[3.0, 42.0], NAMES).unwrap_err();
        assert!(e.contains("(3, 42)"), "{e}");
    }

    #[test]
    fn a_declared_unit_wins_over_values_that_do_not_say_but_not_over_values_that_contradict_it() {
        assert_eq!(
            unit_of(Some(UpdateFieldUnit::Seconds), &[3.0], NAMES),
            Ok(true)
        );
        assert_eq!(
            unit_of(Some(UpdateFieldUnit::Millis), &[1.7e12], NAMES),
            Ok(false)
        );
        let e = unit_of(Some(UpdateFieldUnit::Seconds), &[1.7e12, 1.69e12], NAMES).unwrap_err();
        assert!(
            e.contains("declared `strategy.copy.update_field_unit: seconds`")
                && e.contains("count milliseconds")
                && e.contains("set `strategy.copy.update_field_unit: millis`"),
            "{e}"
        );
    }
}
