//! The executor against test-only runners: parallelism, retries, resume, invalidation, gates,
//! cancellation and re-attach, locks and refused states.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{Script, dag, strings};
use async_trait::async_trait;
use migrate_exec::{
    Event, EventLog, ExecConfig, ExecError, Executor, Outcome, RetryPolicy, RunOutcome, Runner,
    StepCtx, StepError, exit_code,
};
use migrate_state::{FileStore, LockInfo, StateStore, StepStatus};
use serde_json::json;
use tokio::sync::{Notify, Semaphore};

fn file_store(dir: &tempfile::TempDir) -> Arc<dyn StateStore> {
    Arc::new(FileStore::new(dir.path().join(".migrate"), "test-plan").unwrap())
}

fn config(parallelism: usize) -> ExecConfig {
    ExecConfig {
        parallelism,
        retry: RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        },
        jitter_seed: Some(42),
        ..ExecConfig::default()
    }
}

fn executor(
    d: &migrate_exec::Dag,
    runner: Arc<dyn Runner>,
    store: &Arc<dyn StateStore>,
    events: &Arc<EventLog>,
) -> Executor {
    Executor::new("test-plan", d.clone(), runner, store.clone())
        .with_config(config(4))
        .with_events(events.clone())
}

/// Counts steps working at once; each waits for a permit the test hands out.
struct Gauge {
    current: AtomicUsize,
    max: AtomicUsize,
    finished: AtomicUsize,
    release: Semaphore,
    changed: Notify,
}

#[async_trait]
impl Runner for Gauge {
    async fn run(&self, _: usize, _: &mut StepCtx) -> Result<Outcome, StepError> {
        let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        self.changed.notify_waiters();
        self.release.acquire().await.unwrap().forget();
        self.current.fetch_sub(1, Ordering::SeqCst);
        self.finished.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
        Ok(Outcome::done())
    }
}

impl Gauge {
    async fn wait_for(&self, finished: usize, current: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if self.finished.load(Ordering::SeqCst) == finished
                && self.current.load(Ordering::SeqCst) == current
            {
                return;
            }
            tokio::select! {
                () = notified => {}
                () = tokio::time::sleep_until(deadline) => panic!(
                    "timed out waiting for {finished} finished and {current} running (have {} and {})",
                    self.finished.load(Ordering::SeqCst), self.current.load(Ordering::SeqCst)
                ),
            }
        }
    }
}

