//! Decode → encode reproduces every real blob byte for byte: through the SMILE value alone, and
//! through the typed models (which keep field order and unknown fields).

use migrate_repo::compress::Compression;
use migrate_repo::model::{
    BlobKind, ChecksumBlob, Document, GlobalMetadata, IncompatibleSnapshots, IndexMetadata,
    RepositoryData, ShardSnapshot, ShardSnapshots, SnapshotInfo,
};
use migrate_repo::smile::Value;

use crate::fixtures::{REPOSITORIES, checksummed_blobs, repository};

fn typed_round_trip<T: ChecksumBlob>(key: &str, bytes: &[u8]) -> Vec<u8> {
    T::read(key, bytes).unwrap().write(Compression::None)
}

#[test]
fn every_real_blob_decodes_and_encodes_back_to_the_same_bytes() {
    for repo in REPOSITORIES {
        for (key, kind, bytes) in checksummed_blobs(repo) {
            let document = Document::read(kind, &key, &bytes).unwrap();
            assert!(
                document.write(kind) == bytes,
                "{repo}/{key}: the SMILE value does not reproduce the blob"
            );
        }
    }
}

#[test]
fn every_real_blob_read_into_its_model_and_written_back_is_the_same_bytes() {
    for repo in REPOSITORIES {
        for (key, kind, bytes) in checksummed_blobs(repo) {
            let again = match kind {
                BlobKind::SnapshotInfo => typed_round_trip::<SnapshotInfo>(&key, &bytes),
                BlobKind::GlobalMetadata => typed_round_trip::<GlobalMetadata>(&key, &bytes),
                BlobKind::IndexMetadata => typed_round_trip::<IndexMetadata>(&key, &bytes),
                BlobKind::ShardSnapshot => typed_round_trip::<ShardSnapshot>(&key, &bytes),
                BlobKind::ShardSnapshots => typed_round_trip::<ShardSnapshots>(&key, &bytes),
            };
            assert!(
                again == bytes,
                "{repo}/{key}: the {kind:?} model does not reproduce the blob"
            );
        }
    }
}

#[test]
fn root_index_n_and_incompatible_snapshots_keep_their_json_content() {
    for repo in REPOSITORIES {
        let root = repository(repo);
        for entry in std::fs::read_dir(&root).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !name.starts_with("index-") {
                continue;
            }
            let bytes = std::fs::read(root.join(&name)).unwrap();
            let data = RepositoryData::from_json(&bytes).unwrap();
            let back: serde_json::Value = serde_json::from_slice(&data.to_json()).unwrap();
            let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(back, original, "{repo}/{name}");
        }
    }
    let bytes = std::fs::read(repository("ES_6_8_Single").join("incompatible-snapshots")).unwrap();
    let incompatible = IncompatibleSnapshots::from_json(&bytes).unwrap();
    assert!(incompatible.snapshots.is_empty());
    assert_eq!(incompatible.to_json(), bytes);
}

#[test]
fn a_changed_model_writes_the_change_in_place_and_keeps_unknown_fields() {
    let key = "snap-7_1RHMshSc6c0cuzX1NCDg.dat";
    let bytes = std::fs::read(repository("ES_7_10_Single").join(key)).unwrap();
    let mut info = SnapshotInfo::read(key, &bytes).unwrap();
    info.extra.push("feature_states", Value::Array(vec![]));
    info.state = Some("PARTIAL".into());
    let back = SnapshotInfo::read(key, &info.write(Compression::None)).unwrap();
    assert_eq!(back.state.as_deref(), Some("PARTIAL"));
    assert_eq!(
        back.extra.get("feature_states"),
        Some(&Value::Array(vec![]))
    );
    let inner = back.to_value();
    let names: Vec<&str> = inner
        .as_object()
        .unwrap()
        .get("snapshot")
        .unwrap()
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "name",
            "uuid",
            "version_id",
            "indices",
            "data_streams",
            "state",
            "include_global_state",
            "metadata",
            "start_time",
            "end_time",
            "total_shards",
            "successful_shards",
            "failures",
            "feature_states"
        ]
    );
}

#[test]
fn binary_compressed_mappings_are_inflated_and_parsed() {
    let key = "indices/ADqaSwRmQGeZpfc8raDTtA/meta-xGqBTJEBlF9Q9SH0yNGX.dat";
    let bytes = std::fs::read(repository("ES_7_10_Updates_Deletes_w_Soft").join(key)).unwrap();
    let mut meta = IndexMetadata::read(key, &bytes).unwrap();
    let json = br#"{"_doc":{"properties":{"n":{"type":"long"}}}}"#;
    meta.mappings = vec![
        Value::Binary(migrate_repo::compress::deflate(json)),
        Value::Binary(br#"{"other":{"dynamic":false}}"#.to_vec()),
    ];
    let back = IndexMetadata::read(key, &meta.write(Compression::None)).unwrap();
    let mappings = back.mappings().unwrap();
    assert_eq!(mappings[0].type_name, "_doc");
    assert_eq!(
        mappings[0].mapping,
        serde_json::json!({"properties": {"n": {"type": "long"}}})
    );
    assert_eq!(mappings[1].mapping, serde_json::json!({"dynamic": false}));
    meta.mappings = vec![Value::Binary(b"DFL\0\x01\x02".to_vec())];
    let err = meta.mappings().unwrap_err();
    assert!(
        err.to_string().starts_with("the DEFLATE stream is broken"),
        "{err}"
    );
    meta.mappings = vec![Value::Integer(3)];
    assert_eq!(
        meta.mappings().unwrap_err().to_string(),
        "`/test_updates_deletes/mappings/0` is an integer, expected an object or binary"
    );
}
