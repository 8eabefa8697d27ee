//! Whole-process benchmark of the proof: N generated ~1 KB documents per side (default 1,000,000),
//! fed as 1,000-hit search pages from `--threads` slices per side (both sides at once), then
//! compared. Run under `/usr/bin/time -v` for the peak RSS:
//!
//! ```text
//! cargo build --release -p migrate-proof --example proof_1m
//! /usr/bin/time -v target/release/examples/proof_1m --docs 1000000 --differing 1000
//! ```

use std::time::{Duration, Instant};

use migrate_proof::{Findings, NoDeadLetters, Proof, ProofConfig, SideFeed};

#[path = "../benches/generate/mod.rs"]
mod generate;

const PAGE: u64 = 1_000;

struct Args {
    docs: u64,
    threads: u64,
    differing: u64,
    memory_mb: usize,
}

fn args() -> Args {
    let mut a = Args {
        docs: 1_000_000,
        threads: 1,
        differing: 0,
        memory_mb: 32,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok());
        match (pair[0].as_str(), value) {
            ("--docs", Some(v)) => a.docs = v,
            ("--threads", Some(v)) => a.threads = v.max(1),
            ("--differing", Some(v)) => a.differing = v,
            ("--memory-mb", Some(v)) => a.memory_mb = v as usize,
            _ => {
                eprintln!(
                    "usage: proof_1m [--docs N] [--threads T] [--differing D] [--memory-mb M]"
                );
                std::process::exit(2);
            }
        }
    }
    a
}

/// This thread's time on a CPU (Linux `schedstat`), so that a loaded machine does not count the
/// time a feeder waited for a core; the wall clock where it is unavailable.
fn cpu_now(wall: Instant) -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| wall.elapsed())
}

/// Feeds pages `t, t+T, …` of one side; returns (CPU time spent in `add_page`, bytes fed).
fn feed(side: &SideFeed, a: &Args, t: u64, every: u64) -> (Duration, u64) {
    let mut slice = side.slice();
    let mut body = String::new();
    let (mut busy, mut bytes) = (Duration::ZERO, 0u64);
    let pages = a.docs.div_ceil(PAGE);
    let mut p = t;
    let epoch = Instant::now();
    while p < pages {
        let from = p * PAGE;
        generate::page(&mut body, from, (from + PAGE).min(a.docs), |i| {
            every > 0 && i % every == every / 2
        });
        let start = cpu_now(epoch);
        slice
            .add_page(body.as_bytes())
            .expect("a generated page feeds");
        busy += cpu_now(epoch) - start;
        bytes += body.len() as u64;
        p += a.threads;
    }
    slice.commit().expect("commit");
    (busy, bytes)
}

fn main() {
    let a = args();
    let cfg = ProofConfig {
        side_memory: a.memory_mb << 20,
        ..ProofConfig::for_documents(a.docs)
    };
    let state = tempfile::tempdir().expect("a temporary state directory");
    let proof = Proof::new(cfg, state.path()).expect("a proof");
    let every = a.docs.checked_div(a.differing).map_or(0, |e| e.max(1));
    let start = Instant::now();
    let results: Vec<(Duration, u64)> = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for t in 0..a.threads {
            let (src, dst) = (proof.source(), proof.destination());
            let a = &a;
            handles.push(s.spawn(move || feed(src, a, t, 0)));
            handles.push(s.spawn(move || feed(dst, a, t, every)));
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("a feeder"))
            .collect()
    });
    let fed = start.elapsed();
    let busy: Duration = results.iter().map(|r| r.0).sum();
    let bytes: u64 = results.iter().map(|r| r.1).sum();
    let spilled = proof.source().stats().spilled_bytes + proof.destination().stats().spilled_bytes;
    let total = 2 * a.docs;
    let start = Instant::now();
    let mut findings = Findings::new(std::io::sink(), 5);
    let diff = proof
        .compare("bench", &mut findings, &NoDeadLetters)
        .expect("compare");
    let compared = start.elapsed();
    println!(
        "fed {total} documents ({:.0} MB of search pages) from {} threads in {:.2} s wall",
        bytes as f64 / 1e6,
        2 * a.threads,
        fed.as_secs_f64()
    );
    println!(
        "parse + hash + bucket: {:.2} s of CPU time = {:.0} documents/s per core ({:.0} MB/s per core)",
        busy.as_secs_f64(),
        total as f64 / busy.as_secs_f64(),
        bytes as f64 / 1e6 / busy.as_secs_f64()
    );
    println!(
        "spilled {:.1} MB; compare: {} buckets drilled, {} differing named, in {:.3} s",
        spilled as f64 / 1e6,
        diff.buckets_drilled,
        diff.differing.count,
        compared.as_secs_f64()
    );
    let expected = if every == 0 {
        0
    } else {
        (0..a.docs).filter(|i| i % every == every / 2).count() as u64
    };
    assert_eq!(
        diff.differing.count, expected,
        "the differing documents named"
    );
    assert_eq!(diff.failures(), expected);
}
