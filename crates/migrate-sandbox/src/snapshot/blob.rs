//! The envelope of repository `.dat` blobs and shard `index-<gen>` files as Elasticsearch's
//! `ChecksumBlobStoreFormat` writes them: a Lucene codec header, a SMILE body, and a footer with a
//! CRC32 of everything before it — built and checked by `migrate_repo`, so the sandbox writes the
//! bytes real clusters write and reads theirs.

use migrate_repo::compress::Compression;
use migrate_repo::envelope;
use migrate_repo::smile::Value as SmileValue;
use migrate_repo::xcontent::{self, Format};
use serde_json::Value;
use thiserror::Error;

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

/// A blob that is not a well-formed envelope, or whose body is no x-content.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BlobError {
    /// The envelope (header, codec name, footer, checksum) is wrong.
    #[error("{0}")]
    Envelope(String),
    /// The body is neither SMILE nor JSON.
    #[error("the blob content is not x-content: {0}")]
    Content(String),
}

/// Frames `content` as a `codec` blob the way Elasticsearch writes it: SMILE inside the Lucene codec
/// header and CRC32 footer (`migrate_repo`'s envelope and SMILE codec, the same the engine reads).
pub fn encode(codec: Codec, content: &Value) -> Vec<u8> {
    let body = xcontent::write(Format::ELASTICSEARCH, &SmileValue::from_json(content));
    envelope::wrap(codec.name(), &body, Compression::None)
}

/// Checks the framing and checksum of a `codec` blob and reads its body (SMILE as real clusters
/// write it, or JSON), inflating a compressed one.
pub fn decode(codec: Codec, bytes: &[u8]) -> Result<Value, BlobError> {
    let unwrapped = envelope::unwrap(codec.name(), codec.name(), bytes)
        .map_err(|e| BlobError::Envelope(e.problem.to_string()))?;
    let (_, value) =
        xcontent::parse(&unwrapped.body).map_err(|e| BlobError::Content(e.to_string()))?;
    // Binary values (file hashes in shard snapshots) become base64 strings, as Jackson's JSON
    // generator writes them.
    Ok(value.to_json_base64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_as_smile_in_the_lucene_framing() {
        let content = json!({"snapshot": {"name": "s1", "uuid": "U", "indices": ["a"]}});
        let bytes = encode(Codec::Snapshot, &content);
        assert_eq!(&bytes[..4], &[0x3f, 0xd7, 0x6c, 0x17]);
        assert_eq!(&bytes[4..13], b"\x08snapshot");
        // The body after the 4-byte format version is SMILE (`:)\n`), as Elasticsearch writes it.
        assert_eq!(&bytes[17..20], b":)\n");
        let footer = bytes.len() - 16;
        assert_eq!(
            &bytes[footer..footer + 8],
            &[0xc0, 0x28, 0x93, 0xe8, 0, 0, 0, 0]
        );
        assert_eq!(decode(Codec::Snapshot, &bytes), Ok(content));
    }

    #[test]
    fn a_real_elasticsearch_blob_decodes() {
        // A `snap-*.dat` written by a real ES 5.6 cluster: SMILE inside the envelope.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/real-snapshots/ES_5_6_Updates_Deletes/snap-FGgvQ_1CTymrGgoBFrwNTg.dat"
        );
        let bytes = std::fs::read(path).expect("fixture");
        let value = decode(Codec::Snapshot, &bytes).expect("decodes");
        assert!(value["snapshot"]["name"].is_string(), "{value}");
        assert!(value["snapshot"]["indices"].is_array(), "{value}");
    }

    #[test]
    fn rejects_corruption_truncation_and_the_wrong_codec() {
        let mut bytes = encode(Codec::IndexMetadata, &json!({"i": {}}));
        assert!(matches!(
            decode(Codec::Snapshot, &bytes),
            Err(BlobError::Envelope(_))
        ));
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        assert!(matches!(
            decode(Codec::IndexMetadata, &bytes),
            Err(BlobError::Envelope(_))
        ));
        assert!(matches!(
            decode(Codec::IndexMetadata, &bytes[..10]),
            Err(BlobError::Envelope(_))
        ));
        assert!(matches!(
            decode(Codec::IndexMetadata, b""),
            Err(BlobError::Envelope(_))
        ));
    }
}
