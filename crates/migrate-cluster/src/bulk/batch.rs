//! One document to write and the NDJSON `_bulk` body of a batch: `index` actions by the source
//! `_id`, `routing` kept, `_type` only where the destination has types; batches cut by a document
//! count and a byte budget.

use bytes::Bytes;
use serde::Serialize;

/// A document to write to the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkDoc {
    /// The destination index.
    pub index: String,
    /// The destination mapping type (ES 5.x/6.x destinations only; `None` elsewhere).
    pub ty: Option<String>,
    /// The source `_id`: writes by id make a rewrite idempotent.
    pub id: String,
    /// The source `_routing`.
    pub routing: Option<String>,
    /// The `_source`, as JSON text.
    pub source: Bytes,
}

impl BulkDoc {
    /// The length of the action and source lines this document adds to a body (a bound: exact for
    /// names, the source counted as given).
    pub fn encoded_len(&self) -> usize {
        // {"index":{"_index":"","_type":"","_id":"","routing":""}}\n and the source's \n
        let fixed = 32 + 2;
        fixed
            + escaped_len(&self.index)
            + escaped_len(&self.id)
            + self.ty.as_deref().map_or(0, |t| 11 + escaped_len(t))
            + self.routing.as_deref().map_or(0, |r| 13 + escaped_len(r))
            + self.source.len()
    }

    /// Appends the action line and the source line.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        #[derive(Serialize)]
        struct Meta<'a> {
            _index: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            _type: Option<&'a str>,
            _id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            routing: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Action<'a> {
            index: Meta<'a>,
        }
        let action = Action {
            index: Meta {
                _index: &self.index,
                _type: self.ty.as_deref(),
                _id: &self.id,
                routing: self.routing.as_deref(),
            },
        };
        // Plain strings: serialising cannot fail.
        let _ = serde_json::to_writer(&mut *out, &action);
        out.push(b'\n');
        let source = trim_ascii_newlines(&self.source);
        out.extend_from_slice(source);
        out.push(b'\n');
    }
}

/// The length of `s` as a JSON string's contents.
fn escaped_len(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

/// The source without trailing newlines (a pretty-printed source keeps inner newlines out of NDJSON
/// only when compact; sources from clusters are compact or re-serialised before they get here).
fn trim_ascii_newlines(s: &[u8]) -> &[u8] {
    let mut end = s.len();
    while end > 0 && matches!(s[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &s[..end]
}

/// The NDJSON body of `docs`.
pub fn encode(docs: &[BulkDoc]) -> Bytes {
    let mut out = Vec::with_capacity(docs.iter().map(BulkDoc::encoded_len).sum());
    for d in docs {
        d.encode_into(&mut out);
    }
    Bytes::from(out)
}

/// How big a `_bulk` request may get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub max_docs: usize,
    pub max_bytes: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_docs: 1000,
            max_bytes: 5 * 1024 * 1024,
        }
    }
}

/// Cuts `docs` into batches within `bounds`, in order. A document larger than the byte budget goes
/// alone (the destination decides whether it is too large).
pub fn split(docs: Vec<BulkDoc>, bounds: Bounds) -> Vec<Vec<BulkDoc>> {
    let max_docs = bounds.max_docs.max(1);
    let mut out = Vec::new();
    let mut cur: Vec<BulkDoc> = Vec::new();
    let mut bytes = 0usize;
    for d in docs {
        let len = d.encoded_len();
        if !cur.is_empty() && (cur.len() >= max_docs || bytes + len > bounds.max_bytes) {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        bytes += len;
        cur.push(d);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, source: &str) -> BulkDoc {
        BulkDoc {
            index: "movies".into(),
            ty: None,
            id: id.into(),
            routing: None,
            source: Bytes::from(source.to_owned()),
        }
    }

    #[test]
    fn an_index_action_carries_the_id_routing_and_type_only_when_given() {
        let mut d = doc("a\"1", "{\"t\":1}\n");
        assert_eq!(
            &encode(std::slice::from_ref(&d))[..],
            b"{\"index\":{\"_index\":\"movies\",\"_id\":\"a\\\"1\"}}\n{\"t\":1}\n"
        );
        d.ty = Some("movie".into());
        d.routing = Some("u7".into());
        assert_eq!(
            &encode(&[d])[..],
            b"{\"index\":{\"_index\":\"movies\",\"_type\":\"movie\",\"_id\":\"a\\\"1\",\"routing\":\"u7\"}}\n{\"t\":1}\n"
        );
    }

    #[test]
    fn the_length_bound_is_never_below_the_encoded_length() {
        let mut d = doc("\u{1}\u{2}\"\\é", "{}");
        d.routing = Some("\u{3}\u{4}".into());
        d.ty = Some("\"".into());
        assert!(encode(std::slice::from_ref(&d)).len() <= d.encoded_len());
    }

    #[test]
    fn batches_are_cut_by_count_and_by_bytes_and_keep_order() {
        let docs: Vec<BulkDoc> = (0..10).map(|i| doc(&i.to_string(), "{}")).collect();
        let by_count = split(
            docs.clone(),
            Bounds {
                max_docs: 4,
                max_bytes: usize::MAX,
            },
        );
        let sizes: Vec<usize> = by_count.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![4, 4, 2]);
        let one = docs[0].encoded_len();
        let by_bytes = split(
            docs.clone(),
            Bounds {
                max_docs: 100,
                max_bytes: one * 3,
            },
        );
        assert!(by_bytes.iter().all(|b| b.len() <= 3));
        let ids: Vec<String> = by_bytes.concat().into_iter().map(|d| d.id).collect();
        let want: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn a_document_larger_than_the_byte_budget_goes_alone() {
        let big = doc("big", &format!("{{\"t\":\"{}\"}}", "x".repeat(1000)));
        let batches = split(
            vec![doc("a", "{}"), big, doc("b", "{}")],
            Bounds {
                max_docs: 100,
                max_bytes: 200,
            },
        );
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![1, 1, 1]);
    }
}
