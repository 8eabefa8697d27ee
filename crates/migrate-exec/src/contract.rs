//! The contract between the executor and a step implementation.
//!
//! A step runs as *check → act → wait*. While it runs it sees a [`StepCtx`]: the handle an earlier
//! attempt recorded (a task id, a snapshot name), the outputs of steps that are already done, a way
//! to checkpoint a new handle durably *before* it starts waiting, progress reporting and the
//! cancellation token. It answers an [`Outcome`] or a [`StepError`]; the executor records the
//! transition, retries retryable errors with backoff and stops a branch on a permanent one.
//!
//! Steps never rely on process memory: everything a later attempt or a later step needs goes
//! through `record_handle` or the `outputs` of `Outcome::Done`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// What a step answers when an attempt finishes.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The step's effect exists. `outputs` are recorded in the state with the step (counts, snapshot
    /// names, the start time of a reindex pass) and are visible to later steps through
    /// [`StepCtx::output_of`].
    Done { outputs: Value },
    /// The step cannot go on until the plan changes (the cutover gate). Apply stops scheduling the
    /// step's descendants, lets independent work finish, and exits 0 printing `message`, which names
    /// the plan field to change.
    Blocked { message: String },
}

impl Outcome {
    /// Done with no outputs.
    pub fn done() -> Self {
        Outcome::Done {
            outputs: Value::Null,
        }
    }
}

/// Why an attempt failed. Retryable errors (timeouts, connection errors, 429, 502/503/504) are
/// retried by the executor with exponential backoff and jitter; permanent ones fail the step with
/// `message` (which must already be free of secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub message: String,
    pub retryable: bool,
}

impl StepError {
    pub fn permanent(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            retryable: false,
        }
    }

    pub fn retryable(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            retryable: true,
        }
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StepError {}

/// Where a step's handle is made durable. Implemented by the executor over the state store; the
/// call returns only once the handle is committed, so a crash right after it still re-attaches.
#[async_trait]
pub trait HandleSink: Send + Sync {
    async fn record_handle(&self, step_id: &str, handle: Value) -> Result<(), String>;
}

/// How far a running step has come, for progress bars and event lines.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StepProgress {
    /// Units done so far (documents, bytes, shards), when known.
    pub done: Option<u64>,
    /// Units in all, when known.
    pub total: Option<u64>,
    /// What the units are: `docs`, `bytes`, `shards`.
    pub unit: &'static str,
    /// A short human line (`task node-1:42 running`, `waiting for green`).
    pub message: Option<String>,
}

/// Receives progress reports from running steps.
pub trait ProgressSink: Send + Sync {
    fn report(&self, step_id: &str, progress: StepProgress);

    /// A line the operator should read even with `--quiet` off and no bars (objects of an earlier
    /// run found, a round's delta). Dropped unless the sink shows notices.
    fn notice(&self, _step_id: &str, _message: &str) {}
}

/// A progress sink that drops everything (tests, `--quiet`).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: &str, _: StepProgress) {}
}

/// What one attempt of one step sees.
pub struct StepCtx {
    step_id: String,
    attempt: u32,
    handle: Option<Value>,
    outputs: Arc<BTreeMap<String, Value>>,
    handles: Arc<dyn HandleSink>,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
}

impl StepCtx {
    /// Built by the executor for each attempt (and by tests of step implementations).
    pub fn new(
        step_id: impl Into<String>,
        attempt: u32,
        handle: Option<Value>,
        outputs: Arc<BTreeMap<String, Value>>,
        handles: Arc<dyn HandleSink>,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Self {
        StepCtx {
            step_id: step_id.into(),
            attempt,
            handle,
            outputs,
            handles,
            progress,
            cancel,
        }
    }

    pub fn step_id(&self) -> &str {
        &self.step_id
    }

    /// 1 for the first attempt of this step ever, counting attempts of earlier runs too.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The handle recorded by an earlier attempt (possibly by a process that crashed): re-attach to
    /// it instead of acting again.
    pub fn handle(&self) -> Option<&Value> {
        self.handle.as_ref()
    }

    /// Makes `handle` durable in the state before the step waits on it. Returns once committed.
    pub async fn record_handle(&mut self, handle: Value) -> Result<(), StepError> {
        self.handles
            .record_handle(&self.step_id, handle.clone())
            .await
            .map_err(|e| StepError::permanent(format!("could not checkpoint the handle: {e}")))?;
        self.handle = Some(handle);
        Ok(())
    }

    /// The outputs a done step recorded (`Value::Null` if it recorded none), or `None` if that step
    /// is not done.
    pub fn output_of(&self, step_id: &str) -> Option<&Value> {
        self.outputs.get(step_id)
    }

    /// Reports progress (cheap; call as often as a poll returns).
    pub fn report(&self, progress: StepProgress) {
        self.progress.report(&self.step_id, progress);
    }

    /// Tells the operator something worth a line of its own in the run's output and events (a
    /// round's delta, leftovers of an earlier run and how to remove them).
    pub fn notice(&self, message: &str) {
        self.progress.notice(&self.step_id, message);
    }

    /// Cancelled on Ctrl-C or when the run is stopping: a waiting step returns promptly
    /// (with a retryable error), leaving its recorded handle for the next run.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }
}

/// Runs the steps of one DAG. `node` is the step's position in the DAG the executor was given
/// (for a `migrate_graph::StepGraph`, its topological position). Implemented by the real step
/// implementations and by test-only runners.
#[async_trait]
pub trait Runner: Send + Sync {
    async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError>;
}

/// What a done step's postcondition says about the world now: what must still hold for its `done`
/// to be trusted (the destination index it created still exists with the recorded UUID, the
/// cluster it contacted is still the same cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    /// The effect is still there: the step stays done.
    Holds,
    /// The effect is gone and running the step again restores it safely: the step and everything
    /// downstream of it run again. `reason` says what was found.
    Redo { reason: String },
    /// The effect is gone and running again would not be safe (another cluster behind the URL):
    /// the run stops before anything starts, with `reason` saying what to do.
    Broken { reason: String },
}

/// Re-checks the postconditions of done steps (the executor asks before a dependent runs). A
/// separate trait from [`Runner`] so runners without postconditions need nothing.
#[async_trait]
pub trait Postconditions: Send + Sync {
    /// Whether the done step at `node`, which recorded `outputs`, still holds in the world. Cheap:
    /// a GET or two. An error (the cluster unreachable) stops the run like [`Recheck::Broken`].
    async fn recheck(&self, node: usize, outputs: &Value) -> Result<Recheck, StepError>;
}
