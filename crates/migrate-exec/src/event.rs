//! The event stream of a run: one enum of transitions, the sinks that receive it, and the two
//! line formats the CLI prints (plain timestamped text, JSON lines).
//!
//! Transition events (started, retrying, done, failed, blocked, interrupted) are emitted after the
//! transition is durable in the state, in commit order; progress events come straight from steps.

use std::sync::Mutex;
use std::time::Duration;

use migrate_state::LockInfo;
use serde::{Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::contract::StepProgress;
use crate::summary::RunSummary;

/// One thing that happened in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        plan: String,
        lock_id: String,
        /// Steps in the plan.
        steps: usize,
        /// Steps this run will run (the rest are done and unchanged).
        to_run: usize,
        /// Steps that were done but run again because they or something upstream changed.
        invalidated: Vec<String>,
    },
    /// A lock left by a process of this host that no longer runs was taken over.
    StaleLockTakenOver {
        previous: LockInfo,
    },
    StepSkipped {
        id: String,
    },
    /// A done step's effect no longer holds in the world (found before anything ran): with
    /// `redo`, it and everything downstream run again; without, the run stops.
    PostconditionBroken {
        id: String,
        reason: String,
        redo: bool,
    },
    StepStarted {
        id: String,
        attempt: u32,
    },
    StepRetrying {
        id: String,
        /// The attempt that failed.
        attempt: u32,
        #[serde(rename = "delay_ms", serialize_with = "millis")]
        delay: Duration,
        error: String,
    },
    StepDone {
        id: String,
        outputs: Value,
    },
    StepFailed {
        id: String,
        error: String,
    },
    /// A running step tells the operator something (a round's delta, an earlier run's leftovers).
    StepNotice {
        id: String,
        message: String,
    },
    StepBlocked {
        id: String,
        message: String,
    },
    /// The run was interrupted while the step ran; its handle stays recorded for the next run.
    StepInterrupted {
        id: String,
    },
    Progress {
        id: String,
        progress: StepProgress,
    },
    RunFinished {
        summary: RunSummary,
    },
}

fn millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// Receives the events of a run. Called from the executor's tasks and its writer thread: keep it
/// quick (hand the event to a channel or a progress bar).
pub trait EventSink: Send + Sync {
    fn emit(&self, event: &Event);
}

/// Drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _: &Event) {}
}

/// Sends every event to a channel (the CLI's presentation task reads it).
impl EventSink for tokio::sync::mpsc::UnboundedSender<Event> {
    fn emit(&self, event: &Event) {
        let _ = self.send(event.clone());
    }
}

/// Calls a function with every event.
pub struct FnSink<F>(pub F);

impl<F: Fn(&Event) + Send + Sync> EventSink for FnSink<F> {
    fn emit(&self, event: &Event) {
        (self.0)(event)
    }
}

/// Keeps every event (tests, reports).
#[derive(Debug, Default)]
pub struct EventLog(Mutex<Vec<Event>>);

impl EventLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// The events so far, in order.
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl EventSink for EventLog {
    fn emit(&self, event: &Event) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(event.clone());
    }
}

fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// The event as one JSON object on one line (no newline), with a `time` field first.
pub fn json_line(event: &Event, at: OffsetDateTime) -> String {
    let mut out = serde_json::Map::new();
    out.insert("time".into(), Value::String(timestamp(at)));
    if let Ok(Value::Object(fields)) = serde_json::to_value(event) {
        out.extend(fields);
    }
    migrate_core::redact_global(&Value::Object(out).to_string())
}

/// The event as a plain timestamped line (no newline) for logs and non-TTY output.
pub fn plain_line(event: &Event, at: OffsetDateTime) -> String {
    format!("{} {}", timestamp(at), describe(event))
}

/// What the event says, without a timestamp, scrubbed of every secret the process resolved.
pub fn describe(event: &Event) -> String {
    migrate_core::redact_global(&describe_unredacted(event))
}

fn describe_unredacted(event: &Event) -> String {
    match event {
        Event::RunStarted {
            plan,
            steps,
            to_run,
            invalidated,
            ..
        } => {
            let mut line = format!(
                "apply `{plan}`: {to_run} of {steps} steps to run, {} done",
                steps - to_run
            );
            if !invalidated.is_empty() {
                line.push_str(&format!(
                    "; {} run again because the plan changed: {}",
                    invalidated.len(),
                    invalidated.join(", ")
                ));
            }
            line
        }
        Event::StaleLockTakenOver { previous } => format!(
            "took over the stale lock `{}` of {}: that process is gone",
            previous.id,
            previous.describe()
        ),
        Event::StepSkipped { id } => format!("skipped  {id} (done, unchanged)"),
        Event::PostconditionBroken {
            id,
            reason,
            redo: true,
        } => format!("re-check {id}: {reason}; it runs again with what depends on it"),
        Event::PostconditionBroken { id, reason, .. } => {
            format!("re-check {id}: {reason}; nothing was run")
        }
        Event::StepStarted { id, attempt: 1 } => format!("started  {id}"),
        Event::StepStarted { id, attempt } => format!("started  {id} (attempt {attempt})"),
        Event::StepRetrying {
            id,
            attempt,
            delay,
            error,
        } => format!(
            "retrying {id} in {:.1}s after attempt {attempt} failed: {error}",
            delay.as_secs_f64()
        ),
        Event::StepDone { id, .. } => format!("done     {id}"),
        Event::StepFailed { id, error } => format!("failed   {id}: {error}"),
        Event::StepNotice { id, message } => format!("note     {id}: {message}"),
        Event::StepBlocked { id, message } => format!("blocked  {id}: {message}"),
        Event::StepInterrupted { id } => {
            format!("stopped  {id} (interrupted; the next apply re-attaches)")
        }
        Event::Progress { id, progress } => {
            let mut line = format!("progress {id}");
            match (progress.done, progress.total) {
                (Some(done), Some(total)) => {
                    line.push_str(&format!(" {done}/{total} {}", progress.unit))
                }
                (Some(done), None) => line.push_str(&format!(" {done} {}", progress.unit)),
                _ => {}
            }
            if let Some(m) = &progress.message {
                line.push_str(&format!(": {m}"));
            }
            line
        }
        Event::RunFinished { summary } => summary.describe(),
    }
}
