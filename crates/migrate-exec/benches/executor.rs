//! The executor's own overhead: 10,000 no-op steps with file checkpointing (every transition
//! durable), and resuming a finished 10,000-step state. Goals: < 2 s and < 100 ms.
//!
//! The DAG is 100 independent chains of 100 steps (per-index chains, as plans compile to),
//! parallelism 8, the default retry policy, a `FileStore` in a temporary directory.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use migrate_exec::{Dag, DagNode, ExecConfig, Executor, Outcome, Runner, StepCtx, StepError};
use migrate_state::{FileStore, StateStore};

const CHAINS: usize = 100;
const LEN: usize = 100;

struct NoOp;

#[async_trait]
impl Runner for NoOp {
    async fn run(&self, _: usize, _: &mut StepCtx) -> Result<Outcome, StepError> {
        Ok(Outcome::done())
    }
}

fn dag() -> Dag {
    let mut nodes = Vec::with_capacity(CHAINS * LEN);
    for c in 0..CHAINS {
        for s in 0..LEN {
            let deps = if s == 0 {
                vec![]
            } else {
                vec![nodes.len() - 1]
            };
            nodes.push(DagNode::new(
                format!("step/index-{c}/pass-{s}"),
                format!("{:064x}", c * LEN + s),
                deps,
            ));
        }
    }
    Dag::new(nodes).unwrap()
}

fn run(rt: &tokio::runtime::Runtime, dag: &Dag, dir: &std::path::Path) -> migrate_exec::RunSummary {
    let store: Arc<dyn StateStore> =
        Arc::new(FileStore::new(dir.join(".migrate"), "bench").unwrap());
    rt.block_on(
        Executor::new("bench", dag.clone(), Arc::new(NoOp), store)
            .with_config(ExecConfig {
                parallelism: 8,
                ..ExecConfig::default()
            })
            .run(),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dag = dag();
    let mut group = c.benchmark_group("executor");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("apply 10k no-op steps (file checkpoints)", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let summary = run(&rt, &dag, dir.path());
                assert_eq!(summary.done, CHAINS * LEN);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    let done = tempfile::tempdir().unwrap();
    run(&rt, &dag, done.path());
    group.bench_function("resume a finished 10k-step state", |b| {
        b.iter(|| {
            let summary = run(&rt, &dag, done.path());
            assert_eq!(summary.skipped, CHAINS * LEN);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
