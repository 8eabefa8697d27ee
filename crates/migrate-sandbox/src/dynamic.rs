//! Dynamic mapping: fields a document brings that its mapping lacks. `dynamic` (inherited by
//! objects) decides: `true` maps them (by a matching dynamic template, else by inference),
//! `false` keeps them unmapped, `strict` refuses the document (`strict_dynamic_mapping_exception`),
//! and OpenSearch 2.16+'s `strict_allow_templates` refuses only fields no dynamic template matches.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, Version};
use crate::model::Index;
use crate::model::index::empty_mapping;
use crate::names::glob;

const META: &[&str] = &["_id", "_index", "_source", "_type", "_routing"];

fn dynamic_of(node: &Value, inherited: &str) -> String {
    match node.get("dynamic") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => inherited.to_string(),
    }
}

/// The JSON kind dynamic templates' `match_mapping_type` names.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "long",
        Value::Number(_) => "double",
        Value::String(s) if looks_like_date(s) => "date",
        Value::String(_) => "string",
        Value::Object(_) => "object",
        Value::Array(a) => a.first().map_or("string", kind),
        Value::Null => "null",
    }
}

fn looks_like_date(s: &str) -> bool {
    s.len() >= 10
        && s.as_bytes()[4] == b'-'
        && crate::search::fields::parse_date_millis(s).is_some()
}

/// The mapping a dynamic template of the root gives a new field, if one matches.
fn template(root: &Value, path: &str, name: &str, v: &Value) -> Option<Value> {
    let Some(Value::Array(templates)) = root.get("dynamic_templates") else {
        return None;
    };
    templates.iter().find_map(|t| {
        let (_, body) = t.as_object()?.iter().next()?;
        let ok = |key: &str, target: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .is_none_or(|p| glob(p, target))
        };
        let not = |key: &str, target: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .is_some_and(|p| glob(p, target))
        };
        let type_ok = body
            .get("match_mapping_type")
            .and_then(Value::as_str)
            .is_none_or(|m| m == "*" || m == kind(v) || (m == "double" && kind(v) == "long"));
        (ok("match", name)
            && !not("unmatch", name)
            && ok("path_match", path)
            && !not("path_unmatch", path)
            && type_ok)
            .then(|| body.get("mapping").cloned().unwrap_or_else(|| json!({})))
    })
}

/// Refuses a document that brings fields a `strict` (or `strict_allow_templates` without a
/// matching template) level does not allow.
pub fn check(product: &Product, index: &Index, ty: &str, doc: &Value) -> ApiResult<()> {
    let Some(root) = index.mappings.get(ty) else {
        return Ok(());
    };
    let Value::Object(fields) = doc else {
        return Ok(());
    };
    let allow_templates = product.is_opensearch() && product.version >= Version::new(2, 16, 0);
    walk(
        root,
        root,
        fields,
        "",
        &dynamic_of(root, "true"),
        ty,
        allow_templates,
    )
}

/// The dotted path of field `k` under `prefix`; `None` for a metadata field at the root (`_id`, …).
fn field_path(prefix: &str, k: &str) -> Option<String> {
    if prefix.is_empty() {
        (!META.contains(&k)).then(|| k.to_string())
    } else {
        Some(format!("{prefix}.{k}"))
    }
}

fn walk(
    root: &Value,
    node: &Value,
    fields: &Map<String, Value>,
    prefix: &str,
    dynamic: &str,
    ty: &str,
    allow_templates: bool,
) -> ApiResult<()> {
    let props = node.get("properties");
    for (k, v) in fields {
        let Some(path) = field_path(prefix, k) else {
            continue;
        };
        match props.and_then(|p| p.get(k)) {
            Some(child) => {
                // An object with `enabled: false` keeps anything, unparsed.
                let disabled = child.get("enabled") == Some(&Value::Bool(false));
                if let (Value::Object(inner), false) = (v, disabled) {
                    let d = dynamic_of(child, dynamic);
                    walk(root, child, inner, &path, &d, ty, allow_templates)?;
                }
            }
            None if v.is_null() => {}
            None => {
                let refused = match dynamic {
                    "strict" => true,
                    "strict_allow_templates" if allow_templates => {
                        template(root, &path, k, v).is_none()
                    }
                    _ => false,
                };
                if refused {
                    let within = if prefix.is_empty() {
                        ty.to_string()
                    } else {
                        prefix.rsplit('.').next().unwrap_or(prefix).to_string()
                    };
                    return Err(ApiError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "strict_dynamic_mapping_exception",
                        format!(
                            "mapping set to {dynamic}, dynamic introduction of [{k}] within [{within}] is not allowed"
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Maps the fields a document brings that the mapping lacks (where `dynamic` allows it).
pub fn apply(index: &mut Index, ty: &str, doc: &Value) {
    let Value::Object(fields) = doc else { return };
    let mapping = index
        .mappings
        .entry(ty.to_string())
        .or_insert_with(empty_mapping);
    let root = mapping.clone();
    let d = dynamic_of(&root, "true");
    add_fields(&root, mapping, fields, "", &d);
}

fn add_fields(
    root: &Value,
    mapping: &mut Value,
    fields: &Map<String, Value>,
    prefix: &str,
    dynamic: &str,
) {
    if dynamic == "false" {
        return;
    }
    let Value::Object(m) = mapping else { return };
    let props = m.entry("properties").or_insert_with(|| json!({}));
    let Value::Object(props) = props else { return };
    for (k, v) in fields {
        let Some(path) = field_path(prefix, k) else {
            continue;
        };
        match props.get_mut(k) {
            Some(existing) => {
                if let Value::Object(child) = v
                    && existing.get("properties").is_some()
                    && existing.get("enabled") != Some(&Value::Bool(false))
                {
                    let d = dynamic_of(existing, dynamic);
                    add_fields(root, existing, child, &path, &d);
                }
            }
            None => {
                let mapped = match template(root, &path, k, v) {
                    Some(mut t) => {
                        if let (Value::Object(child), true) =
                            (v, t.get("type").is_none_or(|t| t == "object"))
                        {
                            add_fields(root, &mut t, child, &path, dynamic);
                        }
                        Some(t)
                    }
                    None if matches!(dynamic, "strict" | "strict_allow_templates") => None,
                    None => infer(root, v, &path, dynamic),
                };
                if let Some(m) = mapped {
                    props.insert(k.clone(), m);
                }
            }
        }
    }
}

fn infer(root: &Value, v: &Value, path: &str, dynamic: &str) -> Option<Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({"type": "long"}),
        Value::Number(_) => json!({"type": "float"}),
        Value::String(s) if looks_like_date(s) => json!({"type": "date"}),
        Value::String(_) => {
            json!({"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}})
        }
        Value::Array(a) => return a.iter().find_map(|x| infer(root, x, path, dynamic)),
        Value::Object(o) => {
            let mut m = json!({});
            add_fields(root, &mut m, o, path, dynamic);
            m
        }
    })
}
