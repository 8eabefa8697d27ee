//! `migrate schema`: prints the plan's JSON schema (the same text as `schemas/plan.schema.json`).

use std::process::ExitCode;

use clap::Args;

/// Print the JSON schema of plan files (for editors and other validators).
#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_args: &SchemaArgs) -> ExitCode {
    super::stdout::print(&migrate_plan::schema_json());
    ExitCode::SUCCESS
}
