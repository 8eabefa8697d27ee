//! Snapshots and restores take time at the sandbox's byte rate, in the states a real cluster shows:
//! a snapshot is IN_PROGRESS with shards STARTED and bytes processed growing, a restore's shard
//! recovery is at stage INDEX with bytes recovered growing while the index is red; then both finish.
//! The tests watch those states through the APIs (no sleeping for a guessed time).

use std::time::{Duration, Instant};

use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use reqwest::Method;
use serde_json::{Value, json};

use super::http::{call, ok};

/// Polls `probe` until it returns `Some`, for at most `limit`.
async fn until<T, F, Fut>(limit: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if let Some(v) = probe().await {
            return Some(v);
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

async fn paced(repo: &std::path::Path) -> RunningSandbox {
    Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .node_setting("path.repo", json!([repo.display().to_string()]))
        // ~40 KB of documents at 40 KB/s: about a second each way.
        .byte_rate(40_000)
        .start()
        .await
        .expect("sandbox")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_snapshot_and_restore_show_their_in_progress_states_then_finish() {
    let dir = tempfile::tempdir().unwrap();
    let sb = paced(dir.path()).await;
    ok(
        &sb,
        Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": 1, "number_of_replicas": 0}})),
    )
    .await;
    let mut bulk = String::new();
    for i in 0..200 {
        bulk.push_str(&format!(
            "{{\"index\":{{\"_index\":\"movies\",\"_id\":\"{i}\"}}}}\n"
        ));
        // letters no compressor shrinks much: the stored fields stay about as large as the JSON
        let mut x = i as u64 + 1;
        let title: String = (0..180)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + (x >> 59) as u8 % 26)
            })
            .collect();
        bulk.push_str(&format!("{{\"title\":\"{title}\"}}\n"));
    }
    migrate_test_support::sandboxes::bulk(&sb.url(), None, bulk).await;
    ok(
        &sb,
        Method::PUT,
        "/_snapshot/r",
        Some(json!({"type": "fs", "settings": {"location": dir.path().join("r")}})),
    )
    .await;
    ok(
        &sb,
        Method::PUT,
        "/_snapshot/r/s1",
        Some(json!({"indices": "movies"})),
    )
    .await;

    // Running: IN_PROGRESS in the listing, the shard STARTED with part of its bytes processed.
    let running = until(Duration::from_secs(10), || async {
        let (_, st) = call(&sb, Method::GET, "/_snapshot/r/s1/_status", None).await;
        let shard = &st["snapshots"][0]["indices"]["movies"]["shards"]["0"];
        let processed = shard["stats"]["processed"]["size_in_bytes"].as_u64()?;
        let total = shard["stats"]["total"]["size_in_bytes"].as_u64()?;
        (shard["stage"] == "STARTED" && processed > 0 && processed < total).then_some(st)
    })
    .await;
    assert!(running.is_some(), "never saw the shard STARTED part-way");
    let listed = ok(&sb, Method::GET, "/_snapshot/r/s1", None).await;
    let state = listed["snapshots"][0]["state"].clone();
    assert!(state == "IN_PROGRESS" || state == "SUCCESS", "{listed}");

    let done = until(Duration::from_secs(20), || async {
        let v = ok(&sb, Method::GET, "/_snapshot/r/s1", None).await;
        (v["snapshots"][0]["state"] == "SUCCESS").then_some(v)
    })
    .await;
    assert!(done.is_some(), "the snapshot never finished");

    // Restore under another name: red and recovering at stage INDEX, then green with every document.
    ok(
        &sb,
        Method::POST,
        "/_snapshot/r/s1/_restore",
        Some(
            json!({"indices": "movies", "rename_pattern": "movies", "rename_replacement": "back"}),
        ),
    )
    .await;
    let recovering = until(Duration::from_secs(10), || async {
        let (_, rec) = call(&sb, Method::GET, "/back/_recovery", None).await;
        let shard: &Value = &rec["back"]["shards"][0];
        let got = shard["index"]["size"]["recovered_in_bytes"].as_u64()?;
        let total = shard["index"]["size"]["total_in_bytes"].as_u64()?;
        (shard["stage"] == "INDEX" && got > 0 && got < total).then_some(())
    })
    .await;
    assert!(
        recovering.is_some(),
        "never saw the recovery part-way at INDEX"
    );
    let (_, health) = call(&sb, Method::GET, "/_cluster/health/back", None).await;
    assert!(
        health["status"] == "red" || health["status"] == "green",
        "{health}"
    );
    let finished = until(Duration::from_secs(20), || async {
        let (_, rec) = call(&sb, Method::GET, "/back/_recovery", None).await;
        (rec["back"]["shards"][0]["stage"] == "DONE").then_some(())
    })
    .await;
    assert!(finished.is_some(), "the restore never finished");
    let count = ok(&sb, Method::GET, "/back/_count", None).await;
    assert_eq!(count["count"], 200);
    let health = ok(&sb, Method::GET, "/_cluster/health/back", None).await;
    assert_eq!(health["status"], "green");
}
