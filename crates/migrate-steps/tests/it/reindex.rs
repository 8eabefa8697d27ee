//! The reindex strategy end to end over HTTP between sandboxes: ES 5.6 → ES 7.10 with the mapping
//! type unwrapped and two incremental passes plus the missing-field pass; ES 7.10 → OpenSearch 2.11
//! with a pattern entry and a plain one; verification passing, then failing with its table when a
//! document disappears from the destination.

use crate::common::*;
use migrate_exec::Outcome;
use migrate_sandbox::Flavor;
use serde_json::json;

#[tokio::test]
async fn es5_to_es7_incremental_passes_catch_new_and_fieldless_documents() {
    let src = sandbox(Flavor::Elasticsearch, "5.6.16").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_shards": 2, "number_of_replicas": 1, "refresh_interval": "5s"},
               "mappings": {"doc": {"properties": {"title": {"type": "text"}, "n": {"type": "long"},
                                                    "updated_at": {"type": "date"}}}}}),
    )
    .await;
    bulk(
        &src.url(),
        "movies",
        Some("doc"),
        &docs("m", 0..40, Some("2024-01-01T00:00:00Z")),
    )
    .await;

    let plan = reindex_plan(&src, &dst, &["movies"], Some("updated_at"), 2, false);
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("reindex/movies/part-all")).await.unwrap();
    assert_eq!(d.output("reindex/movies/part-all")["created"], 40);
    // The 5.x type is gone on the 7.x destination; copy-time settings are in place.
    let m = get_json(&dst.url(), "/movies/_mapping").await;
    assert_eq!(
        m["movies"]["mappings"]["properties"]["updated_at"]["type"], "date",
        "{m}"
    );
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "0", "{s}");
    assert_eq!(s["index.refresh_interval"], "-1", "{s}");
    assert_eq!(s["index.number_of_shards"], "2", "{s}");

    // Written between the initial copy and pass 1, then between pass 1 and pass 2.
    bulk(
        &src.url(),
        "movies",
        Some("doc"),
        &docs("p1-", 0..7, Some(&now_iso())),
    )
    .await;
    d.run_until(Some("reindex/movies/pass-1")).await.unwrap();
    let p1 = d.output("reindex/movies/pass-1").clone();
    assert_eq!(p1["created"], 7, "{p1}");
    assert_eq!(
        p1["from_ms"],
        d.output("reindex/movies/part-all")["to_ms"],
        "pass 1 starts where the copy started"
    );
    bulk(
        &src.url(),
        "movies",
        Some("doc"),
        &docs("p2-", 0..5, Some(&now_iso())),
    )
    .await;
    bulk(
        &src.url(),
        "movies",
        Some("doc"),
        &docs("nofield-", 0..3, None),
    )
    .await;
    d.run_until(Some("reindex/movies/pass-2")).await.unwrap();
    let p2 = d.output("reindex/movies/pass-2").clone();
    assert_eq!(p2["created"], 5, "{p2}");
    assert_eq!(p2["from_ms"], p1["to_ms"]);
    let end = d.run_all().await.unwrap();
    assert_eq!(d.output("reindex/movies/missing-field")["created"], 3);
    let End::Blocked { step, message } = end else {
        panic!("not blocked: {end:?}")
    };
    assert_eq!(step, "gate/cutover");
    assert!(message.contains("cutover.approved: true"), "{message}");
    assert_eq!(count(&dst.url(), "movies").await, 55);

    // Approved: block writes, final passes, settings back, verify.
    let approved = reindex_plan(&src, &dst, &["movies"], Some("updated_at"), 2, true);
    let mut d = d.resume(&approved).await;
    bulk(
        &src.url(),
        "movies",
        Some("doc"),
        &docs("last-", 0..2, Some(&now_iso())),
    )
    .await;
    d.finish().await;
    assert_eq!(d.output("reindex/movies/final")["created"], 2);
    assert_eq!(count(&dst.url(), "movies").await, 57);
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "1", "{s}");
    assert_eq!(s["index.refresh_interval"], "5s", "{s}");
    let src_settings = settings(&src.url(), "movies").await;
    assert_eq!(src_settings["index.blocks.write"], "true");
    let table = d.output("verify/movies")["table"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        table
            .iter()
            .any(|r| r["check"] == "doc count" && r["source"] == "57" && r["ok"] == true),
        "{table:?}"
    );

    // The proof: every document both ways and the metadata, clean.
    let proof = &d.output("verify/movies")["proof"]["indexes"][0];
    assert_eq!(proof["verdict"]["result"], "clean", "{proof}");
    assert_eq!(proof["level"], "proof", "{proof}");
    assert_eq!(proof["documents"]["source_docs"], 57, "{proof}");
    assert_eq!(proof["documents"]["destination_docs"], 57, "{proof}");
    for column in ["mappings", "settings", "aliases"] {
        assert_eq!(proof[column]["result"], "same", "{column}: {proof}");
    }

    // What the steps sent is what the dry-run shows.
    assert!(sent_acts(&dst, &[]).contains("POST /_reindex?wait_for_completion=false"));
    for (sb, side, own) in [
        (&src, migrate_graph::Side::Source, vec!["PUT /movies"]),
        (&dst, migrate_graph::Side::Destination, vec![]),
    ] {
        let unknown: Vec<_> = sent_acts(sb, &own)
            .difference(&preview_acts(&d.graph, side))
            .cloned()
            .collect();
        assert!(
            unknown.is_empty(),
            "{side:?} acts missing from the dry run: {unknown:?}"
        );
    }

    // A document removed behind the engine's back: verify fails with the table.
    let r = http()
        .delete(format!("{}/movies/_doc/m3?refresh=true", dst.url()))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let err = d
        .attempt("verify/movies", Default::default())
        .await
        .unwrap_err();
    assert!(!err.retryable);
    assert!(
        err.message.contains("verification of `movies` failed"),
        "{}",
        err.message
    );
    let row = err
        .message
        .lines()
        .find(|l| l.starts_with("movies "))
        .unwrap_or_else(|| panic!("no row for movies: {}", err.message));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "movies", "57", "56", "1", "(m3)", "0", "0", "ok", "ok", "ok", "FAILED"
        ],
        "{}",
        err.message
    );
    assert!(err.message.contains("every finding: "), "{}", err.message);
    // Nothing changed: the same verification fails the same way again.
    let again = d
        .attempt("verify/movies", Default::default())
        .await
        .unwrap_err();
    assert_eq!(again.message, err.message);
    assert!(
        err.message
            .lines()
            .next()
            .unwrap()
            .contains("verification of `movies` failed")
    );
}

