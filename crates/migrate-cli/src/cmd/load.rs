//! Loading a plan for any subcommand: validates it with migrate-plan and prints every finding to
//! stderr (colour on a terminal unless `NO_COLOR`). `apply`, `plan` and `validate` all load through
//! [`load_plan`], so they accept and refuse exactly the same files.

use std::path::Path;
use std::process::ExitCode;

use migrate_plan::{Diagnostics, LoadOptions, Plan, RenderOptions, render};

/// Exit code for bad input (an invalid plan, a bad flag).
pub const EXIT_BAD_INPUT: u8 = 2;

/// Loads and validates `path`. Warnings are printed to stderr and returned; on any error every
/// finding is printed and the result is the exit code to return (2).
pub fn load_plan(path: &Path, strict: bool) -> Result<(Plan, Diagnostics), ExitCode> {
    match migrate_plan::load_file(path, &LoadOptions { strict }) {
        Ok(loaded) => {
            print_findings(&loaded.warnings);
            Ok((loaded.plan, loaded.warnings))
        }
        Err(findings) => {
            print_findings(&findings);
            eprintln!("{}", summary(path, &findings));
            Err(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

/// Prints findings to stderr.
pub fn print_findings(findings: &Diagnostics) {
    if !findings.is_empty() {
        eprint!("{}", render(findings, &RenderOptions::for_stderr()));
    }
}

/// "`plan.yaml` is invalid: 2 errors, 1 warning".
pub fn summary(path: &Path, findings: &Diagnostics) -> String {
    let errors = findings.errors().count();
    let warnings = findings.warnings().count();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut s = format!(
        "`{}` is invalid: {}",
        path.display(),
        count(errors, "error")
    );
    if warnings > 0 {
        s.push_str(&format!(", {}", count(warnings, "warning")));
    }
    s
}
