//! Response shapes that differ by version, read into one form: `hits.total` (a number before ES 7,
//! `{value, relation}` after) and mappings (wrapped in their type on 5.x/6.x). The rules themselves
//! are in the quirks table, `migrate_core::Quirks`.

use serde_json::Value;

/// Reads `hits.total` whether it is a number (ES < 7) or `{value, relation}`.
pub fn hits_total(hits: &Value) -> Option<u64> {
    match hits.get("total")? {
        Value::Number(n) => n.as_u64(),
        Value::Object(o) => o.get("value")?.as_u64(),
        _ => None,
    }
}

/// Unwraps a `GET /{index}/_mapping` index entry into a typeless mapping. Returns the types found
/// (empty for a typeless mapping) and, when there is exactly zero or one type, the inner mapping.
pub fn unwrap_mapping(index_mappings: &Value) -> (Vec<String>, Option<Value>) {
    let Some(obj) = index_mappings.as_object() else {
        return (Vec::new(), None);
    };
    // Typeless: mapping keys are `properties`, `_source`, `dynamic`, ... or the object is empty.
    let typeless_keys = [
        "properties",
        "dynamic",
        "_source",
        "_routing",
        "_meta",
        "dynamic_templates",
        "date_detection",
        "numeric_detection",
        "_field_names",
        "_all",
        "enabled",
    ];
    if obj.is_empty() || obj.keys().any(|k| typeless_keys.contains(&k.as_str())) {
        return (Vec::new(), Some(index_mappings.clone()));
    }
    let types: Vec<String> = obj
        .keys()
        .filter(|k| k.as_str() != "_default_")
        .cloned()
        .collect();
    let single = match types.as_slice() {
        [only] => obj.get(only).cloned(),
        _ => None,
    };
    (types, single)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hits_total_both_shapes() {
        assert_eq!(hits_total(&json!({"total": 5})), Some(5));
        assert_eq!(
            hits_total(&json!({"total": {"value": 7, "relation": "eq"}})),
            Some(7)
        );
        assert_eq!(hits_total(&json!({})), None);
    }

    #[test]
    fn unwraps_single_type() {
        let m = json!({"doc": {"properties": {"a": {"type": "keyword"}}}});
        let (types, inner) = unwrap_mapping(&m);
        assert_eq!(types, vec!["doc".to_string()]);
        assert_eq!(
            inner,
            Some(json!({"properties": {"a": {"type": "keyword"}}}))
        );
        let typeless = json!({"properties": {"a": {"type": "keyword"}}});
        assert_eq!(unwrap_mapping(&typeless), (vec![], Some(typeless.clone())));
        let multi = json!({"a": {"properties": {}}, "b": {"properties": {}}});
        assert_eq!(unwrap_mapping(&multi).1, None);
    }
}
