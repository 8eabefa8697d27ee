//! Helpers of the snapshot tests: sandboxes with a `path.repo`, the `movies` index, counts,
//! sources, waiting for a snapshot, copying a repository between stores.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::http::ok;
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use migrate_store::{FsSpec, StoreSpec, TransferOptions, TransferReport};
use migrate_test_support::sandboxes::bulk;
use object_store::ObjectStore;
use reqwest::Method;
use serde_json::{Value, json};

pub(super) async fn start(version: &str, path_repo: &std::path::Path) -> RunningSandbox {
    Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version(version)
        .node_setting("path.repo", json!([path_repo.display().to_string()]))
        .start()
        .await
        .expect("sandbox starts")
}

/// Restores `movies` from `repository`/`snapshot` into `dest` (waiting), then checks it holds
/// `count` documents with the same sources as `source`'s `movies`.
pub(super) async fn restore_movies_like(
    dest: &RunningSandbox,
    repository: &str,
    snapshot: &str,
    source: &RunningSandbox,
    count_wanted: u64,
) {
    ok(
        dest,
        Method::POST,
        &format!("/_snapshot/{repository}/{snapshot}/_restore?wait_for_completion=true"),
        Some(json!({"indices": "movies"})),
    )
    .await;
    assert_eq!(count(dest, "movies").await, count_wanted);
    assert_eq!(
        sources(dest, "movies").await,
        sources(source, "movies").await
    );
}

/// Creates `movies` with this many shards and replicas.
pub(super) async fn create_movies(sb: &RunningSandbox, shards: u32, replicas: u32) {
    ok(
        sb,
        Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": shards, "number_of_replicas": replicas}})),
    )
    .await;
}

/// Indexes documents `range` into `movies` (type `movie`) with `_bulk`.
pub(super) async fn index_movies(sb: &RunningSandbox, range: std::ops::Range<usize>) {
    let mut ndjson = String::new();
    for i in range {
        ndjson.push_str(&format!(
            "{{\"index\":{{\"_index\":\"movies\",\"_type\":\"movie\",\"_id\":\"m{i}\"}}}}\n{{\"title\":\"movie {i}\",\"year\":{}}}\n",
            1900 + i % 120
        ));
    }
    bulk(&sb.url(), None, ndjson).await;
}

/// Registers `repo` as an `fs` repository with these settings (`location`, ...).
pub(super) async fn fs_repository(sb: &RunningSandbox, repo: &str, settings: Value) {
    let body = json!({"type": "fs", "settings": settings});
    ok(sb, Method::PUT, &format!("/_snapshot/{repo}"), Some(body)).await;
}

/// Takes snapshot `repo`/`snapshot`, waiting for it to finish (`body` names the indices; `None`
/// sends none).
pub(super) async fn snapshot_now(
    sb: &RunningSandbox,
    repo: &str,
    snapshot: &str,
    body: Option<Value>,
) -> Value {
    let path = format!("/_snapshot/{repo}/{snapshot}?wait_for_completion=true");
    ok(sb, Method::PUT, &path, body).await
}

pub(super) async fn count(sb: &RunningSandbox, index: &str) -> u64 {
    ok(sb, Method::GET, &format!("/{index}/_count"), None).await["count"]
        .as_u64()
        .expect("count")
}

pub(super) async fn sources(sb: &RunningSandbox, index: &str) -> BTreeMap<String, Value> {
    let v = ok(
        sb,
        Method::POST,
        &format!("/{index}/_search"),
        Some(json!({"size": 10000, "query": {"match_all": {}}})),
    )
    .await;
    v["hits"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["_id"].as_str().unwrap_or_default().to_owned(),
                h["_source"].clone(),
            )
        })
        .collect()
}

/// Polls (with backoff) until the snapshot leaves IN_PROGRESS; returns its entry.
pub(super) async fn wait_for_snapshot(sb: &RunningSandbox, repo: &str, snap: &str) -> Value {
    let mut delay = Duration::from_millis(10);
    for _ in 0..200 {
        let v = ok(sb, Method::GET, &format!("/_snapshot/{repo}/{snap}"), None).await;
        let entry = v["snapshots"][0].clone();
        if entry["state"] != "IN_PROGRESS" {
            return entry;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(200));
    }
    panic!("snapshot {snap} never finished");
}

pub(super) async fn copy(from: Arc<dyn ObjectStore>, to: Arc<dyn ObjectStore>) -> TransferReport {
    migrate_store::transfer(from, to, &TransferOptions::default(), None)
        .await
        .expect("transfer")
}

pub(super) fn fs_store(root: &std::path::Path, base: &str) -> Arc<dyn ObjectStore> {
    migrate_store::open(&StoreSpec::Fs(FsSpec {
        root: root.to_path_buf(),
        base_path: base.into(),
    }))
    .expect("open")
}

/// The data blob keys (`indices/<id>/<shard>/__…`) of a repository.
pub(super) async fn data_blobs(store: &dyn ObjectStore) -> Vec<String> {
    use futures::TryStreamExt;
    let metas: Vec<_> = store.list(None).try_collect().await.unwrap();
    metas
        .into_iter()
        .map(|m| m.location.to_string())
        .filter(|k| {
            migrate_store::repository::classify(k) == migrate_store::repository::KeyClass::DataBlob
        })
        .collect()
}
