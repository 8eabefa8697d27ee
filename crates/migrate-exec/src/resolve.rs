//! What a recorded state means for a DAG, with the same rule as the dry-run
//! (`migrate_graph::Progress`): apply, `migrate status` and `migrate plan --dry-run` agree.

use migrate_graph::{Progress, Recorded, StatusMap, StepStatus as GraphStatus};
use migrate_state::{State, StepStatus};

use crate::dag::Dag;

/// The dry-run's status for a recorded one: `blocked` (stopped at a gate) runs again, like pending.
pub fn graph_status(s: StepStatus) -> GraphStatus {
    match s {
        StepStatus::Pending | StepStatus::Blocked => GraphStatus::Pending,
        StepStatus::Running => GraphStatus::Running,
        StepStatus::Done => GraphStatus::Done,
        StepStatus::Failed => GraphStatus::Failed,
    }
}

/// Per step: its effective status given `state` (a done step whose fingerprint changed, or whose
/// upstream runs again, is pending and marked changed). Steps with status done are skipped by apply.
pub fn resolve(dag: &Dag, state: Option<&State>) -> Progress {
    Progress::resolve_nodes(dag.nodes().iter().map(|n| {
        let rec = state.and_then(|s| s.step(&n.id)).map(|r| {
            let changed = r.fingerprint.as_deref().is_some_and(|f| f != n.fingerprint);
            (graph_status(r.status), changed)
        });
        (n.deps.iter().copied(), rec)
    }))
}

/// The state's steps as the dry-run renderers take them (`migrate plan --dry-run --state`).
pub fn status_map(state: &State) -> StatusMap {
    state
        .steps
        .iter()
        .map(|(id, r)| {
            (
                id.clone(),
                Recorded {
                    status: graph_status(r.status),
                    fingerprint: r.fingerprint.clone(),
                },
            )
        })
        .collect()
}
