//! The command line: one `Command` enum, one variant per subcommand.

use clap::{Parser, Subcommand};

use crate::cmd;

/// Declarative Elasticsearch/OpenSearch migrations: validate a plan, preview it, apply it.
#[derive(Debug, Parser)]
#[command(name = "migrate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plan files against the schema and the semantic rules (exit 0 valid, 2 invalid).
    Validate(cmd::validate::ValidateArgs),
    /// Show what `apply` would do (`--dry-run`: contacts no cluster); `--refresh` also reads the
    /// clusters (read-only) and can save the reviewed plan (`--out`).
    Plan(cmd::plan::PlanArgs),
    /// Read the source's metadata (read-only) and list every change the destination's version forces, rule by rule.
    Lint(cmd::lint::LintArgs),
    /// Inspect a snapshot repository in an object store (read-only): `repo ls STORE_URL`.
    Repo(cmd::repo::RepoArgs),
    /// Run or resume a plan: every step checkpointed, resumable after any failure.
    Apply(cmd::apply::ApplyArgs),
    /// Approve a gate (`--gate cutover`) in the state, bound to the plan's fingerprint.
    Approve(cmd::approve::ApproveArgs),
    /// Back out of a cutover (dry run; `--yes` does it): lift the source write blocks, remove the
    /// aliases the engine added on the destination, keep the data, record the abort.
    Abort(cmd::abort::AbortArgs),
    /// Run only the verification of an applied plan again (the proof, against the clusters as they are now).
    Verify(cmd::verify::VerifyArgs),
    /// Remove what this migration created and no longer needs (its snapshots, its repositories); `--dry-run` lists them.
    Cleanup(cmd::cleanup::CleanupArgs),
    /// Show a plan's progress from its state (read-only).
    Status(cmd::status::StatusArgs),
    /// Inspect a plan's state or release a lock left behind.
    State(cmd::state::StateArgs),
    /// Run a real migration between two embedded sandbox clusters (nothing to install).
    Demo(cmd::demo::DemoArgs),
    /// Print the JSON schema of plan files.
    Schema(cmd::schema::SchemaArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (roff).
    Man(cmd::completions::ManArgs),
}
