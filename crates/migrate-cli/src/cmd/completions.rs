//! `migrate completions SHELL` and `migrate man`: shell completions and the man page, generated
//! from the same clap definition as `--help`, so they never drift from the commands.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Print shell completions: `migrate completions bash > /etc/bash_completion.d/migrate`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "migrate", &mut out);
    super::stdout::print(&String::from_utf8_lossy(&out));
    ExitCode::SUCCESS
}

/// Print the man page (roff): `migrate man > migrate.1 && man ./migrate.1`.
#[derive(Debug, Args)]
pub struct ManArgs {}

pub fn man(_: &ManArgs) -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("error: rendering the man page: {e}");
        return ExitCode::from(1);
    }
    super::stdout::print(&String::from_utf8_lossy(&out));
    ExitCode::SUCCESS
}
