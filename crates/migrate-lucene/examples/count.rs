//! Counts the live documents of a Lucene index directory and prints the rate, for profiling:
//! `cargo run --release -p migrate-lucene --example count -- <index-dir>`.

use std::sync::Arc;
use std::time::Instant;

use migrate_lucene::{MemoryDirectory, Shard};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: count <index-dir>");
        std::process::exit(2);
    };
    let dir = Arc::new(MemoryDirectory::read_from(std::path::Path::new(&path))?);
    let start = Instant::now();
    let shard = Shard::open(dir)?;
    let (mut docs, mut bytes) = (0u64, 0u64);
    for doc in shard.documents() {
        let doc = doc?;
        docs += 1;
        bytes += doc.source.map_or(0, |s| s.len() as u64);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{docs} documents, {bytes} source bytes in {secs:.2} s: {:.0} docs/s, {:.0} MB/s",
        docs as f64 / secs,
        bytes as f64 / secs / 1e6
    );
    Ok(())
}
