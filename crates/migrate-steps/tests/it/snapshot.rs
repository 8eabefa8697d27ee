//! The snapshot strategy end to end over HTTP: an ES 5.5 source writes to store A (fs), the transfer
//! copies A to store B, an ES 6.8 destination restores from B; one incremental round catches new
//! documents, the gate stops the run, the approved final round and verification finish it, and a
//! second run of every step changes nothing (no mutating request reaches either cluster).

use std::collections::BTreeMap;

use crate::common::*;
use migrate_graph::blueprint::*;
use migrate_sandbox::{Flavor, RunningSandbox};
use serde_json::json;

pub(crate) fn plan(
    src: &RunningSandbox,
    dst: &RunningSandbox,
    a: &std::path::Path,
    b: &std::path::Path,
    approved: bool,
) -> Blueprint {
    Blueprint {
        name: "Movies to B".into(),
        source: cluster(&src.url()),
        destination: cluster(&dst.url()),
        indexes: vec![IndexSpec::same("movies")],
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "migrate-a".into(),
            destination_repository: "migrate-b".into(),
            source_store: fs_store(&a.join("repo")),
            destination_store: Some(fs_store(&b.join("repo"))),
            incremental_rounds: 1,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved,
            block_source_writes: true,
        },
        verify: verify_all(5),
        metadata: Vec::new(),
    }
}

#[tokio::test]
async fn es55_through_two_fs_stores_into_es68_with_rounds_gate_and_an_idempotent_rerun() {
    let dirs = tempfile::tempdir().unwrap();
    let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let src = with_repo(Flavor::Elasticsearch, "5.5.2", &a).await;
    let dst = with_repo(Flavor::Elasticsearch, "6.8.23", &b).await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_shards": 1, "number_of_replicas": 1},
               "mappings": {"doc": {"properties": {"title": {"type": "text"}, "n": {"type": "long"}}}}}),
    )
    .await;
    bulk(&src.url(), "movies", Some("doc"), &docs("m", 0..30, None)).await;

    let mut d = Driver::new(&plan(&src, &dst, &a, &b, false)).await;
    d.run_until(Some("wait-recovery/movies/round-1"))
        .await
        .unwrap();
    assert_eq!(count(&dst.url(), "movies").await, 30);
    assert_eq!(d.output("wait-snapshot/round-1")["state"], "SUCCESS");
    assert_eq!(
        d.output("wait-snapshot/round-1")["snapshot"],
        "movies-to-b-round-1"
    );
    let copied = d.output("transfer/round-1")["bytes_copied"]
        .as_u64()
        .unwrap();
    assert!(copied > 0);
    let reports = d.progress.0.lock().unwrap().clone();
    let last = reports
        .iter()
        .rev()
        .find(|(id, _)| id == "transfer/round-1")
        .map(|(_, p)| p.clone())
        .expect("the transfer reported progress");
    assert_eq!(
        (last.unit, last.done, last.total),
        ("bytes", Some(copied), Some(copied))
    );

    // Round 2 (incremental) catches documents written since round 1.
    bulk(&src.url(), "movies", Some("doc"), &docs("r2-", 0..10, None)).await;
    let end = d.run_all().await.unwrap();
    assert!(
        matches!(&end, End::Blocked { step, .. } if step == "gate/cutover"),
        "{end:?}"
    );
    assert_eq!(count(&dst.url(), "movies").await, 40);
    assert_eq!(d.output("close/movies/round-2")["closed"], true);

    // Approved: write block on the source, final round, settings back, verify.
    bulk(&src.url(), "movies", Some("doc"), &docs("fin-", 0..5, None)).await;
    let approved = plan(&src, &dst, &a, &b, true);
    let mut d = d.resume(&approved).await;
    d.finish().await;
    assert_eq!(count(&dst.url(), "movies").await, 45);
    assert_eq!(d.output("verify/movies")["ok"], true);
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "1", "{s}");
    assert_ne!(
        s["index.blocks.write"], "true",
        "the destination takes writes after the cutover: {s}"
    );
    let src_muts = mutations(&src);
    assert_eq!(
        src_muts
            .iter()
            .filter(|m| !m.starts_with("PUT /_snapshot/")
                && !m.starts_with("PUT /movies")
                && m.as_str() != "PUT /movies/_settings")
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the source only saw repository registration, snapshots, the write block and the test's own writes"
    );

    // What the steps sent is what the dry-run shows.
    let graph = &d.graph;
    assert!(
        sent_acts(&src, &[])
            .contains("PUT /_snapshot/migrate-a/movies-to-b-final?wait_for_completion=false")
    );
    let unknown: Vec<_> = sent_acts(&src, &["PUT /movies"])
        .difference(&preview_acts(graph, migrate_graph::Side::Source))
        .cloned()
        .collect();
    assert!(
        unknown.is_empty(),
        "source acts missing from the dry run: {unknown:?}"
    );
    let unknown: Vec<_> = sent_acts(&dst, &[])
        .difference(&preview_acts(graph, migrate_graph::Side::Destination))
        .cloned()
        .collect();
    assert!(
        unknown.is_empty(),
        "destination acts missing from the dry run: {unknown:?}"
    );

    // A second run of every step with no state (the state was lost): the earlier run's snapshots
    // are never adopted — the first snapshot step refuses, naming the snapshot to delete — and
    // nothing is written on either cluster.
    let (src_before, dst_before) = (mutations(&src), mutations(&dst));
    let mut again = Driver::new(&approved).await;
    match again.run_all().await {
        Err((id, e)) => {
            assert_eq!(id, "snapshot/round-1");
            assert!(!e.retryable, "{e:?}");
            assert!(
                e.message.contains("movies-to-b-round-1")
                    && e.message.contains("never asked for it"),
                "{e:?}"
            );
        }
        other => panic!("a lost state adopted an earlier run's snapshot: {other:?}"),
    }
    assert_eq!(mutations(&src), src_before, "no act on the source");
    assert_eq!(mutations(&dst), dst_before, "no act on the destination");
    assert_eq!(count(&dst.url(), "movies").await, 45);
}

