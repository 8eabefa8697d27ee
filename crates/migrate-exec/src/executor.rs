//! The executor: resolves what to run from the state, runs ready steps concurrently under a limit,
//! checkpoints every transition through the writer, retries retryable errors, and stops cleanly.
//!
//! Flow of [`Executor::run`]:
//! 1. take the lock (held → [`ExecError::Locked`], exit 3); load the state;
//! 2. resolve with the dry-run's rule (`migrate_graph::Progress::resolve_nodes`): a done step
//!    with an unchanged fingerprint whose upstream stays done is skipped; everything else runs.
//!    Invalidated steps are reset to pending in one full commit before anything starts, so a crash
//!    cannot leave a stale `done` behind a re-run upstream;
//! 3. schedule: a step is ready when all its dependencies are done; ready steps start in plan
//!    order while a permit of the parallelism semaphore is free (the permit is held while the step
//!    works, not while its final checkpoint is flushed). Each step task runs attempts: `running`
//!    checkpointed, the runner called with the recorded handle, then `done`/`blocked`/`failed`
//!    checkpointed; retryable errors back off (exponential, full jitter, capped) and try again;
//! 4. a failed or blocked step's descendants never become ready; independent branches go on;
//! 5. cancellation (Ctrl-C): no new starts, running steps see their cancel token and return, their
//!    state stays `running` with the handle; after `cancel_grace` the rest are aborted;
//! 6. the writer compacts the state, the lock is released, the summary returned.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use migrate_graph::StepStatus as GraphStatus;
use migrate_state::{
    Changes, LockInfo, State, StateError, StateStore, StepStatus, lock as take_lock,
};
use rand::SeedableRng;
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::contract::{Outcome, Postconditions, ProgressSink, Runner, StepCtx, StepProgress};
use crate::dag::Dag;
use crate::event::{Event, EventSink, NoEvents};
use crate::recheck::recheck_done;
use crate::resolve::resolve;
use crate::retry::RetryPolicy;
use crate::summary::{RunSummary, StepMessage};
use crate::writer::{Update, Writer, WriterThread};

/// Execution knobs.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// Steps working at once (at least 1).
    pub parallelism: usize,
    pub retry: RetryPolicy,
    /// How long running steps get to return after cancellation before they are aborted.
    pub cancel_grace: Duration,
    /// Seed of the backoff jitter (`None`: from the OS).
    pub jitter_seed: Option<u64>,
    /// What the lock records as the operation.
    pub operation: String,
}

impl Default for ExecConfig {
    fn default() -> Self {
        ExecConfig {
            parallelism: 4,
            retry: RetryPolicy::default(),
            cancel_grace: Duration::from_secs(30),
            jitter_seed: None,
            operation: "apply".into(),
        }
    }
}

/// Why a run could not happen or could not be checkpointed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// Another run holds the lock (exit 3).
    #[error(transparent)]
    Locked(StateError),
    /// The state could not be read, written, or is refused.
    #[error(transparent)]
    State(StateError),
    /// The state's lineage is not the one the graph was compiled for (another run created the
    /// state in between); nothing ran.
    #[error(
        "the state now belongs to lineage {found}, but this run was compiled for lineage {expected} (another apply created the state meanwhile); nothing ran — run apply again"
    )]
    LineageMoved {
        expected: uuid::Uuid,
        found: uuid::Uuid,
    },
}

impl ExecError {
    /// 3 for a held lock, 2 for a state that is refused as it is (newer format, damaged), else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            ExecError::Locked(_) => 3,
            ExecError::State(e) if e.is_refused_state() => 2,
            ExecError::State(_) | ExecError::LineageMoved { .. } => 1,
        }
    }
}

impl From<StateError> for ExecError {
    fn from(e: StateError) -> Self {
        match e {
            StateError::LockHeld { .. } => ExecError::Locked(e),
            e => ExecError::State(e),
        }
    }
}

