//! A document's values against its index's mapping, as the field mappers check them: numbers,
//! booleans, dates (in the field's `format`), strings, objects. A value the mapped type cannot take
//! is a `mapper_parsing_exception` (400) in the version's words, with the cause the server gives;
//! `ignore_malformed` (field or `index.mapping.ignore_malformed`) lets it through.

use serde_json::{Map, Value, json};

use crate::dates::DateFormats;
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, Version};
use crate::model::Index;
use crate::model::settings::is_true;

/// Why a value does not fit: the cause's `type` and `reason`, and a nested cause.
struct Misfit {
    kind: &'static str,
    reason: String,
    nested: Option<Value>,
}

fn misfit(kind: &'static str, reason: String) -> Misfit {
    Misfit {
        kind,
        reason,
        nested: None,
    }
}

/// Java's `toString` of a parsed value, as the preview shows it.
fn preview(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}={}", preview(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(a) => format!("[{}]", a.iter().map(preview).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

fn integer_range(ty: &str) -> Option<(f64, f64, &'static str)> {
    Some(match ty {
        "integer" => (-2_147_483_648.0, 2_147_483_647.0, "an integer"),
        "short" => (-32_768.0, 32_767.0, "a short"),
        "byte" => (-128.0, 127.0, "a byte"),
        "long" => (
            -9.223_372_036_854_776e18,
            9.223_372_036_854_776e18,
            "a long",
        ),
        "unsigned_long" => (0.0, 1.844_674_407_370_955_2e19, "an unsigned_long"),
        _ => return None,
    })
}

