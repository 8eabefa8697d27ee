//! `migrate verify PLAN`: runs only the verification of an applied plan again. Every other step
//! must be done; the `verify` steps' records are reset (under the plan's lock) and the executor runs
//! them, so the proof reads the clusters as they are now. Exit codes as `apply`'s: 0 clean (or
//! clean with findings, printed as "not proven"), 1 failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use migrate_graph::{StepGraph, StepKind};
use migrate_state::{Changes, LockInfo, StateStore, StepState, StepStatus};

use super::apply::{ApplyOptions, apply};
use super::load::EXIT_BAD_INPUT;
use super::output::OutputMode;
use super::state_store::StateArg;

/// Verify an applied plan again.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    #[command(flatten)]
    pub state: StateArg,

    /// How to show progress: bars on a terminal (auto), plain lines, or JSON event lines on stdout.
    #[arg(long, value_enum, default_value_t = OutputMode::Auto)]
    pub output: OutputMode,

    /// Only failures and the final summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// More log output (-v info, -vv debug, -vvv trace); `RUST_LOG` also works.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    super::logging::init(args.verbose, args.quiet);
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    let options = ApplyOptions {
        strict: false,
        parallelism: None,
        state: args.state.clone(),
        output: args.output,
        quiet: args.quiet,
        env: Default::default(),
        also: None,
        verify_only: true,
        auto_approve: false,
    };
    ExitCode::from(rt.block_on(apply(&args.plan, options)))
}

/// Resets the `verify` (and `verify-data-streams`) steps' records; refuses when another step is not done yet.
pub(super) fn reset(plan: &Path, graph: &StepGraph, store: &Arc<dyn StateStore>) -> Result<(), u8> {
    let fail = |what: String| {
        eprintln!("error: {what}");
        EXIT_BAD_INPUT
    };
    let _guard =
        migrate_state::lock(store, LockInfo::current("verify")).map_err(|e| fail(e.to_string()))?;
    let Some(mut state) = store.load().map_err(|e| fail(e.to_string()))? else {
        return Err(fail(format!(
            "`{}` has no state yet: run `migrate apply {}` first",
            plan.display(),
            plan.display()
        )));
    };
    let mut ids = Vec::new();
    for step in graph.steps() {
        let id = step.id.as_str();
        if matches!(
            step.kind,
            StepKind::Verify { .. } | StepKind::VerifyDataStreams { .. }
        ) {
            ids.push(id.to_owned());
            continue;
        }
        let done = state.step(id).is_some_and(|s| s.status == StepStatus::Done);
        if !done {
            return Err(fail(format!(
                "step `{id}` is not done: `migrate verify` checks a finished migration; run `migrate apply {}` first",
                plan.display()
            )));
        }
    }
    for id in &ids {
        *state.step_mut(id) = StepState::pending();
    }
    state.serial += 1;
    store
        .commit(&state, Changes::Steps(&ids))
        .map_err(|e| fail(e.to_string()))
}
