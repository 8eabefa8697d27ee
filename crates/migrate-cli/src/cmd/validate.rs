//! `migrate validate [PLAN...]`: schema and semantic checks with exact diagnostics; nothing is
//! contacted. Exit 0 when every plan is valid (warnings allowed unless `--strict`), 2 otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_plan::Strategy;

use super::load::{EXIT_BAD_INPUT, load_plan};

const AFTER_HELP: &str = "\
Exit codes:
  0  every plan is valid (warnings are printed to stderr)
  2  a plan is invalid, or has warnings under --strict; every finding is printed with its
     file:line:column, the snippet and how to fix it; or the plan's lint capture (written by
     `migrate lint`, read here without contacting anything) holds an index or object the
     destination cannot take (with --strict, a lint warning too), named with the rule";

/// Check plan files: the schema, then the semantic rules; every finding at once.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ValidateArgs {
    /// Plan files to check.
    #[arg(default_value = "plan.yaml")]
    pub plans: Vec<PathBuf>,

    /// Treat warnings (literal secrets, disabled TLS checks, …) as errors.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: &ValidateArgs) -> ExitCode {
    let mut failed = false;
    for path in &args.plans {
        match load_plan(path, args.strict) {
            Ok((plan, warnings)) => {
                let strategy = match plan.strategy {
                    Strategy::Snapshot(_) => "snapshot",
                    Strategy::Reindex(_) => "reindex",
                    Strategy::Copy(_) => "copy",
                    Strategy::SnapshotReindex(_) => "snapshot_reindex",
                };
                let entries = plan.indexes.len();
                let mut line = format!(
                    "valid: {} (plan `{}`, {strategy}, {entries} index {})",
                    path.display(),
                    plan.name,
                    if entries == 1 { "entry" } else { "entries" }
                );
                let w = warnings.len();
                if w > 0 {
                    line.push_str(&format!(", {w} warning{}", if w == 1 { "" } else { "s" }));
                }
                match crate::lint::report(path, &plan, None) {
                    Ok(lint) if lint.capture.is_some() => {
                        let from = lint.capture.as_ref().map_or("", |c| c.taken_at.as_str());
                        line.push_str(&format!(
                            "; lint of the capture read {from}: {}",
                            lint.summary()
                        ));
                        if crate::lint::print_failures(&lint, args.strict) {
                            failed = true;
                            continue;
                        }
                    }
                    Ok(_) => {}
                    Err(message) => {
                        eprintln!("error: {message}");
                        failed = true;
                        continue;
                    }
                }
                super::stdout::print_line(&line);
            }
            Err(_) => failed = true,
        }
    }
    if failed {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}
