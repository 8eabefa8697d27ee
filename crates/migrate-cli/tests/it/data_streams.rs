//! Data streams end to end (`migrate apply` as a child process between two sandboxes): a data
//! stream on ES 7.10 (two backing indexes after a rollover, a component template) migrated by the
//! copy strategy to ES 8.x: the stream exists on the destination with its template, its documents
//! are equal to the source's (ids, `@timestamp`), a rollover on the destination makes a working
//! new backing index; a run on a fresh state finds every document already present (409s, no
//! duplicates) and stays clean; a document deleted from the destination fails `migrate verify`;
//! a source without data streams skips a pattern with a notice and fails a named stream.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::{Value, json};

const DOCS: usize = 30;

/// `_bulk` `create` actions to `stream`, refreshed.
async fn create_docs(base: &str, stream: &str, docs: &[(String, Value)]) {
    let mut body = String::new();
    for (id, doc) in docs {
        body.push_str(&json!({"create": {"_id": id}}).to_string());
        body.push('\n');
        body.push_str(&doc.to_string());
        body.push('\n');
    }
    let r = reqwest::Client::new()
        .post(format!("{base}/{stream}/_bulk?refresh=true"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"], json!(false), "{v}");
}

async fn post(url: String) -> Value {
    let r = reqwest::Client::new().post(&url).send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "POST {url}: {status} {v}");
    v
}

fn log_doc(i: usize) -> Value {
    json!({"@timestamp": format!("2024-01-{:02}T00:00:{:02}Z", 1 + i % 28, i % 60), "msg": format!("line {i}"), "host": format!("h{}", i % 3)})
}

/// Seeds the source: component template `logs-settings`, composable template `logs` with
/// `data_stream: {}`, stream `logs-app` with documents in two backing indexes, and `movies`.
async fn seed(http: &Http, source: &Cluster) {
    let base = &source.url;
    source.test_writes_begin();
    create_movies(http, base, "movies", None).await;
    let movies: Vec<_> = (0..5)
        .map(|i| ("movies", None, i.to_string(), movie(i, None)))
        .collect();
    http.bulk(base, &movies).await;
    let component =
        json!({"template": {"mappings": {"properties": {"host": {"type": "keyword"}}}}});
    http.put(
        format!("{base}/_component_template/logs-settings"),
        component,
    )
    .await;
    let template = json!({"index_patterns": ["logs-*"], "data_stream": {}, "priority": 200,
        "composed_of": ["logs-settings"],
        "template": {"mappings": {"properties": {"msg": {"type": "text"}}}}});
    http.put(format!("{base}/_index_template/logs"), template)
        .await;
    let docs: Vec<_> = (0..DOCS).map(|i| (format!("d{i}"), log_doc(i))).collect();
    create_docs(base, "logs-app", &docs[..DOCS / 2]).await;
    post(format!("{base}/logs-app/_rollover")).await;
    create_docs(base, "logs-app", &docs[DOCS / 2..]).await;
    source.test_writes_done();
}

fn plan(name: &str, source: &Cluster, destination: &Cluster, streams: &str) -> String {
    plan_with(
        name,
        source,
        destination,
        &format!("data_streams: {streams}"),
    )
}

/// A copy plan of `movies` whose `metadata` section is `metadata` (one line).
fn plan_with(name: &str, source: &Cluster, destination: &Cluster, metadata: &str) -> String {
    format!(
        "version: 1\nname: {name}\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: [movies]\n\
         strategy:\n  copy:\n    slices: 1\n    batch_size: 50\n\
         cutover: {{ approved: true, block_source_writes: false }}\n\
         verify: {{ level: counts, doc_count: true }}\n\
         metadata:\n  {metadata}\n\
         settings: {{ retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }} }}\n",
        source.url, destination.url
    )
}

fn apply(work: &Path) -> std::process::Output {
    let p = work.join("plan.yaml");
    run(
        work,
        &["apply", p.to_str().unwrap(), "--output", "plain"],
        &[],
    )
}

/// Every document of `stream` on `base`, by id.
async fn documents(http: &Http, base: &str, stream: &str) -> Vec<(String, Value)> {
    http.count(base, stream).await;
    let v = http.get(format!("{base}/{stream}/_search?size=1000")).await;
    let mut out: Vec<(String, Value)> = v["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["_id"].as_str().unwrap().to_owned(), h["_source"].clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

async fn pair(source: &'static str, work: &Path) -> (Cluster, Cluster) {
    clusters(
        Pair {
            source: (Flavor::Elasticsearch, source),
            destination: (Flavor::Elasticsearch, "8.15.0"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_stream_on_es_7_x_migrated_to_es_8_x_has_its_template_equal_documents_and_rolls_over()
 {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair("7.10.2", work.path()).await;
    let http = Http::new(None);
    seed(&http, &source).await;
    let (s, d) = (&source.url, &destination.url);
    std::fs::write(
        work.path().join("plan.yaml"),
        plan("ds-es8", &source, &destination, "{ include: ['logs-*'] }"),
    )
    .unwrap();

    let p = work.path().join("plan.yaml");
    let dry = run(
        work.path(),
        &["plan", "--dry-run", p.to_str().unwrap()],
        &[],
    );
    let dt = text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{dt}");
    for expected in [
        "copy-data-streams/streams",
        "verify-data-streams/streams",
        "PUT destination /_data_stream/<stream>",
        "POST destination /<stream>/_bulk",
    ] {
        assert!(dt.contains(expected), "`{expected}` in:\n{dt}");
    }

    let out = apply(work.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("done     copy-data-streams/streams"), "{t}");
    assert!(t.contains("done     verify-data-streams/streams"), "{t}");

    // The stream and its templates.
    let ds = http.get(format!("{d}/_data_stream/logs-app")).await;
    assert_eq!(ds["data_streams"][0]["template"], "logs", "{ds}");
    let tpl = http.get(format!("{d}/_index_template/logs")).await;
    let tpl = &tpl["index_templates"][0]["index_template"];
    assert!(tpl.get("data_stream").is_some(), "{tpl}");
    assert_eq!(tpl["composed_of"], json!(["logs-settings"]));
    http.get(format!("{d}/_component_template/logs-settings"))
        .await;

    // The documents: the same ids and sources (`@timestamp` included).
    let (src_docs, dst_docs) = (
        documents(&http, s, "logs-app").await,
        documents(&http, d, "logs-app").await,
    );
    assert_eq!(src_docs.len(), DOCS);
    assert_eq!(src_docs, dst_docs);
    let backing = ds["data_streams"][0]["indices"][0]["index_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let m = http.get(format!("{d}/{backing}/_mapping")).await;
    assert_eq!(
        m[&backing]["mappings"]["properties"]["host"]["type"], "keyword",
        "the component template shaped the backing index: {m}"
    );

    // A run on a fresh state sends every document again: each is a 409, counted as present.
    let stream_bulks = || destination.count("POST", |p| p == "/logs-app/_bulk");
    let sent_before = stream_bulks();
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(&p, fresh.path().join("plan.yaml")).unwrap();
    let again = apply(fresh.path());
    let at = text(&again);
    assert_eq!(again.status.code(), Some(0), "{at}");
    assert!(
        stream_bulks() > sent_before,
        "the documents were sent again"
    );
    assert_eq!(
        http.count(d, "logs-app").await,
        DOCS as u64,
        "no duplicates"
    );
    // A re-run on the same state is clean and writes nothing.
    let bulks_before = destination.count("POST", |p| p.ends_with("/_bulk"));
    let clean = apply(work.path());
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert_eq!(
        destination.count("POST", |p| p.ends_with("/_bulk")),
        bulks_before
    );

    // A rollover on the destination makes a new write index that takes new documents.
    let r = post(format!("{d}/logs-app/_rollover")).await;
    let new = r["new_index"].as_str().unwrap().to_owned();
    assert!(
        new.starts_with(".ds-logs-app-") && new.ends_with("-000002"),
        "{r}"
    );
    create_docs(d, "logs-app", &[("late".into(), log_doc(99))]).await;
    let ds = http.get(format!("{d}/_data_stream/logs-app")).await;
    assert_eq!(
        ds["data_streams"][0]["indices"][1]["index_name"],
        new.as_str()
    );
    assert_eq!(http.count(d, &new).await, 1);
    assert_eq!(http.count(d, "logs-app").await, DOCS as u64 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_missing_from_the_destination_stream_fails_the_data_stream_proof() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair("7.17.22", work.path()).await;
    let http = Http::new(None);
    seed(&http, &source).await;
    let p = work.path().join("plan.yaml");
    std::fs::write(
        &p,
        plan(
            "ds-proof",
            &source,
            &destination,
            "{ include: ['logs-app'] }",
        ),
    )
    .unwrap();
    let out = apply(work.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let d = &destination.url;
    let ds = http.get(format!("{d}/_data_stream/logs-app")).await;
    let backing = ds["data_streams"][0]["indices"][0]["index_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = reqwest::Client::new()
        .delete(format!("{d}/{backing}/_doc/d3?refresh=true"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{r:?}");
    let again = run(
        work.path(),
        &["verify", p.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    let t = text(&again);
    assert_eq!(again.status.code(), Some(1), "{t}");
    assert!(
        t.contains("verify-data-streams/streams") && t.contains("1 missing (e.g. d3)"),
        "{t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_without_data_streams_skips_a_pattern_with_a_notice_and_fails_a_named_stream() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair("7.8.1", work.path()).await;
    let http = Http::new(None);
    source.test_writes_begin();
    create_movies(&http, &source.url, "movies", None).await;
    source.test_writes_done();
    let p = work.path().join("plan.yaml");
    std::fs::write(&p, plan("ds-skip", &source, &destination, "{}")).unwrap();
    let out = apply(work.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("has no data streams (Elasticsearch 7.9+)"),
        "a notice naming the version: {t}"
    );

    let fresh = tempfile::tempdir().unwrap();
    std::fs::write(
        fresh.path().join("plan.yaml"),
        plan("ds-named", &source, &destination, "{ include: [logs-app] }"),
    )
    .unwrap();
    let out = apply(fresh.path());
    let t = text(&out);
    assert_ne!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("names data stream `logs-app`") && t.contains("7.9"),
        "{t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_before_the_apis_skips_composable_templates_and_ilm_by_pattern_and_fails_a_named_one()
 {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair("6.5.4", work.path()).await;
    let http = Http::new(None);
    source.test_writes_begin();
    create_movies(&http, &source.url, "movies", Some("doc")).await;
    source.test_writes_done();
    std::fs::write(
        work.path().join("plan.yaml"),
        plan_with(
            "api-skip",
            &source,
            &destination,
            "{ index_templates: {}, component_templates: { include: ['base-*'] }, lifecycle_policies: {} }",
        ),
    )
    .unwrap();
    let out = apply(work.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    for notice in [
        "has no index templates (Elasticsearch 7.8+)",
        "has no component templates (Elasticsearch 7.8+)",
        "has no lifecycle policies (Elasticsearch 6.6+)",
    ] {
        assert!(t.contains(notice), "`{notice}` in:\n{t}");
    }

    let named = tempfile::tempdir().unwrap();
    std::fs::write(
        named.path().join("plan.yaml"),
        plan_with(
            "api-named",
            &source,
            &destination,
            "{ lifecycle_policies: { include: [hot-delete] } }",
        ),
    )
    .unwrap();
    let out = apply(named.path());
    let t = text(&out);
    assert_ne!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("names lifecycle policy `hot-delete`") && t.contains("6.6+"),
        "{t}"
    );
}
