//! Query DSL, sorting, paging and PIT over HTTP; cluster health, cat, settings and nodes info.

use super::http::{call, ok, refused, start};
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::{Value, json};

fn ids(v: &Value) -> Vec<String> {
    v["hits"]["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn seeded() -> RunningSandbox {
    let sb = start(Flavor::Elasticsearch, "7.10.2").await;
    call(&sb, reqwest::Method::PUT, "/ev", Some(json!({"mappings": {"properties": {"at": {"type": "date"}, "tag": {"type": "keyword"}, "n": {"type": "long"}}}}))).await;
    let docs = [
        (
            "a",
            json!({"n": 1, "tag": "x", "at": "2024-01-01T00:00:00Z", "nested": {"k": 1}}),
        ),
        (
            "b",
            json!({"n": 2, "tag": "y", "at": "2024-01-02T00:00:00Z"}),
        ),
        ("c", json!({"n": 3, "tag": "x", "at": 1704240000000u64})),
        ("d", json!({"n": 4, "tag": ["y", "z"]})),
    ];
    for (id, d) in docs {
        let (s, _) = call(
            &sb,
            reqwest::Method::PUT,
            &format!("/ev/_doc/{id}"),
            Some(d),
        )
        .await;
        assert_eq!(s, 201);
    }
    sb
}

async fn search(sb: &RunningSandbox, body: Value) -> Value {
    let (s, v) = call(sb, reqwest::Method::POST, "/ev/_search", Some(body)).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn query_dsl_subset_matches_like_elasticsearch() {
    let sb = seeded().await;
    let q = |query: Value| json!({"query": query, "sort": ["_id"]});
    assert_eq!(
        ids(&search(&sb, q(json!({"term": {"tag": "x"}}))).await),
        ["a", "c"]
    );
    assert_eq!(
        ids(&search(&sb, q(json!({"terms": {"tag": ["z", "y"]}}))).await),
        ["b", "d"]
    );
    assert_eq!(
        ids(&search(&sb, q(json!({"ids": {"values": ["d", "a", "zz"]}}))).await),
        ["a", "d"]
    );
    assert_eq!(
        ids(&search(&sb, q(json!({"range": {"n": {"gt": 1, "lte": 3}}}))).await),
        ["b", "c"]
    );
    // Dates: ISO strings, epoch millis in documents, epoch seconds in the query.
    assert_eq!(
        ids(&search(&sb, q(json!({"range": {"at": {"gte": "2024-01-02"}}}))).await),
        ["b", "c"]
    );
    assert_eq!(
        ids(&search(
            &sb,
            q(json!({"range": {"at": {"lt": 1704153600, "format": "epoch_second"}}}))
        )
        .await),
        ["a"]
    );
    assert_eq!(
        ids(&search(&sb, q(json!({"range": {"at": {"gte": 1704240000000u64}}}))).await),
        ["c"]
    );
    assert_eq!(
        ids(&search(
            &sb,
            q(json!({"bool": {"must_not": {"exists": {"field": "at"}}}}))
        )
        .await),
        ["d"]
    );
    let b = json!({"bool": {"filter": [{"range": {"n": {"gte": 2}}}], "must_not": [{"term": {"tag": "z"}}], "should": [{"term": {"tag": "x"}}, {"term": {"n": 2}}], "minimum_should_match": 1}});
    assert_eq!(ids(&search(&sb, q(b)).await), ["b", "c"]);
    let (s, v) = call(
        &sb,
        reqwest::Method::POST,
        "/ev/_search",
        Some(json!({"query": {"fuzzy_thing": {}}})),
    )
    .await;
    assert_eq!(
        (s, v["error"]["type"].clone()),
        (400, json!("parsing_exception"))
    );
}

#[tokio::test]
async fn sort_paging_search_after_and_source_filtering() {
    let sb = seeded().await;
    let v = search(&sb, json!({"sort": [{"n": "desc"}], "size": 2})).await;
    assert_eq!(ids(&v), ["d", "c"]);
    assert_eq!(v["hits"]["hits"][0]["_score"], Value::Null);
    let after = v["hits"]["hits"][1]["sort"].clone();
    let v = search(
        &sb,
        json!({"sort": [{"n": "desc"}], "size": 2, "search_after": after}),
    )
    .await;
    assert_eq!(ids(&v), ["b", "a"]);
    let v = search(&sb, json!({"sort": [{"n": "asc"}], "from": 1, "size": 1})).await;
    assert_eq!(ids(&v), ["b"]);
    let v = search(
        &sb,
        json!({"query": {"ids": {"values": ["a"]}}, "_source": {"includes": ["n", "nested.*"]}}),
    )
    .await;
    assert_eq!(
        v["hits"]["hits"][0]["_source"],
        json!({"n": 1, "nested": {"k": 1}})
    );
    let v = search(
        &sb,
        json!({"query": {"ids": {"values": ["a"]}}, "_source": false}),
    )
    .await;
    assert!(v["hits"]["hits"][0].get("_source").is_none());
    let v = search(&sb, json!({"track_total_hits": 2})).await;
    assert_eq!(v["hits"]["total"], json!({"value": 2, "relation": "gte"}));
    let (_, v) = call(
        &sb,
        reqwest::Method::GET,
        "/ev/_search?rest_total_hits_as_int=true",
        None,
    )
    .await;
    assert_eq!(v["hits"]["total"], 4);
}

#[tokio::test]
async fn point_in_time_on_es_and_opensearch_paths() {
    let sb = seeded().await;
    let v = ok(&sb, reqwest::Method::POST, "/ev/_pit?keep_alive=1m", None).await;
    let id = v["id"].as_str().expect("pit id").to_string();
    let v = ok(
        &sb,
        reqwest::Method::POST,
        "/_search",
        Some(json!({"pit": {"id": id, "keep_alive": "1m"}, "sort": ["_doc"], "size": 10})),
    )
    .await;
    assert_eq!(v["pit_id"], json!(id));
    assert_eq!(ids(&v).len(), 4);
    let (s, v) = call(
        &sb,
        reqwest::Method::DELETE,
        "/_pit",
        Some(json!({"id": id})),
    )
    .await;
    assert_eq!((s, v["num_freed"].clone()), (200, json!(1)));
    // ES 6.8 has no PIT; OpenSearch uses its own paths.
    let old = start(Flavor::Elasticsearch, "6.8.23").await;
    refused(
        &old,
        reqwest::Method::POST,
        "/x/_pit?keep_alive=1m",
        None,
        400,
    )
    .await;
    let os = start(Flavor::OpenSearch, "2.11.0").await;
    call(&os, reqwest::Method::PUT, "/i", None).await;
    let v = ok(
        &os,
        reqwest::Method::POST,
        "/i/_search/point_in_time?keep_alive=1m",
        None,
    )
    .await;
    assert!(v["pit_id"].is_string());
}

#[tokio::test]
async fn cluster_health_cat_settings_and_nodes() {
    let sb = Sandbox::builder()
        .cluster_name("prod-like")
        .start()
        .await
        .expect("sb");
    call(
        &sb,
        reqwest::Method::PUT,
        "/green-one",
        Some(json!({"settings": {"number_of_replicas": 0}})),
    )
    .await;
    let (s, v) = call(
        &sb,
        reqwest::Method::GET,
        "/_cluster/health/green-one?wait_for_status=green&timeout=1s&level=indices",
        None,
    )
    .await;
    assert_eq!((s, v["status"].clone()), (200, json!("green")));
    assert_eq!(v["indices"]["green-one"]["number_of_replicas"], 0);
    call(&sb, reqwest::Method::PUT, "/yellow-one", None).await;
    let (s, v) = call(
        &sb,
        reqwest::Method::GET,
        "/_cluster/health?wait_for_status=green&timeout=100ms",
        None,
    )
    .await;
    assert_eq!(
        (s, v["status"].clone(), v["timed_out"].clone()),
        (408, json!("yellow"), json!(true))
    );

    let (_, text) = call(
        &sb,
        reqwest::Method::GET,
        "/_cat/indices?v&h=index,health,pri&s=index",
        None,
    )
    .await;
    let text = text.as_str().unwrap_or_default().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["index", "health", "pri"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["green-one", "green", "1"]
    );
    let (_, v) = call(&sb, reqwest::Method::GET, "/_cat/count?format=json", None).await;
    assert_eq!(v[0]["count"], "0");

    let (_, v) = call(
        &sb,
        reqwest::Method::PUT,
        "/_cluster/settings",
        Some(json!({"transient": {"reindex.remote.whitelist": "a:9200"}})),
    )
    .await;
    assert_eq!(v["acknowledged"], true);
    let (_, v) = call(
        &sb,
        reqwest::Method::GET,
        "/_cluster/settings?flat_settings=true",
        None,
    )
    .await;
    assert_eq!(v["transient"]["reindex.remote.whitelist"], "a:9200");
    let (_, v) = call(&sb, reqwest::Method::GET, "/_nodes/http", None).await;
    let node = v["nodes"]
        .as_object()
        .and_then(|m| m.values().next())
        .cloned()
        .expect("node");
    assert_eq!(node["http"]["publish_address"], json!(sb.host_port()));
    assert_eq!(v["cluster_name"], "prod-like");
}
