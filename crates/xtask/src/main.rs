//! Project automation: `cargo xtask test` installs the pinned test services (SeaweedFS,
//! fake-gcs-server, Azurite) and runs every test.
//!
//! It is the README's test command and what `.ci/run` calls, so a newcomer and CI run the same thing.
//! `cargo xtask services` only installs the services (then plain `cargo test` finds them too).

mod services;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("services") => match services::install() {
            Ok(services) => {
                for (var, path) in services.env() {
                    println!("{var}={}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!(
                "usage: cargo xtask test [-- <extra cargo test args>] | cargo xtask services"
            );
            ExitCode::from(2)
        }
    }
}

fn test(extra: &[String]) -> ExitCode {
    let services = match services::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xtask: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["test", "--workspace", "--locked"])
        .args(extra);
    for (var, path) in services.env() {
        command.env(var, path);
    }
    let status = command.status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: could not run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
