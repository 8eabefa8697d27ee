//! Re-attach: an attempt interrupted right after it recorded the reindex task id, and the next
//! attempt follows that task instead of starting another (the destination's request log shows one
//! `_reindex` for the pass). A recorded task that no longer exists makes the pass run again. An
//! attempt that died between the POST and recording the task id leaves an orphan the next attempt
//! finds by its `X-Opaque-Id` and adopts.

use crate::common::*;
use migrate_sandbox::{FaultRule, Flavor};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

fn reindex_posts(sb: &migrate_sandbox::RunningSandbox) -> usize {
    sb.request_log()
        .entries()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/_reindex")
        .count()
}

#[tokio::test]
async fn interrupted_attempt_reattaches_to_its_task() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(&src.url(), "movies", json!({})).await;
    bulk(
        &src.url(),
        "movies",
        None,
        &docs("m", 0..300, Some("2024-01-01T00:00:00Z")),
    )
    .await;
    let plan = reindex_plan(&src, &dst, &["movies"], Some("updated_at"), 1, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();

    // Cancel the run the moment a handle with a task id is committed.
    let cancel = CancellationToken::new();
    let trip = cancel.clone();
    *d.handles.on_record.lock().unwrap() = Some(Box::new(move |_, h: &Value| {
        if h["tasks"].as_object().is_some_and(|t| !t.is_empty()) {
            trip.cancel();
        }
    }));
    let err = d
        .attempt("reindex/movies/part-all", cancel)
        .await
        .unwrap_err();
    assert!(err.retryable, "{err:?}");
    assert!(
        err.message
            .contains("cancelled while waiting for reindex task"),
        "{}",
        err.message
    );
    *d.handles.on_record.lock().unwrap() = None;
    let handle = d.handles.map.lock().unwrap()["reindex/movies/part-all"].clone();
    let task = handle["tasks"]["movies"].as_str().unwrap().to_owned();
    assert_eq!(reindex_posts(&dst), 1);

    // The next attempt re-attaches.
    let outputs = d.attempt_done("reindex/movies/part-all").await;
    assert_eq!(outputs["indices"]["movies"]["task"], task.as_str());
    assert_eq!(outputs["created"], 300);
    assert_eq!(
        outputs["to_ms"], handle["to"],
        "the recorded bounds are reused"
    );
    assert_eq!(reindex_posts(&dst), 1, "exactly one _reindex for the pass");
    let reports = d.progress.0.lock().unwrap().clone();
    let last = reports
        .iter()
        .rev()
        .find(|(id, _)| id == "reindex/movies/part-all")
        .map(|(_, p)| p.clone())
        .expect("the reindex reported progress");
    assert_eq!(
        (last.unit, last.done, last.total),
        ("docs", Some(300), Some(300))
    );
    assert_eq!(count(&dst.url(), "movies").await, 300);
}

#[tokio::test]
async fn a_vanished_task_runs_the_pass_again_without_duplicates() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(&src.url(), "movies", json!({})).await;
    bulk(&src.url(), "movies", None, &docs("m", 0..25, None)).await;
    let plan = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("reindex/movies/part-all")).await.unwrap();
    assert_eq!(reindex_posts(&dst), 1);
    // Pretend an earlier attempt of the final pass recorded a task the destination forgot.
    d.handles.map.lock().unwrap().insert(
        "reindex/movies/final".into(),
        json!({"from": null, "to": 1, "numeric": false, "tasks": {"movies": "gone-node:424242"}, "done": {}}),
    );
    let outputs = d.attempt_done("reindex/movies/final").await;
    assert_eq!(reindex_posts(&dst), 2, "the lost pass ran once more");
    assert_eq!(outputs["updated"], 25, "{outputs}");
    assert_eq!(count(&dst.url(), "movies").await, 25);
}

#[tokio::test]
async fn an_orphan_task_is_found_by_its_opaque_id_and_adopted() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(&src.url(), "movies", json!({})).await;
    bulk(&src.url(), "movies", None, &docs("m", 0..120, None)).await;
    let plan = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();
    // The copy reads the source slowly, so the orphan is still running when the next attempt looks.
    src.faults()
        .add(FaultRule::latency(std::time::Duration::from_millis(1500)).path("_search"));

    // The process "dies" after the POST, before the task id is durable.
    *d.handles.refuse.lock().unwrap() = Some(Box::new(|_, h: &Value| {
        h["tasks"].as_object().is_some_and(|t| !t.is_empty())
    }));
    let err = d
        .attempt("reindex/movies/part-all", CancellationToken::new())
        .await
        .unwrap_err();
    assert!(err.message.contains("died"), "{}", err.message);
    *d.handles.refuse.lock().unwrap() = None;
    let handle = d.handles.map.lock().unwrap()["reindex/movies/part-all"].clone();
    let opaque = handle["opaque"]["movies"].as_str().unwrap().to_owned();
    assert!(
        opaque.starts_with("migrate/reindex/movies/part-all/movies/a1-"),
        "{opaque}"
    );
    assert!(handle["tasks"].as_object().unwrap().is_empty(), "{handle}");
    assert_eq!(reindex_posts(&dst), 1);
    let listed: Value = reqwest::get(format!(
        "{}/_tasks?actions=*reindex&detailed=true",
        dst.url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let tasks: Vec<&Value> = listed["nodes"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|n| n["tasks"].as_object().unwrap().values())
        .collect();
    assert_eq!(tasks.len(), 1, "{listed}");
    assert_eq!(
        tasks[0]["headers"]["X-Opaque-Id"],
        opaque.as_str(),
        "{listed}"
    );

    // The next attempt adopts the orphan instead of starting a second task.
    let outputs = d.attempt_done("reindex/movies/part-all").await;
    assert_eq!(reindex_posts(&dst), 1, "exactly one _reindex for the pass");
    assert_eq!(outputs["created"], 120, "{outputs}");
    assert_eq!(count(&dst.url(), "movies").await, 120);
}

#[tokio::test]
async fn es5_keeps_no_task_headers_so_an_orphan_is_not_adopted() {
    let src = sandbox(Flavor::Elasticsearch, "5.6.16").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "5.6.16", &src).await;
    create_index(&src.url(), "movies", json!({})).await;
    bulk(&src.url(), "movies", Some("doc"), &docs("m", 0..20, None)).await;
    let plan = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();
    *d.handles.refuse.lock().unwrap() = Some(Box::new(|_, h: &Value| {
        h["tasks"].as_object().is_some_and(|t| !t.is_empty())
    }));
    d.attempt("reindex/movies/part-all", CancellationToken::new())
        .await
        .unwrap_err();
    *d.handles.refuse.lock().unwrap() = None;
    d.attempt("reindex/movies/part-all", CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(reindex_posts(&dst), 2, "ES 5.x: the pass starts again");
    assert_eq!(count(&dst.url(), "movies").await, 20);
}
