//! `migrate lint PLAN`: reads the source's metadata (read-only: `GET` requests only), keeps it as
//! the plan's capture next to its state, and prints what the version jump forces on each index and
//! metadata object, rule by rule. `plan --dry-run` and `validate` show the same report from the
//! capture without contacting anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use migrate_core::Side;
use migrate_graph::blueprint::Blueprint;
use migrate_translate::Target;
use migrate_translate::lint::{LintReport, render};

use super::load::{EXIT_BAD_INPUT, load_plan};

const AFTER_HELP: &str = "\
Exit codes:
  0  every index and object can be migrated (warnings are listed; they fail only with --strict)
  1  the source (or, when the plan declares no destination version, the destination) could not be read
  2  the lint found errors (no equivalent on the destination), or warnings under --strict, or the
     plan is invalid; each finding names the object and the rule

Only GET requests are sent to the source. The capture is written to `<state dir>/<plan>.lint.json`
(the state directory apply uses); `migrate plan --dry-run` and `migrate validate` read it.";

/// Read the source's metadata and show every rewrite, strip and rejection the destination forces.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct LintArgs {
    /// The plan file.
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,

    /// Fail (exit 2) on warnings too.
    #[arg(long)]
    pub strict: bool,

    /// The state location whose directory keeps the capture (as for `apply`).
    #[arg(long, value_name = "LOCATION")]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Markdown,
    Json,
}

pub fn run(args: &LintArgs) -> ExitCode {
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    ExitCode::from(rt.block_on(lint(args)))
}

/// The report rendered in `format`.
pub fn rendered(report: &LintReport, format: LintFormat) -> String {
    match format {
        LintFormat::Text => render::text(report),
        LintFormat::Markdown => render::markdown(report),
        LintFormat::Json => {
            let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

async fn lint(args: &LintArgs) -> u8 {
    let Ok((plan, _warnings)) = load_plan(&args.plan, false) else {
        return EXIT_BAD_INPUT;
    };
    let bp = Blueprint::from(&plan);
    let mut options = migrate_steps::EnvOptions {
        source_tls: super::apply::tls(&plan.source),
        destination_tls: super::apply::tls(&plan.destination),
        ..Default::default()
    };
    options.source_http = super::apply::http(&plan.source, &options.timeouts);
    options.destination_http = super::apply::http(&plan.destination, &options.timeouts);
    let source = match migrate_steps::read_only_client(&bp, Side::Source, &options).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let mut capture = match crate::lint::collect(&bp, &source).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    capture.destination = match destination(&bp, &options).await {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "help: declare `destination.version` in the plan to lint without asking the destination"
            );
            return 1;
        }
    };
    let path = crate::lint::capture_path(&args.plan, &plan, args.state.as_deref());
    if let Err(e) = write_atomically(&path, &capture.to_json()) {
        eprintln!(
            "error: cannot write the lint capture `{}`: {e}",
            path.display()
        );
        return 1;
    }
    let report = match crate::lint::report(&args.plan, &plan, args.state.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    super::stdout::print(&rendered(&report, args.format));
    eprintln!("capture written to {}", path.display());
    if crate::lint::print_failures(&report, args.strict) {
        EXIT_BAD_INPUT
    } else {
        0
    }
}

/// The destination's version: the plan's, else its answer to `GET /` (a read).
async fn destination(
    bp: &Blueprint,
    options: &migrate_steps::EnvOptions,
) -> Result<Target, String> {
    if let Some(r) = &bp.destination.version {
        return Target::parse(&r.to_string()).map_err(|e| e.to_string());
    }
    let client = migrate_steps::read_only_client(bp, Side::Destination, options)
        .await
        .map_err(|e| e.to_string())?;
    let info = client
        .server_info()
        .await
        .map_err(|e| format!("the destination: {e}"))?;
    let release = info
        .release()
        .ok_or("the destination is Serverless, which reports no version")?;
    Target::parse(&release.to_string()).map_err(|e| e.to_string())
}

/// Writes `text` to `path` through a temporary file renamed over it, so a reader never sees half.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
