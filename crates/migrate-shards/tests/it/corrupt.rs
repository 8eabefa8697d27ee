//! Damaged repositories: a flipped byte in a stored-fields blob, a truncated blob, an unknown codec
//! — each an error naming the index, the shard and the file, raised before any document of the
//! shard is yielded.

use migrate_repo::model::{ChecksumBlob, ShardSnapshot};
use migrate_repo::reassemble::to_base36;
use migrate_shards::{ShardError, ShardReader, SnapshotSource};

use crate::support::{generated_repository, store, writer_with};

/// A repository of 300 documents in 3 segments, its source, and the blob holding `file`.
async fn repository_with(file: &str) -> (tempfile::TempDir, SnapshotSource, std::path::PathBuf) {
    let commit = writer_with(300, 100).commit(&[]).unwrap();
    let repo = generated_repository(&[commit]);
    let source = SnapshotSource::open(store(repo.path()), "snap-1")
        .await
        .unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let snapshot = source.shard_snapshot(shard).await.unwrap();
    let info = snapshot.file(file).unwrap();
    assert!(!info.is_virtual(), "{file} has a data blob");
    let blob = repo.path().join(shard.folder()).join(&info.name);
    (repo, source, blob)
}

/// Fetches and opens shard 0 of `gen`, counting the documents yielded before the error.
async fn read(source: &SnapshotSource) -> (usize, ShardError, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let mut yielded = 0;
    let err = match source.fetch(shard, scratch.path()).await {
        Err(e) => e,
        Ok(_) => match ShardReader::open(shard, scratch.path()).and_then(|r| r.documents(None)) {
            Err(e) => e,
            Ok(docs) => {
                let mut error = None;
                for doc in docs {
                    match doc {
                        Ok(_) => yielded += 1,
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    }
                }
                error.expect("the damaged shard read without error")
            }
        },
    };
    (yielded, err, scratch)
}

#[tokio::test]
async fn a_flipped_byte_in_a_stored_fields_blob_is_an_error_naming_index_shard_and_file() {
    let (_repo, source, blob) = repository_with("_1.fdt").await;
    let mut bytes = std::fs::read(&blob).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(&blob, bytes).unwrap();
    let (yielded, err, scratch) = read(&source).await;
    assert_eq!(yielded, 0);
    assert!(matches!(err, ShardError::File { .. }), "{err:?}");
    let err = err.to_string();
    assert!(
        err.starts_with(
            "index `gen` shard 0: file `_1.fdt`: `_1.fdt`: the CRC32 of the file's content is "
        ),
        "{err}"
    );
    assert!(!scratch.path().join("_1.fdt").exists());
    assert!(!scratch.path().join("_1.partial").exists());
}

#[tokio::test]
async fn a_truncated_blob_is_an_error_naming_index_shard_file_and_lengths() {
    let (_repo, source, blob) = repository_with("_2.fdt").await;
    let bytes = std::fs::read(&blob).unwrap();
    std::fs::write(&blob, &bytes[..bytes.len() - 40]).unwrap();
    let (yielded, err, _scratch) = read(&source).await;
    assert_eq!(yielded, 0);
    let err = err.to_string();
    assert_eq!(
        err,
        format!(
            "index `gen` shard 0: file `_2.fdt`: `_2.fdt`: rebuilt {} bytes, the snapshot says {}",
            bytes.len() - 40,
            bytes.len()
        )
    );
}

#[tokio::test]
async fn a_missing_blob_is_an_error_naming_the_file_and_the_blob() {
    let (_repo, source, blob) = repository_with("_0.fdx").await;
    std::fs::remove_file(&blob).unwrap();
    let (_, err, _scratch) = read(&source).await;
    let err = err.to_string();
    assert!(
        err.starts_with("index `gen` shard 0: file `_0.fdx`: reading blob `indices/"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unknown_codec_consistent_with_the_snapshot_fails_the_shard_before_any_document() {
    // The last segment's stored fields name a codec no reader knows; the file is resealed and the
    // snapshot's checksum updated, so only the codec is wrong — and the first two segments, which
    // are fine, must not be yielded either.
    let (repo, source, blob) = repository_with("_2.fdt").await;
    let mut bytes = std::fs::read(&blob).unwrap();
    let at = bytes.windows(8).position(|w| w == b"Lucene87").unwrap();
    bytes[at..at + 8].copy_from_slice(b"Lucene95");
    let n = bytes.len();
    let crc = crc32fast::hash(&bytes[..n - 8]);
    bytes[n - 8..].copy_from_slice(&u64::from(crc).to_be_bytes());
    std::fs::write(&blob, &bytes).unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let key =
        migrate_repo::layout::paths::shard_snapshot(&shard.index_id, 0, &source.snapshot().uuid);
    let path = repo.path().join(&key);
    let mut snapshot = ShardSnapshot::read(&key, &std::fs::read(&path).unwrap()).unwrap();
    for file in &mut snapshot.files {
        if file.physical_name == "_2.fdt" {
            file.checksum = to_base36(u64::from(crc));
        }
    }
    std::fs::write(
        &path,
        snapshot.write(migrate_repo::compress::Compression::None),
    )
    .unwrap();

    let (yielded, err, _scratch) = read(&source).await;
    assert_eq!(yielded, 0);
    assert!(
        matches!(
            err,
            ShardError::Lucene {
                source: migrate_lucene::Error::Unsupported { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(
        err.starts_with(
            "index `gen` shard 0: `_2.fdt`: unsupported codec `Lucene95StoredFieldsFastData`"
        ),
        "{err}"
    );
}
