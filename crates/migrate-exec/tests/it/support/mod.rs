//! Test-only runners and DAG builders shared by the executor tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use migrate_exec::{Dag, DagNode, Outcome, Runner, StepCtx, StepError};

/// `(id, deps)` in topological order, fingerprints `fp-<id>`.
pub fn dag(nodes: &[(&str, &[usize])]) -> Dag {
    Dag::new(
        nodes
            .iter()
            .map(|(id, deps)| DagNode::new(*id, format!("fp-{id}"), deps.to_vec()))
            .collect(),
    )
    .unwrap()
}

type Behaviour = dyn Fn(&str, u32) -> Result<Outcome, StepError> + Send + Sync;

/// Answers each call with `behaviour(step id, how many times this runner ran that step)` and
/// logs the ids it ran, in order.
pub struct Script {
    ids: Vec<String>,
    calls: Mutex<Vec<String>>,
    counts: Mutex<HashMap<String, u32>>,
    behaviour: Box<Behaviour>,
}

impl Script {
    pub fn new(
        dag: &Dag,
        behaviour: impl Fn(&str, u32) -> Result<Outcome, StepError> + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Script {
            ids: dag.nodes().iter().map(|n| n.id.clone()).collect(),
            calls: Mutex::new(Vec::new()),
            counts: Mutex::new(HashMap::new()),
            behaviour: Box::new(behaviour),
        })
    }

    /// Every step done on its first call.
    pub fn all_done(dag: &Dag) -> Arc<Self> {
        Self::new(dag, |_, _| Ok(Outcome::done()))
    }

    /// The ids run so far, sorted (concurrent steps run in any order).
    pub fn ran(&self) -> Vec<String> {
        let mut v = self.calls.lock().unwrap().clone();
        v.sort();
        v
    }

    pub fn calls_of(&self, id: &str) -> u32 {
        self.counts.lock().unwrap().get(id).copied().unwrap_or(0)
    }
}

#[async_trait]
impl Runner for Script {
    async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
        let id = self.ids[node].clone();
        assert_eq!(ctx.step_id(), id, "node position and step id agree");
        self.calls.lock().unwrap().push(id.clone());
        let n = {
            let mut counts = self.counts.lock().unwrap();
            let c = counts.entry(id.clone()).or_insert(0);
            *c += 1;
            *c
        };
        (self.behaviour)(&id, n)
    }
}

pub fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}
