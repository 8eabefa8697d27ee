//! Incremental rounds: a second snapshot after more documents were flushed reads only the new
//! segments.

use migrate_shards::{ShardReader, SnapshotSource, new_segments};

use crate::support::{add_documents, generated_repository, store, writer_with};

#[tokio::test]
async fn the_second_snapshot_s_new_segments_hold_exactly_the_documents_added_since_the_first() {
    let mut writer = writer_with(200, 100);
    let first = writer.commit(&[]).unwrap();
    add_documents(&mut writer, 200..260, 100);
    let second = writer.commit(&[]).unwrap();
    let repo = generated_repository(&[first, second]);

    let one = SnapshotSource::open(store(repo.path()), "snap-1")
        .await
        .unwrap();
    let two = SnapshotSource::open(store(repo.path()), "snap-2")
        .await
        .unwrap();
    let shard = two.shards("gen").await.unwrap().remove(0);
    let before = one.shard_snapshot(&shard).await.unwrap();
    let after = two.shard_snapshot(&shard).await.unwrap();
    let new = new_segments(&before, &after);
    assert_eq!(new.len(), 1, "{new:?}");

    let scratch = tempfile::tempdir().unwrap();
    two.fetch(&shard, scratch.path()).await.unwrap();
    let mut reader = ShardReader::open(&shard, scratch.path()).unwrap();
    assert_eq!(reader.segment_names().len(), 3);
    reader.retain_segments(|s| new.contains(s));
    assert_eq!(reader.live_documents(), 60);
    let ids: Vec<usize> = reader
        .documents(None)
        .unwrap()
        .map(|d| d.unwrap().id.parse().unwrap())
        .collect();
    assert_eq!(ids, (200..260).collect::<Vec<_>>());
}
