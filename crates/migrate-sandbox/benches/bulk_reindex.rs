//! Whole-run benchmark: index N small documents (default 1,000,000) into an Elasticsearch 7.10 sandbox
//! with `_bulk`, then remote-reindex them over HTTP into an OpenSearch 2.11 sandbox. Prints the wall
//! times, throughput and the process's peak RSS (both sandboxes and the client live in this process).
//!
//! `cargo bench -p migrate-sandbox --bench bulk_reindex` (env `BENCH_DOCS`, `BENCH_BULK`, `BENCH_BATCH`).

use std::time::Instant;

use migrate_sandbox::{Flavor, Sandbox};
use serde_json::{Value, json};

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    // `cargo bench` passes `--bench`; honour `--list`/filters by doing nothing special.
    if std::env::args().any(|a| a == "--list") {
        println!("bulk_reindex: bench");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let docs = env_usize("BENCH_DOCS", 1_000_000);
    let per_bulk = env_usize("BENCH_BULK", 10_000);
    let batch = env_usize("BENCH_BATCH", 5_000);
    let src = Sandbox::builder()
        .version("7.10.2")
        .start()
        .await
        .expect("source sandbox");
    let dst = Sandbox::builder()
        .flavor(Flavor::OpenSearch)
        .version("2.11.0")
        .remote_allowlist([src.host_port()])
        .start()
        .await
        .expect("destination sandbox");
    let client = reqwest::Client::new();

    let t0 = Instant::now();
    let mut sent = 0;
    while sent < docs {
        let n = per_bulk.min(docs - sent);
        let mut body = String::with_capacity(n * 110);
        for i in sent..sent + n {
            body.push_str(&format!(
                "{{\"index\":{{\"_index\":\"bench\",\"_id\":\"{i}\"}}}}\n{{\"n\":{i},\"title\":\"document {i}\",\"updated_at\":\"2024-01-{:02}T00:00:00Z\"}}\n",
                1 + i % 28
            ));
        }
        let resp = client
            .post(format!("{}/_bulk", src.url()))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .expect("bulk");
        let v: Value = resp.json().await.expect("bulk json");
        assert_eq!(v["errors"], false, "bulk errors");
        sent += n;
    }
    let bulk_secs = t0.elapsed().as_secs_f64();
    let rss_after_bulk = peak_rss_mib();

    let t1 = Instant::now();
    let resp = client
        .post(format!("{}/_reindex", dst.url()))
        .json(&json!({"source": {"remote": {"host": src.url()}, "index": "bench", "size": batch}, "dest": {"index": "bench"}}))
        .timeout(std::time::Duration::from_secs(600))
        .send()
        .await
        .expect("reindex");
    let status = resp.status();
    let v: Value = resp.json().await.expect("reindex json");
    let reindex_secs = t1.elapsed().as_secs_f64();
    assert!(status.is_success(), "reindex failed: {v}");
    assert_eq!(v["created"].as_u64(), Some(docs as u64), "{v}");
    let count: Value = client
        .get(format!("{}/bench/_count", dst.url()))
        .send()
        .await
        .expect("count")
        .json()
        .await
        .expect("json");
    assert_eq!(count["count"].as_u64(), Some(docs as u64));

    println!("documents:            {docs}");
    println!(
        "bulk (10k/request):   {bulk_secs:.2} s  ({:.0} docs/s)",
        docs as f64 / bulk_secs
    );
    println!(
        "remote reindex:       {reindex_secs:.2} s  ({:.0} docs/s, batch {batch}, {} batches)",
        docs as f64 / reindex_secs,
        v["batches"]
    );
    println!("total:                {:.2} s", bulk_secs + reindex_secs);
    println!("peak RSS after bulk:  {rss_after_bulk:.0} MiB");
    println!("peak RSS (process):   {:.0} MiB", peak_rss_mib());
    src.shutdown().await;
    dst.shutdown().await;
}
