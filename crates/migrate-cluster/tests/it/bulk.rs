//! The bulk writer against the sandbox: documents land by id with their routing (and their type on
//! a 5.x destination), rewrites are idempotent, items rejected with 429 are sent again alone and the
//! rate is cut, whole requests rejected are sent again, and a document the destination refuses goes
//! to the dead-letter file while the others are written.

use std::time::Duration;

use bytes::Bytes;
use migrate_cluster::bulk::{BulkConfig, BulkDoc, BulkError, BulkWriter, Ceiling, DeadLetters};
use migrate_cluster::{ClusterClient, ClusterConfig, MutatingCall, Side};
use migrate_core::request::{Body, Method, Request, Role, Slot};
use migrate_sandbox::{FaultRule, Flavor, RunningSandbox, Sandbox};
use serde_json::{Value, json};

const LINES: Slot = Slot::new("lines", "the batch's action and source lines (NDJSON)");

fn bulk_request(index: &str) -> Request {
    Request::new(Role::Act, Side::Destination, Method::Post)
        .at("_bulk")
        .body(Body::json(&LINES.placeholder()))
        .mutates(MutatingCall::IndexDocuments, index)
}

async fn client(sb: &RunningSandbox) -> ClusterClient {
    let cfg = ClusterConfig::new(sb.url().parse().expect("url"), Side::Destination);
    ClusterClient::new(&cfg).await.expect("client")
}

fn config(index: &str) -> BulkConfig {
    let mut c = BulkConfig::new(bulk_request(index));
    c.backoff = Duration::from_millis(1);
    c.max_backoff = Duration::from_millis(20);
    c.bounds.max_docs = 50;
    c.ceiling = Ceiling {
        docs_per_second: None,
        bytes_per_second: None,
        concurrency: 4,
    };
    c
}

/// A client for `sb` and a fresh directory for the dead-letter file.
async fn setup(sb: &RunningSandbox) -> (ClusterClient, tempfile::TempDir) {
    (client(sb).await, tempfile::tempdir().unwrap())
}

fn docs(index: &str, n: usize) -> Vec<BulkDoc> {
    (0..n)
        .map(|i| BulkDoc {
            index: index.into(),
            ty: None,
            id: format!("d{i}"),
            routing: (i % 3 == 0).then(|| format!("r{}", i % 7)),
            source: Bytes::from(json!({"n": i, "t": format!("text {i}")}).to_string()),
        })
        .collect()
}

