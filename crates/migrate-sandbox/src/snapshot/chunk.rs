//! Data blobs: a shard's documents grouped into immutable, content-addressed chunks (JSON lines).
//!
//! Chunk boundaries are content-defined: a chunk ends after a document whose line hashes to a
//! boundary value (about one in [`AVERAGE_DOCS`]), or when it reaches [`MAX_BYTES`]. So a document
//! appended or changed only alters the chunk it falls in, and every other chunk keeps its bytes and
//! its name — the way Lucene segments stay untouched while new ones are written — which is what lets
//! a later snapshot upload only new blobs. A chunk's blob name is derived from a hash of its bytes
//! (22 URL-safe base64 characters, like Elasticsearch's UUIDs): same content, same `__<name>`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::model::Document;

/// The expected number of documents per chunk.
pub const AVERAGE_DOCS: u64 = 512;
/// A chunk is closed once it holds this many bytes.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// One data blob's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The blob name without the `__` prefix.
    pub name: String,
    /// JSON lines, one document each.
    pub bytes: Vec<u8>,
    /// How many documents it holds.
    pub documents: usize,
}

/// A data blob that could not be read back.
#[derive(Debug, Error)]
#[error("data blob line {line}: {reason}")]
pub struct ChunkError {
    line: usize,
    reason: String,
}

/// Groups documents (in order) into chunks.
pub fn chunk<'a>(documents: impl IntoIterator<Item = &'a Document>) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut bytes = Vec::new();
    let mut count = 0;
    for document in documents {
        let start = bytes.len();
        encode_line(document, &mut bytes);
        count += 1;
        let line_hash = fnv(&bytes[start..]);
        if line_hash.is_multiple_of(AVERAGE_DOCS) || bytes.len() >= MAX_BYTES {
            chunks.push(seal(std::mem::take(&mut bytes), count));
            count = 0;
        }
    }
    if count > 0 {
        chunks.push(seal(bytes, count));
    }
    chunks
}

fn seal(bytes: Vec<u8>, documents: usize) -> Chunk {
    let digest = Sha256::digest(&bytes);
    Chunk {
        name: URL_SAFE_NO_PAD.encode(&digest[..16]),
        bytes,
        documents,
    }
}

fn encode_line(document: &Document, out: &mut Vec<u8>) {
    let mut head = serde_json::Map::new();
    head.insert("_id".into(), Value::from(document.id.clone()));
    if let Some(t) = &document.doc_type {
        head.insert("_type".into(), Value::from(t.clone()));
    }
    if let Some(r) = &document.routing {
        head.insert("_routing".into(), Value::from(r.clone()));
    }
    head.insert("_version".into(), Value::from(document.version));
    // `{"_id":…,"_version":N` then `,"_source":<raw>}`: the source is embedded without re-parsing.
    let head = Value::Object(head).to_string();
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    out.extend_from_slice(b",\"_source\":");
    out.extend_from_slice(document.source.as_bytes());
    out.extend_from_slice(b"}\n");
}

/// Reads the documents of a data blob.
pub fn decode(bytes: &[u8]) -> Result<Vec<Document>, ChunkError> {
    let mut documents = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let error = |reason: String| ChunkError {
            line: i + 1,
            reason,
        };
        let value: Value = serde_json::from_slice(line).map_err(|e| error(e.to_string()))?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        documents.push(Document {
            id: text("_id").ok_or_else(|| error("no `_id`".into()))?,
            doc_type: text("_type"),
            routing: text("_routing"),
            version: value.get("_version").and_then(Value::as_u64).unwrap_or(1),
            source: value
                .get("_source")
                .ok_or_else(|| error("no `_source`".into()))?
                .to_string(),
        });
    }
    Ok(documents)
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize) -> Document {
        Document {
            id: format!("doc-{i}"),
            doc_type: Some("movie".into()),
            routing: None,
            version: 1,
            source: format!(r#"{{"title":"movie {i}","n":{i}}}"#),
        }
    }

    #[test]
    fn round_trips_documents() {
        let docs: Vec<Document> = (0..3000).map(doc).collect();
        let chunks = chunk(&docs);
        assert!(chunks.len() > 1, "3000 documents make several chunks");
        let back: Vec<Document> = chunks
            .iter()
            .flat_map(|c| decode(&c.bytes).unwrap())
            .collect();
        assert_eq!(back, docs);
        assert_eq!(chunks.iter().map(|c| c.documents).sum::<usize>(), 3000);
        assert!(chunks.iter().all(|c| c.name.len() == 22));
    }

    #[test]
    fn appending_documents_keeps_every_sealed_chunk() {
        let before: Vec<Document> = (0..3000).map(doc).collect();
        let after: Vec<Document> = (0..3100).map(doc).collect();
        let old = chunk(&before);
        let new = chunk(&after);
        let old_names: Vec<&str> = old.iter().map(|c| c.name.as_str()).collect();
        let new_names: Vec<&str> = new.iter().map(|c| c.name.as_str()).collect();
        // All chunks but the open tail are unchanged.
        assert_eq!(old_names[..old.len() - 1], new_names[..old.len() - 1]);
        assert_ne!(old_names.last(), new_names.get(old.len() - 1));
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        assert!(decode(b"{\"_id\":\"a\"}\n").is_err());
        assert!(decode(b"not json\n").is_err());
        assert_eq!(decode(b"").unwrap(), vec![]);
    }
}
