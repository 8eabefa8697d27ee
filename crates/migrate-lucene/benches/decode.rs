//! Decoding speed: every live document of an index, from files in memory (no disk in the loop).
//!
//! * `committed/<fixture>`: the small committed fixtures (Lucene 8 BEST_SPEED and 9
//!   BEST_COMPRESSION), always present.
//! * `large`: the index `fixtures/gen.sh large <N>` writes to `target/lucene-fixtures/large-<N>`
//!   (~1 KB JSON documents, BEST_SPEED, soft deletes); the newest such directory is used, or
//!   `$MIGRATE_LUCENE_LARGE_FIXTURE`. Skipped, with a message, when absent.
//!
//! `cargo bench -p migrate-lucene --bench decode`; throughput is reported in documents/s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use migrate_lucene::{MemoryDirectory, Shard};

fn count_documents(dir: &Arc<MemoryDirectory>) -> u64 {
    let shard = Shard::open(dir.clone()).expect("open");
    let mut n = 0u64;
    for doc in shard.documents() {
        let doc = doc.expect("document");
        n += 1;
        std::hint::black_box(doc);
    }
    n
}

fn bench_index(c: &mut Criterion, name: &str, path: &Path, samples: usize) {
    let dir = Arc::new(MemoryDirectory::read_from(path).expect("read fixture"));
    let docs = count_documents(&dir);
    // The report names how many live documents were decoded per iteration.
    eprintln!("{name}: {} ({docs} live documents)", path.display());
    let mut group = c.benchmark_group("decode");
    group.sample_size(samples);
    group.throughput(Throughput::Elements(docs));
    group.bench_function(name, |b| b.iter(|| count_documents(&dir)));
    group.finish();
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn large_fixture() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MIGRATE_LUCENE_LARGE_FIXTURE") {
        return Some(PathBuf::from(path));
    }
    let root = crate_dir().join("../../target/lucene-fixtures");
    let mut found: Vec<(u64, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| {
            let path = e.ok()?.path();
            let n = path
                .file_name()?
                .to_str()?
                .strip_prefix("large-")?
                .parse()
                .ok()?;
            Some((n, path.join("index")))
        })
        .filter(|(_, p)| p.is_dir())
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

fn decode(c: &mut Criterion) {
    for fixture in ["lucene8-best-speed", "lucene9-best-compression-compound"] {
        let path = crate_dir()
            .join("fixtures/generated")
            .join(fixture)
            .join("index");
        bench_index(c, &format!("committed/{fixture}"), &path, 30);
    }
    match large_fixture() {
        Some(path) => bench_index(c, "large", &path, 10),
        None => eprintln!(
            "skipping the large benchmark: no target/lucene-fixtures/large-<N> \
             (write one with `crates/migrate-lucene/fixtures/gen.sh large 1000000`)"
        ),
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
