//! The DAG of a compiled plan, and that apply's resume rule is the dry-run's.

#[path = "../../../migrate-graph/tests/it/common/mod.rs"]
mod common;

use migrate_exec::{Dag, DagError, DagNode, resolve};
use migrate_graph::{Progress, Recorded, StatusMap, StepStatus as Shown, compile_blueprint};
use migrate_state::{State, StepStatus};

#[test]
fn a_step_graph_becomes_a_dag_with_the_same_ids_fingerprints_and_edges() {
    let graph = compile_blueprint(&common::snapshot_plan(&["movies", "books"])).unwrap();
    let dag = Dag::from(&graph);
    assert_eq!(dag.len(), graph.len());
    for (pos, node) in graph.topological_order().enumerate() {
        let step = graph.step(node);
        let n = dag.node(pos);
        assert_eq!(n.id, step.id.as_str());
        assert_eq!(n.fingerprint, step.fingerprint.to_hex());
        let deps: Vec<usize> = graph.dependencies(node).iter().map(|d| d.index()).collect();
        assert_eq!(n.deps, deps);
    }
    let again =
        Dag::from(&compile_blueprint(&common::snapshot_plan(&["movies", "books"])).unwrap());
    assert_eq!(dag.fingerprint(), again.fingerprint());
    let other = Dag::from(&compile_blueprint(&common::snapshot_plan(&["movies"])).unwrap());
    assert_ne!(dag.fingerprint(), other.fingerprint());
}

#[test]
fn apply_resolves_a_state_exactly_as_the_dry_run_does() {
    let graph = compile_blueprint(&common::reindex_plan(&["movies", "books"])).unwrap();
    let dag = Dag::from(&graph);
    let mut state = State::new("p");
    let mut shown = StatusMap::new();
    for (i, node) in dag.nodes().iter().enumerate() {
        let (status, fingerprint) = match i % 5 {
            0 | 1 | 3 => (StepStatus::Done, node.fingerprint.clone()),
            2 if i == 2 => (StepStatus::Done, "changed".to_owned()),
            2 => (StepStatus::Failed, node.fingerprint.clone()),
            _ => continue,
        };
        let rec = state.step_mut(&node.id);
        rec.status = status;
        rec.fingerprint = Some(fingerprint.clone());
        let status = match status {
            StepStatus::Done => Shown::Done,
            _ => Shown::Failed,
        };
        shown.insert(
            node.id.clone(),
            Recorded {
                status,
                fingerprint: Some(fingerprint),
            },
        );
    }
    let dry_run = Progress::resolve(&graph, &shown);
    let apply = resolve(&dag, Some(&state));
    assert_eq!(apply, dry_run);
    assert!(apply.done() > 0 && apply.remaining() > 0);
    assert!((0..dag.len()).any(|i| apply.changed(i)));
}

#[test]
fn a_dag_out_of_order_or_with_duplicate_ids_is_refused() {
    let err = Dag::new(vec![
        DagNode::new("a", "1", vec![1]),
        DagNode::new("b", "2", vec![]),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "step `a` (position 0) depends on position 1, which does not come before it"
    );
    assert!(matches!(err, DagError::NotTopological { .. }));
    let err = Dag::new(vec![
        DagNode::new("a", "1", vec![]),
        DagNode::new("a", "2", vec![0]),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "step id `a` appears twice (positions 0 and 1)"
    );
}
