//! The snapshot repository writer and reader against object stores: the layout is the real one
//! (read by `migrate_store`'s parser and inspector, no dangling references), shard data are Lucene
//! files, snapshots are incremental (a second snapshot uploads only the new segment's files),
//! restores read back what was written, deletes clean up.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::TryStreamExt;
use migrate_sandbox::snapshot::{
    self, BlobRepository, Document, IndexImage, NewSnapshot, Release, ShardStores, SnapshotIndex,
    SnapshotProgress, read,
};
use migrate_store::repository::{KeyClass, classify, missing_blobs, read_repository};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use serde_json::json;

fn image(name: &str, shards: u32, docs: std::ops::Range<usize>) -> IndexImage {
    IndexImage {
        name: name.into(),
        uuid: format!("{name}-uuid"),
        settings:
            json!({"index.number_of_shards": shards.to_string(), "index.number_of_replicas": "1"})
                .as_object()
                .cloned()
                .unwrap(),
        mappings: json!({"movie": {"properties": {"title": {"type": "text"}}}}),
        aliases: json!({"films": {}}).as_object().cloned().unwrap(),
        number_of_shards: shards,
        documents: docs
            .map(|i| Document {
                id: format!("m{i:06}"),
                doc_type: Some("movie".into()),
                routing: None,
                version: 1,
                seq_no: i as u64,
                source: format!(r#"{{"title":"movie {i}","year":{}}}"#, 1900 + i % 120),
            })
            .collect(),
    }
}

fn new_snapshot(name: &str, release: Release) -> NewSnapshot {
    NewSnapshot {
        name: name.into(),
        uuid: snapshot::repository::new_id(),
        release,
        include_global_state: true,
        global_metadata: json!({"templates": {}}),
        metadata: None,
        start_time: 1_700_000_000_000,
        part_size: None,
    }
}

async fn keys(store: &dyn ObjectStore) -> BTreeMap<String, u64> {
    let metas: Vec<_> = store.list(None).try_collect().await.unwrap();
    metas
        .into_iter()
        .map(|m| (m.location.to_string(), m.size))
        .collect()
}

async fn assert_consistent(store: &dyn ObjectStore) {
    let all = keys(store).await;
    for key in all.keys() {
        let class = classify(key);
        assert!(
            !matches!(class, KeyClass::Unknown | KeyClass::Invalid(_)),
            "{key} is {class:?}"
        );
    }
    let view = read_repository(store).await.unwrap();
    let present: BTreeSet<String> = all.into_keys().collect();
    assert_eq!(
        missing_blobs(view.generation, &view.data, &present),
        Vec::<String>::new()
    );
}

fn flush(stores: &ShardStores, images: &[IndexImage], release: Release) -> Vec<SnapshotIndex> {
    images
        .iter()
        .map(|i| stores.snapshot_index(i.clone(), release).unwrap())
        .collect()
}

async fn round_trip(store: Arc<dyn ObjectStore>, release: Release) {
    let repo = BlobRepository::new(Arc::clone(&store));
    let progress = SnapshotProgress::default();
    let stores = ShardStores::default();
    let first = vec![image("movies", 2, 0..5000), image("logs", 1, 0..10)];
    let info = snapshot::create_snapshot(
        &repo,
        &new_snapshot("snap-1", release),
        &flush(&stores, &first, release),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(info.state, "SUCCESS");
    assert_eq!(info.total_shards, 3);
    assert_eq!(info.indices, ["logs", "movies"]);
    assert_consistent(store.as_ref()).await;

    // migrate_store's inspector reads the sandbox's repository like a real one.
    let inspection = migrate_store::inspect(store.as_ref()).await.unwrap();
    assert_eq!(inspection.generation, 0);
    assert!(inspection.has_index_latest);
    assert_eq!(inspection.snapshots[0].name, "snap-1");
    assert_eq!(inspection.snapshots[0].state, Some("SUCCESS"));
    assert_eq!(inspection.snapshots[0].indices, ["logs", "movies"]);
    let expected_format = if release.writes_shard_generations() {
        "7.x"
    } else {
        "5.x/6.x"
    };
    assert_eq!(inspection.format, expected_format);

    let before = keys(store.as_ref()).await;
    let data_blobs_before: BTreeSet<&String> = before
        .keys()
        .filter(|k| classify(k) == KeyClass::DataBlob)
        .collect();

    // 100 more documents: the second snapshot uploads only the new segment of each movies shard
    // (and, in 5.x/6.x layouts, the new commit point; 7.x keeps it and the segment infos inline).
    let second = vec![image("movies", 2, 0..5100), image("logs", 1, 0..10)];
    snapshot::create_snapshot(
        &repo,
        &new_snapshot("snap-2", release),
        &flush(&stores, &second, release),
        &progress,
    )
    .await
    .unwrap();
    assert_consistent(store.as_ref()).await;
    let after = keys(store.as_ref()).await;
    let new_data: Vec<&String> = after
        .keys()
        .filter(|k| classify(k) == KeyClass::DataBlob && !data_blobs_before.contains(k))
        .collect();
    assert!(data_blobs_before.iter().all(|k| after.contains_key(*k)));
    let current = repo.current().await.unwrap();
    assert_eq!(current.generation, 1);
    let snap1 = read::find(&current.data, "snap-1").unwrap();
    let snap2 = read::find(&current.data, "snap-2").unwrap();
    let per_segment = if release.writes_shard_generations() {
        [".fnm", ".fdt", ".fdx", ".fdm"].as_slice()
    } else {
        [".fnm", ".fdt", ".fdx", ".si"].as_slice()
    };
    let mut uploaded_files = 0;
    for (index, shards) in [("movies", 2), ("logs", 1)] {
        for shard in 0..shards {
            let before = read::shard_snapshot(&repo, &current.data, snap1, index, shard)
                .await
                .unwrap();
            let s = read::shard_snapshot(&repo, &current.data, snap2, index, shard)
                .await
                .unwrap();
            let mut new: Vec<&str> = s
                .files
                .iter()
                .filter(|f| !before.files.iter().any(|b| b.name == f.name))
                .filter(|f| !f.is_virtual())
                .map(|f| f.physical_name.as_str())
                .collect();
            new.sort_unstable();
            let mut expected: Vec<String> = if index == "movies" {
                per_segment.iter().map(|ext| format!("_1{ext}")).collect()
            } else {
                Vec::new()
            };
            if index == "movies" && !release.writes_shard_generations() {
                expected.push("segments_2".into());
            }
            expected.sort_unstable();
            assert_eq!(new, expected, "{index}/{shard}: files uploaded by snap-2");
            uploaded_files += new.len();
            // the blob records what this snapshot added, its file list all it holds
            let added = s
                .files
                .iter()
                .filter(|f| !before.files.iter().any(|b| b.name == f.name));
            assert_eq!(s.number_of_files as usize, added.count());
            assert!(s.files.len() > new.len());
        }
    }
    assert_eq!(new_data.len(), uploaded_files, "{new_data:?}");

    // Restore reads back every document and the definition.
    let movies1 = read::index_with_documents(&repo, &current.data, snap1, "movies")
        .await
        .unwrap();
    let movies2 = read::index_with_documents(&repo, &current.data, snap2, "movies")
        .await
        .unwrap();
    assert_eq!(movies1.documents.len(), 5000);
    assert_eq!(movies2.documents.len(), 5100);
    let mut ids: Vec<&str> = movies2.documents.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5100);
    assert_eq!(movies2.number_of_shards, 2);
    assert_eq!(movies2.mappings, second[0].mappings);
    assert_eq!(movies2.aliases, second[0].aliases);
    let original: BTreeMap<&str, &str> = second[0]
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.source.as_str()))
        .collect();
    for doc in &movies2.documents {
        assert_eq!(Some(&doc.source.as_str()), original.get(doc.id.as_str()));
    }

    // Deleting snap-1 keeps everything snap-2 needs and drops what only snap-1 used.
    snapshot::delete_snapshot(&repo, "snap-1", release)
        .await
        .unwrap();
    assert_consistent(store.as_ref()).await;
    let current = repo.current().await.unwrap();
    assert_eq!(current.generation, 2);
    assert!(read::find(&current.data, "snap-1").is_err());
    let snap2 = read::find(&current.data, "snap-2").unwrap();
    let movies = read::index_with_documents(&repo, &current.data, snap2, "movies")
        .await
        .unwrap();
    assert_eq!(movies.documents.len(), 5100);
    // The data blobs left are exactly those snap-2 uses (in 5.x/6.x layouts snap-1's commit
    // points go; in 7.x those are inline and every segment file is still used).
    let remaining: BTreeSet<String> = keys(store.as_ref())
        .await
        .into_keys()
        .filter(|k| classify(k) == KeyClass::DataBlob)
        .collect();
    let mut used = BTreeSet::new();
    for (index, shards) in [("movies", 2), ("logs", 1)] {
        let id = &current.data.indices[index].id;
        for shard in 0..shards {
            let s = read::shard_snapshot(&repo, &current.data, snap2, index, shard)
                .await
                .unwrap();
            for file in s.files.iter().filter(|f| !f.is_virtual()) {
                used.insert(format!("indices/{id}/{shard}/{}", file.name));
            }
        }
    }
    assert_eq!(remaining, used);

    snapshot::delete_snapshot(&repo, "snap-2", release)
        .await
        .unwrap();
    let left: Vec<String> = keys(store.as_ref())
        .await
        .into_keys()
        .filter(|k| k.starts_with("indices/") || k.starts_with("snap-") || k.starts_with("meta-"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    assert!(matches!(
        snapshot::delete_snapshot(&repo, "snap-2", release).await,
        Err(snapshot::RepositoryError::SnapshotMissing(_))
    ));
}

#[tokio::test]
async fn es5_layout_in_memory() {
    round_trip(Arc::new(InMemory::new()), Release::elasticsearch(5, 5, 2)).await;
}

#[tokio::test]
async fn es7_layout_on_the_filesystem() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    round_trip(Arc::new(store), Release::elasticsearch(7, 10, 2)).await;
}

#[tokio::test]
async fn a_stale_writer_cannot_overwrite_a_generation() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let repo = BlobRepository::new(store);
    let data = migrate_store::repository::RepositoryData::default();
    assert_eq!(repo.commit(-1, &data).await.unwrap(), 0);
    let err = repo.commit(-1, &data).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "concurrent modification of the index-N file, expected current generation [-1], actual current generation [0]"
    );
    repo.verify("node-1").await.unwrap();
    assert_eq!(
        keys(repo.store().as_ref()).await.len(),
        2,
        "verification cleans up"
    );
}
