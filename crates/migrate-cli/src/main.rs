//! The `migrate` binary.

mod cli;
mod cmd;
mod lint;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        cli::Command::Validate(args) => cmd::validate::run(args),
        cli::Command::Plan(args) => cmd::plan::run(args),
        cli::Command::Lint(args) => cmd::lint::run(args),
        cli::Command::Repo(args) => cmd::repo::run(args),
        cli::Command::Apply(args) => cmd::apply::run(args),
        cli::Command::Approve(args) => cmd::approve::run(args),
        cli::Command::Abort(args) => cmd::abort::run(args),
        cli::Command::Verify(args) => cmd::verify::run(args),
        cli::Command::Cleanup(args) => cmd::cleanup::run(args),
        cli::Command::Status(args) => cmd::status::run(args),
        cli::Command::State(args) => cmd::state::run(args),
        cli::Command::Demo(args) => cmd::demo::run(args),
        cli::Command::Schema(args) => cmd::schema::run(args),
        cli::Command::Completions(args) => cmd::completions::completions(args),
        cli::Command::Man(args) => cmd::completions::man(args),
    }
}
