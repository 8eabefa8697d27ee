//! The end-of-run report: every `verify` step's comparison table, merged into one.

use migrate_graph::{StepGraph, StepKind};
use migrate_state::State;
use migrate_steps::Table;
use serde_json::Value;

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
    if let Some(table) = verification(graph, state) {
        eprintln!("\nverification\n{}\n", table.render());
    }
}