fn check_leaf(product: &Product, ty: &str, field: &Value, v: &Value) -> Result<(), Misfit> {
    let coerce = field.get("coerce").and_then(Value::as_bool) != Some(false);
    let number = |v: &Value| -> Result<Option<f64>, Misfit> {
        match v {
            Value::Number(n) => Ok(n.as_f64()),
            Value::String(s) if coerce => s.trim().parse::<f64>().map(Some).map_err(|_| {
                misfit(
                    "number_format_exception",
                    format!("For input string: \"{s}\""),
                )
            }),
            Value::String(s) => Err(misfit(
                "illegal_argument_exception",
                format!("Cannot parse string [{s}] when coerce is disabled"),
            )),
            Value::Bool(_) | Value::Object(_) => Err(misfit(
                "illegal_state_exception",
                format!("Can't get text on a {} at 1:1", token(v)),
            )),
            _ => Ok(None),
        }
    };
    match ty {
        "long" | "integer" | "short" | "byte" | "unsigned_long" => {
            let Some(n) = number(v)? else { return Ok(()) };
            let (lo, hi, name) = integer_range(ty).unwrap_or((f64::MIN, f64::MAX, "a long"));
            if n < lo || n > hi {
                return Err(misfit(
                    "illegal_argument_exception",
                    format!("Value [{}] is out of range for {name}", preview(v)),
                ));
            }
            if n.fract() != 0.0 && !coerce {
                return Err(misfit(
                    "illegal_argument_exception",
                    format!("Value [{}] has a decimal part", preview(v)),
                ));
            }
            Ok(())
        }
        "double" | "float" | "half_float" | "scaled_float" => number(v).map(drop),
        "boolean" => match v {
            Value::Bool(_) | Value::Null => Ok(()),
            Value::String(s) if s == "true" || s == "false" || s.is_empty() => Ok(()),
            other => Err(misfit(
                "illegal_argument_exception",
                format!(
                    "Failed to parse value [{}] as only [true] or [false] are allowed.",
                    preview(other)
                ),
            )),
        },
        "date" | "date_nanos" => {
            if v.is_null() {
                return Ok(());
            }
            let format = field.get("format").and_then(Value::as_str);
            let formats = DateFormats::of_field(format);
            if formats.parse_value(v).is_some() {
                return Ok(());
            }
            let text = preview(v);
            if product.es_major() < 7 {
                return Err(misfit(
                    "illegal_argument_exception",
                    format!("Invalid format: \"{text}\""),
                ));
            }
            Err(Misfit {
                kind: "illegal_argument_exception",
                reason: format!(
                    "failed to parse date field [{text}] with format [{}]",
                    formats.spec
                ),
                nested: Some(json!({
                    "type": "date_time_parse_exception",
                    "reason": format!("Text '{text}' could not be parsed at index 0")
                })),
            })
        }
        "keyword" | "text" | "wildcard" | "match_only_text" | "constant_keyword" => match v {
            Value::Object(_) => Err(misfit(
                "illegal_state_exception",
                format!("Can't get text on a {} at 1:1", token(v)),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn token(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "START_OBJECT",
        Value::Array(_) => "START_ARRAY",
        Value::Bool(_) => "VALUE_BOOLEAN",
        _ => "VALUE_STRING",
    }
}

/// The `failed to parse` message of this version.
fn failed_to_parse(product: &Product, path: &str, ty: &str, id: &str, v: &Value) -> String {
    let es = !product.is_opensearch();
    let version = product.version;
    if es && version.major < 6 {
        format!("failed to parse [{path}]")
    } else if es && version.major < 7 {
        format!("failed to parse field [{path}] of type [{ty}]")
    } else if es && version < Version::new(7, 7, 0) {
        format!("failed to parse field [{path}] of type [{ty}] in document with id '{id}'")
    } else {
        format!(
            "failed to parse field [{path}] of type [{ty}] in document with id '{id}'. Preview of field's value: '{}'",
            preview(v)
        )
    }
}

fn walk(
    product: &Product,
    props: &Map<String, Value>,
    doc: &Map<String, Value>,
    prefix: &str,
    id: &str,
    lenient: bool,
) -> ApiResult<()> {
    for (key, value) in doc {
        let (head, rest) = match key.split_once('.') {
            Some((h, r)) if !props.contains_key(key) => (h, Some(r)),
            _ => (key.as_str(), None),
        };
        let Some(field) = props.get(head) else {
            continue;
        };
        let path = format!("{prefix}{head}");
        if let Some(rest) = rest {
            let mut inner = Map::new();
            inner.insert(rest.to_string(), value.clone());
            let sub = field.get("properties").and_then(Value::as_object);
            if let Some(sub) = sub {
                walk(product, sub, &inner, &format!("{path}."), id, lenient)?;
            }
            continue;
        }
        let items: Vec<&Value> = match value {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        match field.get("type").and_then(Value::as_str) {
            None | Some("object") | Some("nested") => {
                let Some(sub) = field.get("properties").and_then(Value::as_object) else {
                    continue;
                };
                for item in items {
                    match item {
                        Value::Object(m) => {
                            walk(product, sub, m, &format!("{path}."), id, lenient)?
                        }
                        Value::Null => {}
                        _ => {
                            return Err(ApiError::new(
                                axum::http::StatusCode::BAD_REQUEST,
                                "mapper_parsing_exception",
                                format!(
                                    "object mapping for [{path}] tried to parse field [{head}] as object, but found a concrete value"
                                ),
                            ));
                        }
                    }
                }
            }
            Some(ty) => {
                let ignore =
                    lenient || field.get("ignore_malformed").and_then(Value::as_bool) == Some(true);
                for item in items {
                    if let Err(m) = check_leaf(product, ty, field, item) {
                        if ignore && m.kind != "illegal_state_exception" {
                            continue;
                        }
                        let mut cause = json!({"type": m.kind, "reason": m.reason});
                        if let Some(n) = m.nested {
                            cause["caused_by"] = n;
                        }
                        return Err(ApiError::new(
                            axum::http::StatusCode::BAD_REQUEST,
                            "mapper_parsing_exception",
                            failed_to_parse(product, &path, ty, id, item),
                        )
                        .with("caused_by", cause));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks a document of mapping type `ty` against the index's mapping.
pub fn check_document(
    product: &Product,
    index: &Index,
    ty: &str,
    doc: &Value,
    id: &str,
) -> ApiResult<()> {
    let (Some(mapping), Value::Object(fields)) = (
        index
            .mappings
            .get(ty)
            .or_else(|| index.mappings.values().next()),
        doc,
    ) else {
        return Ok(());
    };
    let Some(props) = mapping.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    let lenient = is_true(&index.settings, "index.mapping.ignore_malformed");
    walk(product, props, fields, "", id, lenient)
}