/// The exit code for a run's result: 0 complete or stopped at a gate, 1 failed, 130 interrupted,
/// 3 lock held, 2 state refused.
pub fn exit_code(result: &Result<RunSummary, ExecError>) -> u8 {
    match result {
        Ok(summary) => summary.exit_code(),
        Err(e) => e.exit_code(),
    }
}

/// Runs one plan's DAG against a state store.
pub struct Executor {
    plan_name: String,
    dag: Arc<Dag>,
    runner: Arc<dyn Runner>,
    postconditions: Option<Arc<dyn Postconditions>>,
    store: Arc<dyn StateStore>,
    config: ExecConfig,
    events: Arc<dyn EventSink>,
    cancel: CancellationToken,
    /// The lineage the graph was compiled for (its server-side names carry it), if any.
    lineage: Option<uuid::Uuid>,
}

/// How a step task ended.
enum StepEnd {
    Done(Value),
    Failed(String),
    Blocked(String),
    Interrupted,
    /// The state could not be written: the run stops.
    Checkpoint(String),
}

struct Task {
    node: usize,
    id: String,
    fingerprint: String,
    attempts_before: u32,
    handle: Option<Value>,
    outputs: Arc<BTreeMap<String, Value>>,
    runner: Arc<dyn Runner>,
    writer: Writer,
    progress: Arc<dyn ProgressSink>,
    retry: RetryPolicy,
    seed: u64,
    cancel: CancellationToken,
}

struct EventProgress(Arc<dyn EventSink>);

impl ProgressSink for EventProgress {
    fn report(&self, step_id: &str, progress: StepProgress) {
        self.0.emit(&Event::Progress {
            id: step_id.to_owned(),
            progress,
        });
    }

    fn notice(&self, step_id: &str, message: &str) {
        self.0.emit(&Event::StepNotice {
            id: step_id.to_owned(),
            message: message.to_owned(),
        });
    }
}

impl Executor {
    pub fn new(
        plan_name: impl Into<String>,
        dag: Dag,
        runner: Arc<dyn Runner>,
        store: Arc<dyn StateStore>,
    ) -> Self {
        Executor {
            plan_name: plan_name.into(),
            dag: Arc::new(dag),
            runner,
            postconditions: None,
            store,
            config: ExecConfig::default(),
            events: Arc::new(NoEvents),
            cancel: CancellationToken::new(),
            lineage: None,
        }
    }

    /// The lineage `dag` was compiled for: a fresh state gets it, and a state of another lineage
    /// is refused before anything runs.
    pub fn with_lineage(mut self, lineage: uuid::Uuid) -> Self {
        self.lineage = Some(lineage);
        self
    }

    pub fn with_config(mut self, config: ExecConfig) -> Self {
        self.config = config;
        self
    }

    pub fn with_events(mut self, events: Arc<dyn EventSink>) -> Self {
        self.events = events;
        self
    }

    /// Re-checks, before anything runs, that the done steps something pending depends on still
    /// hold in the world (see `recheck`).
    pub fn with_postconditions(mut self, checks: Arc<dyn Postconditions>) -> Self {
        self.postconditions = Some(checks);
        self
    }

