//! One document as the proof sees it (`_id`, `_routing`, content hash), its bucket, and the compact
//! binary form it is kept in (memory buffers and spill files share it, so both give one result).
//!
//! Encoded record: `bucket u32 | content u128 | id_len u32 | routing_len u32 (u32::MAX: none) | id
//! | routing`, little endian. The record hash that goes into the bucket digest is the xxh3-128 of
//! everything after the bucket: it binds the id, the routing and the content together, so two ids
//! that swapped contents change two terms of the digest.

use xxhash_rust::xxh3::{xxh3_64_with_seed, xxh3_128_with_seed};

use crate::canonical::{NO_SOURCE, SourceError, source_hash};

const SEED_BUCKET: u64 = 0x4255_434b;
const SEED_RECORD: u64 = 0x0052_4543;
/// Bytes before the id: bucket, content, the two lengths.
pub(crate) const HEADER: usize = 4 + 16 + 4 + 4;
const NO_ROUTING: u32 = u32::MAX;
/// Longest `_id` or `_routing` accepted (Elasticsearch caps `_id` at 512 bytes); also the bound a
/// spill file's lengths are checked against before anything is allocated.
pub const MAX_KEY_BYTES: usize = 64 * 1024;

/// A document read from one side: what the caller streams in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub id: &'a str,
    pub routing: Option<&'a str>,
    /// The `_source` JSON bytes; `None` when the index does not keep `_source`.
    pub source: Option<&'a [u8]>,
}

/// Why a record could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("document `{id}`: {source}")]
    Source { id: String, source: SourceError },
    #[error("document `{id}`: its {what} is {len} bytes, more than the {MAX_KEY_BYTES} accepted")]
    TooLong {
        id: String,
        what: &'static str,
        len: usize,
    },
}

impl Record<'_> {
    /// The canonical content hash ([`NO_SOURCE`] without `_source`).
    pub fn content_hash(&self) -> Result<u128, RecordError> {
        match self.source {
            None => Ok(NO_SOURCE),
            Some(bytes) => source_hash(bytes).map_err(|source| RecordError::Source {
                id: self.id.to_owned(),
                source,
            }),
        }
    }
}

/// The bucket an id falls in, among `2^log2` (the top bits of an id hash: independent of routing
/// and content, so one id meets itself in the same bucket on both sides).
pub fn bucket_of(id: &str, log2: u8) -> u32 {
    if log2 == 0 {
        return 0;
    }
    (xxh3_64_with_seed(id.as_bytes(), SEED_BUCKET) >> (64 - u32::from(log2))) as u32
}

impl Record<'_> {
    /// Everything that can refuse a record, done before it is taken: the key lengths, then the
    /// content hash.
    pub(crate) fn prepare(&self) -> Result<u128, RecordError> {
        let lengths = [
            ("`_id`", self.id.len()),
            ("`_routing`", self.routing.map_or(0, str::len)),
        ];
        for (what, len) in lengths {
            if len > MAX_KEY_BYTES {
                return Err(RecordError::TooLong {
                    id: self.id.chars().take(64).collect(),
                    what,
                    len,
                });
            }
        }
        self.content_hash()
    }
}

/// Appends the encoded record to `out` (keys checked by [`Record::prepare`]); returns its record
/// hash.
pub(crate) fn encode(
    out: &mut Vec<u8>,
    bucket: u32,
    content: u128,
    id: &str,
    routing: Option<&str>,
) -> u128 {
    let start = out.len();
    out.extend_from_slice(&bucket.to_le_bytes());
    out.extend_from_slice(&content.to_le_bytes());
    out.extend_from_slice(&(id.len() as u32).to_le_bytes());
    let routing_len = routing.map_or(NO_ROUTING, |r| r.len() as u32);
    out.extend_from_slice(&routing_len.to_le_bytes());
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(routing.unwrap_or("").as_bytes());
    xxh3_128_with_seed(&out[start + 4..], SEED_RECORD)
}

/// A decoded record, owned: what the drill-down sorts and joins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Owned {
    pub id: String,
    pub routing: Option<String>,
    pub content: u128,
    pub bucket: u32,
}

/// The fixed header of an encoded record.
pub(crate) struct Header {
    pub bucket: u32,
    pub content: u128,
    pub id_len: usize,
    pub routing_len: Option<usize>,
}

impl Header {
    /// Reads a header; lengths beyond [`MAX_KEY_BYTES`] are damage.
    pub fn parse(b: &[u8; HEADER]) -> Result<Header, String> {
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut content = [0u8; 16];
        content.copy_from_slice(&b[4..20]);
        let id_len = u32_at(20) as usize;
        let routing_len = match u32_at(24) {
            NO_ROUTING => None,
            n => Some(n as usize),
        };
        if id_len > MAX_KEY_BYTES || routing_len.is_some_and(|n| n > MAX_KEY_BYTES) {
            return Err(format!(
                "a record claims an id of {id_len} bytes and a routing of {routing_len:?} bytes, more than {MAX_KEY_BYTES}"
            ));
        }
        Ok(Header {
            bucket: u32_at(0),
            content: u128::from_le_bytes(content),
            id_len,
            routing_len,
        })
    }

    pub fn body_len(&self) -> usize {
        self.id_len + self.routing_len.unwrap_or(0)
    }

    /// The owned record from the bytes that follow the header.
    pub fn finish(self, body: &[u8]) -> Result<Owned, String> {
        let (id, routing) = body.split_at(self.id_len);
        let text = |b: &[u8], what: &str| {
            String::from_utf8(b.to_vec()).map_err(|_| format!("a record's {what} is not UTF-8"))
        };
        Ok(Owned {
            id: text(id, "id")?,
            routing: match self.routing_len {
                Some(_) => Some(text(routing, "routing")?),
                None => None,
            },
            content: self.content,
            bucket: self.bucket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_parse_gives_the_record_back() {
        let mut buf = Vec::new();
        encode(&mut buf, 7, 99, "id-1", Some("r"));
        let header: [u8; HEADER] = buf[..HEADER].try_into().unwrap();
        let h = Header::parse(&header).unwrap();
        assert_eq!(h.body_len(), 5);
        let rec = h.finish(&buf[HEADER..]).unwrap();
        assert_eq!(
            rec,
            Owned {
                id: "id-1".into(),
                routing: Some("r".into()),
                content: 99,
                bucket: 7
            }
        );
    }

    #[test]
    fn no_routing_and_empty_routing_hash_differently() {
        let mut buf = Vec::new();
        let a = encode(&mut buf, 0, 1, "x", None);
        let b = encode(&mut buf, 0, 1, "x", Some(""));
        assert_ne!(a, b);
    }

    #[test]
    fn buckets_stay_in_range() {
        for log2 in [0u8, 1, 8, 14, 20] {
            for id in ["", "a", "doc-123456", "é"] {
                assert!(u64::from(bucket_of(id, log2)) < (1u64 << log2));
            }
        }
    }
}
