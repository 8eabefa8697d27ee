//! The baseline of the verification benchmark (`scripts/bench-verify.sh`): one full read of an
//! index on two clusters at once, with the scan the proof uses (the same requests, page size and
//! slices: a point in time with `search_after` where the version has it, a sliced scroll in
//! `--slices` slices otherwise, 2 like the proof's `SLICES` in migrate-steps; both sides
//! concurrently, the slices of a side one after the other as the proof reads them), every page's
//! documents parsed down to their `_id` and borrowed `_source` text, and nothing else: no hash, no
//! bucket, no comparison.
//!
//! ```text
//! cargo run --release -p migrate-cluster --example read_both -- \
//!     --source http://127.0.0.1:9200 --destination http://127.0.0.1:9201 --index movies [--slices 2]
//! ```
//!
//! Prints one JSON line: `{"source_docs":…,"destination_docs":…,"source_bytes":…,…,"seconds":…}`.

use std::time::Instant;

use migrate_cluster::scan::Scan;
use migrate_cluster::{ClusterClient, ClusterConfig};
use migrate_core::Side;
use migrate_graph::requests::scan::{PAGE_SIZE, scan};

/// Minimal flag parsing: `--name value`.
fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fail(what: String) -> ! {
    eprintln!("read_both: {what}");
    std::process::exit(1)
}

/// Reads every document of `index` on one side: (documents, `_source` bytes).
async fn read_side(url: &str, side: Side, index: &str, slices: u32) -> Result<(u64, u64), String> {
    let url = url::Url::parse(url).map_err(|e| format!("`{url}`: {e}"))?;
    let client = ClusterClient::new(&ClusterConfig::new(url, side))
        .await
        .map_err(|e| e.to_string())?;
    let scan = Scan::new(&client, scan(side, index, PAGE_SIZE), slices)
        .await
        .map_err(|e| e.to_string())?;
    let (mut docs, mut bytes) = (0u64, 0u64);
    for k in 0..scan.slices() {
        let mut reader = scan.slice(k);
        while let Some(page) = reader.next_page().await.map_err(|e| e.to_string())? {
            for doc in page.docs()? {
                docs += 1;
                bytes += doc.source.map_or(0, |s| s.get().len() as u64);
            }
        }
    }
    Ok((docs, bytes))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let need = |name: &str| flag(&args, name).unwrap_or_else(|| fail(format!("{name} is needed")));
    let (source, destination, index) = (need("--source"), need("--destination"), need("--index"));
    let slices: u32 = match flag(&args, "--slices").map(|s| s.parse()) {
        None => 2,
        Some(Ok(n)) => n,
        Some(Err(_)) => fail("--slices must be a number".into()),
    };
    let started = Instant::now();
    let (src, dst) = tokio::join!(
        read_side(&source, Side::Source, &index, slices),
        read_side(&destination, Side::Destination, &index, slices),
    );
    let seconds = started.elapsed().as_secs_f64();
    let (src, dst) = match (src, dst) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) => fail(format!("reading the source: {e}")),
        (_, Err(e)) => fail(format!("reading the destination: {e}")),
    };
    println!(
        "{{\"source_docs\":{},\"destination_docs\":{},\"source_bytes\":{},\"destination_bytes\":{},\"seconds\":{seconds:.3}}}",
        src.0, dst.0, src.1, dst.1
    );
}