#[tokio::test]
async fn es7_to_opensearch2_with_a_pattern_and_a_plain_index() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::OpenSearch, "2.11.0", &src).await;
    for (name, n) in [("logs-1", 12), ("logs-2", 9), ("movies", 20)] {
        create_index(&src.url(), name, json!({"settings": {"number_of_replicas": 1},
            "mappings": {"properties": {"title": {"type": "text"}, "updated_at": {"type": "date"}}}})).await;
        bulk(
            &src.url(),
            name,
            None,
            &docs(name, 0..n, Some("2024-02-01T00:00:00Z")),
        )
        .await;
    }
    let r = http()
        .post(format!("{}/_aliases", src.url()))
        .json(&json!({"actions": [{"add": {"index": "movies", "alias": "films"}},
                                   {"add": {"index": "logs-1", "alias": "recent", "filter": {"range": {"n": {"gte": 5}}}}}]}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    // A hidden index the pattern must not take.
    create_index(&src.url(), ".logs-internal", json!({})).await;
    let plan = reindex_plan(&src, &dst, &["logs-*", "movies"], None, 0, true);
    Driver::new(&plan).await.finish().await;
    assert_eq!(count(&dst.url(), "logs-1").await, 12);
    assert_eq!(count(&dst.url(), "logs-2").await, 9);
    assert_eq!(count(&dst.url(), "movies").await, 20);
    // The source's aliases (and their filters) are on the destination.
    let a = get_json(&dst.url(), "/_alias").await;
    assert!(a["movies"]["aliases"].get("films").is_some(), "{a}");
    assert_eq!(
        a["logs-1"]["aliases"]["recent"]["filter"],
        json!({"range": {"n": {"gte": 5}}}),
        "{a}"
    );
    let r = http()
        .get(format!("{}/.logs-internal", dst.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn preflight_names_the_allowlist_line_to_add() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox(Flavor::OpenSearch, "2.11.0").await;
    create_index(&src.url(), "movies", json!({})).await;
    let plan = reindex_plan(&src, &dst, &["movies"], None, 0, true);
    let mut d = Driver::new(&plan).await;
    let err = d.step("preflight/remote-allowlist").await.unwrap_err();
    assert!(!err.retryable);
    assert!(
        err.message.contains(&format!(
            "reindex.remote.allowlist: \"{}\"",
            src.host_port()
        )),
        "{}",
        err.message
    );
    assert!(err.message.contains("opensearch.yml"), "{}", err.message);
    // A missing source index is named in preflight.
    let plan = reindex_plan(&src, &dst, &["movies", "nope-*"], None, 0, true);
    let mut d = Driver::new(&plan).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(
        err.message.contains("`nope-*` matches no index"),
        "{}",
        err.message
    );
    assert!(matches!(
        d.step("gate/cutover").await,
        Ok(Outcome::Done { .. })
    ));
}

#[tokio::test]
async fn partitions_run_as_separate_tasks_and_the_next_pass_starts_at_the_earliest() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(&src.url(), "movies", json!({"mappings": {"properties": {"n": {"type": "long"}, "updated_at": {"type": "date"}}}})).await;
    bulk(
        &src.url(),
        "movies",
        None,
        &docs("m", 0..30, Some("2024-01-01T00:00:00Z")),
    )
    .await;
    let mut plan = reindex_plan(&src, &dst, &["movies"], Some("updated_at"), 1, false);
    if let migrate_graph::blueprint::Strategy::Reindex(r) = &mut plan.strategy {
        r.partitions = vec![
            migrate_graph::blueprint::Partition {
                name: "low".into(),
                query: json!({"range": {"n": {"lt": 10}}}),
            },
            migrate_graph::blueprint::Partition {
                name: "high".into(),
                query: json!({"range": {"n": {"gte": 10}}}),
            },
        ];
    }
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("reindex/movies/part-high")).await.unwrap();
    assert_eq!(d.output("reindex/movies/part-low")["created"], 10);
    assert_eq!(d.output("reindex/movies/part-high")["created"], 20);
    let earliest = d.output("reindex/movies/part-low")["to_ms"]
        .as_i64()
        .min(d.output("reindex/movies/part-high")["to_ms"].as_i64());
    bulk(
        &src.url(),
        "movies",
        None,
        &docs("new", 0..4, Some(&now_iso())),
    )
    .await;
    d.run_until(Some("reindex/movies/pass-1")).await.unwrap();
    assert_eq!(
        d.output("reindex/movies/pass-1")["from_ms"].as_i64(),
        earliest
    );
    assert_eq!(d.output("reindex/movies/pass-1")["created"], 4);
    let posts = dst
        .request_log()
        .entries()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/_reindex")
        .count();
    assert_eq!(posts, 3, "one task per partition, one for the pass");
    assert_eq!(count(&dst.url(), "movies").await, 34);
}
