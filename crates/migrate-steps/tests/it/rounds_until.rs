//! `incremental_rounds: { max: 3, until: { documents: 5 } }` for the snapshot strategy between
//! sandboxes (7.10 → 7.10 through two fs stores): round 1 copies 20 documents, round 2's delta is
//! the 8 written after it, round 3's the 2 written after that (below 5), so round 4 is skipped —
//! its snapshot, transfer, close, restore, open and recovery do nothing, with the reason — and the
//! final round, after the gate, restores everything written since round 3; the proof is clean.

use std::num::NonZeroU64;

use crate::common::*;

use migrate_graph::Until;
use migrate_graph::blueprint::*;
use serde_json::json;

#[tokio::test]
async fn a_round_whose_delta_is_below_until_ends_the_rounds_and_the_final_round_catches_up() {
    let dirs = tempfile::tempdir().unwrap();
    let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let src = with_repo(migrate_sandbox::Flavor::Elasticsearch, "7.10.2", &a).await;
    let dst = with_repo(migrate_sandbox::Flavor::Elasticsearch, "7.10.2", &b).await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_shards": 1, "number_of_replicas": 0},
               "mappings": {"properties": {"title": {"type": "text"}, "n": {"type": "long"}}}}),
    )
    .await;
    bulk(&src.url(), "movies", None, &docs("m", 0..20, None)).await;
    let plan = |approved| {
        let mut bp = crate::snapshot::plan(&src, &dst, &a, &b, approved);
        bp.name = "until rounds".into();
        if let Strategy::Snapshot(s) = &mut bp.strategy {
            s.incremental_rounds = 3;
            s.rounds_until = Some(Until {
                documents: NonZeroU64::new(5),
                ..Until::default()
            });
        }
        bp
    };

    let mut d = Driver::new(&plan(false)).await;
    d.run_until(Some("wait-recovery/movies/round-1"))
        .await
        .unwrap();
    let r1 = d.output("wait-snapshot/round-1").clone();
    assert_eq!(
        r1["delta"]["documents"], 20,
        "round 1 holds every document: {r1}"
    );
    assert!(r1["delta"]["bytes"].as_u64().is_some_and(|b| b > 0), "{r1}");
    assert!(r1["delta"]["seconds"].as_f64().is_some(), "{r1}");

    bulk(&src.url(), "movies", None, &docs("r2-", 0..8, None)).await;
    d.run_until(Some("wait-recovery/movies/round-2"))
        .await
        .unwrap();
    let r2 = d.output("wait-snapshot/round-2").clone();
    assert_eq!(r2["delta"]["documents"], 8, "{r2}");
    assert_eq!(count(&dst.url(), "movies").await, 28);

    bulk(&src.url(), "movies", None, &docs("r3-", 0..2, None)).await;
    d.run_until(Some("wait-recovery/movies/round-3"))
        .await
        .unwrap();
    let r3 = d.output("wait-snapshot/round-3").clone();
    assert_eq!(
        d.output("snapshot/round-3").get("skipped"),
        None,
        "round 3 follows a round of 8: it runs"
    );
    assert_eq!(r3["delta"]["documents"], 2, "{r3}");
    assert_eq!(count(&dst.url(), "movies").await, 30);

    // Written now, these would be round 4's; round 4 is skipped, the final round restores them.
    bulk(&src.url(), "movies", None, &docs("r4-", 0..3, None)).await;
    let end = d.run_all().await.unwrap();
    assert!(
        matches!(&end, End::Blocked { step, .. } if step == "gate/cutover"),
        "{end:?}"
    );
    let skipped = d.output("snapshot/round-4").clone();
    assert_eq!(skipped["skipped"], true, "{skipped}");
    assert_eq!(skipped["delta_of"], "wait-snapshot/round-3", "{skipped}");
    assert_eq!(skipped["delta"]["documents"], 2, "{skipped}");
    let reason = skipped["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("delta 2 documents, ")
            && reason.ends_with("is below until (fewer than 5 documents)"),
        "{skipped}"
    );
    for id in [
        "wait-snapshot/round-4",
        "transfer/round-4",
        "close/movies/round-4",
        "restore/movies/round-4",
        "open/movies/round-4",
        "wait-recovery/movies/round-4",
    ] {
        let out = d.output(id);
        assert_eq!(out["skipped"], true, "{id}: {out}");
        assert_eq!(out["reason"], skipped["reason"], "{id}: {out}");
    }
    let snapshots: serde_json::Value = http()
        .get(format!("{}/_snapshot/migrate-a/_all", src.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = snapshots["snapshots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["snapshot"].as_str())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "rounds 1-3 took snapshots, round 4 none: {names:?}"
    );
    assert!(names.iter().all(|n| !n.ends_with("round-4")), "{names:?}");
    assert_eq!(
        count(&dst.url(), "movies").await,
        30,
        "round 4's documents wait for the final round"
    );

    let mut d = d.resume(&plan(true)).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let last = d.output("wait-snapshot/final").clone();
    assert_eq!(
        last["delta"]["documents"], 3,
        "the final round's delta counts from round 3, the last round taken: {last}"
    );
    assert_eq!(count(&dst.url(), "movies").await, 33);
    assert_eq!(d.output("verify/movies")["ok"], true);
}