    /// Cancelling this token (on Ctrl-C) stops the run cleanly with an interrupted result.
    pub fn with_cancel(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    /// Runs or resumes the plan.
    pub async fn run(self) -> Result<RunSummary, ExecError> {
        let guard = take_lock(
            &self.store,
            LockInfo::current(self.config.operation.clone()),
        )?;
        if let Some(previous) = guard.took_over() {
            self.events.emit(&Event::StaleLockTakenOver {
                previous: previous.clone(),
            });
        }
        let lock_id = guard.info().id.to_string();
        let result = self.run_locked(lock_id).await;
        let released = guard.release();
        let summary = result?;
        released?;
        self.events.emit(&Event::RunFinished {
            summary: summary.clone(),
        });
        Ok(summary)
    }

    async fn run_locked(&self, lock_id: String) -> Result<RunSummary, ExecError> {
        let dag = &self.dag;
        let loaded = self.store.load()?;
        let progress = resolve(dag, loaded.as_ref());
        let fresh = loaded.is_none();
        if let (Some(expected), Some(found)) = (self.lineage, loaded.as_ref().map(|s| s.lineage))
            && expected != found
        {
            return Err(ExecError::LineageMoved { expected, found });
        }
        let mut state = loaded.unwrap_or_else(|| match self.lineage {
            Some(l) => State::with_lineage(self.plan_name.clone(), l),
            None => State::new(self.plan_name.clone()),
        });

        // Make invalidations durable before anything runs.
        let mut changed = fresh;
        let plan_fingerprint = dag.fingerprint();
        if state.plan_fingerprint.as_deref() != Some(plan_fingerprint.as_str()) {
            state.plan_fingerprint = Some(plan_fingerprint);
            changed = true;
        }
        let mut skip: Vec<bool> = (0..dag.len())
            .map(|i| progress.status(i) == GraphStatus::Done)
            .collect();
        let mut invalidated = Vec::new();
        for (i, node) in dag.nodes().iter().enumerate() {
            if skip[i] {
                continue;
            }
            if progress.changed(i) {
                invalidated.push(node.id.clone());
            }
            if let Some(rec) = state.steps.get_mut(&node.id) {
                let inputs_changed = rec
                    .fingerprint
                    .as_deref()
                    .is_some_and(|f| f != node.fingerprint);
                if rec.status == StepStatus::Done || inputs_changed {
                    // The recorded effect or handle belongs to other inputs.
                    rec.status = StepStatus::Pending;
                    rec.outputs = None;
                    rec.handle = None;
                    changed = true;
                }
            }
        }
        // 2b. The record is not trusted over the world: re-check what pending steps build on.
        if let Some(checks) = &self.postconditions {
            let found = recheck_done(
                dag,
                checks.as_ref(),
                &mut state,
                &mut skip,
                self.events.as_ref(),
            )
            .await;
            if !found.broken.is_empty() {
                // Stop before anything starts; the state is left as it was.
                return Ok(RunSummary {
                    steps: dag.len(),
                    skipped: skip.iter().filter(|s| **s).count(),
                    failed: found.broken,
                    not_started: (0..dag.len())
                        .filter(|&i| !skip[i])
                        .map(|i| dag.node(i).id.clone())
                        .collect(),
                    ..RunSummary::default()
                });
            }
            changed |= !found.redo.is_empty();
        }
        if changed {
            state.serial += 1;
            self.store.commit(&state, Changes::All)?;
        }

        let to_run = skip.iter().filter(|s| !**s).count();
        self.events.emit(&Event::RunStarted {
            plan: self.plan_name.clone(),
            lock_id,
            steps: dag.len(),
            to_run,
            invalidated,
        });
        for (i, node) in dag.nodes().iter().enumerate() {
            if skip[i] {
                self.events.emit(&Event::StepSkipped {
                    id: node.id.clone(),
                });
            }
        }

        let mut summary = RunSummary {
            steps: dag.len(),
            skipped: dag.len() - to_run,
            ..RunSummary::default()
        };
        let mut outputs: Vec<Option<Value>> = dag
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| {
                skip[i].then(|| {
                    state
                        .step(&n.id)
                        .and_then(|r| r.outputs.clone())
                        .unwrap_or(Value::Null)
                })
            })
            .collect();
        let recorded: Vec<(u32, Option<Value>)> = dag
            .nodes()
            .iter()
            .map(|n| {
                state
                    .step(&n.id)
                    .map_or((0, None), |r| (r.attempts, r.handle.clone()))
            })
            .collect();

        let writer_thread = WriterThread::spawn(self.store.clone(), state, self.events.clone());
        let writer = writer_thread.writer();
        let progress_sink: Arc<dyn ProgressSink> = Arc::new(EventProgress(self.events.clone()));
        let mut seeds = match self.config.jitter_seed {
            Some(seed) => rand::rngs::StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };

        // Steps wait for their dependencies that run in this run.
        let mut waiting: Vec<usize> = dag
            .nodes()
            .iter()
            .map(|n| {
                let unique: BTreeSet<usize> =
                    n.deps.iter().copied().filter(|d| !skip[*d]).collect();
                unique.len()
            })
            .collect();
        let mut ready: BTreeSet<usize> = (0..dag.len())
            .filter(|&i| !skip[i] && waiting[i] == 0)
            .collect();
        let mut started = vec![false; dag.len()];
        let semaphore = Arc::new(Semaphore::new(self.config.parallelism.max(1)));
        let run_cancel = self.cancel.child_token();
        let mut tasks: JoinSet<StepEnd> = JoinSet::new();
        let mut task_nodes: HashMap<tokio::task::Id, usize> = HashMap::new();
        let mut stopping = false;
        let mut checkpoint_error: Option<String> = None;
        let grace = tokio::time::sleep(Duration::MAX / 4);
        tokio::pin!(grace);
        let mut grace_armed = false;

        loop {
            if ready.is_empty() && tasks.is_empty() {
                break;
            }
            if stopping && tasks.is_empty() {
                break;
            }
            tokio::select! {
                biased;
                () = self.cancel.cancelled(), if !stopping => {
                    stopping = true;
                    summary.interrupted = true;
                    run_cancel.cancel();
                    grace.as_mut().reset(tokio::time::Instant::now() + self.config.cancel_grace);
                    grace_armed = true;
                }
                () = &mut grace, if grace_armed => {
                    tasks.abort_all();
                    grace_armed = false;
                }
                Some(joined) = tasks.join_next_with_id() => {
                    let (node, end) = match joined {
                        Ok((id, end)) => (task_nodes.remove(&id), end),
                        Err(e) => {
                            let node = task_nodes.remove(&e.id());
                            let end = if e.is_cancelled() {
                                StepEnd::Interrupted
                            } else {
                                let message = "the step panicked (a bug in its implementation)".to_owned();
                                if let Some(n) = node {
                                    let _ = writer.commit(&dag.node(n).id, Update::Failed { error: message.clone() }).await;
                                }
                                StepEnd::Failed(message)
                            };
                            (node, end)
                        }
                    };
                    let Some(node) = node else { continue };
                    let id = dag.node(node).id.clone();
                    match end {
                        StepEnd::Done(out) => {
                            summary.done += 1;
                            outputs[node] = Some(out);
                            for &d in dag.dependents(node) {
                                waiting[d] -= 1;
                                if waiting[d] == 0 {
                                    ready.insert(d);
                                }
                            }
                        }
                        StepEnd::Failed(message) => summary.failed.push(StepMessage { id, message }),
                        StepEnd::Blocked(message) => summary.blocked.push(StepMessage { id, message }),
                        StepEnd::Interrupted => {}
                        StepEnd::Checkpoint(message) => {
                            checkpoint_error.get_or_insert(message);
                            stopping = true;
                            run_cancel.cancel();
                        }
                    }
                }
                permit = semaphore.clone().acquire_owned(), if !stopping && !ready.is_empty() => {
                    let Ok(permit) = permit else { break };
                    let Some(node) = ready.pop_first() else { continue };
                    started[node] = true;
                    let n = dag.node(node);
                    let ancestors: BTreeMap<String, Value> = dag
                        .ancestors(node)
                        .into_iter()
                        .filter_map(|a| outputs[a].clone().map(|o| (dag.node(a).id.clone(), o)))
                        .collect();
                    let task = Task {
                        node,
                        id: n.id.clone(),
                        fingerprint: n.fingerprint.clone(),
                        attempts_before: recorded[node].0,
                        handle: recorded[node].1.clone(),
                        outputs: Arc::new(ancestors),
                        runner: self.runner.clone(),
                        writer: writer.clone(),
                        progress: progress_sink.clone(),
                        retry: self.config.retry,
                        seed: rand::Rng::next_u64(&mut seeds),
                        cancel: run_cancel.child_token(),
                    };
                    let handle = tasks.spawn(task.drive(permit));
                    task_nodes.insert(handle.id(), node);
                }
            }
        }

        // Failed and blocked steps in the plan's order, not in the order they happened to end.
        let order: HashMap<&str, usize> = (0..dag.len())
            .map(|i| (dag.node(i).id.as_str(), i))
            .collect();
        let rank = |m: &StepMessage| order.get(m.id.as_str()).copied().unwrap_or(usize::MAX);
        summary.failed.sort_by_key(rank);
        summary.blocked.sort_by_key(rank);
        summary.not_started = (0..dag.len())
            .filter(|&i| !skip[i] && !started[i])
            .map(|i| dag.node(i).id.clone())
            .collect();
        drop(writer);
        let finished = writer_thread.finish().await;
        if let Some(message) = checkpoint_error {
            return Err(ExecError::State(StateError::Io {
                action: "checkpoint to",
                path: self.store.location().into(),
                source: std::io::Error::other(message),
            }));
        }
        finished?;
        Ok(summary)
    }
}

