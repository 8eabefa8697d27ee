//! The end-of-run report: every `verify` step's proof report merged into one compact table (with
//! the findings files), and the health/recovery checks' table.

use migrate_graph::{StepGraph, StepKind};
use migrate_proof::RunReport;
use migrate_state::State;
use migrate_steps::Table;
use serde_json::Value;

/// The merged proof report of the done `verify` steps, `None` if none is done yet.
pub fn proof(graph: &StepGraph, state: &State) -> Option<RunReport> {
    let mut run = RunReport::default();
    let mut files = Vec::new();
    let mut any = false;
    for step in graph.steps() {
        if !matches!(step.kind, StepKind::Verify { .. }) {
            continue;
        }
        let Some(report) = state
            .step(step.id.as_str())
            .and_then(|rec| rec.outputs.as_ref())
            .and_then(|o| o.get("proof"))
            .and_then(|p| serde_json::from_value::<RunReport>(p.clone()).ok())
        else {
            continue;
        };
        any = true;
        run.indexes.extend(report.indexes);
        files.extend(report.findings_file);
    }
    if !files.is_empty() {
        run.findings_file = Some(files.join(", "));
    }
    any.then_some(run)
}

/// The merged verification table of the done `verify` steps, `None` if none is done yet.
pub fn verification(graph: &StepGraph, state: &State) -> Option<Table> {
    let mut table = Table::default();
    let mut any = false;
    for step in graph.steps() {
        if !matches!(step.kind, StepKind::Verify { .. }) {
            continue;
        }
        let Some(rec) = state.step(step.id.as_str()) else {
            continue;
        };
        let Some(rows) = rec
            .outputs
            .as_ref()
            .and_then(|o| o.get("table"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        any = true;
        // Sampled documents: one summary row per index; a differing document keeps its own row.
        let mut sampled: Vec<(String, usize, usize)> = Vec::new();
        for row in rows {
            let text = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let ok = row.get("ok").and_then(Value::as_bool).unwrap_or(false);
            let (check, index) = (text("check"), text("index"));
            if check.starts_with("document `") {
                match sampled.iter_mut().find(|(i, _, _)| *i == index) {
                    Some(entry) => {
                        entry.1 += 1;
                        entry.2 += usize::from(ok);
                    }
                    None => sampled.push((index.clone(), 1, usize::from(ok))),
                }
                if ok {
                    continue;
                }
            }
            table.push(&check, &index, text("source"), text("destination"), ok);
        }
        for (index, n, same) in sampled {
            table.push(
                "sampled documents",
                &index,
                format!("{n} by _id"),
                format!("{same} with the same _source"),
                same == n,
            );
        }
    }
    any.then_some(table)
}

/// Prints the verification table to stderr, if there is one.
pub fn print_verification(graph: &StepGraph, state: &State) {
    if let Some(run) = proof(graph, state) {
        eprintln!("\nverification\n{}\n", run.render());
    }
    if let Some(table) = verification(graph, state).filter(|t| !t.rows.is_empty()) {
        eprintln!("\nverification\n{}\n", table.render());
    }
}
