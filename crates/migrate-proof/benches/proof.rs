//! Criterion benches of the proof: the canonical hash of one ~1 KB `_source`, feeding a page of
//! 1,000 hits, and comparing 100,000 documents per side clean and with 1,000 differing (the
//! drill-down). The whole-process figure (1M per side, peak RSS) is the `proof_1m` example.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use migrate_proof::{Findings, NoDeadLetters, Proof, ProofConfig, source_hash};

mod generate;

fn hashing(c: &mut Criterion) {
    let mut doc = String::new();
    generate::source(&mut doc, 123_456, false);
    let mut g = c.benchmark_group("canonical");
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.bench_function("source_hash of a 1 KB document", |b| {
        b.iter(|| source_hash(black_box(doc.as_bytes())).unwrap())
    });
    g.bench_function("serde_json skipping the same document (floor)", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde::de::IgnoredAny>(black_box(doc.as_bytes())).unwrap()
        })
    });
    g.finish();

    let mut page = String::new();
    generate::page(&mut page, 0, 1_000, |_| false);
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let mut g = c.benchmark_group("feed");
    g.throughput(Throughput::Elements(1_000));
    g.bench_function("add_page of 1000 hits", |b| {
        b.iter_batched_ref(
            || proof.source().slice(),
            |slice| slice.add_page(black_box(page.as_bytes())).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// A proof with `n` documents fed on each side, `differing` of them changed on the destination.
fn fed(dir: &std::path::Path, n: u64, differing: u64) -> Proof {
    let proof = Proof::new(ProofConfig::default(), dir).unwrap();
    let every = n.checked_div(differing).unwrap_or(0);
    let mut page = String::new();
    for (side, changed) in [(proof.source(), 0), (proof.destination(), every)] {
        let mut slice = side.slice();
        for from in (0..n).step_by(1_000) {
            generate::page(&mut page, from, from + 1_000, |i| {
                changed > 0 && i % changed == 0
            });
            slice.add_page(page.as_bytes()).unwrap();
        }
        slice.commit().unwrap();
    }
    proof
}

fn comparing(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("compare 100k per side");
    g.sample_size(10);
    for differing in [0u64, 1_000] {
        g.bench_function(format!("{differing} differing"), |b| {
            b.iter_batched(
                || fed(dir.path(), 100_000, differing),
                |proof| {
                    let mut findings = Findings::new(std::io::sink(), 5);
                    let diff = proof
                        .compare("bench", &mut findings, &NoDeadLetters)
                        .unwrap();
                    assert_eq!(diff.differing.count, differing);
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, hashing, comparing);
criterion_main!(benches);
