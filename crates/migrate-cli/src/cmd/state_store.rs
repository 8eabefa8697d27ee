//! Which state store a command uses: `--state LOCATION` when given, else the plan's
//! `settings.state`, else the local file next to the plan (`.migrate/<plan-name>.state.json`),
//! the embedded default. A location is a directory or an object-store URL (`s3://bucket/prefix`,
//! `oss://…`, `cos://…`, `file:///dir`), see docs/state.md.

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use migrate_plan::Plan;
use migrate_state::{FileStore, StateStore};
use migrate_state_remote::{StateBackend, StateLocation, open_state_backend, parse_state_url};

use super::load::EXIT_BAD_INPUT;

/// `--state`, shared by every command that reads or writes the state.
#[derive(Debug, Clone, Default, Args)]
pub struct StateArg {
    /// Where the state lives instead of `.migrate/` next to the plan: a directory, or an object
    /// store URL for shared runners (`s3://bucket/prefix?region=eu-west-1`, `oss://…`, `cos://…`).
    #[arg(long = "state", value_name = "LOCATION")]
    pub location: Option<String>,
}

/// The location a command uses for `plan` (None: the file next to the plan).
pub fn location(plan: &Plan, arg: &StateArg) -> Result<Option<StateLocation>, u8> {
    let Some(text) = arg.location.as_deref().or(plan_setting(plan)) else {
        return Ok(None);
    };
    match parse_state_url(text) {
        // Something that is there but no directory (`file:///x` gives `/x/`: compared without
        // the trailing separator).
        Ok(StateLocation::Dir(dir))
            if std::fs::metadata(dir.components().collect::<std::path::PathBuf>())
                .is_ok_and(|m| !m.is_dir()) =>
        {
            let plain: std::path::PathBuf = dir.components().collect();
            let kind = std::fs::metadata(&plain)
                .map(|m| migrate_input::FileKind::of(&m.file_type()).to_string())
                .unwrap_or_else(|_| "not a directory".to_owned());
            eprintln!(
                "error: the state location `{}` is {kind}, not a directory",
                plain.display()
            );
            eprintln!(
                "help: give the directory that holds (or will hold) `<plan>.state.json`, or an object-store URL"
            );
            Err(EXIT_BAD_INPUT)
        }
        Ok(loc) => Ok(Some(loc)),
        Err(e) => {
            eprintln!(
                "error: the state location `{}`: {e}",
                migrate_store::redact_url(text)
            );
            eprintln!(
                "help: use a directory, or s3://bucket/prefix?region=…, oss://bucket/prefix?endpoint=…, cos://bucket/prefix?region=…"
            );
            Err(EXIT_BAD_INPUT)
        }
    }
}

/// The plan's own `settings.state`, if it names one.
fn plan_setting(plan: &Plan) -> Option<&str> {
    plan.settings.state.as_deref()
}

/// Opens the backend for `plan` (nothing is written until the executor commits).
pub fn open_backend(plan_path: &Path, plan: &Plan, arg: &StateArg) -> Result<StateBackend, u8> {
    let opened = match location(plan, arg)? {
        Some(loc) => open_state_backend(&loc, &plan.name).map_err(|e| e.to_string()),
        None => FileStore::for_plan(plan_path, &plan.name)
            .map(StateBackend::File)
            .map_err(|e| e.to_string()),
    };
    opened.map_err(|e| {
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
