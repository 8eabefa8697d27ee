//! The `.tasks` index: a finished `wait_for_completion=false` reindex leaves its result there with
//! the task's `X-Opaque-Id` (not on 5.x), `task.headers` is not searchable (`enabled: false`), direct
//! access warns on the versions that do, and ES 8 leaves `.tasks` out of `*`.

use std::time::{Duration, Instant};

use migrate_sandbox::{RunningSandbox, Sandbox};
use serde_json::{Value, json};

struct Answer {
    status: u16,
    warning: Option<String>,
    body: Value,
}

/// `GET path` with no body and no opaque id.
async fn get(sb: &RunningSandbox, path: &str) -> Answer {
    call(sb, reqwest::Method::GET, path, None, None).await
}

async fn call(
    sb: &RunningSandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    opaque: Option<&str>,
) -> Answer {
    let mut req = reqwest::Client::new().request(method, format!("{}{}", sb.url(), path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Some(o) = opaque {
        req = req.header("X-Opaque-Id", o);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let warning = resp
        .headers()
        .get("warning")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Answer {
        status,
        warning,
        body: resp.json().await.unwrap_or(Value::Null),
    }
}

async fn seeded(version: &str) -> RunningSandbox {
    let sb = Sandbox::builder()
        .version(version)
        .start()
        .await
        .expect("sb");
    let typed = version.starts_with('5') || version.starts_with('6');
    let ty = if typed { "\"_type\":\"doc\"," } else { "" };
    let mut nd = String::new();
    for i in 0..5 {
        nd.push_str(&format!(
            "{{\"index\":{{\"_index\":\"src\",{ty}\"_id\":\"{i}\"}}}}\n{{\"n\":{i}}}\n"
        ));
    }
    migrate_test_support::sandboxes::bulk(&sb.url(), None, nd).await;
    sb
}

/// Starts an async local reindex with `opaque` and waits (bounded) until `_tasks/<id>` says done.
async fn finished_task(sb: &RunningSandbox, opaque: &str, dest: &str) -> String {
    let a = call(
        sb,
        reqwest::Method::POST,
        "/_reindex?wait_for_completion=false",
        Some(json!({"source": {"index": "src"}, "dest": {"index": dest}})),
        Some(opaque),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let task = a.body["task"].as_str().expect("task id").to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = call(
            sb,
            reqwest::Method::GET,
            &format!("/_tasks/{task}?wait_for_completion=true&timeout=5s"),
            None,
            None,
        )
        .await;
        if t.body["completed"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "task {task} never completed");
    }
    task
}

fn search_body() -> Value {
    json!({
        "size": 100,
        "query": {"bool": {"filter": [
            {"term": {"completed": true}},
            {"term": {"task.action": "indices:data/write/reindex"}}
        ]}},
        "sort": [{"task.start_time_in_millis": {"order": "desc"}}]
    })
}

#[tokio::test]
async fn finished_reindex_result_is_a_tasks_document_with_its_opaque_id() {
    let sb = seeded("7.10.2").await;
    let first = finished_task(&sb, "mig-1", "d1").await;
    let second = finished_task(&sb, "mig-2", "d2").await;

    let doc = get(&sb, &format!("/.tasks/_doc/{first}")).await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    assert_eq!(doc.body["found"], true);
    let src = &doc.body["_source"];
    assert_eq!(src["completed"], true);
    assert_eq!(src["task"]["action"], "indices:data/write/reindex");
    assert_eq!(src["task"]["headers"]["X-Opaque-Id"], "mig-1");
    assert_eq!(
        format!(
            "{}:{}",
            src["task"]["node"].as_str().unwrap(),
            src["task"]["id"]
        ),
        first
    );
    assert_eq!(src["response"]["created"], 5);
    assert!(src.get("error").is_none());
    // 7.10 release builds do not warn yet.
    assert_eq!(doc.warning, None);

    // `task.headers` is mapped `enabled: false`: a term query on it finds nothing, as on real ES.
    let by_header = call(
        &sb,
        reqwest::Method::POST,
        "/.tasks/_search",
        Some(json!({"query": {"term": {"task.headers.X-Opaque-Id": "mig-1"}}})),
        None,
    )
    .await;
    assert_eq!(by_header.status, 200, "{}", by_header.body);
    assert_eq!(by_header.body["hits"]["hits"], json!([]));

    // The indexed fields find both, newest first; the headers are in `_source`.
    let found = call(
        &sb,
        reqwest::Method::POST,
        "/.tasks/_search",
        Some(search_body()),
        None,
    )
    .await;
    let hits = found.body["hits"]["hits"].as_array().expect("hits").clone();
    let ids: Vec<&str> = hits.iter().filter_map(|h| h["_id"].as_str()).collect();
    assert_eq!(ids.len(), 2, "{}", found.body);
    assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()));
    let opaque: Vec<&str> = hits
        .iter()
        .filter_map(|h| h["_source"]["task"]["headers"]["X-Opaque-Id"].as_str())
        .collect();
    assert!(opaque.contains(&"mig-1") && opaque.contains(&"mig-2"));

    // 6.x/7.x expand `*` to `.tasks`, as real clusters do before 8.0.
    let cat = get(&sb, "/_cat/indices/*?format=json&h=index").await;
    assert!(
        cat.body
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["index"] == ".tasks"),
        "{}",
        cat.body
    );
}