#[tokio::test]
async fn an_interrupted_transfer_resumes_without_recopying_and_index_latest_comes_last() {
    let dirs = tempfile::tempdir().unwrap();
    let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let src = with_repo(Flavor::Elasticsearch, "7.10.2", &a).await;
    let dst = with_repo(Flavor::Elasticsearch, "7.10.2", &b).await;
    for i in 0..4 {
        let name = format!("idx-{i}");
        create_index(
            &src.url(),
            &name,
            json!({"settings": {"number_of_shards": 3}}),
        )
        .await;
        bulk(&src.url(), &name, None, &docs("d", 0..50, None)).await;
    }
    let mut p = plan(&src, &dst, &a, &b, true);
    p.indexes = (0..4)
        .map(|i| IndexSpec::same(format!("idx-{i}")))
        .collect();
    let mut d = Driver::new(&p).await;
    d.run_until(Some("wait-snapshot/round-1")).await.unwrap();

    // Cancel the run at the first progress report of the transfer.
    let cancel = tokio_util::sync::CancellationToken::new();
    let trip = cancel.clone();
    *d.progress.1.lock().unwrap() = Some(Box::new(move |id: &str, _: &_| {
        if id == "transfer/round-1" {
            trip.cancel();
        }
    }));
    let err = d.attempt("transfer/round-1", cancel).await.unwrap_err();
    assert!(err.retryable, "{err:?}");
    assert!(
        err.message.contains("cancelled while copying"),
        "{}",
        err.message
    );
    *d.progress.1.lock().unwrap() = None;
    assert!(
        !b.join("repo").join("index.latest").exists(),
        "an interrupted transfer never leaves index.latest behind"
    );

    let out = d
        .attempt("transfer/round-1", Default::default())
        .await
        .unwrap();
    let migrate_exec::Outcome::Done { outputs } = out else {
        panic!("{out:?}")
    };
    assert!(
        outputs["objects_skipped"].as_u64().unwrap() > 0,
        "finished objects are not copied again: {outputs}"
    );
    assert!(outputs["objects_copied"].as_u64().unwrap() > 0, "{outputs}");
    assert!(b.join("repo").join("index.latest").exists());
    d.finish().await;
    for i in 0..4 {
        assert_eq!(count(&dst.url(), &format!("idx-{i}")).await, 50);
    }
}
