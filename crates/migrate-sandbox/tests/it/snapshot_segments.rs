//! Shard data as Lucene segments over HTTP: a second snapshot after updates, deletions and new
//! documents uploads only the new segment's files and the new deletion files of the old segment
//! (counted in the store), and each snapshot restores exactly the documents it was taken with.

use reqwest::Method;
use serde_json::{Value, json};

use super::http::ok;
use super::snapshot_support::{
    count, data_blobs, fs_repository, fs_store, snapshot_now, sources, start,
};

async fn bulk_lines(sb: &migrate_sandbox::RunningSandbox, lines: &[Value]) {
    let mut ndjson = String::new();
    for line in lines {
        ndjson.push_str(&line.to_string());
        ndjson.push('\n');
    }
    migrate_test_support::sandboxes::bulk(&sb.url(), None, ndjson).await;
}

fn index(range: std::ops::Range<usize>, edition: u32) -> Vec<Value> {
    range
        .flat_map(|i| {
            [
                json!({"index": {"_index": "movies", "_id": format!("m{i}")}}),
                json!({"title": format!("movie {i}"), "edition": edition, "year": 1900 + i % 120}),
            ]
        })
        .collect()
}

#[tokio::test]
async fn a_second_snapshot_uploads_only_the_new_segment_and_deletion_files_and_both_restore() {
    let dir = tempfile::tempdir().unwrap();
    let sb = start("7.10.2", dir.path()).await;
    ok(
        &sb,
        Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": 2, "number_of_replicas": 0}})),
    )
    .await;
    bulk_lines(&sb, &index(0..500, 1)).await;
    let location = dir.path().join("repo");
    fs_repository(&sb, "repo", json!({"location": location})).await;
    snapshot_now(&sb, "repo", "s1", Some(json!({"indices": "movies"}))).await;
    let first_sources = sources(&sb, "movies").await;
    let store = fs_store(&location, "");
    let before = data_blobs(store.as_ref()).await;
    // one segment per shard, four data blobs each (.fnm, .fdt, .fdx, .fdm; the segment info and
    // the commit point live in the shard metadata in the 7.x layout)
    assert_eq!(before.len(), 2 * 4, "{before:?}");

    // 50 updated, 20 deleted, 100 new: one new segment per shard and a deletion generation of
    // the first segment
    let mut changes = index(0..50, 2);
    changes.extend(
        (100..120).map(|i| json!({"delete": {"_index": "movies", "_id": format!("m{i}")}})),
    );
    changes.extend(index(500..600, 1));
    bulk_lines(&sb, &changes).await;
    snapshot_now(&sb, "repo", "s2", Some(json!({"indices": "movies"}))).await;
    let after = data_blobs(store.as_ref()).await;
    let new: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    assert_eq!(new.len(), 2 * (4 + 1), "{new:?}");
    assert!(before.iter().all(|k| after.contains(k)));
    let status = ok(&sb, Method::GET, "/_snapshot/repo/s2/_status", None).await;
    let stats = &status["snapshots"][0]["stats"];
    // incremental: those blobs and the new segment info and commit point (inline); total: both
    // segments (five files each), the deletions and the commit point
    assert_eq!(
        stats["incremental"]["file_count"],
        2 * (4 + 1 + 2),
        "{stats}"
    );
    assert_eq!(stats["total"]["file_count"], 2 * (5 + 1 + 5 + 1), "{stats}");

    let second_sources = sources(&sb, "movies").await;
    assert_eq!(second_sources.len(), 580);
    for (snapshot, target, expected) in [
        ("s1", "first", &first_sources),
        ("s2", "second", &second_sources),
    ] {
        ok(
            &sb,
            Method::POST,
            &format!("/_snapshot/repo/{snapshot}/_restore?wait_for_completion=true"),
            Some(json!({"indices": "movies", "rename_pattern": "movies", "rename_replacement": target})),
        )
        .await;
        assert_eq!(count(&sb, target).await, expected.len() as u64);
        assert_eq!(&sources(&sb, target).await, expected, "{snapshot}");
    }
}

#[tokio::test]
async fn a_repository_chunk_size_splits_files_into_parts_that_restore() {
    let dir = tempfile::tempdir().unwrap();
    let sb = start("7.10.2", dir.path()).await;
    let mut lines = Vec::new();
    for i in 0..200u64 {
        // letters that do not compress much, so the stored fields span several kilobytes
        let mut x = i + 1;
        let text: String = (0..200)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + (x >> 59) as u8 % 26)
            })
            .collect();
        lines.push(json!({"index": {"_index": "movies", "_id": format!("m{i}")}}));
        lines.push(json!({"title": text}));
    }
    bulk_lines(&sb, &lines).await;
    let location = dir.path().join("repo");
    fs_repository(
        &sb,
        "repo",
        json!({"location": location, "chunk_size": "4kb"}),
    )
    .await;
    snapshot_now(&sb, "repo", "s1", Some(json!({"indices": "movies"}))).await;
    let blobs = data_blobs(fs_store(&location, "").as_ref()).await;
    let parts = blobs.iter().filter(|k| k.contains(".part")).count();
    assert!(parts >= 2, "{blobs:?}");
    for key in &blobs {
        let size = std::fs::metadata(location.join(key)).unwrap().len();
        assert!(size <= 4096, "{key}: {size} bytes");
    }
    let expected = sources(&sb, "movies").await;
    ok(
        &sb,
        Method::POST,
        "/_snapshot/repo/s1/_restore?wait_for_completion=true",
        Some(
            json!({"indices": "movies", "rename_pattern": "movies", "rename_replacement": "copy"}),
        ),
    )
    .await;
    assert_eq!(sources(&sb, "copy").await, expected);
}
