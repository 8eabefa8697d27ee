//! The dry run of a 5,000-index plan: compiling it to its DAG, rendering it in every format, and
//! both together, which is what `migrate plan --dry-run` does after loading the plan (goal: the sum
//! under 150 ms in every format).
//!
//! `render-*` and `dry-run-*` stream the output the way `migrate plan` writes stdout (into a sink
//! here, so no disk or terminal is measured); `render-*-string` builds the whole output as one
//! `String` (55 MB of JSON for the snapshot plan), which adds the first touch of every page of it.
//! Peak memory at 50,000 indexes is measured by `examples/dry_run_rss.rs` (not a timing).

#[path = "../tests/it/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use migrate_graph::{Format, compile_blueprint, render, render_to};

fn bench(c: &mut Criterion) {
    let names: Vec<String> = (0..5000).map(|i| format!("logs-{i:05}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    for (strategy, bp) in [
        ("snapshot", common::snapshot_plan(&refs)),
        ("reindex", common::reindex_plan(&refs)),
    ] {
        c.bench_function(&format!("compile/{strategy}/5000-indexes"), |b| {
            b.iter(|| compile_blueprint(&bp).expect("compiles"))
        });
        let g = compile_blueprint(&bp).expect("compiles");
        for format in Format::ALL {
            let name = format.as_str();
            c.bench_function(&format!("render-{name}/{strategy}/5000-indexes"), |b| {
                b.iter(|| render_to(&g, None, format, &mut std::io::sink()).expect("sink"))
            });
            c.bench_function(&format!("dry-run-{name}/{strategy}/5000-indexes"), |b| {
                b.iter(|| {
                    let g = compile_blueprint(&bp).expect("compiles");
                    render_to(&g, None, format, &mut std::io::sink()).expect("sink")
                })
            });
        }
        for format in [Format::Text, Format::Json] {
            c.bench_function(
                &format!("render-{}-string/{strategy}/5000-indexes", format.as_str()),
                |b| b.iter(|| render(&g, None, format)),
            );
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