#[tokio::test]
async fn synchronous_reindex_stores_nothing() {
    let sb = seeded("7.17.0").await;
    let a = call(
        &sb,
        reqwest::Method::POST,
        "/_reindex",
        Some(json!({"source": {"index": "src"}, "dest": {"index": "d"}})),
        Some("sync"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let s = get(&sb, "/.tasks/_search").await;
    assert_eq!(s.status, 404, "{}", s.body);
    assert_eq!(s.body["error"]["type"], "index_not_found_exception");
}

#[tokio::test]
async fn failed_task_stores_its_error_and_es7_17_warns_on_direct_access() {
    let sb = seeded("7.17.0").await;
    // A remote source the destination does not allow: the task fails with the allowlist error.
    let a = call(
        &sb,
        reqwest::Method::POST,
        "/_reindex?wait_for_completion=false",
        Some(json!({"source": {"remote": {"host": "http://127.0.0.1:1"}, "index": "src"}, "dest": {"index": "d"}})),
        Some("mig-err"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let task = a.body["task"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    let doc = loop {
        let d = get(&sb, &format!("/.tasks/_doc/{task}")).await;
        if d.body["found"] == true {
            break d;
        }
        assert!(Instant::now() < deadline, "no .tasks document for {task}");
        tokio::task::yield_now().await;
    };
    let src = &doc.body["_source"];
    assert_eq!(src["completed"], true);
    assert!(src.get("response").is_none(), "{src}");
    assert_eq!(src["error"]["type"], "illegal_argument_exception", "{src}");
    assert_eq!(src["task"]["headers"]["X-Opaque-Id"], "mig-err");
    let w = doc
        .warning
        .expect("7.17 warns on direct system index access");
    assert!(
        w.starts_with("299 Elasticsearch-7.17.0") && w.contains("system indices: [.tasks]"),
        "{w}"
    );
}

#[tokio::test]
async fn es5_documents_have_no_headers_and_es8_hides_tasks_from_wildcards() {
    let sb = seeded("5.6.16").await;
    let t = finished_task(&sb, "ignored", "d").await;
    let doc = get(&sb, &format!("/.tasks/task/{t}")).await;
    assert_eq!(doc.body["found"], true, "{}", doc.body);
    assert!(doc.body["_source"]["task"].get("headers").is_none());
    assert_eq!(doc.body["_source"]["response"]["created"], 5);

    let sb = seeded("8.11.0").await;
    let t = finished_task(&sb, "mig-8", "d").await;
    let cat = get(&sb, "/_cat/indices/*?format=json&h=index").await;
    let names: Vec<&str> = cat
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["index"].as_str())
        .collect();
    assert!(!names.contains(&".tasks"), "{names:?}");
    assert!(names.contains(&"d"));
    let dot = get(&sb, "/_cat/indices/.t*?format=json&h=index").await;
    assert_eq!(dot.body, json!([{"index": ".tasks"}]));
    let doc = get(&sb, &format!("/.tasks/_doc/{t}")).await;
    assert_eq!(
        doc.body["_source"]["task"]["headers"]["X-Opaque-Id"],
        "mig-8"
    );
    assert!(doc.warning.is_some_and(|w| w.contains("[.tasks]")));
}
