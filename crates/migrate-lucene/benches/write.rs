//! Writing speed: 100,000 documents of about 1 KB (JSON `_source`, Elasticsearch-style ids) into
//! one segment and a commit, in memory, for each format. Throughput is reported in documents/s.
//!
//! `cargo bench -p migrate-lucene --bench write`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use migrate_lucene::write::{IdEncoding, IndexWriter, Layout, LuceneFormat, NewDocument};

const DOCS: usize = 100_000;

/// About 1 KB of JSON with some repetition across documents, like log or catalogue data.
fn source(i: usize) -> Vec<u8> {
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    ];
    let mut text = String::new();
    let mut x = i as u64 ^ 0x9e37_79b9;
    while text.len() < 880 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        text.push_str(words[(x >> 61) as usize]);
        text.push(' ');
    }
    format!(
        "{{\"id\":{i},\"title\":\"document number {i}\",\"year\":{},\"tags\":[\"t{}\",\"t{}\"],\"body\":\"{text}\"}}",
        1900 + i % 120,
        i % 17,
        i % 5
    )
    .into_bytes()
}

fn write(format: LuceneFormat, ids: &[String], sources: &[Vec<u8>]) -> usize {
    let mut writer = IndexWriter::seeded(
        Layout {
            format,
            ids: IdEncoding::Id,
        },
        1,
    );
    for (id, source) in ids.iter().zip(sources) {
        writer
            .add(NewDocument {
                id,
                doc_type: None,
                routing: None,
                source: Some(source),
            })
            .expect("add");
    }
    let commit = writer.commit(&[]).expect("commit");
    commit.files().iter().map(|f| f.bytes.len()).sum()
}

fn bench(c: &mut Criterion) {
    let ids: Vec<String> = (0..DOCS)
        .map(|i| format!("Xk9fZ3QB{:012}", i * 7919))
        .collect();
    let sources: Vec<Vec<u8>> = (0..DOCS).map(source).collect();
    let bytes: usize = sources.iter().map(Vec::len).sum();
    eprintln!("{DOCS} documents, {} bytes of _source", bytes);
    let mut group = c.benchmark_group("write");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DOCS as u64));
    for format in [
        LuceneFormat::Lucene6,
        LuceneFormat::Lucene7,
        LuceneFormat::Lucene87,
        LuceneFormat::Lucene9,
    ] {
        let size = write(format, &ids, &sources);
        eprintln!("{format}: {size} bytes written");
        group.bench_function(format.codec(), |b| b.iter(|| write(format, &ids, &sources)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
