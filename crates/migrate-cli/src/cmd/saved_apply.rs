//! What `apply` adds around a run: a saved plan checked against the plan file and the world before
//! it runs, approvals recorded by `migrate approve`, and the throughput measured at the end of a
//! complete run (the estimate of `plan --refresh` reads it).

use std::path::Path;
use std::sync::Arc;

use migrate_graph::StepGraph;
use migrate_plan::Plan;
use migrate_state::{Changes, LockInfo, StateStore};
use migrate_steps::PlanRunner;

use super::apply::{ApplyOptions, apply};
use super::live::saved::{SavedPlan, file_sha256};
use super::load::{EXIT_BAD_INPUT, load_plan};

/// Prints the differences that refuse a saved plan; the exit code.
fn refuse(file: &Path, what: &str, differences: &[String]) -> u8 {
    eprintln!(
        "error: the saved plan `{}` no longer matches {what}:",
        file.display()
    );
    for d in differences {
        eprintln!("  - {d}");
    }
    eprintln!(
        "help: review the change and save the plan again with `migrate plan --refresh --out {}`",
        file.display()
    );
    EXIT_BAD_INPUT
}

/// `migrate apply FILE` for a saved plan: refuses (exit 2) when the plan file, its compiled graph or
/// the live inputs moved; otherwise applies the plan file, whose graph is the saved one.
pub async fn apply_saved(
    file: &Path,
    saved: Result<SavedPlan, String>,
    options: ApplyOptions,
) -> u8 {
    let saved = match saved {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let plan_path = saved.plan_path.clone();
    match file_sha256(&plan_path) {
        Ok(h) if h == saved.plan_sha256 => {}
        Ok(_) => {
            let d = [format!(
                "the plan file `{}` changed since the plan was saved",
                plan_path.display()
            )];
            return refuse(file, "the plan file", &d);
        }
        Err(e) => return refuse(file, "the plan file", &[e]),
    }
    let Ok((plan, _)) = load_plan(&plan_path, options.strict) else {
        return EXIT_BAD_INPUT;
    };
    let graph = match migrate_graph::compile(&plan) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("error: `{}` does not compile: {e}", plan_path.display());
            return EXIT_BAD_INPUT;
        }
    };
    let drift = saved.graph_drift(&graph);
    if !drift.is_empty() {
        return refuse(file, "the steps the plan compiles to", &drift);
    }
    let now = async {
        let env = super::live::read_only_env(&plan_path, &plan).await?;
        let runner = PlanRunner::new(Arc::clone(&graph), env);
        super::live::read_inventory(&plan, &runner).await
    };
    let now = match now.await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: re-reading the live inputs of the saved plan: {e}");
            return 1;
        }
    };
    let drift = saved.live_drift(&now);
    if !drift.is_empty() {
        return refuse(file, "the clusters", &drift);
    }
    eprintln!(
        "saved plan {} matches the plan file and the clusters: applying it",
        &saved.fingerprint[..16]
    );
    apply(&plan_path, options).await
}

/// Whether the state holds an approval of the cutover for this plan's fingerprint; says why not
/// when it holds one for another fingerprint.
pub fn approved_in_state(path: &Path, plan: &Plan, store: &Arc<dyn StateStore>) -> bool {
    let Ok(Some(state)) = store.load() else {
        return false;
    };
    let Some(a) = state.live.approval("cutover") else {
        return false;
    };
    let fingerprint = match super::live::plan_fingerprint(plan) {
        Ok(f) => f,
        Err(_) => return false,
    };
    if a.plan_fingerprint == fingerprint {
        eprintln!(
            "cutover approved by {} at {} (migrate approve)",
            a.by,
            a.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        );
        return true;
    }
    eprintln!(
        "note: the cutover approval by {} was for plan fingerprint {}, and the plan is now {}: it no longer counts; run `migrate approve {} --gate cutover` again",
        a.by,
        &a.plan_fingerprint[..a.plan_fingerprint.len().min(16)],
        &fingerprint[..16],
        path.display()
    );
    false
}

/// Records what this complete run measured per estimate phase in the state.
pub fn record_measured(graph: &StepGraph, store: &Arc<dyn StateStore>) {
    let Ok(guard) = migrate_state::lock(store, LockInfo::current("measure")) else {
        return;
    };
    if let Ok(Some(mut state)) = store.load() {
        let measured = super::live::estimate::measure(graph, &state);
        if !measured.is_empty() && measured != state.live.measured {
            state.live.measured = measured;
            state.serial += 1;
            if let Err(e) = store.commit(&state, Changes::All) {
                tracing::warn!(error = %e, "could not record the measured throughput");
            }
        }
    }
    drop(guard);
}
