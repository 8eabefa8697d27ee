//! Settings as Elasticsearch keeps them: flat dotted keys with string values, shown flat or nested.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Flat settings: `index.number_of_shards` → `"1"`.
pub type FlatSettings = BTreeMap<String, Value>;

/// Flattens a nested or dotted settings object; scalar values become strings, arrays stay arrays of
/// strings, `null` stays `null` (a reset).
pub fn flatten(value: &Value) -> FlatSettings {
    let mut out = FlatSettings::new();
    flatten_into(&mut out, "", value);
    out
}

fn flatten_into(out: &mut FlatSettings, prefix: &str, value: &Value) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(out, &key, v);
            }
        }
        other => {
            out.insert(prefix.to_string(), stringify(other));
        }
    }
}

/// Scalars as strings, the way settings are echoed back.
pub fn stringify(v: &Value) -> Value {
    match v {
        Value::String(_) | Value::Null => v.clone(),
        Value::Array(a) => Value::Array(a.iter().map(stringify).collect()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Object(_) => v.clone(),
    }
}

/// Nests flat settings: `{"index": {"number_of_shards": "1"}}`.
pub fn nest(flat: &FlatSettings) -> Value {
    let mut root = Map::new();
    for (k, v) in flat {
        let mut node = &mut root;
        let parts: Vec<&str> = k.split('.').collect();
        for (i, p) in parts.iter().enumerate() {
            if i + 1 == parts.len() {
                node.insert((*p).to_string(), v.clone());
            } else {
                let entry = node
                    .entry((*p).to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                match entry {
                    Value::Object(m) => node = m,
                    _ => break,
                }
            }
        }
    }
    Value::Object(root)
}

/// Renders flat or nested per `flat_settings`.
pub fn render(flat: &FlatSettings, flat_settings: bool) -> Value {
    if flat_settings {
        Value::Object(flat.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    } else {
        nest(flat)
    }
}

/// Prefixes `index.` on index-setting keys that lack it.
pub fn normalize_index_keys(flat: FlatSettings) -> FlatSettings {
    flat.into_iter()
        .map(|(k, v)| {
            if k.starts_with("index.") {
                (k, v)
            } else {
                (format!("index.{k}"), v)
            }
        })
        .collect()
}

/// True when a flat settings value is the string/bool `true`.
pub fn is_true(flat: &FlatSettings, key: &str) -> bool {
    matches!(flat.get(key), Some(Value::String(s)) if s == "true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_then_nest_round_trips_with_strings() {
        let flat = flatten(&json!({"index": {"number_of_shards": 3, "blocks.write": true}}));
        assert_eq!(flat.get("index.number_of_shards"), Some(&json!("3")));
        assert_eq!(flat.get("index.blocks.write"), Some(&json!("true")));
        assert_eq!(
            nest(&flat),
            json!({"index": {"blocks": {"write": "true"}, "number_of_shards": "3"}})
        );
    }
}
