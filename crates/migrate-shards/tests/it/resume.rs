//! Resuming a shard after the last document a previous run finished: the rest of its segment,
//! then the following segments — every document once, none twice; and a fetch interrupted after
//! some files keeps the intact ones.

use migrate_shards::{ShardReader, SnapshotSource};

use crate::support::{generated_repository, source_of, store, writer_with};

#[tokio::test]
async fn resuming_after_any_position_yields_exactly_the_documents_after_it() {
    let mut writer = writer_with(250, 100);
    writer.delete(None, "5");
    writer.delete(None, "150");
    let repo = generated_repository(&[writer.commit(&[]).unwrap()]);
    let source = SnapshotSource::open(store(repo.path()), "snap-1")
        .await
        .unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let scratch = tempfile::tempdir().unwrap();
    let fetched = source.fetch(shard, scratch.path()).await.unwrap();
    let files = source.shard_snapshot(shard).await.unwrap().files;
    assert_eq!(fetched.bytes, files.iter().map(|f| f.length).sum::<u64>());
    let in_blobs: u64 = files
        .iter()
        .filter(|f| !f.is_virtual())
        .map(|f| f.length)
        .sum();
    assert_eq!(
        fetched.downloaded, in_blobs,
        "segment infos come from the metadata"
    );
    let all: Vec<_> = ShardReader::open(shard, scratch.path())
        .unwrap()
        .documents(None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(all.len(), 248);
    for doc in &all {
        let n: usize = doc.id.parse().unwrap();
        assert_eq!(doc.source.as_deref(), Some(source_of(n).as_bytes()));
    }
    for cut in [0, 1, 97, 98, 99, 100, 180, 246, 247] {
        let after = &all[cut].position;
        let rest: Vec<String> = ShardReader::open(shard, scratch.path())
            .unwrap()
            .documents(Some(after))
            .unwrap()
            .map(|d| d.unwrap().id)
            .collect();
        let expected: Vec<String> = all[cut + 1..].iter().map(|d| d.id.clone()).collect();
        assert_eq!(rest, expected, "after {after}");
    }
}

#[tokio::test]
async fn a_second_fetch_into_the_same_directory_downloads_only_damaged_or_missing_files() {
    let repo = generated_repository(&[writer_with(120, 50).commit(&[]).unwrap()]);
    let source = SnapshotSource::open(store(repo.path()), "snap-1")
        .await
        .unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let scratch = tempfile::tempdir().unwrap();
    let first = source.fetch(shard, scratch.path()).await.unwrap();
    let fdt = scratch.path().join("_1.fdt");
    let fdt_len = std::fs::metadata(&fdt).unwrap().len();
    let mut bytes = std::fs::read(&fdt).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&fdt, bytes).unwrap();
    std::fs::remove_file(scratch.path().join("_0.fdx")).unwrap();
    let second = source.fetch(shard, scratch.path()).await.unwrap();
    let fdx = source
        .shard_snapshot(shard)
        .await
        .unwrap()
        .file("_0.fdx")
        .unwrap()
        .length;
    assert_eq!(second.bytes, first.bytes);
    assert_eq!(second.downloaded, fdt_len + fdx);
    assert_eq!(
        ShardReader::open(shard, scratch.path())
            .unwrap()
            .documents(None)
            .unwrap()
            .count(),
        120
    );
}

#[tokio::test]
async fn a_position_in_a_segment_the_commit_lacks_is_an_error_naming_the_shard() {
    let repo = generated_repository(&[writer_with(10, 5).commit(&[]).unwrap()]);
    let source = SnapshotSource::open(store(repo.path()), "snap-1")
        .await
        .unwrap();
    let shard = &source.shards("gen").await.unwrap()[0];
    let scratch = tempfile::tempdir().unwrap();
    source.fetch(shard, scratch.path()).await.unwrap();
    let position = migrate_shards::Position {
        segment: "_z".into(),
        doc: 3,
    };
    let err = ShardReader::open(shard, scratch.path())
        .unwrap()
        .documents(Some(&position))
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("index `gen` shard 0: cannot resume after segment `_z` doc 3:"),
        "{err}"
    );
}
