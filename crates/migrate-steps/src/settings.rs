//! Copying index definitions (REFERENCE.md, "Copying index definitions"): which source settings a
//! destination index may be created with, and the mapping changes crossing versions needs.

use migrate_core::Quirks;
use serde_json::{Map, Value};

/// Settings the server sets itself or that describe the source's own history: never copied.
const PRIVATE: &[&str] = &[
    "index.creation_date",
    "index.uuid",
    "index.history.uuid",
    "index.provided_name",
    "index.verified_before_close",
];
/// Prefixes of settings never copied.
const PRIVATE_PREFIXES: &[&str] = &[
    "index.version.",
    "index.resize.",
    "index.shrink.",
    "index.blocks.",
    "index.routing.allocation.initial_recovery.",
];
/// The flat settings (`index.*` keys, from `GET /{i}/_settings?flat_settings=true`) to create the
/// destination index with: private and destination-unknown settings dropped, replicas 0 and
/// refresh -1 for the copy. The shard count is kept. What the destination does not know is the
/// quirks table's call ([`Quirks::accepts_index_setting`]).
pub fn copyable_settings(source: &Map<String, Value>, destination: &Quirks) -> Map<String, Value> {
    let dropped = |k: &str, v: &Value| {
        PRIVATE.contains(&k)
            || PRIVATE_PREFIXES.iter().any(|p| k.starts_with(p))
            || !destination.accepts_index_setting(k, v)
    };
    let mut out: Map<String, Value> = source
        .iter()
        .filter(|(k, v)| k.starts_with("index.") && !dropped(k, v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.insert("index.number_of_replicas".into(), Value::from("0"));
    out.insert("index.refresh_interval".into(), Value::from("-1"));
    out
}

/// A typeless mapping adjusted for the destination: `_all` and `include_in_all` are gone from
/// Elasticsearch 7 and OpenSearch; 2.x-style `string` fields become `text` / `keyword`.
pub fn strip_mapping(mapping: &Value, destination: &Quirks) -> Value {
    let modern = !destination.mapping_all_field();
    let mut m = mapping.clone();
    if modern && let Some(obj) = m.as_object_mut() {
        obj.remove("_all");
    }
    fix_fields(&mut m, modern);
    m
}

fn fix_fields(v: &mut Value, modern: bool) {
    let Some(props) = v.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for field in props.values_mut() {
        if let Some(f) = field.as_object_mut() {
            if modern {
                f.remove("include_in_all");
            }
            if f.get("type").and_then(Value::as_str) == Some("string") {
                let keyword = f.get("index").and_then(Value::as_str) == Some("not_analyzed");
                f.insert(
                    "type".into(),
                    Value::from(if keyword { "keyword" } else { "text" }),
                );
                if keyword {
                    f.remove("index");
                }
            }
            if let Some(fields) = f.get_mut("fields").and_then(Value::as_object_mut) {
                for sub in fields.values_mut() {
                    let mut wrapped = serde_json::json!({"properties": {"x": sub.clone()}});
                    fix_fields(&mut wrapped, modern);
                    *sub = wrapped["properties"]["x"].take();
                }
            }
        }
        fix_fields(field, modern);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_core::{Flavor, Release};
    use serde_json::json;

    fn info(flavor: Flavor, major: u32) -> Quirks {
        Quirks::of(Release::new(flavor, major, 0, 0))
    }

    #[test]
    fn strips_private_and_unknown_settings() {
        let src = json!({
            "index.number_of_shards": "3", "index.number_of_replicas": "2",
            "index.creation_date": "1", "index.uuid": "u", "index.version.created": "5050299",
            "index.provided_name": "m", "index.blocks.write": "true", "index.lifecycle.name": "p",
            "index.mapping.single_type": "true", "index.analysis.analyzer.a.type": "standard"
        });
        let out = copyable_settings(src.as_object().unwrap(), &info(Flavor::OpenSearch, 2));
        assert_eq!(
            Value::Object(out),
            json!({"index.number_of_shards": "3", "index.number_of_replicas": "0",
                   "index.analysis.analyzer.a.type": "standard", "index.refresh_interval": "-1"})
        );
        let out = copyable_settings(src.as_object().unwrap(), &info(Flavor::Elasticsearch, 6));
        assert!(out.contains_key("index.lifecycle.name"));
        assert!(out.contains_key("index.mapping.single_type"));
    }

    #[test]
    fn mapping_loses_all_and_include_in_all_from_7() {
        let m = json!({"_all": {"enabled": false}, "properties": {
            "t": {"type": "text", "include_in_all": false, "fields": {"raw": {"type": "string", "index": "not_analyzed"}}},
            "o": {"properties": {"s": {"type": "string"}}}}});
        let out = strip_mapping(&m, &info(Flavor::Elasticsearch, 7));
        assert_eq!(
            out,
            json!({"properties": {"t": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                   "o": {"properties": {"s": {"type": "text"}}}}})
        );
        let kept = strip_mapping(&m, &info(Flavor::Elasticsearch, 5));
        assert!(kept.get("_all").is_some());
    }
}
