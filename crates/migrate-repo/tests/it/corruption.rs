//! Damaged blobs: each damage is reported with the blob's name and what is wrong.

use migrate_repo::compress::Compression;
use migrate_repo::model::{BlobKind, ChecksumBlob, Document, SnapshotInfo};
use migrate_repo::{BlobError, Problem, envelope};

use crate::fixtures::repository;

const KEY: &str = "snap-4qK_DdtfTcao0zoxNElf9Q.dat";

fn real_blob() -> Vec<u8> {
    std::fs::read(repository("ES_7_10_Updates_Deletes_w_Soft").join(KEY)).unwrap()
}

#[test]
fn a_flipped_byte_is_a_checksum_error_naming_the_blob_and_both_values() {
    let mut bytes = real_blob();
    bytes[40] ^= 0x01;
    let err = SnapshotInfo::read(KEY, &bytes).unwrap_err();
    let BlobError { blob, problem } = &err;
    assert_eq!(blob, KEY);
    let Problem::ChecksumMismatch { stored, computed } = problem else {
        panic!("expected a checksum mismatch, got {err}");
    };
    assert_ne!(stored, computed);
    assert_eq!(
        err.to_string(),
        format!(
            "blob `{KEY}`: checksum mismatch: the footer says 0x{stored:08x}, the content computes 0x{computed:08x}; the blob is corrupt"
        )
    );
}

#[test]
fn a_truncated_blob_says_it_is_truncated_or_lacks_its_footer() {
    let bytes = real_blob();
    let err = SnapshotInfo::read(KEY, &bytes[..20]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("blob `{KEY}`: truncated: 20 bytes, at least 33 needed")
    );
    let err = SnapshotInfo::read(KEY, &bytes[..bytes.len() - 5]).unwrap_err();
    assert!(matches!(err.problem, Problem::BadFooter { .. }), "{err}");
    assert!(
        err.to_string().contains("truncated or has bytes appended"),
        "{err}"
    );
    let err = SnapshotInfo::read(KEY, &bytes[..2]).unwrap_err();
    assert!(
        matches!(err.problem, Problem::Truncated { len: 2, .. }),
        "{err}"
    );
}

#[test]
fn a_blob_of_another_kind_is_a_wrong_codec_error() {
    let key = "meta-4qK_DdtfTcao0zoxNElf9Q.dat";
    let bytes = std::fs::read(repository("ES_7_10_Updates_Deletes_w_Soft").join(key)).unwrap();
    let err = SnapshotInfo::read(key, &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "blob `{key}`: wrong codec `metadata`, expected `snapshot`: this is another kind of blob"
        )
    );
}

#[test]
fn bytes_without_the_lucene_magic_are_a_bad_magic_error() {
    let err = SnapshotInfo::read("index-0", br#"{"snapshots":[],"indices":{}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "blob `index-0`: bad magic 0x7b22736e: not a Lucene codec header (0x3fd76c17); not a checksummed snapshot blob"
    );
}

#[test]
fn an_unknown_compression_is_refused_with_the_bytes_found() {
    let blob = envelope::wrap("snapshot", b"XYZ\0garbage", Compression::None);
    let err = SnapshotInfo::read(KEY, &blob).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "blob `{KEY}`: unknown compression or body format: the body starts with bytes 58 59 5a 00, which is neither SMILE (3a 29 0a), JSON, nor DEFLATE (`DFL\\0`)"
        )
    );
    let lzf = envelope::wrap("snapshot", b"ZV\x00\x05hello", Compression::None);
    let err = SnapshotInfo::read(KEY, &lzf).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "blob `{KEY}`: LZF compression is not supported (only Elasticsearch's DEFLATE, `DFL\\0`)"
        )
    );
    let broken = envelope::wrap("snapshot", b"DFL\0\xff\xff\xff", Compression::None);
    let err = SnapshotInfo::read(KEY, &broken).unwrap_err();
    assert!(matches!(err.problem, Problem::Inflate { .. }), "{err}");
}

#[test]
fn a_compressed_blob_reads_like_the_plain_one() {
    let plain = Document::read(BlobKind::SnapshotInfo, KEY, &real_blob()).unwrap();
    let compressed = Document {
        compression: Compression::Deflate,
        ..plain.clone()
    }
    .write(BlobKind::SnapshotInfo);
    assert_eq!(&compressed[17..21], b"DFL\0");
    let back = Document::read(BlobKind::SnapshotInfo, KEY, &compressed).unwrap();
    assert_eq!(back.compression, Compression::Deflate);
    assert_eq!(back.value, plain.value);
}

#[test]
fn a_document_of_the_wrong_shape_names_the_field() {
    let info = SnapshotInfo::read(KEY, &real_blob()).unwrap();
    let mut value = migrate_repo::model::ChecksumBlob::to_value(&info);
    if let migrate_repo::smile::Value::Object(outer) = &mut value
        && let Some((_, migrate_repo::smile::Value::Object(inner))) = outer.0.first_mut()
    {
        inner.take("uuid");
        inner.push("uuid", 5);
    }
    let blob = Document {
        compression: Compression::None,
        format: migrate_repo::xcontent::Format::ELASTICSEARCH,
        value,
    }
    .write(BlobKind::SnapshotInfo);
    let err = SnapshotInfo::read(KEY, &blob).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("blob `{KEY}`: `/snapshot/uuid` is an integer, expected a string")
    );
}
