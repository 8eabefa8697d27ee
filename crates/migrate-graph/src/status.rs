//! What remains to run, given what a state file recorded per step id.
//!
//! A step counts as done only if it was recorded done, its fingerprint (when recorded) still matches,
//! and nothing it depends on will run again: a changed step and everything downstream of it re-run.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::graph::StepGraph;

/// A step's status as the dry-run shows it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    Running,
    Failed,
    // An executor's `blocked` (stopped at a gate) reads as pending: it runs again next time.
    #[serde(alias = "blocked")]
    Pending,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Running => "running",
            StepStatus::Failed => "failed",
            StepStatus::Pending => "pending",
        }
    }
}

impl fmt::Display for StepStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a state recorded for one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub status: StepStatus,
    /// The fingerprint (hex) the step had when it ran, if recorded.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// Recorded statuses keyed by step id.
pub type StatusMap = BTreeMap<String, Recorded>;

/// Per step (in graph order): its effective status and whether it re-runs because inputs changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    statuses: Vec<(StepStatus, bool)>,
}

impl Progress {
    /// Everything pending: no state yet.
    pub fn fresh(graph: &StepGraph) -> Self {
        Progress {
            statuses: vec![(StepStatus::Pending, false); graph.len()],
        }
    }

    /// Resolves recorded statuses against the graph.
    pub fn resolve(graph: &StepGraph, recorded: &StatusMap) -> Self {
        Self::resolve_nodes(graph.topological_order().map(|node| {
            let step = graph.step(node);
            let rec = recorded.get(step.id.as_str()).map(|r| {
                let changed = r
                    .fingerprint
                    .as_deref()
                    .is_some_and(|f| f != step.fingerprint.to_hex());
                (r.status, changed)
            });
            (graph.dependencies(node).into_iter().map(|d| d.index()), rec)
        }))
    }

    /// The same rule over any DAG given in topological order: per node, the positions of its
    /// dependencies (all earlier) and what was recorded for it, as its status and whether its
    /// fingerprint differs from the recorded one. Executors use this so apply and the dry-run agree.
    pub fn resolve_nodes<D>(
        nodes: impl IntoIterator<Item = (D, Option<(StepStatus, bool)>)>,
    ) -> Self
    where
        D: IntoIterator<Item = usize>,
    {
        let mut statuses: Vec<(StepStatus, bool)> = Vec::new();
        for (deps, rec) in nodes {
            let recorded_done = rec.is_some_and(|(status, _)| status == StepStatus::Done);
            let upstream_reruns = deps.into_iter().any(|d| {
                let (status, changed) = statuses
                    .get(d)
                    .copied()
                    .unwrap_or((StepStatus::Pending, false));
                changed || (status != StepStatus::Done && recorded_done)
            });
            let entry = match rec {
                None => (StepStatus::Pending, false),
                Some((status, changed)) => {
                    if status == StepStatus::Done && (changed || upstream_reruns) {
                        (StepStatus::Pending, true)
                    } else {
                        (status, false)
                    }
                }
            };
            statuses.push(entry);
        }
        Progress { statuses }
    }

    /// The effective status of the step at `position` in graph order.
    pub fn status(&self, position: usize) -> StepStatus {
        self.statuses
            .get(position)
            .map_or(StepStatus::Pending, |s| s.0)
    }

    /// True when the step was done but runs again because it or something upstream changed.
    pub fn changed(&self, position: usize) -> bool {
        self.statuses.get(position).is_some_and(|s| s.1)
    }

    /// Steps that still have to run (anything not done).
    pub fn remaining(&self) -> usize {
        self.statuses
            .iter()
            .filter(|s| s.0 != StepStatus::Done)
            .count()
    }

    pub fn done(&self) -> usize {
        self.statuses.len() - self.remaining()
    }
}
