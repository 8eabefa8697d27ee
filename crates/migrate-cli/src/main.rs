//! The `migrate` binary.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        cli::Command::Validate(args) => cmd::validate::run(args),
        cli::Command::Plan(args) => cmd::plan::run(args),
        cli::Command::Repo(args) => cmd::repo::run(args),
        cli::Command::Schema(args) => cmd::schema::run(args),
    }
}
