//! Remote and local `_reindex` between sandboxes over real HTTP: ES 5.x → ES 7.x, ES 7.x → OpenSearch 2.x,
//! the allowlist refusal per flavour, tasks, conflicts, max_docs, query and `_source` filtering.

use super::http::{call, ok, start};
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use migrate_test_support::sandboxes::bulk;
use serde_json::{Value, json};

async fn seed(sb: &RunningSandbox, index: &str, ty: Option<&str>, n: usize) {
    let mut nd = String::new();
    let t = ty
        .map(|t| format!(",\"_type\":\"{t}\""))
        .unwrap_or_default();
    for i in 0..n {
        nd.push_str(&format!("{{\"index\":{{\"_index\":\"{index}\"{t},\"_id\":\"{i}\"}}}}\n{{\"n\":{i},\"even\":{},\"title\":\"t{i}\"}}\n", i % 2 == 0));
    }
    bulk(&sb.url(), None, nd).await;
}

/// `POST /_reindex` from `index` on `src` (remote) into `dest`.
async fn remote_reindex(
    sb: &RunningSandbox,
    src: &RunningSandbox,
    index: &str,
    dest: &str,
) -> (u16, Value) {
    call(
        sb,
        reqwest::Method::POST,
        "/_reindex",
        Some(remote_body(src, index, dest)),
    )
    .await
}

fn remote_body(src: &RunningSandbox, index: &str, dest: &str) -> Value {
    json!({"source": {"remote": {"host": src.url()}, "index": index, "size": 7}, "dest": {"index": dest}})
}

#[tokio::test]
async fn es5_to_es7_remote_reindex_pulls_over_http_with_scroll() {
    let src = start(Flavor::Elasticsearch, "5.6.16").await;
    seed(&src, "logs", Some("event"), 30).await;
    let dst = Sandbox::builder()
        .version("7.10.2")
        .remote_allowlist([src.host_port()])
        .start()
        .await
        .expect("dst");
    src.request_log().clear();
    let (s, v) = remote_reindex(&dst, &src, "logs", "logs").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["total"].clone(),
            v["created"].clone(),
            v["batches"].clone()
        ),
        (json!(30), json!(30), json!(5))
    );
    let (_, c) = call(&dst, reqwest::Method::GET, "/logs/_count", None).await;
    assert_eq!(c["count"], 30);
    let (_, d) = call(&dst, reqwest::Method::GET, "/logs/_doc/7", None).await;
    assert_eq!(d["_source"]["title"], "t7");
    // What the destination sent to the source: GET /, search with scroll, scrolls, clear; nothing mutating.
    let log = src.request_log().entries();
    assert_eq!((log[0].method.as_str(), log[0].path.as_str()), ("GET", "/"));
    assert_eq!(log[1].path, "/logs/_search");
    assert!(
        log[1].query.contains("scroll=5m")
            && log[1].query.contains("size=7")
            && log[1].query.contains("sort=_doc"),
        "{}",
        log[1].query
    );
    assert_eq!(
        src.request_log().matching("POST", "/_search/scroll").len(),
        5,
        "4 full pages after the first, then an empty one"
    );
    assert_eq!(
        src.request_log()
            .matching("DELETE", "/_search/scroll")
            .len(),
        1
    );
    assert!(src.request_log().mutating_requests().is_empty());
}

#[tokio::test]
async fn es7_to_opensearch2_remote_reindex_with_query_and_source_filter() {
    let src = start(Flavor::Elasticsearch, "7.10.2").await;
    seed(&src, "items", None, 40).await;
    let dst = Sandbox::builder()
        .flavor(Flavor::OpenSearch)
        .version("2.11.0")
        .remote_allowlist(["127.0.0.1:*"])
        .start()
        .await
        .expect("dst");
    let mut body = remote_body(&src, "items", "copy");
    body["source"]["query"] = json!({"term": {"even": true}});
    body["source"]["_source"] = json!(["n"]);
    let v = ok(&dst, reqwest::Method::POST, "/_reindex", Some(body)).await;
    assert_eq!(v["created"], 20);
    let (_, d) = call(&dst, reqwest::Method::GET, "/copy/_doc/4", None).await;
    assert_eq!(d["_source"], json!({"n": 4}));
    assert!(d.get("_type").is_none());
}

#[tokio::test]
async fn allowlist_refusal_texts_per_flavour_and_startup_or_cluster_setting() {
    let src = start(Flavor::Elasticsearch, "7.10.2").await;
    seed(&src, "a", None, 3).await;
    let es = start(Flavor::Elasticsearch, "7.10.2").await;
    let (s, v) = remote_reindex(&es, &src, "a", "a").await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["type"], "illegal_argument_exception");
    assert_eq!(
        v["error"]["reason"],
        format!(
            "[{}] not whitelisted in reindex.remote.whitelist",
            src.host_port()
        )
    );
    let os = start(Flavor::OpenSearch, "2.11.0").await;
    let (s, v) = remote_reindex(&os, &src, "a", "a").await;
    assert_eq!(s, 400);
    assert_eq!(
        v["error"]["reason"],
        format!(
            "[{}] not allowlisted in reindex.remote.allowlist",
            src.host_port()
        )
    );
    // Allowed through the cluster setting under the flavour's name.
    let (s, _) = call(
        &os,
        reqwest::Method::PUT,
        "/_cluster/settings",
        Some(json!({"persistent": {"reindex.remote.allowlist": [src.host_port()]}})),
    )
    .await;
    assert_eq!(s, 200);
    let (s, v) = remote_reindex(&os, &src, "a", "a").await;
    assert_eq!((s, v["created"].clone()), (200, json!(3)));
    // Slices are refused for remote sources.
    let (s, v) = call(
        &os,
        reqwest::Method::POST,
        "/_reindex?slices=2",
        Some(remote_body(&src, "a", "a")),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        v["error"]["reason"],
        "Validation Failed: 1: reindex from remote sources doesn't support slices > 1 but was [2];"
    );
}

