//! Reading and writing real repository blobs: the 31 KB global metadata of ES 7.10 (832 distinct
//! property names, so the shared-name window works hard) and a 6.8 shard `index-<gen>`, decoded
//! into their models and written back. Goal: under a millisecond each, so metadata is never
//! the bottleneck of a restore or a reindex from snapshot.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use migrate_repo::compress::Compression;
use migrate_repo::model::{ChecksumBlob, GlobalMetadata, ShardSnapshots};

fn fixture(path: &str) -> Vec<u8> {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    std::fs::read(shared.join("fixtures/real-snapshots").join(path))
        .expect("the real snapshot fixtures")
}

fn blobs(c: &mut Criterion) {
    let meta = fixture("ES_7_10_Single/meta-7_1RHMshSc6c0cuzX1NCDg.dat");
    c.bench_function("read 31 KB global metadata (ES 7.10)", |b| {
        b.iter(|| GlobalMetadata::read("meta", &meta).expect("reads"))
    });
    let model = GlobalMetadata::read("meta", &meta).expect("reads");
    c.bench_function("write 31 KB global metadata (ES 7.10)", |b| {
        b.iter(|| model.write(Compression::None))
    });
    let index = fixture("ES_6_8_Single/indices/d3oMxx4IROOWpmPdoY9f_Q/0/index-1");
    c.bench_function("read a shard index-<gen> (ES 6.8, 11 files)", |b| {
        b.iter(|| ShardSnapshots::read("index-1", &index).expect("reads"))
    });
}

criterion_group!(benches, blobs);
criterion_main!(benches);
