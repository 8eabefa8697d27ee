//! The `fields` of a hit or a get: `stored_fields` (fields mapped with `store: true`; asking for them
//! drops `_source` unless `_source` is listed) and `docvalue_fields` (values as the field's doc values
//! hold them: integers as longs, `float` widened from single precision, keywords as strings, an
//! optional `#.0`-style decimal format). A `text` field has no doc values: asking is an error, as on
//! a real node.

use serde_json::{Map, Value, json};

use super::fields::values;
use crate::error::{ApiError, ApiResult};
use crate::model::Index;

/// Which fields to fetch besides `_source`.
#[derive(Debug, Clone, Default)]
pub struct FieldFetch {
    /// `stored_fields` (`None`: not asked).
    pub stored: Option<Vec<String>>,
    /// `docvalue_fields`: field and optional format.
    pub docvalue: Vec<(String, Option<String>)>,
}

fn names(v: &Value) -> Vec<String> {
    crate::json::comma_list(Some(v))
}

impl FieldFetch {
    /// From a search body's `stored_fields` / `docvalue_fields` and the URL's.
    pub fn parse(
        body_stored: Option<&Value>,
        body_docvalue: Option<&Value>,
        url_stored: Option<&str>,
        url_docvalue: Option<&str>,
    ) -> ApiResult<FieldFetch> {
        let stored = body_stored
            .map(names)
            .or_else(|| url_stored.map(|s| names(&json!(s))));
        let mut docvalue = Vec::new();
        if let Some(s) = url_docvalue {
            docvalue.extend(names(&json!(s)).into_iter().map(|f| (f, None)));
        }
        match body_docvalue {
            None => {}
            Some(Value::Array(items)) => {
                for i in items {
                    match i {
                        Value::String(f) => docvalue.push((f.clone(), None)),
                        Value::Object(o) => {
                            let Some(f) = o.get("field").and_then(Value::as_str) else {
                                return Err(ApiError::parse(
                                    "[field_and_format] required field [field] missing",
                                ));
                            };
                            let format =
                                o.get("format").and_then(Value::as_str).map(str::to_string);
                            docvalue.push((f.to_string(), format));
                        }
                        _ => {
                            return Err(ApiError::parse(
                                "[docvalue_fields] expected a string or an object",
                            ));
                        }
                    }
                }
            }
            Some(_) => return Err(ApiError::parse("[docvalue_fields] must be an array")),
        }
        Ok(FieldFetch { stored, docvalue })
    }

    /// Whether `_source` is returned: `stored_fields` without `_source` turns it off.
    pub fn keeps_source(&self) -> bool {
        self.stored
            .as_ref()
            .is_none_or(|s| s.iter().any(|f| f == "_source"))
    }

    /// Checks the requested doc-value fields against the mappings of `index`.
    pub fn validate(&self, index: &Index) -> ApiResult<()> {
        for (f, _) in &self.docvalue {
            if let Some(m) = index.field_mapping(f)
                && m.get("type").and_then(Value::as_str) == Some("text")
                && m.get("fielddata") != Some(&Value::Bool(true))
            {
                return Err(ApiError::illegal_argument(format!(
                    "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{f}] in order to load field data by uninverting the inverted index. Note that this can use significant memory."
                )));
            }
        }
        Ok(())
    }

    /// The `fields` object of one document (`None` when empty).
    pub fn render(&self, index: &Index, src: &Value) -> Option<Value> {
        let mut out = Map::new();
        for f in self.stored.iter().flatten() {
            let stored = index
                .field_mapping(f)
                .is_some_and(|m| m.get("store") == Some(&Value::Bool(true)));
            if stored {
                let vals: Vec<Value> = values(src, f).into_iter().cloned().collect();
                if !vals.is_empty() {
                    out.insert(f.clone(), Value::Array(vals));
                }
            }
        }
        for (f, format) in &self.docvalue {
            let vals = docvalues(index, src, f, format.as_deref());
            if !vals.is_empty() {
                out.insert(f.clone(), Value::Array(vals));
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// Doc values of a field; a multi-field (`title.keyword`) reads its parent's values.
fn docvalues(index: &Index, src: &Value, field: &str, format: Option<&str>) -> Vec<Value> {
    let (path, mapping) = match index.field_mapping(field) {
        Some(m) => (field, Some(m)),
        None => match field.rsplit_once('.') {
            Some((parent, sub)) => (
                parent,
                index
                    .field_mapping(parent)
                    .and_then(|m| m.get("fields").and_then(|f| f.get(sub))),
            ),
            None => (field, None),
        },
    };
    let ty = mapping
        .and_then(|m| m.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("keyword");
    let mut vals: Vec<Value> = values(src, path)
        .into_iter()
        .filter_map(|v| match ty {
            "long" | "integer" | "short" | "byte" => v.as_f64().map(|f| json!(f as i64)),
            "float" | "half_float" => v.as_f64().map(|f| json!(f64::from(f as f32))),
            "double" | "scaled_float" => v.as_f64().map(|f| json!(f)),
            "boolean" => v.as_bool().map(Value::Bool),
            _ => Some(match v {
                Value::String(s) => json!(s),
                other => json!(other.to_string()),
            }),
        })
        .collect();
    if let Some(fmt) = format.filter(|f| *f != "use_field_mapping") {
        let decimals = fmt.rsplit_once('.').map_or(0, |(_, d)| d.len());
        if fmt.starts_with('#') || fmt.starts_with('0') {
            vals = vals
                .into_iter()
                .map(|v| match v.as_f64() {
                    Some(f) => json!(format!("{f:.decimals$}")),
                    None => v,
                })
                .collect();
        }
    }
    vals
}
