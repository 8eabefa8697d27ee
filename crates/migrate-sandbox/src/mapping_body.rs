//! Mapping request bodies per version: typed (`{type: mapping}`) on 5.x/6.x and with
//! `include_type_name`, typeless otherwise, with the servers' refusals of a body nested under `_doc`
//! on the typeless APIs, of unknown root parameters and of empty field names.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};

/// Unwraps the mapping body of a create/put-mapping request into `(type, mapping)` pairs per version.
fn unwrap_bodies(
    product: &Product,
    mappings: &Value,
    include_type_name: bool,
    url_type: Option<&str>,
    put: bool,
) -> ApiResult<Vec<(String, Value)>> {
    let Some(m) = mappings.as_object() else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "mapper_parsing_exception",
            "Failed to parse mapping: mappings must be an object",
        ));
    };
    if m.is_empty() {
        return Ok(vec![]);
    }
    let typed = match product.type_mode() {
        TypeMode::Multi | TypeMode::Single => url_type.is_none(),
        TypeMode::TypelessWithDoc => include_type_name && url_type.is_none(),
        TypeMode::None => false,
    };
    let known_root = |k: &str| {
        matches!(
            k,
            "properties"
                | "dynamic"
                | "_source"
                | "_routing"
                | "_meta"
                | "dynamic_templates"
                | "date_detection"
                | "numeric_detection"
                | "enabled"
                | "_all"
                | "_field_names"
                | "dynamic_date_formats"
                | "runtime"
        )
    };
    if let Some(t) = url_type {
        return Ok(vec![(t.to_string(), mappings.clone())]);
    }
    if typed {
        let out: Vec<(String, Value)> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if product.type_mode() == TypeMode::Single && out.len() > 1 {
            let names: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
            return Err(ApiError::illegal_argument(format!(
                "Rejecting mapping update to [index] as the final mapping would have more than 1 type: [{}]",
                names.join(", ")
            )));
        }
        return Ok(out);
    }
    // Typeless APIs refuse a body nested under `_doc` (7.x and every OpenSearch; RestCreateIndexAction
    // and RestPutMappingAction check `isMappingSourceTyped`).
    if m.len() == 1
        && m.contains_key("_doc")
        && (product.is_opensearch() || product.es_major() == 7)
    {
        let reason = if !put {
            "The mapping definition cannot be nested under a type [_doc] unless include_type_name is set to true."
        } else if product.is_opensearch() && product.version.major >= 2 {
            "Types cannot be provided in put mapping requests"
        } else {
            "Types cannot be provided in put mapping requests, unless the include_type_name parameter is set to true."
        };
        return Err(ApiError::illegal_argument(reason));
    }
    if let Some(bad) = m.keys().find(|k| !known_root(k)) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "mapper_parsing_exception",
            format!(
                "Root mapping definition has unsupported parameters:  [{bad} : {}]",
                m[bad]
            ),
        ));
    }
    Ok(vec![("_doc".into(), mappings.clone())])
}

/// Refuses an empty field name anywhere under `properties` (`field name cannot be an empty string`).
fn check_field_names(mapping: &Value) -> ApiResult<()> {
    for (name, field) in mapping
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if name.trim().is_empty() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "mapper_parsing_exception",
                "Failed to parse mapping [_doc]: field name cannot be an empty string",
            )
            .with(
                "caused_by",
                json!({"type": "illegal_argument_exception", "reason": "field name cannot be an empty string"}),
            ));
        }
        check_field_names(field)?;
    }
    Ok(())
}

/// Unwraps the mapping body of a create/put-mapping request into `(type, mapping)` pairs per version
/// (`put`: the put-mapping API, whose refusals are worded differently) and checks field names.
pub fn mapping_bodies(
    product: &Product,
    mappings: &Value,
    include_type_name: bool,
    url_type: Option<&str>,
    put: bool,
) -> ApiResult<Vec<(String, Value)>> {
    let bodies = unwrap_bodies(product, mappings, include_type_name, url_type, put)?;
    for (_, m) in &bodies {
        check_field_names(m)?;
    }
    Ok(bodies)
}
