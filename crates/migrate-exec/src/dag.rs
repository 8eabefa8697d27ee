//! The DAG the executor runs: step ids, fingerprints and dependencies, in topological order.
//!
//! The executor needs nothing else from a plan, so it is generic: [`Dag::from`] a
//! `migrate_graph::StepGraph` for real plans, [`Dag::new`] for tests and benches. Node `i` of the
//! DAG is node `i` the [`Runner`](crate::Runner) is asked to run.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

/// One step: its stable id, the fingerprint (hex) of its inputs, and the positions of the steps it
/// waits for (all smaller than its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DagNode {
    pub id: String,
    pub fingerprint: String,
    pub deps: Vec<usize>,
}

impl DagNode {
    pub fn new(id: impl Into<String>, fingerprint: impl Into<String>, deps: Vec<usize>) -> Self {
        DagNode {
            id: id.into(),
            fingerprint: fingerprint.into(),
            deps,
        }
    }
}

/// Steps in topological order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dag {
    nodes: Vec<DagNode>,
    dependents: Vec<Vec<usize>>,
}

/// A DAG that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DagError {
    #[error(
        "step `{id}` (position {position}) depends on position {dep}, which does not come before it"
    )]
    NotTopological {
        id: String,
        position: usize,
        dep: usize,
    },
    #[error("step id `{id}` appears twice (positions {first} and {second})")]
    DuplicateId {
        id: String,
        first: usize,
        second: usize,
    },
}

impl Dag {
    /// Checks that every dependency comes before its dependent and that ids are unique.
    pub fn new(nodes: Vec<DagNode>) -> Result<Self, DagError> {
        let mut seen = std::collections::HashMap::with_capacity(nodes.len());
        for (position, node) in nodes.iter().enumerate() {
            if let Some(&dep) = node.deps.iter().find(|&&d| d >= position) {
                return Err(DagError::NotTopological {
                    id: node.id.clone(),
                    position,
                    dep,
                });
            }
            if let Some(first) = seen.insert(node.id.as_str(), position) {
                return Err(DagError::DuplicateId {
                    id: node.id.clone(),
                    first,
                    second: position,
                });
            }
        }
        let mut dependents = vec![Vec::new(); nodes.len()];
        for (position, node) in nodes.iter().enumerate() {
            let unique: HashSet<usize> = node.deps.iter().copied().collect();
            for dep in unique {
                dependents[dep].push(position);
            }
        }
        for d in &mut dependents {
            d.sort_unstable();
        }
        Ok(Dag { nodes, dependents })
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn nodes(&self) -> &[DagNode] {
        &self.nodes
    }

    pub fn node(&self, position: usize) -> &DagNode {
        &self.nodes[position]
    }

    /// The steps that wait for `position`.
    pub fn dependents(&self, position: usize) -> &[usize] {
        &self.dependents[position]
    }

    /// Every step `position` depends on, directly or not, in ascending order.
    pub fn ancestors(&self, position: usize) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = self.nodes[position].deps.clone();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(self.nodes[n].deps.iter().copied());
            }
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Every step downstream of `position`, in ascending order.
    pub fn descendants(&self, position: usize) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = self.dependents[position].clone();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(self.dependents[n].iter().copied());
            }
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// SHA-256 (hex) over every step's id, fingerprint and dependencies: changes when anything in
    /// the plan's DAG does.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for node in &self.nodes {
            h.update(node.id.as_bytes());
            h.update([0]);
            h.update(node.fingerprint.as_bytes());
            for d in &node.deps {
                h.update(b",");
                h.update(d.to_string().as_bytes());
            }
            h.update([0xff]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl From<&migrate_graph::StepGraph> for Dag {
    fn from(graph: &migrate_graph::StepGraph) -> Self {
        let nodes: Vec<DagNode> = graph
            .topological_order()
            .map(|n| {
                let step = graph.step(n);
                DagNode {
                    id: step.id.to_string(),
                    fingerprint: step.fingerprint.to_hex(),
                    deps: graph.dependencies(n).iter().map(|d| d.index()).collect(),
                }
            })
            .collect();
        // A StepGraph only gets edges from existing steps to new ones and has unique ids.
        Dag::new(nodes).expect("a StepGraph is topologically ordered with unique ids")
    }
}
