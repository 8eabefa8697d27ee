//! JSON dry-run for pipelines; its schema (`schemas/dry-run.schema.json`) is generated from these types.

use std::io::Write as _;

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

/// [`StepOut`] without its requests, borrowing from the graph (same field names and order).
#[derive(Serialize)]
struct StepHead<'a> {
    id: &'a str,
    kind: &'static str,
    phase: Phase,
    index: Option<&'a str>,
    status: StepStatus,
    changed: bool,
    fingerprint: String,
    description: String,
    depends_on: Vec<&'a str>,
}

/// Writes the [`DryRun`] document one step per line: valid JSON that diffs well and streams (no
/// document-sized tree is built, which keeps 5,000-index plans fast).
pub(super) fn render(v: &View<'_>) -> String {
    let g = v.graph;
    let mut out: Vec<u8> = Vec::with_capacity(g.len() * 900);
    let plan = PlanInfo {
        name: g.plan_name().to_owned(),
        strategy: g.strategy().to_owned(),
    };
    let summary = Summary {
        steps: g.len(),
        indexes: g.indexes().len(),
        gates: g.gates(),
        done: v.progress.done(),
        remaining: v.progress.remaining(),
        with_state: v.with_state,
    };
    // Writing plain data into a Vec cannot fail, so the results are ignored.
    let _ = write!(
        out,
        "{{\"format_version\":{JSON_FORMAT_VERSION},\n\"plan\":"
    );
    let _ = serde_json::to_writer(&mut out, &plan);
    out.extend_from_slice(b",\n\"summary\":");
    let _ = serde_json::to_writer(&mut out, &summary);
    out.extend_from_slice(b",\n\"indexes\":");
    let _ = serde_json::to_writer(&mut out, g.indexes());
    out.extend_from_slice(b",\n\"steps\":[");
    for node in g.topological_order() {
        let pos = node.index();
        let s = g.step(node);
        let head = StepHead {
            id: s.id.as_str(),
            kind: s.kind.name(),
            phase: s.phase,
            index: s.index.as_deref(),
            status: v.progress.status(pos),
            changed: v.progress.changed(pos),
            fingerprint: s.fingerprint.to_hex(),
            description: describe(&s.kind),
            depends_on: g
                .dependencies(node)
                .into_iter()
                .map(|d| g.step(d).id.as_str())
                .collect(),
        };
        out.extend_from_slice(if pos == 0 { b"\n" } else { b",\n" });
        let _ = serde_json::to_writer(&mut out, &head);
        // Re-open the object to append `requests`, writing each body's JSON text as it is.
        out.pop();
        out.extend_from_slice(b",\"requests\":[");
        for (i, r) in requests(&s.kind, &Redacted).into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = write!(
                out,
                "{{\"role\":\"{}\",\"target\":\"{}\",\"method\":\"{}\",\"path\":",
                r.role.as_str(),
                r.target.as_str(),
                r.method
            );
            let _ = serde_json::to_writer(&mut out, &r.path);
            out.extend_from_slice(b",\"body\":");
            match &r.body {
                Some(b) => out.extend_from_slice(b.as_str().as_bytes()),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"runtime\":");
            let _ = serde_json::to_writer(&mut out, &r.runtime);
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"\n]}\n");
    String::from_utf8(out).unwrap_or_default()
}

/// The JSON schema of [`DryRun`], as checked in at `schemas/dry-run.schema.json`.
pub fn dry_run_schema() -> String {
    let schema = schemars::schema_for!(DryRun);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
