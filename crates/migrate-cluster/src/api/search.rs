//! Counting and searching: `_count`, `_search` for sampling by ids and `_source` hashing.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::client::{ClusterClient, Request, enc};
use crate::error::ClusterError;
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

impl ClusterClient {
    /// `POST /{index}/_count` with an optional query.
    pub async fn count(&self, index: &str, query: Option<Value>) -> Result<u64, ClusterError> {
        let mut req = Request::new(Method::POST, format!("/{}/_count", enc(index)));
        if let Some(q) = query {
            req = req.body(json!({ "query": q }));
        }
        let v: Value = self.json(req).await?;
        v.get("count")
            .and_then(Value::as_u64)
            .ok_or_else(|| ClusterError::Decode {
                method: "POST".into(),
                path: format!("/{}/_count", enc(index)),
                detail: "no `count` in response".into(),
            })
    }

    /// `POST /{index}/_search` with a full body; asks for an exact total where the version needs it.
    pub async fn search(&self, index: &str, body: Value) -> Result<SearchResult, ClusterError> {
        let mut req = Request::new(Method::POST, format!("/{}/_search", enc(index))).body(body);
        if self.quirks().await?.hits_total_is_object() {
            req = req.query("track_total_hits", "true");
        }
        let raw: Value = self.json(req).await?;
        let hits_obj = raw.get("hits").cloned().unwrap_or(Value::Null);
        let total = hits_total(&hits_obj);
        let hits = match hits_obj.get("hits") {
            Some(h) => serde_json::from_value(h.clone()).map_err(|e| ClusterError::Decode {
                method: "POST".into(),
                path: format!("/{}/_search", enc(index)),
                detail: e.to_string(),
            })?,
            None => Vec::new(),
        };
        Ok(SearchResult { total, hits, raw })
    }

    /// Fetch documents by id (`ids` query), with `_source`, for sampling comparisons.
    pub async fn search_by_ids(
        &self,
        index: &str,
        ids: &[String],
    ) -> Result<Vec<Hit>, ClusterError> {
        let body = json!({ "size": ids.len(), "query": { "ids": { "values": ids } } });
        Ok(self.search(index, body).await?.hits)
    }
}
