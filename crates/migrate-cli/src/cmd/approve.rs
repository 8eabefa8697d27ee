//! `migrate approve PLAN --gate NAME`: records in the state who approved a gate and when, bound to
//! the plan's fingerprint (`live::plan_fingerprint`): apply's cutover gate accepts it while the
//! plan compiles to the same steps; a changed plan needs a new approval.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_state::{Approval, Changes, LockInfo, State};
use time::OffsetDateTime;

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::state_store::{StateArg, open_state};

/// The gates a plan has (the cutover is the only one today).
pub const GATES: [&str; 1] = ["cutover"];

/// Approve a gate of a plan without editing it.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// The gate approved (`cutover`).
    #[arg(long, value_name = "NAME")]
    pub gate: String,

    /// Who approves (default: `$USER`).
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,

    #[command(flatten)]
    pub state: StateArg,
}

pub fn run(args: &ApproveArgs) -> ExitCode {
    if !GATES.contains(&args.gate.as_str()) {
        eprintln!(
            "error: `{}` is not a gate of this plan; the gates are: {}",
            args.gate,
            GATES.join(", ")
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let Ok((plan, _)) = load_plan(&args.plan, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let fingerprint = match super::live::plan_fingerprint(&plan) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: `{}` does not compile: {e}", args.plan.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let by = who(args.by.as_deref());
    let approval = Approval {
        gate: args.gate.clone(),
        by: by.clone(),
        at: OffsetDateTime::now_utc(),
        plan_fingerprint: fingerprint.clone(),
    };
    match record(&args.plan, &plan, &args.state, |s| {
        s.live.approvals.push(approval)
    }) {
        Ok(()) => {
            eprintln!(
                "approved gate `{}` of plan `{}` by {by} for plan fingerprint {}",
                args.gate,
                plan.name,
                &fingerprint[..16]
            );
            ExitCode::SUCCESS
        }
        Err(code) => ExitCode::from(code),
    }
}

/// `--by`, else `$USER`, else `unknown`.
pub fn who(by: Option<&str>) -> String {
    by.map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Takes the state's lock, applies `change` to the committed state (a new one if none) and commits it.
pub fn record(
    path: &std::path::Path,
    plan: &migrate_plan::Plan,
    arg: &StateArg,
    change: impl FnOnce(&mut State),
) -> Result<(), u8> {
    let store = open_state(path, plan, arg)?;
    let guard = migrate_state::lock(&store, LockInfo::current("record")).map_err(|e| {
        eprintln!("error: {e}");
        3
    })?;
    let result = (|| {
        let mut state = store.load()?.unwrap_or_else(|| State::new(&plan.name));
        change(&mut state);
        state.serial += 1;
        store.commit(&state, Changes::All)
    })();
    drop(guard);
    result.map_err(|e| {
        eprintln!("error: {e}");
        1
    })
}
