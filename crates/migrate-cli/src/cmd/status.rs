//! `migrate status`: where a plan's run stands, read from its state (never writes, never contacts
//! a cluster): counts per status, every step not done with its attempts, handle and last error,
//! steps that will run again because the plan changed, and the lock holder if any.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_exec::{Dag, resolve};
use migrate_graph::StepStatus;
use migrate_state::StepStatus as Recorded;

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::report;
use super::state_store::{StateArg, open_state};

/// Show a plan's progress from its state.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    #[command(flatten)]
    pub state: StateArg,
}

pub fn run(args: &StatusArgs) -> ExitCode {
    let Ok((plan, _)) = load_plan(&args.plan, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let store = match open_state(&args.plan, &plan, &args.state) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    let state = match store.load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(if e.is_refused_state() {
                EXIT_BAD_INPUT
            } else {
                1
            });
        }
    };
    let lineage = state.as_ref().map_or_else(
        || migrate_graph::preflight::LINEAGE_PLACEHOLDER.to_owned(),
        migrate_state::State::short_lineage,
    );
    let graph = match migrate_graph::compile_in(&plan, Some(&lineage)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: `{}` does not compile: {e}", args.plan.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let dag = Dag::from(&graph);
    let progress = resolve(&dag, state.as_ref());
    let mut out = String::new();
    out.push_str(&format!(
        "plan `{}` ({} strategy): {} of {} steps done, state {}\n",
        plan.name,
        graph.strategy(),
        progress.done(),
        graph.len(),
        store.location()
    ));
    match store.read_lock() {
        Ok(Some(lock)) => out.push_str(&format!(
            "locked by {} — lock id `{}`{}\n",
            lock.describe(),
            lock.id,
            if lock.is_stale() {
                " (stale: that process is gone)"
            } else {
                ""
            }
        )),
        Ok(None) => {}
        Err(e) => out.push_str(&format!("lock unreadable: {e}\n")),
    }
    let Some(state) = state else {
        out.push_str("no state yet: `migrate apply` has not run for this plan\n");
        super::stdout::print(&out);
        return ExitCode::SUCCESS;
    };
    let mut remaining = Vec::new();
    for (pos, step) in graph.steps().enumerate() {
        let status = progress.status(pos);
        if status == StepStatus::Done {
            continue;
        }
        let rec = state.step(step.id.as_str());
        let mut line = format!("  {:<8} {}", label(status, rec.map(|r| r.status)), step.id);
        if progress.changed(pos) {
            line.push_str("  (plan changed: runs again)");
        }
        if let Some(r) = rec {
            if r.attempts > 0 {
                line.push_str(&format!("  attempts {}", r.attempts));
            }
            if let Some(h) = &r.handle {
                line.push_str(&format!("  handle {h}"));
            }
            if let Some(e) = &r.error {
                line.push_str(&format!("\n           last error: {e}"));
            }
        }
        remaining.push(line);
    }
    if remaining.is_empty() {
        out.push_str("nothing left to do\n");
    } else {
        out.push_str(&format!("{} remaining:\n", remaining.len()));
        for l in remaining {
            out.push_str(&l);
            out.push('\n');
        }
    }
    let deltas = deltas(&graph, &state);
    if !deltas.is_empty() {
        out.push_str("\nrounds and passes\n");
        for l in deltas {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if let Some(table) = report::verification(&graph, &state) {
        out.push_str(&format!("\nverification\n{}\n", table.render()));
    }
    super::stdout::print(&out);
    ExitCode::SUCCESS
}

fn label(effective: StepStatus, recorded: Option<Recorded>) -> &'static str {
    match (effective, recorded) {
        (_, Some(Recorded::Blocked)) => "blocked",
        (StepStatus::Running, _) => "running",
        (StepStatus::Failed, _) => "failed",
        _ => "pending",
    }
}

/// Each finished pass's and snapshot round's delta, and each one `until` skipped with the reason,
/// in plan order (from the outputs the steps recorded).
fn deltas(graph: &migrate_graph::StepGraph, state: &migrate_state::State) -> Vec<String> {
    let mut lines = Vec::new();
    for step in graph.steps() {
        let Some(out) = state
            .step(step.id.as_str())
            .and_then(|r| r.outputs.as_ref())
        else {
            continue;
        };
        let id = step.id.as_str();
        let is_round_start = matches!(step.kind, migrate_graph::StepKind::CreateSnapshot { .. });
        if out.get("skipped").and_then(serde_json::Value::as_bool) == Some(true) {
            // A skipped round says it once, at its snapshot; its other steps follow it.
            if out.get("delta_of").is_some() {
                let reason = out
                    .get("reason")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("until");
                lines.push(format!("  skipped  {id}: {reason}"));
            }
            continue;
        }
        if is_round_start {
            continue;
        }
        if let Some(d) = migrate_steps::describe_delta(out) {
            lines.push(format!("  delta    {id}: {d}"));
        }
    }
    lines
}
