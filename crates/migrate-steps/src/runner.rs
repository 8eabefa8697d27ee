//! [`PlanRunner`]: the `migrate_exec::Runner` over a compiled plan. `run(node, ctx)` looks the step
//! up by its node (the graph's insertion order is topological) and dispatches on its kind; every
//! message and output leaves through the run's redactor.

use std::sync::Arc;

use async_trait::async_trait;
use migrate_exec::{Outcome, Postconditions, Recheck, Runner, StepCtx, StepError};
use migrate_graph::StepGraph;
use petgraph::graph::NodeIndex;
use serde_json::Value;

use crate::cx::Cx;
use crate::env::Env;
use crate::steps;

/// Runs the steps of one compiled plan against one environment.
pub struct PlanRunner {
    graph: Arc<StepGraph>,
    env: Arc<Env>,
}

impl PlanRunner {
    pub fn new(graph: Arc<StepGraph>, env: Env) -> Self {
        PlanRunner {
            graph,
            env: Arc::new(env),
        }
    }

    pub fn graph(&self) -> &StepGraph {
        &self.graph
    }

    pub fn env(&self) -> &Env {
        &self.env
    }
}

#[async_trait]
impl Runner for PlanRunner {
    async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
        if node >= self.graph.len() {
            return Err(StepError::permanent(format!(
                "step `{}`: node {node} is not in the plan's graph of {} steps (the state belongs to another plan?)",
                ctx.step_id(),
                self.graph.len()
            )));
        }
        let index = NodeIndex::new(node);
        let step = self.graph.step(index);
        let cx = Cx {
            env: &self.env,
            graph: &self.graph,
            step,
        };
        match steps::run(&cx, ctx).await {
            Ok(Outcome::Done { outputs }) => Ok(Outcome::Done {
                outputs: redact_value(&self.env, outputs),
            }),
            Ok(Outcome::Blocked { message }) => Ok(Outcome::Blocked {
                message: self.env.redact(&message),
            }),
            Err(e) => Err(StepError {
                message: self.env.redact(&e.message),
                retryable: e.retryable,
            }),
        }
    }
}

#[async_trait]
impl Postconditions for PlanRunner {
    async fn recheck(&self, node: usize, outputs: &Value) -> Result<Recheck, StepError> {
        if node >= self.graph.len() {
            return Ok(Recheck::Holds);
        }
        let cx = Cx {
            env: &self.env,
            graph: &self.graph,
            step: self.graph.step(NodeIndex::new(node)),
        };
        match steps::recheck(&cx, outputs).await {
            Ok(Recheck::Holds) => Ok(Recheck::Holds),
            Ok(Recheck::Redo { reason }) => Ok(Recheck::Redo {
                reason: self.env.redact(&reason),
            }),
            Ok(Recheck::Broken { reason }) => Ok(Recheck::Broken {
                reason: self.env.redact(&format!("step `{}`: {reason}", cx.id())),
            }),
            Err(e) => Err(StepError {
                message: self.env.redact(&e.message),
                retryable: e.retryable,
            }),
        }
    }
}

fn redact_value(env: &Env, v: Value) -> Value {
    if v.is_null() {
        return v;
    }
    let text = v.to_string();
    let clean = env.redact(&text);
    if clean == text {
        v
    } else {
        serde_json::from_str(&clean).unwrap_or(Value::Null)
    }
}
