//! An attempt that died between the `_reindex` POST and recording the task id, whose orphan task
//! finished before the next attempt: the next attempt finds the task's result in the destination's
//! `.tasks` by its `X-Opaque-Id` and adopts it (one `_reindex` for the pass). With `.tasks` missing
//! or refused the pass starts again without failing; an overloaded `.tasks` is a retryable error.

use std::time::{Duration, Instant};

use crate::common::*;
use migrate_exec::Outcome;
use migrate_sandbox::{FaultRule, Flavor, RunningSandbox};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const STEP: &str = "reindex/movies/part-all";

fn posts(sb: &RunningSandbox, path: &str) -> usize {
    sb.request_log()
        .entries()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

/// A driver whose first attempt of the pass "died" after its POST; returns once the orphan task
/// finished on the destination (bounded poll of the running task list).
async fn orphaned(version: &str, n: usize) -> (RunningSandbox, RunningSandbox, Driver, String) {
    let src = sandbox(Flavor::Elasticsearch, version).await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, version, &src).await;
    create_index(&src.url(), "movies", json!({})).await;
    let ty = version.starts_with('6').then_some("doc");
    bulk(&src.url(), "movies", ty, &docs("m", 0..n, None)).await;
    let plan = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();
    *d.handles.refuse.lock().unwrap() = Some(Box::new(|_, h: &Value| {
        h["tasks"].as_object().is_some_and(|t| !t.is_empty())
    }));
    let err = d.attempt(STEP, CancellationToken::new()).await.unwrap_err();
    assert!(err.message.contains("died"), "{}", err.message);
    *d.handles.refuse.lock().unwrap() = None;
    let handle = d.handles.map.lock().unwrap()[STEP].clone();
    let opaque = handle["opaque"]["movies"].as_str().unwrap().to_owned();
    assert!(handle["tasks"].as_object().unwrap().is_empty(), "{handle}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let listed: Value = reqwest::get(format!("{}/_tasks?actions=*reindex", dst.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let running = listed["nodes"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n["tasks"].as_object().map_or(0, |t| t.len()))
            .sum::<usize>();
        if running == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the orphan never finished");
        tokio::task::yield_now().await;
    }
    assert_eq!(posts(&dst, "/_reindex"), 1);
    (src, dst, d, opaque)
}

#[tokio::test]
async fn a_finished_orphan_is_adopted_from_tasks_and_not_replayed() {
    for version in ["7.10.2", "6.8.23"] {
        let (_src, dst, mut d, opaque) = orphaned(version, 150).await;
        // Its result is stored under the opaque id the dead attempt recorded.
        let found: Value = reqwest::Client::new()
            .post(format!("{}/.tasks/_search", dst.url()))
            .json(&json!({"size": 10}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            found["hits"]["hits"][0]["_source"]["task"]["headers"]["X-Opaque-Id"],
            opaque.as_str(),
            "{found}"
        );
        let task = found["hits"]["hits"][0]["_id"].as_str().unwrap().to_owned();

        let outputs = d.attempt_done(STEP).await;
        assert_eq!(
            posts(&dst, "/_reindex"),
            1,
            "{version}: exactly one _reindex for the pass"
        );
        assert_eq!(outputs["indices"]["movies"]["task"], task.as_str());
        assert_eq!(outputs["created"], 150, "{version}: {outputs}");
        assert_eq!(count(&dst.url(), "movies").await, 150);
        assert!(posts(&dst, "/.tasks/_search") >= 1);
    }
}

#[tokio::test]
async fn a_missing_or_refused_tasks_index_restarts_the_pass_without_failing() {
    // Refused (ES 8 without `allow_restricted_indices`, a security plugin).
    let (_src, dst, mut d, _) = orphaned("7.10.2", 30).await;
    dst.faults().add(FaultRule::status(403).path("/.tasks"));
    let out = d.attempt(STEP, CancellationToken::new()).await.unwrap();
    assert!(matches!(out, Outcome::Done { .. }), "{out:?}");
    assert_eq!(
        posts(&dst, "/_reindex"),
        2,
        "refused: the pass starts again"
    );
    assert_eq!(count(&dst.url(), "movies").await, 30);

    // Missing: the index was deleted (or never written).
    let (_src, dst, mut d, _) = orphaned("7.10.2", 30).await;
    let del = reqwest::Client::new()
        .delete(format!("{}/.tasks", dst.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 200);
    let out = d.attempt(STEP, CancellationToken::new()).await.unwrap();
    assert!(matches!(out, Outcome::Done { .. }), "{out:?}");
    assert_eq!(
        posts(&dst, "/_reindex"),
        2,
        "missing: the pass starts again"
    );
    assert_eq!(count(&dst.url(), "movies").await, 30);
}

#[tokio::test]
async fn an_overloaded_tasks_index_is_retried_and_then_adopted() {
    let (_src, dst, mut d, _) = orphaned("7.10.2", 40).await;
    dst.faults()
        .add(FaultRule::status(429).path("/.tasks/_search").first(1));
    let err = d.attempt(STEP, CancellationToken::new()).await.unwrap_err();
    assert!(err.retryable, "{err:?}");
    assert_eq!(posts(&dst, "/_reindex"), 1, "no new pass on a 429");
    let outputs = d.attempt_done(STEP).await;
    assert_eq!(posts(&dst, "/_reindex"), 1);
    assert_eq!(outputs["created"], 40, "{outputs}");
}
