//! Snapshot and restore over HTTP, the way the engine's snapshot strategy drives them: a source
//! sandbox (ES 5.x) snapshots into store A (fs, or a real S3 server), the repository is copied to
//! store B with `migrate_store::transfer`, a destination sandbox (ES 5.x / 6.8) registers B
//! read-only and restores; then an incremental round (close → restore → open).

use std::sync::Arc;
use std::time::Duration;

use super::http::{call, ok, reason, refused};
use reqwest::Method;
use serde_json::json;

use super::snapshot_support::{
    copy, count, create_movies, data_blobs, fs_repository, fs_store, index_movies, snapshot_now,
    sources, start, wait_for_snapshot,
};

#[tokio::test]
async fn fs_round_trip_es5_to_es68_with_an_incremental_round() {
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let source = start("5.5.2", dir_a.path()).await;
    let dest = start("6.8.23", dir_b.path()).await;

    create_movies(&source, 2, 1).await;
    index_movies(&source, 0..1500).await;

    // Registration: outside path.repo is refused with the real error; inside is verified.
    let body = json!({"type": "fs", "settings": {"location": "/elsewhere"}});
    let err = refused(&source, Method::PUT, "/_snapshot/repo", Some(body), 500).await;
    assert_eq!(err["type"], "repository_exception");
    assert!(reason(&err).contains("doesn't match any of the locations specified by path.repo"));
    fs_repository(&source, "repo", json!({"location": "a", "compress": true})).await;
    let repos = ok(&source, Method::GET, "/_snapshot/repo", None).await;
    assert_eq!(repos["repo"]["type"], "fs");
    let verified = ok(&source, Method::POST, "/_snapshot/repo/_verify", None).await;
    assert_eq!(verified["nodes"].as_object().map(|n| n.len()), Some(1));

    // Invalid names, asynchronous create, and the finished snapshot.
    let err = refused(
        &source,
        Method::PUT,
        "/_snapshot/repo/Snap_1",
        Some(json!({})),
        400,
    )
    .await;
    assert_eq!(err["type"], "invalid_snapshot_name_exception");
    assert_eq!(
        reason(&err),
        "[repo:Snap_1] Invalid snapshot name [Snap_1], must be lowercase"
    );
    let accepted = ok(
        &source,
        Method::PUT,
        "/_snapshot/repo/round-1?wait_for_completion=false",
        Some(json!({"indices": "movies"})),
    )
    .await;
    assert_eq!(accepted, json!({"accepted": true}));
    let snap = wait_for_snapshot(&source, "repo", "round-1").await;
    assert_eq!(snap["state"], "SUCCESS");
    assert_eq!(snap["version"], "5.5.2");
    assert_eq!(snap["indices"], json!(["movies"]));
    assert_eq!(
        snap["shards"],
        json!({"total": 2, "failed": 0, "successful": 2})
    );
    let (status, err) = call(
        &source,
        Method::PUT,
        "/_snapshot/repo/round-1",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    let err = refused(&source, Method::GET, "/_snapshot/repo/nope", None, 404).await;
    assert_eq!(err["type"], "snapshot_missing_exception");
    assert_eq!(reason(&err), "[repo:nope] is missing");
    let status1 = ok(
        &source,
        Method::GET,
        "/_snapshot/repo/round-1/_status",
        None,
    )
    .await;
    assert_eq!(status1["snapshots"][0]["state"], "SUCCESS");
    let files_1 = status1["snapshots"][0]["stats"]["number_of_files"]
        .as_u64()
        .unwrap();
    assert!(files_1 > 0);

    // Transfer A → B; B is what migrate_store's inspector reads as a real repository.
    let store_a = fs_store(dir_a.path(), "a");
    let store_b = fs_store(dir_b.path(), "b");
    let first = copy(Arc::clone(&store_a), Arc::clone(&store_b)).await;
    assert!(
        first.objects_copied > 0 && !first.has_restore_problems(),
        "{first:?}"
    );
    let inspection = migrate_store::inspect(store_b.as_ref()).await.unwrap();
    assert_eq!(inspection.snapshots[0].name, "round-1");
    assert_eq!(inspection.indices[0].name, "movies");

    // Destination: read-only registration, restore with replicas 0, documents match.
    fs_repository(&dest, "repo", json!({"location": "b", "readonly": true})).await;
    let err = refused(
        &dest,
        Method::PUT,
        "/_snapshot/repo/x",
        Some(json!({})),
        500,
    )
    .await;
    assert_eq!(
        reason(&err),
        "[repo] cannot create snapshot in a readonly repository"
    );
    let restored = ok(
        &dest,
        Method::POST,
        "/_snapshot/repo/round-1/_restore?wait_for_completion=true",
        Some(json!({"indices": "movies", "index_settings": {"index.number_of_replicas": 0}})),
    )
    .await;
    assert_eq!(restored["snapshot"]["indices"], json!(["movies"]));
    assert_eq!(restored["snapshot"]["shards"]["failed"], 0);
    assert_eq!(count(&dest, "movies").await, 1500);
    assert_eq!(
        sources(&dest, "movies").await,
        sources(&source, "movies").await
    );
    let health = ok(&dest, Method::GET, "/_cluster/health/movies", None).await;
    assert_eq!(health["status"], "green");
    let recovery = ok(&dest, Method::GET, "/movies/_recovery", None).await;
    let shard0 = &recovery["movies"]["shards"][0];
    assert_eq!(shard0["type"], "SNAPSHOT");
    assert_eq!(shard0["stage"], "DONE");
    assert_eq!(shard0["source"]["snapshot"], "round-1");

    // Restoring over the open index fails with the real error.
    let restore = "/_snapshot/repo/round-1/_restore";
    let err = refused(
        &dest,
        Method::POST,
        restore,
        Some(json!({"indices": "movies"})),
        500,
    )
    .await;
    assert_eq!(err["type"], "snapshot_restore_exception");
    let reason = reason(&err);
    assert!(reason.starts_with("[repo:round-1/"), "{reason}");
    assert!(reason.ends_with("cannot restore index [movies] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name"), "{reason}");
    // Changing the shard count on restore is refused.
    let body = json!({"indices": "movies", "rename_pattern": "(.+)", "rename_replacement": "copy_$1", "index_settings": {"index.number_of_shards": 1}});
    let err = refused(&dest, Method::POST, restore, Some(body), 500).await;
    assert!(
        super::http::reason(&err)
            .ends_with("cannot modify setting [index.number_of_shards] on restore")
    );

    // Incremental round: 300 new documents; the second snapshot uploads only new segment files.
    index_movies(&source, 1500..1800).await;
    let blobs_before = data_blobs(store_a.as_ref()).await;
    snapshot_now(
        &source,
        "repo",
        "round-2",
        Some(json!({"indices": "movies"})),
    )
    .await;
    let blobs_after = data_blobs(store_a.as_ref()).await;
    let new_blobs = blobs_after
        .iter()
        .filter(|k| !blobs_before.contains(*k))
        .count();
    let status2 = ok(
        &source,
        Method::GET,
        "/_snapshot/repo/round-2/_status",
        None,
    )
    .await;
    let incremental = status2["snapshots"][0]["stats"]["number_of_files"]
        .as_u64()
        .unwrap();
    assert_eq!(incremental as usize, new_blobs);
    // Lucene files: each shard flushed one new segment (field infos, stored fields data and index,
    // segment info) and a new commit point; every blob of round 1 stays as it was.
    assert_eq!(new_blobs, 2 * 5, "{blobs_after:?}");
    assert!(blobs_before.iter().all(|k| blobs_after.contains(k)));
    let second = copy(Arc::clone(&store_a), Arc::clone(&store_b)).await;
    assert!(
        second.objects_skipped >= first.objects_copied - 4,
        "{second:?}"
    );

    // close → restore → open on the destination catches the new documents.
    ok(&dest, Method::POST, "/movies/_close", None).await;
    ok(
        &dest,
        Method::POST,
        "/_snapshot/repo/round-2/_restore?wait_for_completion=true",
        Some(json!({"indices": "movies", "index_settings": {"index.number_of_replicas": 0}})),
    )
    .await;
    assert_eq!(count(&dest, "movies").await, 1800);
    ok(&dest, Method::POST, "/movies/_open", None).await;
    assert_eq!(
        sources(&dest, "movies").await,
        sources(&source, "movies").await
    );

    let cat = reqwest::get(format!("{}/_cat/snapshots/repo", dest.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cat.contains("round-1 SUCCESS") && cat.contains("round-2 SUCCESS"),
        "{cat}"
    );
    let cat = reqwest::get(format!("{}/_cat/repositories?v", dest.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cat.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("repo") && l.trim_end().ends_with("fs")),
        "{cat}"
    );
}

#[tokio::test]
async fn newer_snapshots_cannot_be_restored_and_async_restore_progresses() {
    let dir = tempfile::tempdir().unwrap();
    let es7 = start("7.10.2", dir.path()).await;
    let es5 = start("5.6.16", dir.path()).await;
    create_movies(&es7, 1, 0).await;
    let (status, _) = call(
        &es7,
        Method::PUT,
        "/movies/_doc/1?refresh=true",
        Some(json!({"title": "one"})),
    )
    .await;
    assert_eq!(status, 201);
    ok(
        &es7,
        Method::PUT,
        "/_cluster/settings",
        Some(json!({"persistent": {"action.auto_create_index": "false"}})),
    )
    .await;
    fs_repository(&es7, "shared", json!({"location": "shared"})).await;
    snapshot_now(&es7, "shared", "s7", Some(json!({}))).await;

    fs_repository(
        &es5,
        "shared",
        json!({"location": "shared", "readonly": true}),
    )
    .await;
    let err = refused(
        &es5,
        Method::POST,
        "/_snapshot/shared/s7/_restore",
        Some(json!({})),
        500,
    )
    .await;
    let reason = reason(&err);
    assert!(
        reason.ends_with("cannot restore index [movies] because it cannot be upgraded"),
        "{reason}"
    );
    let err = refused(
        &es5,
        Method::POST,
        "/_snapshot/shared/nope/_restore",
        Some(json!({})),
        404,
    )
    .await;
    assert_eq!(err["type"], "snapshot_missing_exception");

    // On the 7.x cluster itself: an asynchronous restore under a new name goes INIT/INDEX → DONE.
    let accepted = ok(
        &es7,
        Method::POST,
        "/_snapshot/shared/s7/_restore",
        Some(json!({"rename_pattern": "movies", "rename_replacement": "movies_restored"})),
    )
    .await;
    assert_eq!(accepted, json!({"accepted": true}));
    let mut delay = Duration::from_millis(5);
    let mut stages = Vec::new();
    loop {
        let r = ok(&es7, Method::GET, "/movies_restored/_recovery", None).await;
        let stage = r["movies_restored"]["shards"][0]["stage"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if stages.last() != Some(&stage) {
            stages.push(stage.clone());
        }
        if stage == "DONE" {
            break;
        }
        assert!(
            stages.len() < 10 && delay < Duration::from_secs(5),
            "{stages:?}"
        );
        tokio::time::sleep(delay).await;
        delay *= 2;
    }
    assert!(
        stages
            .iter()
            .all(|s| ["INIT", "INDEX", "DONE"].contains(&s.as_str())),
        "{stages:?}"
    );
    assert_eq!(count(&es7, "movies_restored").await, 1);
    let health = ok(&es7, Method::GET, "/_cluster/health/movies_restored", None).await;
    assert_eq!(health["status"], "green");

    // 7.x `_status` reports incremental and total; a second snapshot of unchanged data uploads nothing.
    snapshot_now(
        &es7,
        "shared",
        "s7-again",
        Some(json!({"indices": "movies"})),
    )
    .await;
    let status = ok(
        &es7,
        Method::GET,
        "/_snapshot/shared/s7,s7-again/_status",
        None,
    )
    .await;
    let first = &status["snapshots"][0]["stats"];
    let again = &status["snapshots"][1]["stats"];
    assert_eq!(status["snapshots"][1]["state"], "SUCCESS");
    assert!(
        first["incremental"]["file_count"].as_u64().unwrap() >= 1,
        "{first}"
    );
    assert_eq!(again["incremental"]["file_count"], 0, "{again}");
    assert_eq!(again["total"]["file_count"], first["total"]["file_count"]);
    assert_eq!(
        status["snapshots"][1]["indices"]["movies"]["shards"]["0"]["stage"],
        "DONE"
    );

    // include_global_state brings the persistent settings back.
    let es7b = start("7.10.2", dir.path()).await;
    fs_repository(
        &es7b,
        "shared",
        json!({"location": "shared", "readonly": true}),
    )
    .await;
    ok(
        &es7b,
        Method::POST,
        "/_snapshot/shared/s7/_restore?wait_for_completion=true",
        Some(json!({"include_global_state": true})),
    )
    .await;
    let settings = ok(
        &es7b,
        Method::GET,
        "/_cluster/settings?flat_settings=true",
        None,
    )
    .await;
    assert_eq!(
        settings["persistent"]["action.auto_create_index"], "false",
        "{settings}"
    );

    // Over a closed index with another shard count: refused.
    ok(
        &es7,
        Method::PUT,
        "/wide",
        Some(json!({"settings": {"number_of_shards": 3}})),
    )
    .await;
    ok(&es7, Method::POST, "/wide/_close", None).await;
    let (status, err) = call(
        &es7,
        Method::POST,
        "/_snapshot/shared/s7/_restore",
        Some(
            json!({"indices": "movies", "rename_pattern": "movies", "rename_replacement": "wide"}),
        ),
    )
    .await;
    assert_eq!(status, 500);
    assert!(err["error"]["reason"].as_str().unwrap().ends_with("cannot restore index [wide] with [3] shards from a snapshot of index [movies] with [1] shards"), "{err}");

    // Delete: gone from the listing, then missing.
    ok(&es7, Method::DELETE, "/_snapshot/shared/s7-again", None).await;
    let err = refused(
        &es7,
        Method::DELETE,
        "/_snapshot/shared/s7-again",
        None,
        404,
    )
    .await;
    assert_eq!(err["type"], "snapshot_missing_exception");
    let all = ok(&es7, Method::GET, "/_snapshot/shared/_all", None).await;
    assert_eq!(all["snapshots"].as_array().map(Vec::len), Some(1));
    assert_eq!(all["snapshots"][0]["include_global_state"], true);
}
