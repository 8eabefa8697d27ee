//! `migrate plan --dry-run`: compiles the plan and prints what apply would do, touching nothing.
//!
//! It reads the plan and the state apply would use (`--state`, else the plan's `settings.state`,
//! else `.migrate/` next to the plan) and writes only to stdout/stderr: no file is created and no
//! cluster is contacted; only a state kept in an object store is read over the network, so a plan
//! with a local state runs in pull-request CI with no network at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use migrate_graph::{
    Format, Progress, Recorded, StatusMap, StepStatus, compile_in, render_with_lint_to,
};
use serde_json::Value;

/// Exit codes, shown under `migrate plan --help`.
const AFTER_HELP: &str = "\
Exit codes:
  0  the plan compiled and was printed (with --detailed-exitcode: nothing is left to do)
  2  bad input: the plan or the state file is invalid, or the lint capture holds an object the
     destination cannot take (with --detailed-exitcode: steps are pending)
  1  with --detailed-exitcode only: an error (invalid plan, state file, or lint errors)

Compatibility lint: the output ends with what the destination's version forces on each index and
metadata object, read from the capture `migrate lint PLAN` writes next to the state (never from a
cluster). Without a capture it lists the rules the version pair will be checked against.

State file (--state): the checkpoint `migrate apply` writes. Steps are keyed by step id; each entry
holds `status` (done, running, failed, pending) and optionally the `fingerprint` it ran with. A JSON
object of step id -> status string is also accepted. Done steps whose fingerprint changed, and
everything downstream of them, count as remaining.";

/// Show what `migrate apply` would do, without changing anything.
#[derive(Debug, Args)]
#[command(after_long_help = AFTER_HELP, after_help = AFTER_HELP)]
pub struct PlanArgs {
    /// Preview only (required unless `--refresh`: `plan` never runs anything).
    #[arg(long, required_unless_present = "refresh")]
    pub dry_run: bool,

    /// Also read the clusters (read-only: nothing is written to either cluster or store): expand
    /// patterns, read documents, primary bytes and shards per index, find destination conflicts,
    /// run the preflight checks and the compatibility lint, and estimate the duration
    /// (docs/estimates.md). Exit 1 when a preflight check fails or a cluster cannot be read.
    #[arg(long)]
    pub refresh: bool,

    /// With `--refresh`: save the reviewed plan (compiled graph, plan file hash, live inputs) to
    /// FILE; `migrate apply FILE` runs exactly that or refuses (exit 2) when anything drifted.
    #[arg(long, value_name = "FILE", requires = "refresh")]
    pub out: Option<PathBuf>,

    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// Output format: text for terminals, markdown for pull-request comments (with a Mermaid graph),
    /// json for pipelines (schema: schemas/dry-run.schema.json), dot for Graphviz.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// The state to plan against (default: the one apply uses — the plan's `settings.state`, else
    /// `.migrate/` next to the plan — if it holds one): a `<plan>.state.json` file, a directory,
    /// or an object-store URL (read-only). Done steps are marked and only what remains is listed.
    #[arg(long, value_name = "LOCATION")]
    pub state: Option<String>,

    /// Exit 0 when nothing is left to do, 2 when steps are pending, 1 on error (like
    /// `terraform plan -detailed-exitcode`).
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Fail on the lint's warnings too, not only its errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Markdown,
    Json,
    Dot,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Json => Format::Json,
            FormatArg::Dot => Format::Dot,
        }
    }
}