#[tokio::test]
async fn the_parallelism_limit_is_reached_and_never_exceeded() {
    let nodes: Vec<(String, Vec<usize>)> = (0..10).map(|i| (format!("s{i}"), vec![])).collect();
    let refs: Vec<(&str, &[usize])> = nodes
        .iter()
        .map(|(i, d)| (i.as_str(), d.as_slice()))
        .collect();
    let d = dag(&refs);
    let gauge = Arc::new(Gauge {
        current: AtomicUsize::new(0),
        max: AtomicUsize::new(0),
        finished: AtomicUsize::new(0),
        release: Semaphore::new(0),
        changed: Notify::new(),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let run = tokio::spawn(
        Executor::new("test-plan", d, gauge.clone(), store)
            .with_config(config(3))
            .run(),
    );
    for k in 0..10 {
        gauge.wait_for(k, 3.min(10 - k)).await;
        assert!(gauge.max.load(Ordering::SeqCst) <= 3);
        gauge.release.add_permits(1);
    }
    let summary = run.await.unwrap().unwrap();
    assert_eq!(summary.done, 10);
    assert_eq!(gauge.max.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn retryable_errors_are_retried_with_backoff_and_permanent_ones_are_not() {
    // flaky fails twice then works; broken fails permanently; its child never starts; tired never works.
    let d = dag(&[
        ("flaky", &[]),
        ("broken", &[]),
        ("child", &[1]),
        ("tired", &[]),
    ]);
    let script = Script::new(&d, |id, n| match id {
        "flaky" if n <= 2 => Err(StepError::retryable(format!(
            "503 Service Unavailable ({n})"
        ))),
        "broken" => Err(StepError::permanent(
            "400 mapper_parsing_exception: bad field",
        )),
        "tired" => Err(StepError::retryable("connection reset")),
        _ => Ok(Outcome::done()),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let events = Arc::new(EventLog::new());
    let summary = executor(&d, script.clone(), &store, &events)
        .run()
        .await
        .unwrap();

    assert_eq!(script.calls_of("flaky"), 3);
    assert_eq!(script.calls_of("broken"), 1);
    assert_eq!(script.calls_of("child"), 0);
    assert_eq!(script.calls_of("tired"), 4, "max_attempts");
    assert_eq!(summary.outcome(), RunOutcome::Failed);
    assert_eq!(exit_code(&Ok(summary.clone())), 1);
    let failed: Vec<(&str, &str)> = summary
        .failed
        .iter()
        .map(|f| (f.id.as_str(), f.message.as_str()))
        .collect();
    assert!(failed.contains(&("broken", "400 mapper_parsing_exception: bad field")));
    assert!(failed.contains(&("tired", "connection reset (gave up after 4 attempts)")));
    assert_eq!(summary.not_started, strings(&["child"]));

    let policy = config(4).retry;
    let retries: Vec<(String, u32, Duration)> = events
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::StepRetrying {
                id, attempt, delay, ..
            } => Some((id, attempt, delay)),
            _ => None,
        })
        .collect();
    let of = |id: &str| retries.iter().filter(|r| r.0 == id).count();
    assert_eq!((of("flaky"), of("broken"), of("tired")), (2, 0, 3));
    for (_, attempt, delay) in &retries {
        assert!(
            *delay <= policy.ceiling(*attempt),
            "{delay:?} after attempt {attempt}"
        );
    }
    let state = store.load().unwrap().unwrap();
    assert_eq!(state.step("flaky").unwrap().attempts, 3);
    assert_eq!(state.step("flaky").unwrap().status, StepStatus::Done);
    assert_eq!(state.step("broken").unwrap().status, StepStatus::Failed);
    assert_eq!(
        state.step("tired").unwrap().error.as_deref(),
        Some("connection reset (gave up after 4 attempts)")
    );
}

#[tokio::test]
async fn a_resumed_run_runs_only_the_failed_step_and_its_descendants() {
    // a → b → c, d independent; b fails the first time.
    let d = dag(&[("a", &[]), ("b", &[0]), ("c", &[1]), ("d", &[])]);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let events = Arc::new(EventLog::new());
    let first = Script::new(&d, |id, _| match id {
        "b" => Err(StepError::permanent("index [b] already exists")),
        _ => Ok(Outcome::Done {
            outputs: json!({"docs": 3}),
        }),
    });
    let summary = executor(&d, first.clone(), &store, &events)
        .run()
        .await
        .unwrap();
    assert_eq!(first.ran(), strings(&["a", "b", "d"]));
    assert_eq!(summary.not_started, strings(&["c"]));

    let second = Script::all_done(&d);
    let summary = executor(&d, second.clone(), &store, &events)
        .run()
        .await
        .unwrap();
    assert_eq!(second.ran(), strings(&["b", "c"]));
    assert_eq!((summary.done, summary.skipped), (2, 2));
    assert_eq!(summary.outcome(), RunOutcome::Complete);
    let state = store.load().unwrap().unwrap();
    assert_eq!(
        state.step("b").unwrap().attempts,
        2,
        "attempts count across runs"
    );
    assert_eq!(state.step("a").unwrap().outputs, Some(json!({"docs": 3})));

    // Nothing left: a third run runs nothing.
    let third = Script::all_done(&d);
    let summary = executor(&d, third.clone(), &store, &events)
        .run()
        .await
        .unwrap();
    assert!(third.ran().is_empty());
    assert_eq!(summary.skipped, 4);
}

#[tokio::test]
async fn a_changed_fingerprint_reruns_exactly_that_step_and_its_descendants() {
    let nodes: &[(&str, &[usize])] = &[
        ("a", &[]),
        ("b", &[0]),
        ("c", &[1]),
        ("d", &[1]),
        ("e", &[0]),
        ("f", &[]),
    ];
    let d = dag(nodes);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let events = Arc::new(EventLog::new());
    executor(&d, Script::all_done(&d), &store, &events)
        .run()
        .await
        .unwrap();

    let mut changed: Vec<migrate_exec::DagNode> = d.nodes().to_vec();
    changed[1].fingerprint = "fp-b-v2".into();
    let d2 = migrate_exec::Dag::new(changed).unwrap();
    // What the dry-run would say agrees with what apply does.
    let before = store.load().unwrap();
    let resolved = migrate_exec::resolve(&d2, before.as_ref());
    assert_eq!(resolved.remaining(), 3);
    let events = Arc::new(EventLog::new());
    let script = Script::all_done(&d2);
    executor(&d2, script.clone(), &store, &events)
        .run()
        .await
        .unwrap();
    assert_eq!(script.ran(), strings(&["b", "c", "d"]));
    let invalidated = events.events().into_iter().find_map(|e| match e {
        Event::RunStarted { invalidated, .. } => Some(invalidated),
        _ => None,
    });
    assert_eq!(invalidated, Some(strings(&["b", "c", "d"])));
    let state = store.load().unwrap().unwrap();
    assert_eq!(
        state.step("b").unwrap().fingerprint.as_deref(),
        Some("fp-b-v2")
    );
}

#[tokio::test]
async fn a_gate_stops_its_branch_and_the_run_ends_blocked_with_exit_0() {
    let d = dag(&[
        ("copy", &[]),
        ("cutover/gate", &[0]),
        ("cutover/switch", &[1]),
        ("other", &[]),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let events = Arc::new(EventLog::new());
    let message =
        "cutover is not approved: set `cutover.approved: true` in the plan and run apply again";
    let gate = Script::new(&d, move |id, _| match id {
        "cutover/gate" => Ok(Outcome::Blocked {
            message: message.into(),
        }),
        _ => Ok(Outcome::done()),
    });
    let result = executor(&d, gate.clone(), &store, &events).run().await;
    let summary = result.as_ref().unwrap();
    assert_eq!(summary.outcome(), RunOutcome::Blocked);
    assert_eq!(exit_code(&result), 0);
    assert_eq!(summary.blocked[0].message, message);
    assert_eq!(summary.not_started, strings(&["cutover/switch"]));
    assert_eq!(gate.ran(), strings(&["copy", "cutover/gate", "other"]));
    let state = store.load().unwrap().unwrap();
    assert_eq!(
        state.step("cutover/gate").unwrap().status,
        StepStatus::Blocked
    );

    // Approved: the gate passes and the run continues from there.
    let approved = Script::all_done(&d);
    let result = executor(&d, approved.clone(), &store, &events).run().await;
    assert_eq!(result.unwrap().outcome(), RunOutcome::Complete);
    assert_eq!(approved.ran(), strings(&["cutover/gate", "cutover/switch"]));
}

/// Records a handle, "acts" once, then waits until cancelled; re-attaches when it has a handle.
struct LongTask {
    acts: AtomicUsize,
    reattached: AtomicUsize,
    waiting: Notify,
}

#[async_trait]
impl Runner for LongTask {
    async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
        if node == 1 {
            assert_eq!(
                ctx.output_of("reindex/movies"),
                Some(&json!({"task": "node-1:42", "docs": 10}))
            );
            return Ok(Outcome::done());
        }
        if let Some(h) = ctx.handle() {
            assert_eq!(h, &json!({"task": "node-1:42"}));
            self.reattached.fetch_add(1, Ordering::SeqCst);
            return Ok(Outcome::Done {
                outputs: json!({"task": "node-1:42", "docs": 10}),
            });
        }
        ctx.record_handle(json!({"task": "node-1:42"})).await?;
        self.acts.fetch_add(1, Ordering::SeqCst);
        self.waiting.notify_one();
        ctx.cancel_token().cancelled().await;
        Err(StepError::retryable(
            "interrupted while waiting for task node-1:42",
        ))
    }
}

#[tokio::test]
async fn cancellation_checkpoints_and_the_next_run_reattaches_instead_of_acting_again() {
    let d = dag(&[("reindex/movies", &[]), ("verify/movies", &[0])]);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let runner = Arc::new(LongTask {
        acts: AtomicUsize::new(0),
        reattached: AtomicUsize::new(0),
        waiting: Notify::new(),
    });
    let cancel = tokio_util::sync::CancellationToken::new();
    let events = Arc::new(EventLog::new());
    let run = tokio::spawn(
        executor(&d, runner.clone(), &store, &events)
            .with_cancel(cancel.clone())
            .run(),
    );
    runner.waiting.notified().await;
    cancel.cancel();
    let result = run.await.unwrap();
    assert_eq!(exit_code(&result), 130);
    let summary = result.unwrap();
    assert!(summary.interrupted);
    assert_eq!(summary.not_started, strings(&["verify/movies"]));
    let state = store.load().unwrap().unwrap();
    let rec = state.step("reindex/movies").unwrap();
    assert_eq!(rec.status, StepStatus::Running);
    assert_eq!(rec.handle, Some(json!({"task": "node-1:42"})));
    assert!(events.events().contains(&Event::StepInterrupted {
        id: "reindex/movies".into()
    }));
    assert_eq!(store.read_lock().unwrap(), None, "the lock is released");

    let result = executor(&d, runner.clone(), &store, &events).run().await;
    assert_eq!(result.unwrap().outcome(), RunOutcome::Complete);
    assert_eq!(runner.acts.load(Ordering::SeqCst), 1);
    assert_eq!(runner.reattached.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn outputs_of_ancestors_are_visible_to_later_steps() {
    struct Reader;
    #[async_trait]
    impl Runner for Reader {
        async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
            match node {
                0 => Ok(Outcome::Done {
                    outputs: json!({"started_at": 1700}),
                }),
                1 => Ok(Outcome::done()),
                _ => {
                    let since = ctx
                        .output_of("pass-1")
                        .and_then(|o| o["started_at"].as_u64());
                    assert_eq!(ctx.output_of("mid"), Some(&serde_json::Value::Null));
                    assert_eq!(ctx.output_of("unrelated"), None);
                    Ok(Outcome::Done {
                        outputs: json!({"since": since}),
                    })
                }
            }
        }
    }
    let d = dag(&[
        ("pass-1", &[]),
        ("mid", &[0]),
        ("pass-2", &[1]),
        ("unrelated", &[]),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let events = Arc::new(EventLog::new());
    let d3 = dag(&[("pass-1", &[]), ("mid", &[0]), ("pass-2", &[1])]);
    executor(&d3, Arc::new(Reader), &store, &events)
        .run()
        .await
        .unwrap();
    let state = store.load().unwrap().unwrap();
    assert_eq!(
        state.step("pass-2").unwrap().outputs,
        Some(json!({"since": 1700}))
    );
    drop(d);
}

#[tokio::test]
async fn a_held_lock_is_a_distinct_error_with_exit_3() {
    let d = dag(&[("a", &[])]);
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(&dir);
    let held = store.lock(LockInfo::current("apply")).unwrap().info;
    let script = Script::all_done(&d);
    let events = Arc::new(EventLog::new());
    let result = executor(&d, script.clone(), &store, &events).run().await;
    assert_eq!(exit_code(&result), 3);
    let err = result.unwrap_err();
    assert!(matches!(err, ExecError::Locked(_)));
    assert!(
        err.to_string()
            .contains(&format!("run `migrate state unlock {}`", held.id)),
        "{err}"
    );
    assert!(script.ran().is_empty());
    assert_eq!(
        store.read_lock().unwrap(),
        Some(held),
        "someone else's lock is left alone"
    );
}

#[tokio::test]
async fn a_state_from_a_newer_migrate_is_refused_and_left_untouched() {
    let d = dag(&[("a", &[])]);
    let dir = tempfile::tempdir().unwrap();
    let file = FileStore::new(dir.path().join(".migrate"), "test-plan").unwrap();
    std::fs::create_dir_all(dir.path().join(".migrate")).unwrap();
    let newer = r#"{"format_version": 9, "lineage": "00000000-0000-0000-0000-000000000000", "serial": 3, "plan_name": "test-plan", "steps": {}}"#;
    std::fs::write(file.state_path(), newer).unwrap();
    let path = file.state_path().to_owned();
    let store: Arc<dyn StateStore> = Arc::new(file);
    let script = Script::all_done(&d);
    let events = Arc::new(EventLog::new());
    let result = executor(&d, script.clone(), &store, &events).run().await;
    assert_eq!(exit_code(&result), 2);
    assert_eq!(
        result.unwrap_err().to_string(),
        format!(
            "state file `{}` was written by a newer migrate (state format 9; this migrate reads up to 1); upgrade migrate to use this state",
            path.display()
        )
    );
    assert!(script.ran().is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
    assert_eq!(store.read_lock().unwrap(), None);
}

#[tokio::test]
async fn transitions_are_durable_before_their_events() {
    // Every StepDone event is emitted only once a fresh reader of the files sees the step done.
    let d = dag(&[("a", &[]), ("b", &[0]), ("c", &[])]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".migrate");
    let store: Arc<dyn StateStore> = Arc::new(FileStore::new(&path, "test-plan").unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let sink = migrate_exec::FnSink(move |e: &Event| {
        if let Event::StepDone { id, .. } = e {
            let state = FileStore::new(&path, "test-plan")
                .unwrap()
                .load()
                .unwrap()
                .unwrap();
            seen2
                .lock()
                .unwrap()
                .push((id.clone(), state.step(id).map(|s| s.status)));
        }
    });
    Executor::new("test-plan", d.clone(), Script::all_done(&d), store)
        .with_events(Arc::new(sink))
        .run()
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|(_, s)| *s == Some(StepStatus::Done)),
        "{seen:?}"
    );
}
