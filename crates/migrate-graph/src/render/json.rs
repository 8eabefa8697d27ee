//! JSON dry-run for pipelines; its schema (`schemas/dry-run.schema.json`) is generated from these types.

use std::io;

use petgraph::graph::NodeIndex;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{View, parallel};
use crate::phase::Phase;
use crate::requests::{Method, Redacted, Role, describe, requests};
use crate::status::StepStatus;
use migrate_core::Side;

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
    /// Only with `migrate plan --refresh`: what the clusters hold now, the preflight checks, the
    /// lint and the estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<super::LiveReport>,
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

/// Writes the [`DryRun`] document one step per line: valid JSON that diffs well and streams (no
/// document-sized tree is built, which keeps 5,000-index plans fast). Steps are written by hand in
/// [`StepOut`]'s field order (a test validates the output against the schema), on several threads
/// for large plans.
pub(super) fn render(v: &View<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let g = v.graph;
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
    write!(
        out,
        "{{\"format_version\":{JSON_FORMAT_VERSION},\n\"plan\":{},\n\"summary\":{},\n\"indexes\":{},\n\"steps\":[",
        compact(&plan),
        compact(&summary),
        compact(g.indexes()),
    )?;
    let nodes: Vec<NodeIndex> = g.topological_order().collect();
    let each = |first: usize, run: &[NodeIndex], buf: &mut String| {
        for (i, &node) in run.iter().enumerate() {
            buf.push_str(if first + i == 0 { "\n" } else { ",\n" });
            step(v, node, buf);
        }
    };
    parallel::stream_runs(&nodes, v.split, each, out)?;
    out.write_all(b"\n]}\n")
}

/// One [`StepOut`] object, on one line.
fn step(v: &View<'_>, node: NodeIndex, out: &mut String) {
    let g = v.graph;
    let pos = node.index();
    let s = g.step(node);
    out.push_str("{\"id\":");
    string(out, s.id.as_str());
    out.push_str(",\"kind\":");
    string(out, s.kind.name());
    out.push_str(",\"phase\":");
    string(out, s.phase.as_str());
    out.push_str(",\"index\":");
    match s.index.as_deref() {
        Some(i) => string(out, i),
        None => out.push_str("null"),
    }
    out.push_str(",\"status\":");
    string(out, v.progress.status(pos).as_str());
    out.push_str(if v.progress.changed(pos) {
        ",\"changed\":true,\"fingerprint\":\""
    } else {
        ",\"changed\":false,\"fingerprint\":\""
    });
    s.fingerprint.push_hex(out);
    out.push_str("\",\"description\":");
    string(out, &describe(&s.kind));
    out.push_str(",\"depends_on\":[");
    for (i, d) in g.dependencies(node).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, g.step(d).id.as_str());
    }
    out.push_str("],\"requests\":[");
    for (i, r) in requests(&s.kind, &Redacted).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"role\":");
        string(out, r.role.as_str());
        out.push_str(",\"target\":");
        string(out, r.side.as_str());
        out.push_str(",\"method\":");
        string(out, r.method.as_str());
        // Written in place: a target is percent-encoded, so it needs JSON escaping only if an API
        // word or a slot name ever held a quote, a backslash or a control character.
        out.push_str(",\"path\":");
        let start = out.len();
        out.push('"');
        r.write_target(out);
        if needs_escape(&out[start + 1..]) {
            let target = out.split_off(start + 1);
            out.truncate(start);
            string(out, &target);
        } else {
            out.push('"');
        }
        // The body is already compact JSON text: written as it is.
        out.push_str(",\"body\":");
        match &r.body {
            Some(b) => out.push_str(b.as_str()),
            None => out.push_str("null"),
        }
        out.push_str(",\"runtime\":");
        match r.runtime() {
            Some(t) => string(out, &t),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push_str("]}");
}

/// Appends `s` as a JSON string. Most strings here (ids, paths, names) need no escaping, so they are
/// copied in one go after a scan; the rest go through serde_json's escaper.
fn string(out: &mut String, s: &str) {
    if needs_escape(s) {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Whether `s` holds a character JSON strings must escape.
fn needs_escape(s: &str) -> bool {
    // A fold without early exit, so the compiler vectorises the scan.
    s.bytes().fold(false, |acc, b| {
        acc | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// Compact JSON text of the document's small head parts. Serialising plain data (strings,
/// numbers, booleans) cannot fail.
fn compact<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The JSON schema of [`DryRun`], as checked in at `schemas/dry-run.schema.json`.
pub fn dry_run_schema() -> String {
    let schema = schemars::schema_for!(DryRun);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