async fn get(sb: &RunningSandbox, path: &str) -> (u16, Value) {
    let r = reqwest::get(format!("{}{path}", sb.url()))
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn count(sb: &RunningSandbox, index: &str) -> u64 {
    reqwest::Client::new()
        .post(format!("{}/{index}/_refresh", sb.url()))
        .send()
        .await
        .expect("refresh");
    let (_, v) = get(sb, &format!("/{index}/_count")).await;
    v["count"].as_u64().unwrap_or(u64::MAX)
}

async fn create(sb: &RunningSandbox, index: &str, body: Value) {
    let r = reqwest::Client::new()
        .put(format!("{}/{index}", sb.url()))
        .json(&body)
        .send()
        .await
        .expect("create");
    assert!(
        r.status().is_success(),
        "{}",
        r.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn documents_land_by_id_with_their_routing_and_a_rewrite_changes_nothing() {
    let sb = migrate_test_support::sandboxes::sandbox(Flavor::OpenSearch, "2.11.0").await;
    let (c, dir) = setup(&sb).await;
    let w = BulkWriter::new(
        &c,
        config("m"),
        DeadLetters::new(dir.path().join("dead.jsonl")),
    );
    let out = w.write(docs("m", 120)).await.unwrap();
    assert_eq!(out.written, 120);
    assert!(out.dead.is_empty());
    assert_eq!(count(&sb, "m").await, 120);
    let (status, d3) = get(&sb, "/m/_doc/d3?routing=r3").await;
    assert_eq!(status, 200, "{d3}");
    assert_eq!(d3["_routing"], "r3");
    assert_eq!(d3["_source"]["n"], 3);
    // Written again (a replay after a crash): same documents, no duplicates.
    w.write(docs("m", 120)).await.unwrap();
    assert_eq!(count(&sb, "m").await, 120);
    assert_eq!(w.stats().written, 240);
    assert!(w.stats().requests >= 6, "{:?}", w.stats());
    assert!(!dir.path().join("dead.jsonl").exists());
}

#[tokio::test]
async fn items_rejected_with_429_are_retried_alone_and_the_rate_is_cut() {
    let sb = Sandbox::builder().seed(7).start().await.unwrap();
    sb.faults()
        .add(FaultRule::reject_item().path("_bulk").rate(0.2));
    let (c, dir) = setup(&sb).await;
    let w = BulkWriter::new(
        &c,
        config("m"),
        DeadLetters::new(dir.path().join("dead.jsonl")),
    );
    let out = w.write(docs("m", 500)).await.unwrap();
    assert_eq!(out.written, 500);
    sb.faults().clear();
    assert_eq!(count(&sb, "m").await, 500);
    let stats = w.stats();
    assert!(stats.retried_items > 0, "{stats:?}");
    assert!(w.rate().decreases > 0, "{:?}", w.rate());
    assert!(w.rate().concurrency < 4, "{:?}", w.rate());
    // Retries carry only the rejected items: fewer lines than a full batch.
    let sizes: Vec<usize> = sb
        .request_log()
        .matching("POST", "_bulk")
        .iter()
        .filter_map(|r| {
            r.body
                .as_ref()
                .map(|b| b.iter().filter(|c| **c == b'\n').count() / 2)
        })
        .collect();
    assert!(sizes.iter().any(|n| *n < 50), "{sizes:?}");
    assert_eq!(
        sizes.iter().sum::<usize>() as u64,
        500 + stats.retried_items
    );
}

#[tokio::test]
async fn whole_requests_answered_429_or_503_are_sent_again_until_they_land() {
    let sb = Sandbox::builder().seed(3).start().await.unwrap();
    sb.faults()
        .add(FaultRule::status(429).path("_bulk").rate(0.2));
    sb.faults()
        .add(FaultRule::status(503).path("_bulk").rate(0.1));
    let (c, dir) = setup(&sb).await;
    let w = BulkWriter::new(
        &c,
        config("m"),
        DeadLetters::new(dir.path().join("dead.jsonl")),
    );
    let out = w.write(docs("m", 400)).await.unwrap();
    sb.faults().clear();
    assert_eq!(out.written, 400);
    assert_eq!(count(&sb, "m").await, 400);
    assert!(w.stats().retried_requests > 0, "{:?}", w.stats());
}

#[tokio::test]
async fn rejections_that_never_stop_fail_the_write_instead_of_dropping_documents() {
    let sb = Sandbox::builder().start().await.unwrap();
    sb.faults().add(FaultRule::reject_item().path("_bulk"));
    let (c, dir) = setup(&sb).await;
    let mut cfg = config("m");
    cfg.max_attempts = 3;
    let w = BulkWriter::new(&c, cfg, DeadLetters::new(dir.path().join("dead.jsonl")));
    let err = w.write(docs("m", 10)).await.unwrap_err();
    assert!(
        matches!(
            err,
            BulkError::Exhausted {
                docs: 10,
                attempts: 3,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_document_the_destination_refuses_is_a_dead_letter_and_the_rest_are_written() {
    let sb = Sandbox::builder().start().await.unwrap();
    create(
        &sb,
        "m",
        json!({"mappings": {"properties": {"n": {"type": "integer"}}}}),
    )
    .await;
    let (c, dir) = setup(&sb).await;
    let path = dir.path().join("state/dead-letters.jsonl");
    let w = BulkWriter::new(&c, config("m"), DeadLetters::new(&path));
    let mut batch = docs("m", 20);
    batch[7].source = Bytes::from_static(br#"{"n":"not a number","secret":"s3cr3t-value"}"#);
    let out = w.write(batch).await.unwrap();
    assert_eq!(out.written, 19);
    assert_eq!(out.dead.len(), 1);
    assert_eq!(count(&sb, "m").await, 19);
    let (letters, distinct) = DeadLetters::read(&path, 10).unwrap();
    assert_eq!(distinct, 1);
    assert_eq!(letters[0].index, "m");
    assert_eq!(letters[0].id, "d7");
    assert_eq!(letters[0].status, 400);
    assert_eq!(letters[0].error_type, "mapper_parsing_exception");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("s3cr3t-value"), "{text}");
}

#[tokio::test]
async fn a_5x_destination_gets_each_document_under_its_type() {
    let sb = migrate_test_support::sandboxes::sandbox(Flavor::Elasticsearch, "5.6.16").await;
    let (c, dir) = setup(&sb).await;
    let w = BulkWriter::new(
        &c,
        config("m"),
        DeadLetters::new(dir.path().join("d.jsonl")),
    );
    let mut batch = docs("m", 4);
    for (i, d) in batch.iter_mut().enumerate() {
        d.ty = Some(if i % 2 == 0 { "movie" } else { "actor" }.into());
    }
    assert_eq!(w.write(batch).await.unwrap().written, 4);
    let (status, v) = get(&sb, "/m/actor/d1").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["_type"], "actor");
    let (status, _) = get(&sb, "/m/movie/d2").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_write_blocked_destination_fails_the_write_rather_than_dead_lettering_everything() {
    let sb = Sandbox::builder().start().await.unwrap();
    create(&sb, "m", json!({"settings": {"index.blocks.write": true}})).await;
    let (c, dir) = setup(&sb).await;
    let w = BulkWriter::new(
        &c,
        config("m"),
        DeadLetters::new(dir.path().join("d.jsonl")),
    );
    let err = w.write(docs("m", 3)).await.unwrap_err();
    assert!(
        matches!(&err, BulkError::Destination { error_type, .. } if error_type == "cluster_block_exception"),
        "{err}"
    );
    assert!(!dir.path().join("d.jsonl").exists());
}
