//! `migrate state show|unlock|pull|push`: inspect a plan's checkpoint, release a lock left
//! behind, and move a state between backends (a local directory and an object store).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use migrate_state::{StateError, to_canonical_json};
use migrate_state_remote::{
    CopyError, CopyOutcome, copy_state, open_state_backend, parse_state_url,
};

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::state_store::{StateArg, open_backend, open_state};

/// Inspect or repair a plan's state.
#[derive(Debug, Args)]
pub struct StateArgs {
    #[command(subcommand)]
    pub command: StateCommand,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Print the state (JSON, keys sorted; never contains secrets) and the lock, if held.
    Show {
        /// The plan file.
        #[arg(default_value = "plan.yaml")]
        plan: PathBuf,
        #[command(flatten)]
        state: StateArg,
    },
    /// Remove a lock left by an apply that died. Needs the lock's id (shown by `status` and by the
    /// apply that was refused), so the wrong lock is never removed.
    Unlock {
        /// The id of the lock to remove.
        lock_id: String,
        /// The plan file.
        #[arg(default_value = "plan.yaml")]
        plan: PathBuf,
        #[command(flatten)]
        state: StateArg,
    },
    /// Copy the state from LOCATION (a directory or object-store URL) to this plan's state
    /// (`--state`, `settings.state`, or `.migrate/` next to the plan).
    Pull {
        /// Where to copy the state from.
        from: String,
        /// The plan file.
        #[arg(default_value = "plan.yaml")]
        plan: PathBuf,
        #[command(flatten)]
        state: StateArg,
        /// Replace a destination state of another lineage or one that is ahead.
        #[arg(long)]
        force: bool,
    },
    /// Copy this plan's state to LOCATION (a directory or object-store URL).
    Push {
        /// Where to copy the state to.
        to: String,
        /// The plan file.
        #[arg(default_value = "plan.yaml")]
        plan: PathBuf,
        #[command(flatten)]
        state: StateArg,
        /// Replace a destination state of another lineage or one that is ahead.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: &StateArgs) -> ExitCode {
    match &args.command {
        StateCommand::Show { plan, state } => show(plan, state),
        StateCommand::Unlock {
            lock_id,
            plan,
            state,
        } => unlock(lock_id, plan, state),
        StateCommand::Pull {
            from,
            plan,
            state,
            force,
        } => copy(plan, state, from, Direction::Pull, *force),
        StateCommand::Push {
            to,
            plan,
            state,
            force,
        } => copy(plan, state, to, Direction::Push, *force),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Pull,
    Push,
}

fn copy(path: &Path, arg: &StateArg, other: &str, dir: Direction, force: bool) -> ExitCode {
    let Ok((plan, _)) = load_plan(path, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let ours = match open_backend(path, &plan, arg) {
        Ok(b) => b,
        Err(code) => return ExitCode::from(code),
    };
    let theirs = match parse_state_url(other)
        .map_err(|e| e.to_string())
        .and_then(|loc| open_state_backend(&loc, &plan.name).map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: `{}`: {e}", migrate_store::redact_url(other));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let (from, to) = match dir {
        Direction::Pull => (&theirs, &ours),
        Direction::Push => (&ours, &theirs),
    };
    match copy_state(from.as_store(), to, force) {
        Ok(report) => {
            let what = match report.outcome {
                CopyOutcome::Created => "copied (the destination had no state)",
                CopyOutcome::Replaced { .. } => "copied over the destination's state",
                CopyOutcome::UpToDate => "already up to date; nothing written",
            };
            eprintln!(
                "{} → {}: {what} — lineage {}, serial {}, {} steps",
                from.as_store().location(),
                to.as_store().location(),
                report.lineage,
                report.serial,
                report.steps
            );
            ExitCode::SUCCESS
        }
        Err(CopyError::State(e @ StateError::LockHeld { .. })) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn show(path: &Path, arg: &StateArg) -> ExitCode {
    let Ok((plan, _)) = load_plan(path, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let store = match open_state(path, &plan, arg) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    match store.load() {
        Ok(Some(state)) => super::stdout::print_line(&to_canonical_json(&state)),
        Ok(None) => {
            eprintln!(
                "no state at {}: `migrate apply` has not run for plan `{}`",
                store.location(),
                plan.name
            );
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(if e.is_refused_state() {
                EXIT_BAD_INPUT
            } else {
                1
            });
        }
    }
    if let Ok(Some(lock)) = store.read_lock() {
        eprintln!("locked by {} — lock id `{}`", lock.describe(), lock.id);
    }
    ExitCode::SUCCESS
}

fn unlock(lock_id: &str, path: &Path, arg: &StateArg) -> ExitCode {
    let Ok((plan, _)) = load_plan(path, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let store = match open_state(path, &plan, arg) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    match store.unlock(lock_id) {
        Ok(()) => {
            eprintln!("unlocked `{lock_id}` at {}", store.location());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
