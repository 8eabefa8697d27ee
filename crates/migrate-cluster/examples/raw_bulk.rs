//! The raw `_bulk` ceiling of the copy benchmark (`scripts/bench-copy.sh`): the benchmark's
//! documents, built in memory into `_bulk` bodies before the clock starts, then posted by
//! `--concurrency` parallel requests as fast as the destination answers. No reading, no checkpoint,
//! no rate control: what any loader into that destination can at best reach. Also seeds the source.
//!
//! ```text
//! cargo run --release -p migrate-cluster --example raw_bulk -- \
//!     --url http://127.0.0.1:9200 --index movies --docs 200000 [--doc-bytes 1000] \
//!     [--batch 1000] [--concurrency 4]
//! ```
//!
//! Prints one JSON line: `{"docs":…,"seconds":…,"docs_per_second":…}`. Document `i` is the same on
//! every run (`_id` `doc-{i}`), so the source seeded by this program holds what the ceiling loads.

use std::time::Instant;

/// Minimal flag parsing: `--name value`.
fn flag(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

fn number(args: &[String], name: &str, default: usize) -> usize {
    let text = flag(args, name, &default.to_string());
    text.parse().unwrap_or_else(|_| {
        eprintln!("{name} must be a number, not `{text}`");
        std::process::exit(2)
    })
}

/// The `_source` of document `i`, about `bytes` long.
fn document(i: usize, bytes: usize) -> String {
    let head = format!(
        "{{\"n\":{i},\"title\":\"movie {i}\",\"genre\":\"g{}\",\"updated_at\":{},\"body\":\"",
        i % 17,
        1_600_000_000_000u64 + i as u64
    );
    let pad = bytes.saturating_sub(head.len() + 2);
    let mut s = head;
    s.extend((0..pad).map(|k| (b'a' + ((i + k) % 26) as u8) as char));
    s.push_str("\"}");
    s
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = flag(&args, "--url", "http://127.0.0.1:9200");
    let index = flag(&args, "--index", "movies");
    let docs = number(&args, "--docs", 200_000);
    let bytes = number(&args, "--doc-bytes", 1000);
    let batch = number(&args, "--batch", 1000).max(1);
    let concurrency = number(&args, "--concurrency", 4).max(1);

    let bodies: Vec<String> = (0..docs)
        .step_by(batch)
        .map(|start| {
            let mut body = String::with_capacity(batch * (bytes + 64));
            for i in start..(start + batch).min(docs) {
                body.push_str(&format!(
                    "{{\"index\":{{\"_index\":\"{index}\",\"_id\":\"doc-{i}\"}}}}\n"
                ));
                body.push_str(&document(i, bytes));
                body.push('\n');
            }
            body
        })
        .collect();
    let client = reqwest::Client::new();
    let target = format!("{url}/_bulk");
    let started = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    let mut results: Vec<Result<(), String>> = Vec::new();
    for body in bodies {
        if running.len() >= concurrency
            && let Some(done) = running.join_next().await
        {
            results.push(done.unwrap_or_else(|e| Err(e.to_string())));
        }
        let client = client.clone();
        let target = target.clone();
        running.spawn(async move {
            let r = client
                .post(&target)
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = r.status();
            let text = r.text().await.map_err(|e| e.to_string())?;
            if !status.is_success() || text.contains("\"errors\":true") {
                return Err(format!("{status}: {}", &text[..text.len().min(300)]));
            }
            Ok(())
        });
    }
    while let Some(done) = running.join_next().await {
        results.push(done.unwrap_or_else(|e| Err(e.to_string())));
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
        eprintln!("a bulk request failed: {e}");
        std::process::exit(1);
    }
    let _ = client.post(format!("{url}/{index}/_refresh")).send().await;
    println!(
        "{{\"docs\":{docs},\"seconds\":{seconds:.3},\"docs_per_second\":{:.0}}}",
        docs as f64 / seconds
    );
}
