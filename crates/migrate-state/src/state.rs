//! The state of one plan: format version, lineage, serial, plan fingerprint and a record per step.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::format::FORMAT_VERSION;

/// A step's recorded status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Not started (or invalidated by a plan change).
    Pending,
    /// Started; may have an effect in flight whose handle is recorded. A resumed run re-attaches.
    Running,
    Done,
    /// Failed permanently or ran out of retries; the next run tries again.
    Failed,
    /// Stopped at a gate until the plan changes (the cutover approval); the next run checks again.
    Blocked,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
            StepStatus::Blocked => "blocked",
        }
    }
}

impl fmt::Display for StepStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the state records for one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    pub status: StepStatus,
    /// Attempts over all runs.
    #[serde(default)]
    pub attempts: u32,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub started_at: Option<OffsetDateTime>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub finished_at: Option<OffsetDateTime>,
    /// The step's fingerprint (hex) when it last ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The server-side handle (task id, snapshot name) to re-attach to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<Value>,
    /// What the step recorded when done (counts, names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Value>,
    /// The last error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl StepState {
    pub fn pending() -> Self {
        StepState {
            status: StepStatus::Pending,
            attempts: 0,
            started_at: None,
            finished_at: None,
            fingerprint: None,
            handle: None,
            outputs: None,
            error: None,
        }
    }
}

/// A lineage's short form, its first 8 hex digits (`0a1b2c3d`): what the names of the server-side
/// objects a migration creates carry.
pub fn short_lineage(lineage: &Uuid) -> String {
    let mut s = lineage.simple().to_string();
    s.truncate(8);
    s
}

/// The checkpoint of one plan. `serial` grows by one with every commit; `lineage` identifies the
/// history a state belongs to, so a commit against a different history is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format_version: u32,
    pub lineage: Uuid,
    pub serial: u64,
    pub plan_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_fingerprint: Option<String>,
    #[serde(default)]
    pub steps: BTreeMap<String, StepState>,
    /// What each `migrate cleanup` removed (and kept), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleanups: Vec<Value>,
    /// Approvals, measured throughput and aborts ([`crate::LiveRecords`]).
    #[serde(default, skip_serializing_if = "crate::LiveRecords::is_empty")]
    pub live: crate::LiveRecords,
}

impl State {
    /// An empty state with a fresh lineage, serial 0.
    pub fn new(plan_name: impl Into<String>) -> Self {
        State {
            format_version: FORMAT_VERSION,
            lineage: Uuid::new_v4(),
            serial: 0,
            plan_name: plan_name.into(),
            plan_fingerprint: None,
            steps: BTreeMap::new(),
            cleanups: Vec::new(),
            live: crate::LiveRecords::default(),
        }
    }

    /// An empty state of the given lineage, serial 0: `apply` draws the lineage before compiling,
    /// because the names of the server-side objects the steps create carry it.
    pub fn with_lineage(plan_name: impl Into<String>, lineage: Uuid) -> Self {
        State {
            lineage,
            ..State::new(plan_name)
        }
    }

    /// The lineage's short form the names of server-side objects carry: its first 8 hex digits.
    pub fn short_lineage(&self) -> String {
        short_lineage(&self.lineage)
    }

    pub fn step(&self, id: &str) -> Option<&StepState> {
        self.steps.get(id)
    }

    /// The record of `id`, created pending if absent.
    pub fn step_mut(&mut self, id: &str) -> &mut StepState {
        if !self.steps.contains_key(id) {
            self.steps.insert(id.to_owned(), StepState::pending());
        }
        self.steps.get_mut(id).expect("inserted above")
    }

    /// Number of steps with each status, in status order.
    pub fn counts(&self) -> BTreeMap<StepStatus, usize> {
        let mut out = BTreeMap::new();
        for s in self.steps.values() {
            *out.entry(s.status).or_insert(0) += 1;
        }
        out
    }
}
