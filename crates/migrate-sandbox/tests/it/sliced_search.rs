//! `slice: {id, max}` where each version accepts it: in a scroll everywhere, in a point in time on
//! ES 7.15+ and OpenSearch 2.4+, never in a plain search; refusals in each version's words.

use std::collections::BTreeSet;

use super::http::{call, reason, refused, start};
use migrate_sandbox::{Flavor, RunningSandbox};
use reqwest::Method;
use serde_json::{Value, json};

/// A four-shard index `s` of 40 documents.
async fn seeded(flavor: Flavor, version: &str) -> RunningSandbox {
    let sb = start(flavor, version).await;
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/s",
        Some(json!({"settings": {"number_of_shards": 4, "number_of_replicas": 0}})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let mut lines = String::new();
    for i in 0..40 {
        lines.push_str(&format!(
            "{{\"index\":{{\"_index\":\"s\",\"_id\":\"d{i}\"}}}}\n{{\"n\":{i}}}\n"
        ));
    }
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/_bulk?refresh=true", sb.url()))
        .header("content-type", "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .expect("bulk");
    assert_eq!(r.status(), 200);
    sb
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Reads slice `id` of `max` in the point in time `pit` to its end with `search_after`.
async fn pit_slice(sb: &RunningSandbox, pit: &str, id: u32, max: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut after: Option<Value> = None;
    loop {
        let mut body = json!({"size": 7, "pit": {"id": pit, "keep_alive": "1m"},
            "sort": ["_doc"], "slice": {"id": id, "max": max}});
        if let Some(a) = &after {
            body["search_after"] = a.clone();
        }
        let (s, v) = call(sb, Method::POST, "/_search", Some(body)).await;
        assert_eq!(s, 200, "{v}");
        let page = ids(&v);
        if page.is_empty() {
            return out;
        }
        after = v["hits"]["hits"]
            .as_array()
            .and_then(|h| h.last())
            .map(|h| h["sort"].clone());
        out.extend(page);
    }
}

/// The slices of one point in time are disjoint and together hold every document.
async fn slices_partition_the_pit(sb: &RunningSandbox, pit: &str, max: u32) {
    let mut all = BTreeSet::new();
    let mut total = 0;
    for id in 0..max {
        let got = pit_slice(sb, pit, id, max).await;
        total += got.len();
        all.extend(got);
    }
    assert_eq!(
        (all.len(), total),
        (40, 40),
        "slices overlap or miss documents"
    );
}

#[tokio::test]
async fn a_point_in_time_is_sliced_from_es_7_15_and_its_slices_partition_the_documents() {
    let sb = seeded(Flavor::Elasticsearch, "7.17.22").await;
    let (s, v) = call(&sb, Method::POST, "/s/_pit?keep_alive=1m", None).await;
    assert_eq!(s, 200, "{v}");
    let pit = v["id"].as_str().expect("pit id").to_owned();
    slices_partition_the_pit(&sb, &pit, 2).await;
    slices_partition_the_pit(&sb, &pit, 4).await;
    slices_partition_the_pit(&sb, &pit, 6).await;
}

#[tokio::test]
async fn an_opensearch_point_in_time_is_sliced_too() {
    let sb = seeded(Flavor::OpenSearch, "2.11.0").await;
    let (s, v) = call(
        &sb,
        Method::POST,
        "/s/_search/point_in_time?keep_alive=1m",
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let pit = v["pit_id"].as_str().expect("pit id").to_owned();
    slices_partition_the_pit(&sb, &pit, 3).await;
}

#[tokio::test]
async fn es_7_12_refuses_a_slice_in_a_point_in_time_as_outside_a_scroll() {
    let sb = seeded(Flavor::Elasticsearch, "7.12.1").await;
    let (s, v) = call(&sb, Method::POST, "/s/_pit?keep_alive=1m", None).await;
    assert_eq!(s, 200, "{v}");
    let body = json!({"size": 5, "pit": {"id": v["id"], "keep_alive": "1m"}, "sort": ["_doc"],
        "slice": {"id": 0, "max": 2}});
    let e = refused(&sb, Method::POST, "/_search", Some(body), 500).await;
    assert_eq!(e["type"], "search_phase_execution_exception");
    assert_eq!(e["root_cause"][0]["type"], "search_exception");
    assert_eq!(
        reason(&e["root_cause"][0]),
        "`slice` cannot be used outside of a scroll context"
    );
}

#[tokio::test]
async fn a_slice_in_a_plain_search_is_refused_in_each_versions_words() {
    let body = json!({"slice": {"id": 0, "max": 2}});
    for (flavor, version, kind, words) in [
        (
            Flavor::Elasticsearch,
            "7.17.22",
            "search_exception",
            "[slice] can only be used with [scroll] or [point-in-time] requests",
        ),
        (
            Flavor::OpenSearch,
            "2.11.0",
            "search_exception",
            "`slice` cannot be used outside of a scroll context or PIT context",
        ),
        (
            Flavor::OpenSearch,
            "1.3.19",
            "search_exception",
            "`slice` cannot be used outside of a scroll context",
        ),
        (
            Flavor::Elasticsearch,
            "6.8.23",
            "search_context_exception",
            "`slice` cannot be used outside of a scroll context",
        ),
    ] {
        let sb = seeded(flavor, version).await;
        let e = refused(&sb, Method::POST, "/s/_search", Some(body.clone()), 500).await;
        assert_eq!(e["root_cause"][0]["type"], kind, "{version}: {e}");
        assert_eq!(reason(&e["root_cause"][0]), words, "{version}");
        // The same slice in a scroll is fine.
        let (s, v) = call(
            &sb,
            Method::POST,
            "/s/_search?scroll=1m",
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, 200, "{version}: {v}");
    }
}