impl Task {
    async fn drive(self, permit: OwnedSemaphorePermit) -> StepEnd {
        let mut rng = rand::rngs::StdRng::seed_from_u64(self.seed);
        let mut handle = self.handle.clone();
        let mut tries = 0u32;
        let end = loop {
            tries += 1;
            let attempt = self.attempts_before + tries;
            self.writer.send(
                &self.id,
                Update::Started {
                    attempt,
                    fingerprint: self.fingerprint.clone(),
                },
            );
            let mut ctx = StepCtx::new(
                self.id.clone(),
                attempt,
                handle.clone(),
                self.outputs.clone(),
                Arc::new(self.writer.clone()),
                self.progress.clone(),
                self.cancel.clone(),
            );
            // What a step says goes to events, the state and reports: scrubbed of every secret
            // the process resolved, whatever the step forgot.
            let result = match self.runner.run(self.node, &mut ctx).await {
                Err(mut e) => {
                    e.message = migrate_core::redact_global(&e.message);
                    Err(e)
                }
                Ok(Outcome::Blocked { message }) => Ok(Outcome::Blocked {
                    message: migrate_core::redact_global(&message),
                }),
                other => other,
            };
            handle = ctx.handle().cloned();
            match result {
                Ok(Outcome::Done { outputs }) => {
                    break Ok((
                        Update::Done {
                            outputs: outputs.clone(),
                        },
                        StepEnd::Done(outputs),
                    ));
                }
                Ok(Outcome::Blocked { message }) => {
                    break Ok((
                        Update::Blocked {
                            message: message.clone(),
                        },
                        StepEnd::Blocked(message),
                    ));
                }
                Err(e) if self.cancel.is_cancelled() => {
                    break Ok((
                        Update::Interrupted {
                            error: Some(e.message),
                        },
                        StepEnd::Interrupted,
                    ));
                }
                Err(e) if e.retryable && tries < self.retry.max_attempts => {
                    let delay = self.retry.delay(tries, &mut rng);
                    if let Err(c) = self
                        .writer
                        .commit(
                            &self.id,
                            Update::Retrying {
                                attempt,
                                delay,
                                error: e.message.clone(),
                            },
                        )
                        .await
                    {
                        break Err(c);
                    }
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = self.cancel.cancelled() => {
                            break Ok((Update::Interrupted { error: None }, StepEnd::Interrupted));
                        }
                    }
                }
                Err(e) => {
                    let error = if e.retryable {
                        format!(
                            "{} (gave up after {tries} attempt{})",
                            e.message,
                            if tries == 1 { "" } else { "s" }
                        )
                    } else {
                        e.message
                    };
                    break Ok((
                        Update::Failed {
                            error: error.clone(),
                        },
                        StepEnd::Failed(error),
                    ));
                }
            }
        };
        // The step's work is over: let another start while this checkpoint is flushed.
        drop(permit);
        match end {
            Ok((update, end)) => match self.writer.commit(&self.id, update).await {
                Ok(()) => end,
                Err(e) => StepEnd::Checkpoint(e),
            },
            Err(e) => StepEnd::Checkpoint(e),
        }
    }
}
