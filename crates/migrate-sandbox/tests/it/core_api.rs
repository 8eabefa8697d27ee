//! End-to-end tests of the core APIs over real HTTP, per flavour and version.

use super::http::{call, ok, refused, start};
use migrate_sandbox::{Flavor, RunningSandbox};
use serde_json::{Value, json};

async fn bulk(sb: &RunningSandbox, ndjson: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_bulk", sb.url()))
        .header("content-type", "application/x-ndjson")
        .body(ndjson.to_string())
        .send()
        .await
        .expect("bulk");
    (resp.status().as_u16(), resp.json().await.expect("json"))
}

#[tokio::test]
async fn root_version_block_per_flavour() {
    let es5 = start(Flavor::Elasticsearch, "5.6.16").await;
    let v = ok(&es5, reqwest::Method::GET, "/", None).await;
    assert_eq!(v["version"]["number"], "5.6.16");
    assert_eq!(v["version"]["lucene_version"], "6.6.1");
    assert!(
        v["version"]
            .get("minimum_wire_compatibility_version")
            .is_none()
    );
    assert_eq!(v["tagline"], "You Know, for Search");

    let os = start(Flavor::OpenSearch, "2.11.0").await;
    let (_, v) = call(&os, reqwest::Method::GET, "/", None).await;
    assert_eq!(v["version"]["distribution"], "opensearch");
    assert_eq!(v["version"]["minimum_wire_compatibility_version"], "7.10.0");
    assert_eq!(
        v["tagline"],
        "The OpenSearch Project: https://opensearch.org/"
    );
}

#[tokio::test]
async fn index_lifecycle_and_real_errors() {
    let sb = start(Flavor::Elasticsearch, "7.10.2").await;
    let (s, v) = call(
        &sb,
        reqwest::Method::PUT,
        "/movies",
        Some(json!({"settings": {"number_of_shards": 2}})),
    )
    .await;
    assert_eq!(
        (s, v["acknowledged"].clone(), v["index"].clone()),
        (200, json!(true), json!("movies"))
    );
    let e = refused(&sb, reqwest::Method::PUT, "/movies", None, 400).await;
    assert_eq!(e["type"], "resource_already_exists_exception");
    assert_eq!(
        e["root_cause"][0]["type"],
        "resource_already_exists_exception"
    );
    let e = refused(&sb, reqwest::Method::GET, "/nope/_search", None, 404).await;
    assert_eq!(e["reason"], "no such index [nope]");
    let v = ok(&sb, reqwest::Method::GET, "/movies", None).await;
    assert_eq!(v["movies"]["settings"]["index"]["number_of_shards"], "2");
    let e = refused(
        &sb,
        reqwest::Method::PUT,
        "/movies/_settings",
        Some(json!({"index": {"number_of_shards": 3}})),
        400,
    )
    .await;
    assert_eq!(e["type"], "illegal_argument_exception");
    ok(&sb, reqwest::Method::POST, "/movies/_close", None).await;
    let (s, v) = call(&sb, reqwest::Method::GET, "/movies/_search", None).await;
    assert_eq!(
        (s, v["error"]["type"].clone()),
        (400, json!("index_closed_exception"))
    );
    call(&sb, reqwest::Method::POST, "/movies/_open", None).await;
    call(
        &sb,
        reqwest::Method::PUT,
        "/movies/_settings",
        Some(json!({"index.blocks.write": true})),
    )
    .await;
    let (s, v) = call(
        &sb,
        reqwest::Method::PUT,
        "/movies/_doc/1",
        Some(json!({"a": 1})),
    )
    .await;
    assert_eq!(
        (s, v["error"]["type"].clone()),
        (403, json!("cluster_block_exception"))
    );
    let (s, _) = call(&sb, reqwest::Method::DELETE, "/movies", None).await;
    assert_eq!(s, 200);
    refused(&sb, reqwest::Method::HEAD, "/movies", None, 404).await;
}