pub fn run(args: &PlanArgs) -> ExitCode {
    if args.refresh {
        return super::refresh::run(args);
    }
    let error_code = if args.detailed_exitcode { 1 } else { 2 };
    let Ok((plan, _warnings)) = super::load::load_plan(&args.plan, false) else {
        return ExitCode::from(error_code);
    };
    let recorded = match read_recorded(&args.plan, &plan, args.state.as_deref()) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(error_code);
        }
    };
    // Snapshot names carry the state's lineage; before a state exists, apply draws one when it
    // starts, and the dry run shows where it goes.
    let lineage = recorded
        .as_ref()
        .and_then(|(_, l)| l.clone())
        .unwrap_or_else(|| migrate_graph::preflight::LINEAGE_PLACEHOLDER.to_owned());
    let graph = match compile_in(&plan, Some(&lineage)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {}: {e}", args.plan.display());
            return ExitCode::from(error_code);
        }
    };
    let progress = recorded.map(|(m, _)| Progress::resolve(&graph, &m));
    let lint = match crate::lint::report(&args.plan, &plan, args.state.as_deref()) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(error_code);
        }
    };
    super::stdout::stream(|out| {
        render_with_lint_to(&graph, progress.as_ref(), args.format.into(), &lint, out)
    });
    if crate::lint::print_failures(&lint, args.strict) {
        return ExitCode::from(error_code);
    }
    let remaining = progress.as_ref().map_or(graph.len(), Progress::remaining);
    if args.detailed_exitcode && remaining > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The state apply would use (the one rule of [`super::state_store::resolve`]: `--state`, the
/// plan's `settings.state`, `.migrate/` next to the plan), read-only. A `--state` naming a file
/// that is not `<plan>.state.json` is read as a hand-written state; a `--state` with no state in
/// it is an error, while the plan's own location may hold none yet (then the whole plan shows).
/// With the statuses comes the state's short lineage, when it records one.
pub(super) fn read_recorded(
    plan_path: &Path,
    plan: &migrate_plan::Plan,
    flag: Option<&str>,
) -> Result<Option<(StatusMap, Option<String>)>, String> {
    use migrate_state::StateStore;
    use migrate_state_remote::{StateBackend, StateLocation, StateOrigin};
    let resolved = super::state_store::resolve_or_message(plan_path, plan, flag)?;
    let explicit = resolved.origin == StateOrigin::Flag;
    if let StateLocation::Dir(path) = &resolved.location
        && explicit
        && path.is_file()
    {
        return read_state(path).map(|m| Some((m, None)));
    }
    let backend = migrate_state_remote::open_state_backend(&resolved.location, &plan.name)
        .map_err(|e| e.to_string())?;
    if let StateBackend::File(f) = &backend
        && !f.state_path().exists()
        && !f.journal_path().exists()
    {
        return match explicit {
            true => Err(format!("no state at {}", f.location())),
            false => Ok(None),
        };
    }
    match backend.as_store().load().map_err(|e| e.to_string())? {
        Some(state) => Ok(Some((
            migrate_exec::status_map(&state),
            Some(state.short_lineage()),
        ))),
        None if explicit => Err(format!("no state at {}", backend.as_store().location())),
        None => Ok(None),
    }
}

/// Reads step statuses from a hand-written state file: `{"steps": {id: {"status", "fingerprint"?}}}` or a plain
/// object of id -> entry, where an entry is such an object or just a status string.
pub fn read_state(path: &Path) -> Result<StatusMap, String> {
    // A regular file (a FIFO or a device is refused at once), at most 256 MiB.
    let text = migrate_input::read_text_limited(path, 256 * 1024 * 1024).map_err(|e| {
        format!(
            "cannot read state file `{}`: {}",
            path.display(),
            e.reason()
        )
    })?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("state file `{}` is not JSON: {e}", path.display()))?;
    let steps = match doc.get("steps") {
        Some(steps) => steps,
        None => &doc,
    };
    let Some(entries) = steps.as_object() else {
        return Err(format!(
            "state file `{}`: expected an object of step id -> status",
            path.display()
        ));
    };
    let mut map = BTreeMap::new();
    for (id, entry) in entries {
        let recorded = match entry {
            Value::String(_) => serde_json::from_value::<StepStatus>(entry.clone())
                .map(|status| Recorded { status, fingerprint: None }),
            _ => serde_json::from_value::<Recorded>(entry.clone()),
        }
        .map_err(|e| format!("state file `{}`: step `{id}`: {e} (status is one of done, running, failed, pending)", path.display()))?;
        map.insert(id.clone(), recorded);
    }
    Ok(map)
}
