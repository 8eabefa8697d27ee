//! The envelope of repository `.dat` blobs and shard `index-<gen>` files: a Lucene codec header, the
//! content, and a footer with a CRC32 of everything before it — the same framing Elasticsearch's
//! `ChecksumBlobStoreFormat` writes. The content is JSON (Elasticsearch writes SMILE there; it
//! detects the content type, and only the sandbox reads these contents back).

use serde_json::Value;
use thiserror::Error;

/// `CodecUtil.CODEC_MAGIC`.
const CODEC_MAGIC: u32 = 0x3fd7_6c17;
/// `CodecUtil.FOOTER_MAGIC` (`!CODEC_MAGIC`).
const FOOTER_MAGIC: u32 = !CODEC_MAGIC;
/// The format version Elasticsearch writes in the header.
const FORMAT_VERSION: u32 = 1;
/// Footer: magic (4) + algorithm id (4) + checksum (8).
const FOOTER_LEN: usize = 16;

/// The codec names Elasticsearch uses for each kind of blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Root and shard `snap-<uuid>.dat`.
    Snapshot,
    /// Root `meta-<uuid>.dat` (global metadata).
    Metadata,
    /// `indices/<id>/meta-<id>.dat`.
    IndexMetadata,
    /// Shard `index-<gen>`.
    Snapshots,
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::Snapshot => "snapshot",
            Codec::Metadata => "metadata",
            Codec::IndexMetadata => "index-metadata",
            Codec::Snapshots => "snapshots",
        }
    }
}

/// A blob that is not a well-formed envelope.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BlobError {
    /// Too short or wrong header magic.
    #[error("not a repository blob: bad codec header")]
    Header,
    /// The header names another codec.
    #[error("expected codec `{expected}`, found `{found}`")]
    Codec {
        /// The codec expected.
        expected: &'static str,
        /// The codec found.
        found: String,
    },
    /// Footer magic or checksum mismatch: the blob is truncated or corrupted.
    #[error("checksum failed: the blob is truncated or corrupted")]
    Checksum,
    /// The content is not JSON.
    #[error("the blob content is not JSON: {0}")]
    Content(String),
}

/// Frames `content` as a `codec` blob.
pub fn encode(codec: Codec, content: &Value) -> Vec<u8> {
    // Serialising a `Value` cannot fail.
    let body = serde_json::to_vec(content).unwrap_or_default();
    let name = codec.name().as_bytes();
    let mut out = Vec::with_capacity(body.len() + name.len() + 32);
    out.extend_from_slice(&CODEC_MAGIC.to_be_bytes());
    write_vint(&mut out, name.len());
    out.extend_from_slice(name);
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&FOOTER_MAGIC.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&u64::from(crc).to_be_bytes());
    out
}

/// Checks the framing and checksum of a `codec` blob and parses its content.
pub fn decode(codec: Codec, bytes: &[u8]) -> Result<Value, BlobError> {
    if bytes.len() < 4 + 1 + 4 + FOOTER_LEN || bytes[..4] != CODEC_MAGIC.to_be_bytes() {
        return Err(BlobError::Header);
    }
    let (name_len, mut at) = read_vint(bytes, 4).ok_or(BlobError::Header)?;
    let name_end = at.checked_add(name_len).ok_or(BlobError::Header)?;
    let body_start = name_end.checked_add(4).ok_or(BlobError::Header)?;
    if body_start > bytes.len() - FOOTER_LEN {
        return Err(BlobError::Header);
    }
    let found = String::from_utf8_lossy(&bytes[at..name_end]);
    if found != codec.name() {
        return Err(BlobError::Codec {
            expected: codec.name(),
            found: found.into_owned(),
        });
    }
    at = body_start;
    let footer = bytes.len() - FOOTER_LEN;
    if bytes[footer..footer + 4] != FOOTER_MAGIC.to_be_bytes() {
        return Err(BlobError::Checksum);
    }
    let mut stored = [0u8; 8];
    stored.copy_from_slice(&bytes[footer + 8..]);
    if u64::from_be_bytes(stored) != u64::from(crc32fast::hash(&bytes[..footer + 8])) {
        return Err(BlobError::Checksum);
    }
    serde_json::from_slice(&bytes[at..footer]).map_err(|e| BlobError::Content(e.to_string()))
}

fn write_vint(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_vint(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_with_the_lucene_framing() {
        let content = json!({"snapshot": {"name": "s1", "uuid": "U"}});
        let bytes = encode(Codec::Snapshot, &content);
        assert_eq!(&bytes[..4], &[0x3f, 0xd7, 0x6c, 0x17]);
        assert_eq!(&bytes[4..13], b"\x08snapshot");
        let footer = bytes.len() - 16;
        assert_eq!(
            &bytes[footer..footer + 8],
            &[0xc0, 0x28, 0x93, 0xe8, 0, 0, 0, 0]
        );
        assert_eq!(decode(Codec::Snapshot, &bytes), Ok(content));
    }

    #[test]
    fn the_checksum_matches_a_real_elasticsearch_blob() {
        // The footer of a real ES 5.6 `snap-*.dat` checks with the same algorithm.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/real-snapshots/ES_5_6_Updates_Deletes/snap-FGgvQ_1CTymrGgoBFrwNTg.dat"
        );
        let bytes = std::fs::read(path).expect("fixture");
        let footer = bytes.len() - 16;
        let mut stored = [0u8; 8];
        stored.copy_from_slice(&bytes[footer + 8..]);
        assert_eq!(
            u64::from_be_bytes(stored),
            u64::from(crc32fast::hash(&bytes[..footer + 8]))
        );
        // Its content is SMILE, which this envelope reports as not JSON rather than panicking.
        assert!(matches!(
            decode(Codec::Snapshot, &bytes),
            Err(BlobError::Content(_))
        ));
    }

    #[test]
    fn rejects_corruption_truncation_and_the_wrong_codec() {
        let mut bytes = encode(Codec::IndexMetadata, &json!({"i": {}}));
        assert_eq!(
            decode(Codec::Snapshot, &bytes),
            Err(BlobError::Codec {
                expected: "snapshot",
                found: "index-metadata".into()
            })
        );
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        assert_eq!(
            decode(Codec::IndexMetadata, &bytes),
            Err(BlobError::Checksum)
        );
        assert_eq!(
            decode(Codec::IndexMetadata, &bytes[..10]),
            Err(BlobError::Header)
        );
        assert_eq!(decode(Codec::IndexMetadata, b""), Err(BlobError::Header));
    }
}
