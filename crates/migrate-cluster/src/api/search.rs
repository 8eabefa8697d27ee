//! Counting and searching answers: `_count`, `_search` hits, and `_source` hashing for samples.

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::shapes::hits_total;

/// One search hit.
#[derive(Debug, Clone, Deserialize)]
pub struct Hit {
    #[serde(rename = "_index")]
    pub index: String,
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_source", default)]
    pub source: Option<Value>,
    #[serde(default)]
    pub sort: Option<Vec<Value>>,
}

/// A search response reduced to what the steps use; `total` read from either `hits.total` shape.
#[derive(Debug, Clone)]
pub struct SearchResult {
    pub total: Option<u64>,
    pub hits: Vec<Hit>,
    pub raw: Value,
}

impl Hit {
    /// SHA-256 of the canonical JSON of `_source` (keys sorted), hex. `None` without `_source`.
    pub fn source_sha256(&self) -> Option<String> {
        let canonical = canonical_json(self.source.as_ref()?);
        Some(hex::encode(Sha256::digest(canonical.as_bytes())))
    }
}

/// JSON with object keys sorted at every level, so equal documents hash equally.
pub fn canonical_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(v).to_string()
}

/// A `_search` body read into hits and a total (either `hits.total` shape).
pub fn search_result(raw: Value) -> Result<SearchResult, String> {
    let hits_obj = raw.get("hits").cloned().unwrap_or(Value::Null);
    let total = hits_total(&hits_obj);
    let hits = match hits_obj.get("hits") {
        Some(h) => serde_json::from_value(h.clone()).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    Ok(SearchResult { total, hits, raw })
}

/// The `count` of a `_count` body.
pub fn count_of(v: &Value) -> Option<u64> {
    v.get("count").and_then(Value::as_u64)
}
