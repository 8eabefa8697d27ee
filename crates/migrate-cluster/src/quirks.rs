//! Every per-flavour, per-version difference the client knows about, in one place.

use serde_json::Value;

use crate::version::{Flavour, ServerInfo, Version};

/// Behaviour switches derived from a [`ServerInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    flavour: Flavour,
    version: Option<Version>,
}

/// How a cluster lays out mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingTypes {
    /// ES 5.x: several types per index.
    Multiple,
    /// ES 6.x: exactly one type, mapping wrapped in the type name.
    Single,
    /// ES 7.x / OpenSearch 1.x: typeless by default, `include_type_name` still accepted.
    TypelessWithParam,
    /// ES 8.x, OpenSearch 2.x+, Serverless: no types at all.
    Typeless,
}

impl Quirks {
    pub fn new(info: &ServerInfo) -> Self {
        Quirks {
            flavour: info.flavour,
            version: info.version,
        }
    }

    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    fn major(&self) -> u32 {
        // Serverless has no version; it behaves like the newest OpenSearch.
        self.version.map_or(u32::MAX, |v| v.major)
    }

    /// Mapping type model.
    pub fn mapping_types(&self) -> MappingTypes {
        match self.flavour {
            Flavour::OpenSearchServerless => MappingTypes::Typeless,
            Flavour::OpenSearch if self.major() >= 2 => MappingTypes::Typeless,
            Flavour::OpenSearch => MappingTypes::TypelessWithParam,
            Flavour::Elasticsearch => match self.major() {
                0..=5 => MappingTypes::Multiple,
                6 => MappingTypes::Single,
                7 => MappingTypes::TypelessWithParam,
                _ => MappingTypes::Typeless,
            },
        }
    }

    /// Type name used when creating an index on a typed cluster: `_doc` from ES 6.2 (the name 7.x
    /// uses internally), `doc` before (leading underscores were not allowed).
    pub fn default_type_name(&self) -> &'static str {
        match self.version {
            Some(v) if self.flavour == Flavour::Elasticsearch && v >= Version::new(6, 2, 0) => {
                "_doc"
            }
            _ if self.flavour == Flavour::Elasticsearch => "doc",
            _ => "_doc",
        }
    }

    /// Name of the destination-side remote-reindex allowlist setting.
    pub fn remote_allowlist_setting(&self) -> &'static str {
        match self.flavour {
            Flavour::OpenSearch | Flavour::OpenSearchServerless if self.major() >= 2 => {
                "reindex.remote.allowlist"
            }
            _ => "reindex.remote.whitelist",
        }
    }

    /// Whether `hits.total` is an object (`{value, relation}`) by default (ES ≥ 7, all OpenSearch).
    pub fn hits_total_is_object(&self) -> bool {
        !matches!(self.flavour, Flavour::Elasticsearch) || self.major() >= 7
    }

    /// Query parameter to add to search/count requests so `hits.total` is exact.
    pub fn track_total_hits_param(&self) -> Option<(&'static str, &'static str)> {
        self.hits_total_is_object()
            .then_some(("track_total_hits", "true"))
    }

    /// Whether `_cat/indices` takes `expand_wildcards` (ES ≥ 7.7 and OpenSearch). Earlier versions
    /// refuse it (`contains unrecognized parameter: [expand_wildcards]`) and list closed indexes
    /// anyway; hidden indexes only exist from 7.7.
    pub fn cat_indices_expand_wildcards(&self) -> bool {
        match self.flavour {
            Flavour::Elasticsearch => self.version.is_none_or(|v| v >= Version::new(7, 7, 0)),
            Flavour::OpenSearch | Flavour::OpenSearchServerless => true,
        }
    }

    /// Whether snapshots and remote reindex exist (not on Serverless).
    pub fn supports_snapshots(&self) -> bool {
        self.flavour != Flavour::OpenSearchServerless
    }
}

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

    fn q(f: Flavour, v: Option<Version>) -> Quirks {
        Quirks::new(&ServerInfo {
            flavour: f,
            version: v,
            cluster_name: None,
            cluster_uuid: None,
        })
    }

    #[test]
    fn allowlist_name_per_flavour() {
        let es7 = q(Flavour::Elasticsearch, Some(Version::new(7, 17, 0)));
        let os1 = q(Flavour::OpenSearch, Some(Version::new(1, 3, 0)));
        let os2 = q(Flavour::OpenSearch, Some(Version::new(2, 11, 0)));
        assert_eq!(es7.remote_allowlist_setting(), "reindex.remote.whitelist");
        assert_eq!(os1.remote_allowlist_setting(), "reindex.remote.whitelist");
        assert_eq!(os2.remote_allowlist_setting(), "reindex.remote.allowlist");
    }

    #[test]
    fn mapping_types_per_version() {
        let es = |m| q(Flavour::Elasticsearch, Some(Version::new(m, 0, 0))).mapping_types();
        assert_eq!(es(5), MappingTypes::Multiple);
        assert_eq!(es(6), MappingTypes::Single);
        assert_eq!(es(7), MappingTypes::TypelessWithParam);
        assert_eq!(es(8), MappingTypes::Typeless);
        assert_eq!(
            q(Flavour::OpenSearchServerless, None).mapping_types(),
            MappingTypes::Typeless
        );
        assert!(!q(Flavour::Elasticsearch, Some(Version::new(6, 8, 0))).hits_total_is_object());
        let ty = |v| q(Flavour::Elasticsearch, Some(v)).default_type_name();
        assert_eq!(ty(Version::new(5, 6, 16)), "doc");
        assert_eq!(ty(Version::new(6, 1, 4)), "doc");
        assert_eq!(ty(Version::new(6, 8, 23)), "_doc");
    }

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
