//! `migrate cleanup PLAN`: removes what this migration created on the clusters and no longer
//! needs — the snapshots its state asked for (named with its lineage) and the repositories it
//! registered itself — and records what it removed in the state. Planned and printed first
//! (`--dry-run` stops there), then gated like a cutover: `--yes`, or typing `yes` on a terminal.
//!
//! Only objects of this state's lineage are touched: a snapshot is deleted only when this state
//! recorded asking for it and its name carries this lineage; a repository is unregistered only
//! when this state registered it and, after the deletes, it lists no snapshot of anyone else (the
//! registration goes, the store's objects stay). A state of another plan is refused unchanged.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use migrate_cluster::ClusterClient;
use migrate_cluster::api::snapshot::{is_missing_snapshot, snapshot_names};
use migrate_core::Side;
use migrate_core::request::{Fills, MutatingCall};
use migrate_graph::blueprint::Blueprint;
use migrate_graph::preflight::snapshot_prefix;
use migrate_graph::requests::cleanup as planned;
use migrate_graph::{StepGraph, StepKind};
use migrate_state::{Changes, LockInfo, State, StateStore};
use migrate_steps::{Env, EnvOptions};
use serde_json::{Value, json};

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::state_store::{StateArg, open_state};

const AFTER_HELP: &str = "\
Exit codes:
  0  removed (or, with --dry-run, listed) everything this migration created and no longer needs
  1  a delete failed; what was removed is recorded, run cleanup again
  2  bad input: invalid plan, no state, a state of another plan, or no --yes without a terminal
  3  an apply or another cleanup holds the plan's lock";

/// Remove what this migration created and no longer needs (its snapshots, its repositories).
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP, after_long_help = AFTER_HELP)]
pub struct CleanupArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// Print what would be removed and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Remove without asking (pipelines); otherwise a terminal asks for `yes`.
    #[arg(long)]
    pub yes: bool,

    /// Also when the migration has steps left: a later apply then fails where it needs a removed
    /// snapshot (it never restores anything else).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub state: StateArg,

    /// More log output (-v info, -vv debug, -vvv trace); `RUST_LOG` also works.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// One object the cleanup removes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Snapshot {
        repository: String,
        snapshot: String,
    },
    Repository {
        side: Side,
        name: String,
    },
}

impl Item {
    fn describe(&self) -> String {
        match self {
            Item::Snapshot {
                repository,
                snapshot,
            } => format!("delete snapshot `{snapshot}` in repository `{repository}` on the source"),
            Item::Repository { side, name } => format!(
                "unregister repository `{name}` on the {side} (when it holds no other run's snapshot; the store's objects stay)"
            ),
        }
    }
}

pub fn run(args: &CleanupArgs) -> ExitCode {
    super::logging::init(args.verbose, false);
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    ExitCode::from(rt.block_on(cleanup(args)))
}

async fn cleanup(args: &CleanupArgs) -> u8 {
    let Ok((plan, _)) = load_plan(&args.plan, false) else {
        return EXIT_BAD_INPUT;
    };
    let store = match open_state(&args.plan, &plan, &args.state) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let guard = match migrate_state::lock(&store, LockInfo::current("cleanup")) {
        Ok(g) => g,
        Err(e) => {
            let e = migrate_exec::ExecError::from(e);
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    let code = locked(args, &plan, &store).await;
    if let Err(e) = guard.release() {
        eprintln!("error: releasing the lock: {e}");
        return code.max(1);
    }
    code
}

async fn locked(args: &CleanupArgs, plan: &migrate_plan::Plan, store: &Arc<dyn StateStore>) -> u8 {
    let mut state = match store.load() {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!(
                "error: no state for plan `{}` at {}: apply never ran with this state, so this migration created nothing to remove",
                plan.name,
                store.location()
            );
            eprintln!(
                "help: point `--state` at the state of the run whose objects you want removed"
            );
            return EXIT_BAD_INPUT;
        }
        Err(e) => {
            let e = migrate_exec::ExecError::from(e);
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    let short = state.short_lineage();
    let graph = match migrate_graph::compile_in(plan, Some(&short)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: `{}` does not compile: {e}", args.plan.display());
            return EXIT_BAD_INPUT;
        }
    };
    let items = to_remove(&graph, &state, &plan.name, &short);
    println!(
        "cleanup `{}` (lineage {short}): {} object(s) this migration created",
        plan.name,
        items.len()
    );
    for item in &items {
        println!("  {}", item.describe());
    }
    if items.is_empty() {
        println!("nothing to remove");
        return 0;
    }
    if args.dry_run {
        println!("dry run: nothing was changed");
        return 0;
    }
    let left = graph.len() - done_steps(&graph, &state);
    if left > 0 && !args.force {
        eprintln!(
            "error: the migration has {left} step(s) left: its snapshots are still needed to finish it; nothing was removed"
        );
        eprintln!(
            "help: finish it with `migrate apply {}` first, or pass --force to remove them anyway (a later apply then fails where it needs one)",
            args.plan.display()
        );
        return EXIT_BAD_INPUT;
    }
    if !args.yes && !confirmed() {
        return EXIT_BAD_INPUT;
    }
    let env = match environment(plan, &short).await {
        Ok(env) => env,
        Err(code) => return code,
    };
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    let mut failed = Vec::new();
    for item in &items {
        match remove(&env, item, &plan.name, &short).await {
            Ok(Outcome::Removed) => {
                println!("  removed: {}", item.describe());
                removed.push(record(item));
            }
            Ok(Outcome::Gone) => {
                println!("  already gone: {}", item.describe());
                removed.push(record(item));
            }
            Ok(Outcome::Kept(why)) => {
                println!("  kept: {} — {why}", item.describe());
                kept.push(json!({"object": record(item), "why": why}));
            }
            Err(e) => {
                eprintln!("  failed: {}: {e}", item.describe());
                failed.push(json!({"object": record(item), "error": e}));
            }
        }
    }
    state.cleanups.push(json!({
        "at": now(),
        "lineage": short,
        "removed": removed,
        "kept": kept,
        "failed": failed,
    }));
    state.serial += 1;
    if let Err(e) = store.commit(&state, Changes::All) {
        eprintln!("error: recording the cleanup in the state: {e}");
        return 1;
    }
    if failed.is_empty() { 0 } else { 1 }
}

/// What this state's run created, in the order it is removed: snapshots, then repositories.
fn to_remove(graph: &StepGraph, state: &State, plan: &str, lineage: &str) -> Vec<Item> {
    let prefix = snapshot_prefix(plan, Some(lineage));
    let mut snapshots = Vec::new();
    let mut repositories = Vec::new();
    for step in graph.steps() {
        let record = state.step(step.id.as_str());
        match &step.kind {
            StepKind::CreateSnapshot {
                repository,
                snapshot,
                ..
            } if snapshot.starts_with(&prefix)
                && record.is_some_and(|r| r.handle.is_some() || r.outputs.is_some()) =>
            {
                snapshots.push(Item::Snapshot {
                    repository: repository.clone(),
                    snapshot: snapshot.clone(),
                });
            }
            StepKind::RegisterRepository { side, name, .. }
                if record
                    .and_then(|r| r.outputs.as_ref())
                    .and_then(|o| o.get("registered"))
                    .and_then(Value::as_bool)
                    == Some(true) =>
            {
                repositories.push(Item::Repository {
                    side: *side,
                    name: name.clone(),
                });
            }
            _ => {}
        }
    }
    snapshots.extend(repositories);
    snapshots
}

fn done_steps(graph: &StepGraph, state: &State) -> usize {
    graph
        .steps()
        .filter(|s| {
            state
                .step(s.id.as_str())
                .is_some_and(|r| r.status == migrate_state::StepStatus::Done)
        })
        .count()
}

/// Asks on the terminal; anything but `yes` (or no terminal) declines.
fn confirmed() -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: cleanup deletes the objects listed above: pass --yes to confirm (no terminal to ask on); nothing was removed"
        );
        return false;
    }
    eprint!("Type `yes` to remove them: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() || line.trim() != "yes" {
        eprintln!("cleanup cancelled: nothing was removed");
        return false;
    }
    true
}

