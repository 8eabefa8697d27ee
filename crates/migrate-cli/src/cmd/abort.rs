//! `migrate abort PLAN`: backs out of a cutover without touching data. Planned from the state (the
//! write blocks `block-writes` put on source indexes, the aliases `restore-settings` added on the
//! destination), shown as a dry run first, and done only with `--yes`: lifts those write blocks,
//! removes those aliases, leaves every index and document where it is, and records the abort.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_core::Side;
use migrate_core::request::{Body, Fills, Method, MutatingCall, Request, Role};
use migrate_graph::StepKind;
use migrate_state::{AbortRecord, State};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::state_store::{StateArg, open_state};

/// Back out of a cutover: source writable again, the engine's destination aliases removed, data kept.
#[derive(Debug, Args)]
pub struct AbortArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// Do it (without: print what would be done and change nothing).
    #[arg(long)]
    pub yes: bool,

    /// Who aborts (default: `$USER`).
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,

    #[command(flatten)]
    pub state: StateArg,
}

/// One planned action: its request and the line that describes it.
struct Action {
    line: String,
    request: Request,
}

/// The actions the state calls for: lift each write block the engine set (not ones that were there
/// before), remove each alias the engine added.
fn planned(graph: &migrate_graph::StepGraph, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    let list = |v: Option<&Value>, key: &str| -> Vec<String> {
        v.and_then(|o| o.get(key))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    for step in graph.steps() {
        let outputs = state
            .step(step.id.as_str())
            .and_then(|s| s.outputs.as_ref());
        match &step.kind {
            StepKind::BlockWrites { .. } => {
                for index in list(outputs, "blocked") {
                    out.push(Action {
                        line: format!("lift the write block on source index `{index}`"),
                        request: Request::new(Role::Act, Side::Source, Method::Put)
                            .name(index.clone())
                            .at("_settings")
                            .body(Body::fixed(r#"{"index":{"blocks":{"write":false}}}"#))
                            .mutates(MutatingCall::WriteBlock, index),
                    });
                }
            }
            StepKind::RestoreSettings { .. } => {
                let rows = outputs
                    .and_then(|o| o.get("indices"))
                    .and_then(Value::as_array);
                for row in rows.into_iter().flatten() {
                    let Some(index) = row.get("index").and_then(Value::as_str) else {
                        continue;
                    };
                    for alias in list(Some(row), "aliases_added") {
                        let body =
                            json!({"actions": [{"remove": {"index": index, "alias": alias}}]});
                        out.push(Action {
                            line: format!(
                                "remove alias `{alias}` the engine added to destination index `{index}`"
                            ),
                            request: Request::new(Role::Act, Side::Destination, Method::Post)
                                .at("_aliases")
                                .body(Body::json(&body))
                                .mutates(MutatingCall::UpdateAliases, index),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

pub fn run(args: &AbortArgs) -> ExitCode {
    let Ok((plan, _)) = load_plan(&args.plan, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let (graph, fingerprint) = match (
        migrate_graph::compile(&plan),
        super::live::plan_fingerprint(&plan),
    ) {
        (Ok(g), Ok(f)) => (g, f),
        (Err(e), _) => {
            eprintln!("error: `{}` does not compile: {e}", args.plan.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        (_, Err(e)) => {
            eprintln!("error: `{}` does not compile: {e}", args.plan.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let store = match open_state(&args.plan, &plan, &args.state) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    let state = match store.load() {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!(
                "error: no state for plan `{}` at {}: nothing ran, nothing to abort",
                plan.name,
                store.location()
            );
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let actions = planned(&graph, &state);
    println!(
        "Abort of plan `{}` ({} actions; data is left in place):",
        plan.name,
        actions.len()
    );
    for a in &actions {
        println!("  - {}", a.line);
        println!("      {}", a.request.target());
    }
    if !args.yes {
        eprintln!(
            "dry run: nothing was changed; run `migrate abort {} --yes` to do it",
            args.plan.display()
        );
        return ExitCode::SUCCESS;
    }
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    let done = rt.block_on(async {
        let bp = migrate_graph::blueprint::Blueprint::from(&plan);
        let options = migrate_steps::EnvOptions {
            source_tls: super::apply::tls(&plan.source),
            destination_tls: super::apply::tls(&plan.destination),
            ..Default::default()
        };
        let env = migrate_steps::Env::from_blueprint(&bp, &options)
            .await
            .map_err(|e| e.to_string())?;
        let mut done = Vec::new();
        for a in &actions {
            let client = match a.request.side {
                Side::Source => env.source(),
                Side::Destination => env.destination(),
            };
            client
                .execute(&a.request, &Fills::new())
                .await
                .map_err(|e| env.redact(&format!("{}: {e}", a.line)))?;
            eprintln!("done: {}", a.line);
            done.push(a.line.clone());
        }
        Ok::<_, String>(done)
    });
    let (lines, failure) = match done {
        Ok(lines) => (lines, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let by = super::approve::who(args.by.as_deref());
    let record = AbortRecord {
        by,
        at: OffsetDateTime::now_utc(),
        plan_fingerprint: fingerprint,
        actions: lines,
    };
    if let Some(e) = failure {
        eprintln!("error: {e}");
        eprintln!("help: fix the cause and run the abort again: every action is safe to repeat");
        return ExitCode::from(1);
    }
    match super::approve::record(&args.plan, &plan, &args.state, |s| {
        s.live.aborts.push(record)
    }) {
        Ok(()) => {
            eprintln!("abort recorded in the state");
            ExitCode::SUCCESS
        }
        Err(code) => ExitCode::from(code),
    }
}
