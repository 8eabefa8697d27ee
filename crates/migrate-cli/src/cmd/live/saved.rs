//! Saved plans (`migrate plan --refresh --out FILE`, then `migrate apply FILE`): the compiled
//! graph (every step id and fingerprint), the plan file's hash and text, and the live inputs it was
//! reviewed against (cluster UUIDs, each source index's uuid, document count and mapping hash).
//! Apply refuses a saved plan whose plan file, compiled graph or live inputs moved (document
//! counts within the plan's `drift.doc_count_tolerance_percent`), naming each difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use migrate_graph::StepGraph;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::inventory::{Inventory, hex};

/// The marker key of a saved plan file (and its format version).
const MARKER: &str = "migrate_saved_plan";
const FORMAT: u32 = 1;
/// A saved plan is read whole; larger files are refused.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// One step of the saved graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStep {
    pub id: String,
    pub fingerprint: String,
}

/// The saved plan file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedPlan {
    pub migrate_saved_plan: u32,
    /// The plan file as it was named to `plan --refresh`.
    pub plan_path: PathBuf,
    /// SHA-256 of the plan file's bytes.
    pub plan_sha256: String,
    /// The plan fingerprint approvals are bound to.
    pub plan_fingerprint: String,
    pub doc_count_tolerance_percent: f64,
    pub steps: Vec<SavedStep>,
    pub live: Inventory,
    /// SHA-256 over the plan file's hash, the steps and the live inputs.
    pub fingerprint: String,
}

/// SHA-256 of a file's bytes.
pub fn file_sha256(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(hex(&Sha256::digest(bytes)))
}

fn steps_of(graph: &StepGraph) -> Vec<SavedStep> {
    graph
        .topological_order()
        .map(|n| {
            let s = graph.step(n);
            SavedStep {
                id: s.id.as_str().to_owned(),
                fingerprint: s.fingerprint.to_hex(),
            }
        })
        .collect()
}

impl SavedPlan {
    pub fn new(
        plan_path: &Path,
        plan: &migrate_plan::Plan,
        graph: &StepGraph,
        live: Inventory,
    ) -> Result<Self, String> {
        let mut saved = SavedPlan {
            migrate_saved_plan: FORMAT,
            plan_path: plan_path.to_path_buf(),
            plan_sha256: file_sha256(plan_path)?,
            plan_fingerprint: super::plan_fingerprint(plan)?,
            doc_count_tolerance_percent: plan.drift.doc_count_tolerance_percent,
            steps: steps_of(graph),
            live,
            fingerprint: String::new(),
        };
        let body = serde_json::to_vec(&(&saved.plan_sha256, &saved.steps, &saved.live))
            .map_err(|e| e.to_string())?;
        saved.fingerprint = hex(&Sha256::digest(body));
        Ok(saved)
    }

    /// `Some` when `path` is a saved plan (a JSON object with the marker key), else `None` (a plan file).
    pub fn detect(path: &Path) -> Option<Result<SavedPlan, String>> {
        let text = migrate_input::read_text_limited(path, MAX_BYTES).ok()?;
        if !text.trim_start().starts_with('{') {
            return None;
        }
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        let version = value.get(MARKER)?.as_u64()?;
        if version != u64::from(FORMAT) {
            return Some(Err(format!(
                "`{}` is a saved plan of format {version}; this migrate reads format {FORMAT}: save it again with `migrate plan --refresh --out`",
                path.display()
            )));
        }
        Some(
            serde_json::from_value(value)
                .map_err(|e| format!("`{}` is not a valid saved plan: {e}", path.display())),
        )
    }

    /// Differences between what was saved and `graph` compiled now from the plan file.
    pub fn graph_drift(&self, graph: &StepGraph) -> Vec<String> {
        let now = steps_of(graph);
        if now == self.steps {
            return Vec::new();
        }
        let before: BTreeMap<&str, &str> = self
            .steps
            .iter()
            .map(|s| (s.id.as_str(), s.fingerprint.as_str()))
            .collect();
        let after: BTreeMap<&str, &str> = now
            .iter()
            .map(|s| (s.id.as_str(), s.fingerprint.as_str()))
            .collect();
        let mut out = Vec::new();
        for (id, f) in &after {
            match before.get(id) {
                None => out.push(format!("step `{id}` is new")),
                Some(g) if g != f => out.push(format!("step `{id}` changed")),
                _ => {}
            }
        }
        for id in before.keys().filter(|id| !after.contains_key(*id)) {
            out.push(format!("step `{id}` is gone"));
        }
        if out.is_empty() {
            out.push("the steps are in another order".into());
        }
        out
    }

    /// Differences between the saved live inputs and `now`.
    pub fn live_drift(&self, now: &Inventory) -> Vec<String> {
        live_drift(&self.live, now, self.doc_count_tolerance_percent)
    }
}

/// Every difference between two inventories that invalidates a saved plan.
pub fn live_drift(saved: &Inventory, now: &Inventory, tolerance_percent: f64) -> Vec<String> {
    let mut out = Vec::new();
    for c in &saved.clusters {
        if let Some(n) = now.clusters.iter().find(|n| n.side == c.side)
            && n.uuid != c.uuid
        {
            out.push(format!(
                "the {} cluster is another one: cluster uuid {} when saved, {} now",
                c.side,
                c.uuid.as_deref().unwrap_or("-"),
                n.uuid.as_deref().unwrap_or("-")
            ));
        }
    }
    let before: BTreeMap<&str, _> = saved.indexes.iter().map(|i| (i.name.as_str(), i)).collect();
    let after: BTreeMap<&str, _> = now.indexes.iter().map(|i| (i.name.as_str(), i)).collect();
    for (name, n) in &after {
        let Some(s) = before.get(name) else {
            out.push(format!(
                "new source index `{name}` (matches plan entry `{}`)",
                n.entry
            ));
            continue;
        };
        if s.uuid != n.uuid {
            out.push(format!(
                "source index `{name}` was recreated: uuid {} when saved, {} now",
                s.uuid.as_deref().unwrap_or("-"),
                n.uuid.as_deref().unwrap_or("-")
            ));
        }
        if let (Some(a), Some(b)) = (s.docs, n.docs) {
            let allowed = a as f64 * tolerance_percent / 100.0;
            if (b as f64 - a as f64).abs() > allowed {
                out.push(format!(
                    "source index `{name}`: {a} documents when saved, {b} now (more than the plan's tolerance of {tolerance_percent}%, `drift.doc_count_tolerance_percent`)"
                ));
            }
        }
        if s.mapping_hash != n.mapping_hash {
            out.push(format!("source index `{name}`: its mapping changed"));
        }
    }
    for name in before.keys().filter(|n| !after.contains_key(*n)) {
        out.push(format!("source index `{name}` is gone"));
    }
    out
}