/// Both clients, the source's allowed to delete snapshots and unregister repositories.
async fn environment(plan: &migrate_plan::Plan, lineage: &str) -> Result<Env, u8> {
    let mut options = EnvOptions {
        lineage: Some(lineage.to_owned()),
        ..EnvOptions::default()
    };
    options.source_tls = super::apply::tls(&plan.source);
    options.destination_tls = super::apply::tls(&plan.destination);
    options.source_http = super::apply::http(&plan.source, &options.timeouts);
    options.destination_http = super::apply::http(&plan.destination, &options.timeouts);
    options
        .source_writes_also
        .extend([MutatingCall::DeleteSnapshot, MutatingCall::DeleteRepository]);
    Env::from_blueprint(&Blueprint::from(plan), &options)
        .await
        .map_err(|e| {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        })
}

enum Outcome {
    Removed,
    Gone,
    Kept(String),
}

async fn remove(env: &Env, item: &Item, plan: &str, lineage: &str) -> Result<Outcome, String> {
    let none = Fills::new();
    match item {
        Item::Snapshot {
            repository,
            snapshot,
        } => {
            let r = planned::delete_snapshot(repository, snapshot);
            let client = env.source();
            match client.json::<Value>(&r.current, &none).await {
                Ok(_) => {}
                Err(e) if is_missing_snapshot(&e) || e.is_not_found() => return Ok(Outcome::Gone),
                Err(e) => return Err(e.to_string()),
            }
            match client.execute(&r.delete, &none).await {
                Ok(_) => Ok(Outcome::Removed),
                Err(e) if is_missing_snapshot(&e) => Ok(Outcome::Gone),
                Err(e) => Err(e.to_string()),
            }
        }
        Item::Repository { side, name } => {
            let client: &ClusterClient = match side {
                Side::Source => env.source(),
                Side::Destination => env.destination(),
            };
            let r = planned::delete_repository(*side, name);
            let listed = match client.json::<Value>(&r.snapshots, &none).await {
                Ok(v) => v,
                Err(e) if e.error_type() == Some("repository_missing_exception") => {
                    return Ok(Outcome::Gone);
                }
                Err(e) => return Err(e.to_string()),
            };
            let others: Vec<String> = snapshot_names(&listed)
                .into_iter()
                .filter(|n| !n.starts_with(&snapshot_prefix(plan, Some(lineage))))
                .collect();
            if !others.is_empty() {
                return Ok(Outcome::Kept(format!(
                    "it still holds {} snapshot(s) of other runs or owners ({}), which unregistering would hide",
                    others.len(),
                    others
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            client
                .execute(&r.delete, &none)
                .await
                .map(|_| Outcome::Removed)
                .map_err(|e| e.to_string())
        }
    }
}

fn record(item: &Item) -> Value {
    match item {
        Item::Snapshot {
            repository,
            snapshot,
        } => json!({"snapshot": snapshot, "repository": repository}),
        Item::Repository { side, name } => json!({"repository": name, "side": side.as_str()}),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
