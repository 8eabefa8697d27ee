//! `incremental_passes: { max: 4, until: { documents: 5 } }` over HTTP between sandboxes: pass 1
//! copies 8 new documents, pass 2 copies 2 (below 5), so passes 3 and 4 finish copying nothing,
//! saying why; the run goes on to the cutover and the proof is clean. Documents are written
//! between passes (the driver stops after each), the watermark overlap is zero: no sleeps.

use crate::common::*;
use migrate_graph::blueprint::Strategy;
use migrate_sandbox::Flavor;
use serde_json::json;

#[tokio::test]
async fn passes_after_one_below_until_are_skipped_with_the_reason_and_the_run_completes_clean() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(
        &src.url(),
        "movies",
        json!({"mappings": {"properties": {"title": {"type": "text"}, "n": {"type": "long"},
                                            "updated_at": {"type": "date"}}}}),
    )
    .await;
    bulk(
        &src.url(),
        "movies",
        None,
        &docs("m", 0..20, Some("2024-01-01T00:00:00Z")),
    )
    .await;
    let plan = |approved| {
        let mut bp = reindex_plan(&src, &dst, &["movies"], Some("updated_at"), 4, approved);
        if let Strategy::Reindex(r) = &mut bp.strategy {
            r.passes_until = Some(migrate_graph::Until {
                documents: std::num::NonZeroU64::new(5),
                ..Default::default()
            });
        }
        bp
    };
    let mut d = Driver::new(&plan(false)).await;
    d.run_until(Some("reindex/movies/part-all")).await.unwrap();

    bulk(
        &src.url(),
        "movies",
        None,
        &docs("p1-", 0..8, Some(&now_iso())),
    )
    .await;
    d.run_until(Some("reindex/movies/pass-1")).await.unwrap();
    let p1 = d.output("reindex/movies/pass-1").clone();
    assert_eq!(p1["documents"], 8, "{p1}");
    assert!(p1["seconds"].as_f64().is_some(), "{p1}");
    assert!(p1.get("skipped").is_none(), "{p1}");

    bulk(
        &src.url(),
        "movies",
        None,
        &docs("p2-", 0..2, Some(&now_iso())),
    )
    .await;
    d.run_until(Some("reindex/movies/pass-2")).await.unwrap();
    let p2 = d.output("reindex/movies/pass-2").clone();
    assert_eq!(p2["documents"], 2, "{p2}");
    assert!(
        p2.get("skipped").is_none(),
        "pass 2 follows a pass of 8: {p2}"
    );

    // Written now, these would be pass 3's; pass 3 is skipped, the final pass copies them.
    bulk(
        &src.url(),
        "movies",
        None,
        &docs("p3-", 0..3, Some(&now_iso())),
    )
    .await;
    let end = d.run_all().await.unwrap();
    assert!(matches!(end, End::Blocked { .. }), "{end:?}");
    for pass in ["pass-3", "pass-4"] {
        let out = d.output(&format!("reindex/movies/{pass}")).clone();
        assert_eq!(out["skipped"], true, "{out}");
        let reason = out["reason"].as_str().unwrap_or_default();
        assert!(
            reason.starts_with("delta 2 documents in ")
                && reason.ends_with("s is below until (fewer than 5 documents)"),
            "{out}"
        );
        assert_eq!(out["delta"]["documents"], 2, "{out}");
        assert_eq!(out["delta_of"], "reindex/movies/pass-2", "{out}");
        assert_eq!(out["documents"], 0, "{out}");
        assert!(
            out.get("to_ms").is_none(),
            "a skipped pass moves no watermark: {out}"
        );
    }
    assert_eq!(
        count(&dst.url(), "movies").await,
        30,
        "pass 3's documents wait for the final pass"
    );

    let mut d = d.resume(&plan(true)).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let last = d.output("reindex/movies/final").clone();
    assert_eq!(
        last["from_ms"], p2["to_ms"],
        "the final pass starts at pass 2's watermark: {last}"
    );
    assert_eq!(count(&dst.url(), "movies").await, 33);
    let proof = &d.output("verify/movies")["proof"]["indexes"][0];
    assert_eq!(proof["verdict"]["result"], "clean", "{proof}");
    assert_eq!(proof["documents"]["destination_docs"], 33, "{proof}");
}