#[tokio::test]
async fn bulk_count_search_and_total_shapes() {
    for (version, object_total) in [("6.8.23", false), ("7.10.2", true)] {
        let sb = start(Flavor::Elasticsearch, version).await;
        let typ = if object_total {
            ""
        } else {
            ",\"_type\":\"doc\""
        };
        let mut nd = String::new();
        for i in 0..25 {
            nd.push_str(&format!(
                "{{\"index\":{{\"_index\":\"a\"{typ},\"_id\":\"{i}\"}}}}\n{{\"n\":{i}}}\n"
            ));
        }
        nd.push_str(&format!(
            "{{\"create\":{{\"_index\":\"a\"{typ},\"_id\":\"3\"}}}}\n{{\"n\":3}}\n"
        ));
        let (s, v) = bulk(&sb, &nd).await;
        assert_eq!(s, 200);
        assert_eq!(v["errors"], true);
        assert_eq!(v["items"][25]["create"]["status"], 409);
        assert_eq!(
            v["items"][25]["create"]["error"]["type"],
            "version_conflict_engine_exception"
        );
        let (_, v) = call(&sb, reqwest::Method::GET, "/a/_count", None).await;
        assert_eq!(v["count"], 25);
        let (_, v) = call(
            &sb,
            reqwest::Method::POST,
            "/a/_search",
            Some(
                json!({"query": {"range": {"n": {"gte": 20}}}, "sort": [{"n": "desc"}], "size": 2}),
            ),
        )
        .await;
        let total = &v["hits"]["total"];
        if object_total {
            assert_eq!(total, &json!({"value": 5, "relation": "eq"}));
        } else {
            assert_eq!(total, &json!(5));
        }
        assert_eq!(v["hits"]["hits"][0]["_id"], "24");
        assert_eq!(v["hits"]["hits"][1]["sort"], json!([23]));
    }
}

#[tokio::test]
async fn scroll_walks_every_document_once() {
    let sb = start(Flavor::OpenSearch, "2.11.0").await;
    let mut nd = String::new();
    for i in 0..23 {
        nd.push_str(&format!(
            "{{\"index\":{{\"_index\":\"s\",\"_id\":\"{i}\"}}}}\n{{\"n\":{i}}}\n"
        ));
    }
    bulk(&sb, &nd).await;
    let (_, mut v) = call(
        &sb,
        reqwest::Method::POST,
        "/s/_search?scroll=1m&size=10&sort=_doc",
        Some(json!({})),
    )
    .await;
    assert_eq!(v["hits"]["total"], json!({"value": 23, "relation": "eq"}));
    let mut seen = Vec::new();
    loop {
        let hits = v["hits"]["hits"].as_array().cloned().unwrap_or_default();
        if hits.is_empty() {
            break;
        }
        assert!(hits[0].get("_type").is_none(), "OpenSearch 2 has no _type");
        seen.extend(
            hits.iter()
                .map(|h| h["_id"].as_str().unwrap_or_default().to_string()),
        );
        let id = v["_scroll_id"].clone();
        v = call(
            &sb,
            reqwest::Method::POST,
            "/_search/scroll",
            Some(json!({"scroll": "1m", "scroll_id": id})),
        )
        .await
        .1;
    }
    assert_eq!(seen.len(), 23);
    let id = v["_scroll_id"].clone();
    let (s, v) = call(
        &sb,
        reqwest::Method::DELETE,
        "/_search/scroll",
        Some(json!({"scroll_id": [id]})),
    )
    .await;
    assert_eq!((s, v["num_freed"].clone()), (200, json!(1)));
}

#[tokio::test]
async fn async_delete_by_query_on_a_missing_index_answers_a_task_that_failed() {
    let sb = start(Flavor::OpenSearch, "2.16.0").await;
    let v = ok(
        &sb,
        reqwest::Method::POST,
        "/books/_delete_by_query?wait_for_completion=false&conflicts=proceed",
        Some(json!({"query": {"match_all": {}}})),
    )
    .await;
    let task = v["task"].as_str().expect("task id").to_string();
    let (s, t) = call(
        &sb,
        reqwest::Method::GET,
        &format!("/_tasks/{task}?wait_for_completion=true"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["completed"], true, "{t}");
    assert_eq!(t["error"]["type"], "index_not_found_exception", "{t}");
    // Synchronously, the same request is the 404 itself.
    let (s, v) = call(
        &sb,
        reqwest::Method::POST,
        "/books/_delete_by_query",
        Some(json!({"query": {"match_all": {}}})),
    )
    .await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(v["error"]["type"], "index_not_found_exception");
}
