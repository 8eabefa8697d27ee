//! Snapshot repositories on object stores (S3 through a real S3 server, OSS, COS) and the
//! repository maintenance APIs: cleanup and the `_cat` tables.

use std::sync::Arc;

use super::http::{call, ok};
use migrate_sandbox::{Flavor, Sandbox};
use migrate_test_support::S3Server;
use reqwest::Method;
use serde_json::json;

use super::snapshot_support::{
    copy, count, create_movies, fs_repository, index_movies, restore_movies_like, snapshot_now,
    sources, start,
};

#[tokio::test]
async fn s3_to_oss_through_a_real_s3_server() {
    let server = S3Server::start("AKIDSANDBOX", "sandbox-secret-key")
        .await
        .expect("SeaweedFS");
    server.create_bucket("source-snapshots").await.unwrap();
    server.create_bucket("dest-snapshots").await.unwrap();
    let source = Sandbox::builder()
        .version("5.5.2")
        .keystore("s3.client.default.access_key", "AKIDSANDBOX")
        .keystore("s3.client.default.secret_key", "sandbox-secret-key")
        .start()
        .await
        .unwrap();
    let dest = migrate_test_support::sandboxes::sandbox(Flavor::Elasticsearch, "5.5.3").await;

    ok(
        &source,
        Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": 1}})),
    )
    .await;
    index_movies(&source, 0..700).await;
    ok(&source, Method::PUT, "/_snapshot/s3repo", Some(json!({"type": "s3", "settings": {
        "bucket": "source-snapshots", "endpoint": server.endpoint(), "region": "us-east-1", "base_path": "snaps",
        "role_arn": "arn:aws:iam::123456789012:role/TheSnapshotRole"}}))).await;
    snapshot_now(
        &source,
        "s3repo",
        "round-1",
        Some(json!({"indices": "movies"})),
    )
    .await;

    let a = migrate_store::open(&server.spec("source-snapshots", "snaps")).unwrap();
    let b = migrate_store::open(&server.spec("dest-snapshots", "my/snapshot/directory")).unwrap();
    let report = copy(a, Arc::clone(&b)).await;
    assert!(
        report.objects_copied > 0 && !report.has_restore_problems(),
        "{report:?}"
    );

    // A wrong secret fails verification with the real error; the right one passes.
    let (status, err) = call(&dest, Method::PUT, "/_snapshot/ossrepo", Some(json!({"type": "oss", "settings": {
        "endpoint": server.endpoint(), "access_key_id": "AKIDSANDBOX", "secret_access_key": "wrong-secret",
        "bucket": "dest-snapshots", "base_path": "my/snapshot/directory", "readonly": true}}))).await;
    assert_eq!(status, 500, "{err}");
    assert_eq!(err["error"]["type"], "repository_verification_exception");
    assert!(!err.to_string().contains("wrong-secret"), "{err}");
    ok(&dest, Method::PUT, "/_snapshot/ossrepo", Some(json!({"type": "oss", "settings": {
        "endpoint": server.endpoint(), "access_key_id": "AKIDSANDBOX", "secret_access_key": "sandbox-secret-key",
        "bucket": "dest-snapshots", "base_path": "my/snapshot/directory", "compress": true, "readonly": true}}))).await;
    let shown = ok(&dest, Method::GET, "/_snapshot/ossrepo", None)
        .await
        .to_string();
    assert!(
        !shown.contains("sandbox-secret-key") && !shown.contains("AKIDSANDBOX"),
        "{shown}"
    );
    restore_movies_like(&dest, "ossrepo", "round-1", &source, 700).await;
}

#[tokio::test]
async fn cleanup_deletes_only_unreferenced_blobs_and_counts_them() {
    let root = tempfile::tempdir().expect("tempdir");
    let sb = start("7.10.2", root.path()).await;
    let location = root.path().join("repo");
    fs_repository(
        &sb,
        "r",
        json!({"location": location.display().to_string()}),
    )
    .await;
    ok(&sb, Method::PUT, "/books", None).await;
    snapshot_now(&sb, "r", "s1", Some(json!({"indices": "books"}))).await;
    // Nothing stale in a repository the sandbox wrote.
    let v = ok(&sb, Method::POST, "/_snapshot/r/_cleanup", None).await;
    assert_eq!(
        v,
        json!({"results": {"deleted_bytes": 0, "deleted_blobs": 0}})
    );
    // Leftovers of an interrupted snapshot: a root blob of an unknown snapshot, a folder of no index.
    std::fs::write(location.join("snap-orphan.dat"), b"12345").expect("write");
    std::fs::create_dir_all(location.join("indices/gone/0")).expect("mkdir");
    std::fs::write(location.join("indices/gone/0/__blob"), b"abc").expect("write");
    let v = ok(&sb, Method::POST, "/_snapshot/r/_cleanup", None).await;
    assert_eq!(
        v,
        json!({"results": {"deleted_bytes": 8, "deleted_blobs": 2}})
    );
    assert!(!location.join("snap-orphan.dat").exists());
    assert!(!location.join("indices/gone/0/__blob").exists());
    // The snapshot itself is intact.
    let v = ok(&sb, Method::GET, "/_snapshot/r/s1", None).await;
    assert_eq!(v["snapshots"][0]["state"], "SUCCESS", "{v}");
    let (status, v) = call(&sb, Method::POST, "/_snapshot/nope/_cleanup", None).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["error"]["type"], "repository_missing_exception");
}

