//! Sorting: `_doc`, `_score`, `_id` and field sorts (asc/desc, `missing`), sort values and `search_after`.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::fields::{Key, NumUnit, key_of, values};
use crate::error::{ApiError, ApiResult};

/// One sort clause.
#[derive(Debug, Clone)]
pub struct SortField {
    /// Field name, or `_doc`, `_score`, `_id`.
    pub field: String,
    /// Descending.
    pub desc: bool,
    /// Missing values first.
    pub missing_first: bool,
}

/// Parses `sort` from a body value (`"f"`, `["f", {"g": "desc"}]`, `{"f": {"order": "asc"}}`) or a
/// query string (`f:desc,g`).
pub fn parse(v: &Value) -> ApiResult<Vec<SortField>> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            Value::String(s) => out.push(parse_one(s, None)?),
            Value::Object(m) => {
                for (field, spec) in m {
                    let (order, missing) = match spec {
                        Value::String(o) => (Some(o.as_str()), None),
                        Value::Object(o) => (
                            o.get("order").and_then(Value::as_str),
                            o.get("missing").and_then(Value::as_str),
                        ),
                        _ => (None, None),
                    };
                    let mut f = parse_one(field, order)?;
                    if missing == Some("_first") {
                        f.missing_first = true;
                    }
                    out.push(f);
                }
            }
            _ => {
                return Err(ApiError::parse(
                    "malformed sort format, must start with start_object or a string",
                ));
            }
        }
    }
    Ok(out)
}

/// Parses the `sort` query-string parameter.
pub fn parse_param(s: &str) -> ApiResult<Vec<SortField>> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (f, o) = match p.split_once(':') {
                Some((f, o)) => (f, Some(o)),
                None => (p, None),
            };
            parse_one(f, o)
        })
        .collect()
}

fn parse_one(field: &str, order: Option<&str>) -> ApiResult<SortField> {
    let desc = match order {
        None => field == "_score",
        Some("asc") => false,
        Some("desc") => true,
        Some(o) => {
            return Err(ApiError::illegal_argument(format!(
                "Unknown SortOrder [{o}]"
            )));
        }
    };
    Ok(SortField {
        field: field.to_string(),
        desc,
        missing_first: false,
    })
}

/// The sort value of one document for one clause.
pub fn sort_value(
    f: &SortField,
    id: &str,
    doc_number: u64,
    src: Option<&Value>,
    date_field: bool,
) -> Value {
    match f.field.as_str() {
        "_doc" => json!(doc_number),
        "_score" => json!(1.0),
        "_id" => json!(id),
        field => {
            let Some(src) = src else { return Value::Null };
            let mut keys: Vec<(Key, &Value)> = values(src, field)
                .into_iter()
                .filter_map(|v| key_of(v, date_field, NumUnit::Millis).map(|k| (k, v)))
                .collect();
            keys.sort_by(|a, b| a.0.order(&b.0));
            let pick = if f.desc { keys.last() } else { keys.first() };
            match pick {
                None => Value::Null,
                Some((Key::Num(n), _)) if date_field => json!(*n as i64),
                Some((_, v)) => (*v).clone(),
            }
        }
    }
}

/// A numeric sort value as the field's doc values hold it: `float` in single precision,
/// `half_float` in half precision (184.4 sorts as 184.375).
pub fn with_precision(field_type: Option<&str>, v: Value) -> Value {
    match (field_type, v.as_f64()) {
        (Some("half_float"), Some(x)) if x.is_finite() && x != 0.0 => {
            let e = x.abs().log2().floor().max(-14.0);
            let ulp = 2f64.powf(e - 10.0);
            json!((x / ulp).round_ties_even() * ulp)
        }
        (Some("float"), Some(x)) => json!(f64::from(x as f32)),
        _ => v,
    }
}

/// Compares two sort tuples under the clauses.
pub fn compare(fields: &[SortField], a: &[Value], b: &[Value]) -> Ordering {
    for (i, f) in fields.iter().enumerate() {
        let (x, y) = (
            a.get(i).unwrap_or(&Value::Null),
            b.get(i).unwrap_or(&Value::Null),
        );
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if f.missing_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if f.missing_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, false) => {
                let kx = key_of(x, false, NumUnit::Millis);
                let ky = key_of(y, false, NumUnit::Millis);
                let o = match (kx, ky) {
                    (Some(kx), Some(ky)) => kx.order(&ky),
                    _ => Ordering::Equal,
                };
                if f.desc { o.reverse() } else { o }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}
