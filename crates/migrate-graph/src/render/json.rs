//! JSON dry-run for pipelines; its schema (`schemas/dry-run.schema.json`) is generated from these types.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::View;
use crate::kind::Side;
use crate::phase::Phase;
use crate::requests::{Method, Redacted, Role, describe, requests};
use crate::status::StepStatus;

/// The version of the JSON dry-run format. Fields are only ever added within a version.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// What `migrate plan --dry-run --format json` prints: every step of the plan in a topological order
/// (each step after all steps it depends on), with its status and the exact requests it sends.
/// Secrets appear only as `<redacted: env NAME>` / `<redacted: file PATH>` placeholders.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "migrate dry-run")]
#[serde(deny_unknown_fields)]
pub struct DryRun {
    /// Format version of this document (currently 1).
    pub format_version: u32,
    pub plan: PlanInfo,
    pub summary: Summary,
    /// The plan's index entries (names or patterns), in plan order.
    pub indexes: Vec<String>,
    /// Every step, in a topological order.
    pub steps: Vec<StepOut>,
}

/// Which plan this is.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInfo {
    /// The plan's `name`.
    pub name: String,
    /// `snapshot` or `reindex`.
    pub strategy: String,
}

/// Counts over the whole plan.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub steps: usize,
    pub indexes: usize,
    /// Cutover gates (apply stops at an unapproved gate).
    pub gates: usize,
    /// Steps whose recorded status is done and still current.
    pub done: usize,
    /// Steps that apply would still run.
    pub remaining: usize,
    /// True when statuses came from a state file; false means nothing ran yet.
    pub with_state: bool,
}

/// One step.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepOut {
    /// Stable id, e.g. `restore/movies/round-1`; the state file records steps by it.
    pub id: String,
    /// Step kind, e.g. `restore`, `create-snapshot`, `gate`.
    pub kind: String,
    pub phase: Phase,
    /// The plan index entry the step belongs to; null for plan-wide steps.
    pub index: Option<String>,
    pub status: StepStatus,
    /// True when the step was done but runs again because its inputs (or a dependency's) changed.
    pub changed: bool,
    /// SHA-256 (hex) of the step's inputs.
    pub fingerprint: String,
    /// What the step does, in one line.
    pub description: String,
    /// Ids of the steps this one waits for.
    pub depends_on: Vec<String>,
    /// The HTTP requests the step sends, in order.
    pub requests: Vec<RequestOut>,
}

/// One HTTP request.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestOut {
    pub role: Role,
    /// The cluster the request goes to.
    pub target: Side,
    pub method: Method,
    /// Path and query relative to the cluster URL.
    pub path: String,
    /// JSON body, null when none. `<run time: ...>` strings are filled in when the step runs.
    pub body: Option<Value>,
    /// What is filled in at run time, if anything.
    pub runtime: Option<String>,
}

pub(super) fn render(v: &View<'_>) -> String {
    let g = v.graph;
    let steps = g
        .topological_order()
        .map(|node| {
            let pos = node.index();
            let s = g.step(node);
            StepOut {
                id: s.id.to_string(),
                kind: s.kind.name().to_owned(),
                phase: s.phase,
                index: s.index.clone(),
                status: v.progress.status(pos),
                changed: v.progress.changed(pos),
                fingerprint: s.fingerprint.to_hex(),
                description: describe(&s.kind),
                depends_on: g
                    .dependencies(node)
                    .into_iter()
                    .map(|d| g.step(d).id.to_string())
                    .collect(),
                requests: requests(&s.kind, &Redacted)
                    .into_iter()
                    .map(|r| RequestOut {
                        role: r.role,
                        target: r.target,
                        method: r.method,
                        path: r.path,
                        body: r.body,
                        runtime: r.runtime.map(str::to_owned),
                    })
                    .collect(),
            }
        })
        .collect();
    let doc = DryRun {
        format_version: JSON_FORMAT_VERSION,
        plan: PlanInfo {
            name: g.plan_name().to_owned(),
            strategy: g.strategy().to_owned(),
        },
        summary: Summary {
            steps: g.len(),
            indexes: g.indexes().len(),
            gates: g.gates(),
            done: v.progress.done(),
            remaining: v.progress.remaining(),
            with_state: v.with_state,
        },
        indexes: g.indexes().to_vec(),
        steps,
    };
    // Serialising owned strings, numbers and JSON values cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The JSON schema of [`DryRun`], as checked in at `schemas/dry-run.schema.json`.
pub fn dry_run_schema() -> String {
    let schema = schemars::schema_for!(DryRun);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
