//! Checkpoint overhead: 1,000 step transitions committed through the object backend on a real S3
//! server (SeaweedFS on loopback) against the local file backend (fsynced journal appends).
//!
//! - `file/1000x1`, `object/1000x1`: one transition per commit (the executor's worst case, when
//!   steps finish one at a time).
//! - `object/50x20`: the same 1,000 transitions in 50 commits of 20, as the executor's writer
//!   group-commits transitions that arrive while the previous commit is in flight.
//!
//! Each iteration starts from a fresh state (new plan name or directory). Run:
//! `cargo bench -p migrate-state-remote --bench checkpoint` (needs `cargo xtask services`).

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use migrate_state::{Changes, FileStore, State, StateStore, StepStatus};
use migrate_state_remote::ObjectStateStore;
use migrate_test_support::S3Server;

const TRANSITIONS: usize = 1000;

/// Commits `TRANSITIONS` transitions, `per_commit` in each commit.
fn checkpoint(store: &dyn StateStore, mut state: State, per_commit: usize) -> State {
    let ids: Vec<String> = (0..TRANSITIONS / 2)
        .map(|i| format!("copy/index-{i}"))
        .collect();
    let mut batch = Vec::with_capacity(per_commit);
    for t in 0..TRANSITIONS {
        // Each step goes running → done: two transitions.
        let id = &ids[t / 2];
        let step = state.step_mut(id);
        step.status = if t % 2 == 0 {
            StepStatus::Running
        } else {
            StepStatus::Done
        };
        step.attempts = 1;
        batch.push(id.clone());
        if batch.len() == per_commit {
            state.serial += 1;
            store.commit(&state, Changes::Steps(&batch)).unwrap();
            batch.clear();
        }
    }
    state
}

fn fresh(store: &dyn StateStore, plan: &str) -> State {
    let state = State::new(plan);
    store.commit(&state, Changes::All).unwrap();
    state
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = S3Server::start("bench-key", "bench-secret").await.unwrap();
        server.create_bucket("bench").await.unwrap();
        server
    });
    let spec = server.spec("bench", "");
    let plans = AtomicU64::new(0);
    let next_plan = || format!("bench-{}", plans.fetch_add(1, Ordering::Relaxed));

    let mut group = c.benchmark_group("checkpoint");
    group.sample_size(10);
    group.bench_function("file/1000x1", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = FileStore::new(dir.path().join(".migrate"), "bench").unwrap();
                let state = fresh(&store, "bench");
                (dir, store, state)
            },
            |(dir, store, state)| {
                checkpoint(&store, state, 1);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    for (name, per_commit) in [("object/1000x1", 1), ("object/50x20", 20)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let plan = next_plan();
                    let store = ObjectStateStore::open(&spec, "bench", &plan).unwrap();
                    let state = fresh(&store, &plan);
                    (store, state)
                },
                |(store, state)| {
                    checkpoint(&store, state, per_commit);
                    store
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
