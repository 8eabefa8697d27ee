//! One page of a scan: the response bytes (kept whole, so a consumer such as the proof reads
//! `_source` straight from them), checked complete, with the documents readable as borrowed views.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// A page of hits, complete (every shard answered, no timeout).
#[derive(Debug, Clone)]
pub struct ScanPage {
    /// The search response as the cluster sent it.
    pub body: Bytes,
    /// Hits on this page.
    pub hits: usize,
}

/// One document of a page.
#[derive(Debug, Deserialize)]
pub struct ScanDoc<'a> {
    #[serde(borrow, rename = "_id")]
    pub id: Cow<'a, str>,
    /// The mapping type (5.x/6.x; `_doc` or absent later).
    #[serde(default, borrow, rename = "_type")]
    pub doc_type: Option<Cow<'a, str>>,
    #[serde(default, borrow, rename = "_routing")]
    pub routing: Option<Cow<'a, str>>,
    /// `_source` as its JSON text; `None` when the index does not keep it.
    #[serde(default, borrow, rename = "_source")]
    pub source: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Docs<'a> {
    #[serde(borrow)]
    hits: DocHits<'a>,
}

#[derive(Deserialize)]
struct DocHits<'a> {
    #[serde(borrow)]
    hits: Vec<ScanDoc<'a>>,
}

impl ScanPage {
    /// The documents of the page.
    pub fn docs(&self) -> Result<Vec<ScanDoc<'_>>, String> {
        let d: Docs<'_> = serde_json::from_slice(&self.body).map_err(|e| e.to_string())?;
        Ok(d.hits.hits)
    }
}

/// What the reader needs of a page: the continuation, the hit count, completeness.
#[derive(Deserialize)]
pub(crate) struct Head<'a> {
    #[serde(default, borrow, rename = "_scroll_id")]
    pub scroll_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub pit_id: Option<Cow<'a, str>>,
    #[serde(default)]
    pub timed_out: bool,
    #[serde(default, rename = "_shards")]
    pub shards: Option<Shards>,
    #[serde(borrow)]
    pub hits: HeadHits<'a>,
}

#[derive(Deserialize)]
pub(crate) struct HeadHits<'a> {
    #[serde(borrow)]
    pub hits: Vec<HeadHit<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct HeadHit<'a> {
    #[serde(default, borrow)]
    pub sort: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(crate) struct Shards {
    #[serde(default)]
    pub total: Option<u32>,
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub failures: Vec<Value>,
}

/// Why a page that parsed is still not a complete answer: `Err((expired, detail))`.
pub(crate) fn incomplete(head: &Head<'_>) -> Option<(bool, String)> {
    if let Some(s) = &head.shards
        && s.failed > 0
    {
        let types: Vec<String> = s
            .failures
            .iter()
            .filter_map(|f| f.pointer("/reason/type").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        let expired = !types.is_empty() && types.iter().all(|t| t == CONTEXT_MISSING);
        return Some((
            expired,
            format!("{} shard(s) failed ({})", s.failed, types.join(", ")),
        ));
    }
    if head.timed_out {
        return Some((false, "the search timed out".to_owned()));
    }
    None
}

/// The error type of a scroll or PIT that no longer exists.
pub(crate) const CONTEXT_MISSING: &str = "search_context_missing_exception";

/// The last hit's sort values.
pub(crate) fn last_sort(head: &Head<'_>) -> Option<Value> {
    let raw = head.hits.hits.last()?.sort?;
    serde_json::from_str(raw.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_a_failed_shard_is_incomplete_and_expired_when_its_context_is_missing() {
        let body = br#"{"_scroll_id":"s","timed_out":false,"_shards":{"total":2,"successful":1,"failed":1,
            "failures":[{"shard":1,"reason":{"type":"search_context_missing_exception","reason":"No search context found for id [4]"}}]},
            "hits":{"hits":[{"_id":"a","_source":{},"sort":[3]}]}}"#;
        let head: Head<'_> = serde_json::from_slice(body).unwrap();
        let (expired, detail) = incomplete(&head).unwrap();
        assert!(expired, "{detail}");
        assert!(detail.contains("1 shard(s) failed"), "{detail}");
        assert_eq!(last_sort(&head), Some(serde_json::json!([3])));
    }

    #[test]
    fn documents_keep_type_routing_and_source_text() {
        let page = ScanPage {
            body: Bytes::from_static(
                br#"{"hits":{"hits":[{"_index":"i","_type":"doc","_id":"1","_routing":"r","_source":{"b":1, "a":2}}]}}"#,
            ),
            hits: 1,
        };
        let docs = page.docs().unwrap();
        assert_eq!(docs[0].id, "1");
        assert_eq!(docs[0].doc_type.as_deref(), Some("doc"));
        assert_eq!(docs[0].routing.as_deref(), Some("r"));
        assert_eq!(docs[0].source.unwrap().get(), r#"{"b":1, "a":2}"#);
    }
}
