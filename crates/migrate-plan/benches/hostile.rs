//! Loading and rendering the hostile-input campaign's flow collections of 4–8 MB (one line each):
//! the goal is well under 2 s for each, with output under 1 MB (the campaign asserts the size).

use criterion::{Criterion, criterion_group, criterion_main};
use migrate_plan::{LoadOptions, RenderOptions, load_str, render};

#[path = "../tests/it/hostile.rs"]
#[allow(dead_code)]
mod hostile;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for (what, text) in hostile::big_flows() {
        group.bench_function(what.as_str(), |b| {
            b.iter(|| {
                let shown = match load_str(
                    "big.yaml",
                    std::hint::black_box(&text),
                    &LoadOptions::default(),
                ) {
                    Ok(loaded) => render(&loaded.warnings, &RenderOptions::plain()),
                    Err(d) => render(&d, &RenderOptions::plain()),
                };
                assert!(shown.len() < 1024 * 1024);
                shown.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
