//! Loading + validating a plan with 5,000 index entries (names, renames and patterns with excludes):
//! the goal is well under 100 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use migrate_plan::{LoadOptions, load_str};

fn plan_with(entries: usize) -> String {
    let mut text = String::from(
        "version: 1
name: bench
source:
  url: http://10.0.0.1:9200
  auth: { basic: { username: u, password: { env: SOURCE_PASSWORD } } }
destination:
  url: https://10.0.0.2:9200
  auth: { basic: { username: elastic, password: { env: DEST_PASSWORD } } }
indexes:
",
    );
    for i in 0..entries {
        match i % 3 {
            0 => text.push_str(&format!("  - index-{i:05}\n")),
            1 => text.push_str(&format!(
                "  - {{ name: index-{i:05}, destination: renamed-{i:05} }}\n"
            )),
            _ => text.push_str(&format!(
                "  - {{ name: \"logs-{i:05}-*\", exclude: [\"logs-{i:05}-debug\"] }}\n"
            )),
        }
    }
    text.push_str(
        "strategy:
  reindex:
    remote_host: http://10.0.0.1:9200
    update_field: update_time
    incremental_passes: 2
cutover: { approved: false }
verify: { doc_count: true, health: green }
",
    );
    text
}

fn bench(c: &mut Criterion) {
    let text = plan_with(5_000);
    let opts = LoadOptions::default();
    // Warm the schema and validator caches once, as a process does on its first load.
    let loaded = load_str("bench.yaml", &text, &opts).expect("bench plan is valid");
    assert_eq!(loaded.plan.indexes.len(), 5_000);
    c.bench_function("load_and_validate_5000_indexes", |b| {
        b.iter(|| load_str("bench.yaml", std::hint::black_box(&text), &opts).expect("valid"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