#[tokio::test]
async fn cat_repositories_and_snapshots_tables_columns_and_json() {
    let root = tempfile::tempdir().expect("tempdir");
    let sb = start("7.10.2", root.path()).await;
    let location = root.path().join("repo").display().to_string();
    fs_repository(&sb, "backup", json!({"location": location})).await;
    ok(&sb, Method::PUT, "/books", None).await;
    ok(&sb, Method::PUT, "/films", None).await;
    snapshot_now(
        &sb,
        "backup",
        "nightly-1",
        Some(json!({"indices": "books,films"})),
    )
    .await;
    let text = |path: &str| {
        let url = format!("{}{path}", sb.url());
        async move {
            let resp = reqwest::get(url).await.expect("cat");
            assert_eq!(resp.status().as_u16(), 200);
            resp.text().await.expect("text")
        }
    };
    assert_eq!(text("/_cat/repositories").await, "backup fs\n");
    assert_eq!(
        text("/_cat/repositories?v").await,
        "id     type\nbackup fs\n"
    );
    let (_, v) = call(&sb, Method::GET, "/_cat/repositories?format=json", None).await;
    assert_eq!(v, json!([{"id": "backup", "type": "fs"}]));

    assert_eq!(
        text("/_cat/snapshots/backup?v&h=id,status,indices,total_shards").await,
        "id        status  indices total_shards\nnightly-1 SUCCESS 2       2\n"
    );
    let (_, v) = call(
        &sb,
        Method::GET,
        "/_cat/snapshots/backup?format=json&h=id,repository,status,failed_shards",
        None,
    )
    .await;
    assert_eq!(
        v,
        json!([{"id": "nightly-1", "repository": "backup", "status": "SUCCESS", "failed_shards": "0"}])
    );
    let (status, v) = call(&sb, Method::GET, "/_cat/snapshots/nope", None).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["error"]["type"], "repository_missing_exception");
}

#[tokio::test]
async fn cos_repository_writes_and_restores_through_a_real_s3_server() {
    let server = S3Server::start("AKIDCOS", "cos-secret-key")
        .await
        .expect("SeaweedFS");
    server.create_bucket("cos-snapshots").await.unwrap();
    let source = migrate_test_support::sandboxes::sandbox(Flavor::Elasticsearch, "7.10.1").await;
    let dest = migrate_test_support::sandboxes::sandbox(Flavor::Elasticsearch, "7.10.1").await;
    let settings = |readonly: bool| {
        json!({"type": "cos", "settings": {
            "bucket": "cos-snapshots", "region": "ap-guangzhou", "endpoint": server.endpoint(),
            "base_path": "es/snaps", "access_key_id": "AKIDCOS", "access_key_secret": "cos-secret-key",
            "readonly": readonly}})
    };
    // No region: the real refusal, before anything is written.
    let (status, err) = call(
        &source,
        Method::PUT,
        "/_snapshot/cos",
        Some(json!({"type": "cos", "settings": {"bucket": "cos-snapshots", "access_key_id": "AKIDCOS", "access_key_secret": "cos-secret-key"}})),
    )
    .await;
    assert_eq!(status, 500, "{err}");
    assert_eq!(
        err["error"]["reason"],
        "[cos] region must be set for cos repository"
    );
    ok(
        &source,
        Method::PUT,
        "/_snapshot/cos",
        Some(settings(false)),
    )
    .await;
    ok(
        &source,
        Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": 1}})),
    )
    .await;
    index_movies(&source, 0..250).await;
    snapshot_now(&source, "cos", "s1", Some(json!({"indices": "movies"}))).await;
    // The repository really is in the bucket, under base_path.
    let store = migrate_store::open(&server.spec("cos-snapshots", "es/snaps")).unwrap();
    let latest = object_store::ObjectStoreExt::head(
        store.as_ref(),
        &object_store::path::Path::from("index.latest"),
    )
    .await;
    assert!(latest.is_ok(), "{latest:?}");

    ok(&dest, Method::PUT, "/_snapshot/cos", Some(settings(true))).await;
    let shown = ok(&dest, Method::GET, "/_snapshot/cos", None)
        .await
        .to_string();
    assert!(!shown.contains("cos-secret-key"), "{shown}");
    restore_movies_like(&dest, "cos", "s1", &source, 250).await;
}

#[tokio::test]
async fn a_clone_holds_the_chosen_indexes_and_restores_like_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let sb = start("7.10.2", dir.path()).await;
    create_movies(&sb, 1, 0).await;
    index_movies(&sb, 0..30).await;
    ok(&sb, Method::PUT, "/other", None).await;
    let repo = json!({"type": "fs", "settings": {"location": dir.path().join("r")}});
    ok(&sb, Method::PUT, "/_snapshot/r", Some(repo)).await;
    snapshot_now(&sb, "r", "s1", None).await;
    ok(
        &sb,
        Method::PUT,
        "/_snapshot/r/s1/_clone/c1",
        Some(json!({"indices": "mov*"})),
    )
    .await;
    let listed = ok(&sb, Method::GET, "/_snapshot/r/c1", None).await;
    assert_eq!(
        listed["snapshots"][0]["indices"],
        json!(["movies"]),
        "{listed}"
    );
    assert_eq!(listed["snapshots"][0]["state"], "SUCCESS");
    let again = call(
        &sb,
        Method::PUT,
        "/_snapshot/r/s1/_clone/c1",
        Some(json!({"indices": "*"})),
    )
    .await;
    assert_eq!(
        (again.0, again.1["error"]["type"].clone()),
        (400, json!("invalid_snapshot_name_exception"))
    );
    ok(
        &sb,
        Method::POST,
        "/_snapshot/r/c1/_restore?wait_for_completion=true",
        Some(json!({"rename_pattern": "movies", "rename_replacement": "copy"})),
    )
    .await;
    assert_eq!(count(&sb, "copy").await, 30);
    assert_eq!(sources(&sb, "copy").await, sources(&sb, "movies").await);
}