#[tokio::test]
async fn local_reindex_conflicts_max_docs_and_async_task() {
    let sb = start(Flavor::Elasticsearch, "7.10.2").await;
    seed(&sb, "src", None, 10).await;
    seed(&sb, "dst", None, 2).await;
    let body = json!({"source": {"index": "src"}, "dest": {"index": "dst", "op_type": "create"}});
    let (s, v) = call(&sb, reqwest::Method::POST, "/_reindex", Some(body.clone())).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(
        v["failures"][0]["cause"]["type"],
        "version_conflict_engine_exception"
    );
    // The abort still wrote the batch's non-conflicting documents, as Elasticsearch does.
    let (_, c) = call(&sb, reqwest::Method::GET, "/dst/_count", None).await;
    assert_eq!(c["count"], 10);
    seed(&sb, "dst2", None, 2).await;
    let mut proceed =
        json!({"source": {"index": "src"}, "dest": {"index": "dst2", "op_type": "create"}});
    proceed["conflicts"] = json!("proceed");
    let (s, v) = call(&sb, reqwest::Method::POST, "/_reindex", Some(proceed)).await;
    assert_eq!(
        (s, v["version_conflicts"].clone(), v["created"].clone()),
        (200, json!(2), json!(8))
    );
    let (s, v) = call(
        &sb,
        reqwest::Method::POST,
        "/_reindex",
        Some(json!({"max_docs": 3, "source": {"index": "src"}, "dest": {"index": "three"}})),
    )
    .await;
    assert_eq!((s, v["created"].clone()), (200, json!(3)));

    let v = ok(
        &sb,
        reqwest::Method::POST,
        "/_reindex?wait_for_completion=false",
        Some(json!({"source": {"index": "src"}, "dest": {"index": "async"}})),
    )
    .await;
    let task = v["task"].as_str().expect("task id").to_string();
    let t = ok(
        &sb,
        reqwest::Method::GET,
        &format!("/_tasks/{task}?wait_for_completion=true&timeout=10s"),
        None,
    )
    .await;
    assert_eq!(t["completed"], true);
    assert_eq!(t["task"]["action"], "indices:data/write/reindex");
    assert_eq!(t["task"]["status"]["created"], 10);
    assert_eq!(t["response"]["created"], 10);
    let (s, v) = call(&sb, reqwest::Method::GET, "/_tasks/nope:1", None).await;
    assert_eq!(
        (s, v["error"]["type"].clone()),
        (404, json!("resource_not_found_exception"))
    );
}

#[tokio::test]
async fn throttled_task_is_visible_running_and_rethrottle_speeds_it_up() {
    let src = start(Flavor::Elasticsearch, "7.10.2").await;
    seed(&src, "a", None, 20).await;
    let dst = Sandbox::builder()
        .version("7.10.2")
        .remote_allowlist([src.host_port()])
        .start()
        .await
        .expect("dst");
    let mut body = remote_body(&src, "a", "b");
    body["source"]["size"] = json!(5);
    // 5 docs per batch at 1 doc/s: the task would take ~20 s unless rethrottled.
    let (_, v) = call(
        &dst,
        reqwest::Method::POST,
        "/_reindex?wait_for_completion=false&requests_per_second=1",
        Some(body),
    )
    .await;
    let task = v["task"].as_str().expect("task").to_string();
    let (_, list) = call(
        &dst,
        reqwest::Method::GET,
        "/_tasks?actions=*reindex&detailed",
        None,
    )
    .await;
    let node = list["nodes"]
        .as_object()
        .and_then(|m| m.values().next())
        .cloned()
        .expect("node");
    assert!(node["tasks"].get(&task).is_some(), "{list}");
    assert_eq!(node["tasks"][&task]["status"]["requests_per_second"], 1.0);
    let (s, _) = call(
        &dst,
        reqwest::Method::POST,
        &format!("/_reindex/{task}/_rethrottle?requests_per_second=-1"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (_, t) = call(
        &dst,
        reqwest::Method::GET,
        &format!("/_tasks/{task}?wait_for_completion=true&timeout=30s"),
        None,
    )
    .await;
    assert_eq!(t["completed"], true);
    assert_eq!(t["response"]["created"], 20);
    // The first batch's 5 s wait was rescheduled by the rethrottle to "unlimited": like the
    // servers, only the rescheduled delay (none) counts as throttled time.
    assert_eq!(t["response"]["throttled_millis"], 0, "{t}");
}

#[tokio::test]
async fn remote_search_rejections_are_retried_and_counted() {
    let src = start(Flavor::Elasticsearch, "7.10.2").await;
    seed(&src, "a", None, 20).await;
    src.faults().add(
        migrate_sandbox::FaultRule::status(429)
            .path("/_search/scroll")
            .first(2),
    );
    let dst = Sandbox::builder()
        .version("7.10.2")
        .remote_allowlist([src.host_port()])
        .start()
        .await
        .expect("dst");
    let (s, v) = remote_reindex(&dst, &src, "a", "b").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["created"].clone(), v["retries"]["search"].clone()),
        (json!(20), json!(2))
    );
    // A source that keeps rejecting fails the reindex with the source's error.
    src.faults().clear();
    src.faults()
        .add(migrate_sandbox::FaultRule::status(503).path("/_search"));
    let (s, v) = remote_reindex(&dst, &src, "a", "c").await;
    assert_eq!(s, 503, "{v}");
}
