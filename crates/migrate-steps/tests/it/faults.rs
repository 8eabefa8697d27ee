//! Fault injection: both clusters answer 5% of requests with 429 and 5% with 503 while a whole
//! migration runs; retries (the driver retries retryable errors, waits absorb transient polls,
//! failed reindex tasks rerun their pass) still end with exactly the right documents.

use std::collections::BTreeMap;

use crate::common::*;
use migrate_graph::blueprint::*;
use migrate_sandbox::{FaultRule, Flavor, RunningSandbox, Sandbox};
use serde_json::json;

fn inject(sb: &RunningSandbox) {
    sb.faults().add(FaultRule::status(429).rate(0.05));
    sb.faults().add(FaultRule::status(503).rate(0.05));
}

fn faulted(sb: &RunningSandbox) -> usize {
    sb.request_log()
        .entries()
        .iter()
        .filter(|r| r.status == 429 || r.status == 503)
        .count()
}

#[tokio::test]
async fn reindex_completes_under_429_and_503() {
    let src = Sandbox::builder().seed(11).start().await.unwrap();
    let dst = Sandbox::builder()
        .seed(12)
        .flavor(Flavor::OpenSearch)
        .version("2.11.0")
        .remote_allowlist([src.host_port()])
        .start()
        .await
        .unwrap();
    for (name, n) in [("logs-a", 120), ("logs-b", 80), ("movies", 150)] {
        create_index(
            &src.url(),
            name,
            json!({"mappings": {"properties": {"updated_at": {"type": "date"}}}}),
        )
        .await;
        bulk(
            &src.url(),
            name,
            None,
            &docs(name, 0..n, Some("2024-03-01T00:00:00Z")),
        )
        .await;
    }
    inject(&src);
    inject(&dst);
    let plan = reindex_plan(
        &src,
        &dst,
        &["logs-*", "movies"],
        Some("updated_at"),
        1,
        true,
    );
    let mut d = Driver::new(&plan).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}; errors: {:?}", d.errors),
    }
    src.faults().clear();
    dst.faults().clear();
    assert_eq!(count(&dst.url(), "logs-a").await, 120);
    assert_eq!(count(&dst.url(), "logs-b").await, 80);
    assert_eq!(count(&dst.url(), "movies").await, 150);
    assert!(faulted(&src) > 0 && faulted(&dst) > 0, "faults fired");
    assert!(
        !d.errors.is_empty(),
        "some attempts failed and were retried"
    );
    assert!(d.errors.iter().all(|(_, e)| e.retryable), "{:?}", d.errors);
}

#[tokio::test]
async fn snapshot_completes_under_429_and_503() {
    let dirs = tempfile::tempdir().unwrap();
    let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
    let start = |v: &'static str, dir: std::path::PathBuf, seed| async move {
        std::fs::create_dir_all(&dir).unwrap();
        Sandbox::builder()
            .seed(seed)
            .version(v)
            .node_setting("path.repo", json!([dir.display().to_string()]))
            .start()
            .await
            .unwrap()
    };
    let src = start("6.8.23", a.clone(), 21).await;
    let dst = start("7.10.2", b.clone(), 22).await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_replicas": 0}}),
    )
    .await;
    bulk(&src.url(), "movies", Some("_doc"), &docs("m", 0..60, None)).await;
    inject(&src);
    inject(&dst);
    let plan = Blueprint {
        name: "faulty".into(),
        source: cluster(&src.url()),
        destination: cluster(&dst.url()),
        indexes: vec![IndexSpec::same("movies")],
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "a".into(),
            destination_repository: "b".into(),
            source_store: fs_store(&a.join("r")),
            destination_store: Some(fs_store(&b.join("r"))),
            incremental_rounds: 1,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: false,
        },
        verify: verify_all(3),
        metadata: Vec::new(),
    };
    let mut d = Driver::new(&plan).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => {
            for r in src.request_log().entries() {
                if r.path.contains("_snapshot") {
                    eprintln!("{} {} {} {}", r.method, r.path, r.query, r.status);
                }
            }
            panic!("{other:?}; errors: {:?}", d.errors)
        }
    }
    src.faults().clear();
    dst.faults().clear();
    assert_eq!(count(&dst.url(), "movies").await, 60);
    assert!(faulted(&src) > 0 && faulted(&dst) > 0, "faults fired");
    assert!(d.errors.iter().all(|(_, e)| e.retryable), "{:?}", d.errors);
}
