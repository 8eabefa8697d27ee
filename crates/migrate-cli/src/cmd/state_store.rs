//! Which state store a command uses — one rule for every command (`plan --dry-run`, `apply`,
//! `status`, `state …`): `--state LOCATION` when given, else the plan's `settings.state`, else the
//! local file next to the plan (`.migrate/<plan-name>.state.json`). The rule itself is
//! [`migrate_state_remote::resolve_state`]; a location is a directory, a `<plan>.state.json` file
//! or an object-store URL (`s3://bucket/prefix`, `oss://…`, `cos://…`, `azure://…`, `gs://…`,
//! `file:///dir`), see docs/state.md.

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use migrate_plan::Plan;
use migrate_state::StateStore;
use migrate_state_remote::{
    ResolvedState, StateBackend, StateLocation, open_state_backend, resolve_state,
};

use super::load::EXIT_BAD_INPUT;

/// `--state`, shared by every command that reads or writes the state.
#[derive(Debug, Clone, Default, Args)]
pub struct StateArg {
    /// Where the state lives instead of the plan's `settings.state` or `.migrate/` next to the
    /// plan: a directory, a `<plan>.state.json` file, or an object store URL for shared runners
    /// (`s3://bucket/prefix?region=eu-west-1`, `oss://…`, `cos://…`, `azure://…`, `gs://…`).
    #[arg(long = "state", value_name = "LOCATION")]
    pub location: Option<String>,
}

/// The location a command uses for `plan` and where it came from, or the message saying why the
/// location cannot be used.
pub fn resolve_or_message(
    plan_path: &Path,
    plan: &Plan,
    flag: Option<&str>,
) -> Result<ResolvedState, String> {
    let setting = plan.settings.state.as_deref();
    resolve_state(flag, setting, plan_path).map_err(|e| {
        let text = flag.or(setting).unwrap_or_default();
        format!(
            "the state location `{}`: {e}",
            migrate_store::redact_url(text)
        )
    })
}

/// [`resolve_or_message`], the message printed with a hint.
pub fn resolve(plan_path: &Path, plan: &Plan, flag: Option<&str>) -> Result<ResolvedState, u8> {
    resolve_or_message(plan_path, plan, flag).map_err(|message| {
        eprintln!("error: {message}");
        eprintln!(
            "help: use a directory, or s3://bucket/prefix?region=…, oss://bucket/prefix?endpoint=…, cos://bucket/prefix?region=…, azure://container/prefix?account=…, gs://bucket/prefix"
        );
        EXIT_BAD_INPUT
    })
}

/// Opens the backend for `plan` (nothing is written until the executor commits).
pub fn open_backend(plan_path: &Path, plan: &Plan, arg: &StateArg) -> Result<StateBackend, u8> {
    let resolved = resolve(plan_path, plan, arg.location.as_deref())?;
    if let StateLocation::Dir(dir) = &resolved.location {
        not_a_directory(dir)?;
    }
    open_state_backend(&resolved.location, &plan.name).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_BAD_INPUT
    })
}

/// Opens the state store for `plan`, as the executor uses it.
pub fn open_state(
    plan_path: &Path,
    plan: &Plan,
    arg: &StateArg,
) -> Result<Arc<dyn StateStore>, u8> {
    open_backend(plan_path, plan, arg).map(StateBackend::into_store)
}

/// Refuses a directory location where something else is (`file:///x` gives `/x/`: compared
/// without the trailing separator).
fn not_a_directory(dir: &Path) -> Result<(), u8> {
    let plain: std::path::PathBuf = dir.components().collect();
    let Ok(meta) = std::fs::metadata(&plain) else {
        return Ok(());
    };
    if meta.is_dir() {
        return Ok(());
    }
    let kind = migrate_input::FileKind::of(&meta.file_type()).to_string();
    eprintln!(
        "error: the state location `{}` is {kind}, not a directory",
        plain.display()
    );
    eprintln!(
        "help: give the directory that holds (or will hold) `<plan>.state.json`, a `<plan>.state.json` file, or an object-store URL"
    );
    Err(EXIT_BAD_INPUT)
}
