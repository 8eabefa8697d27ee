//! `migrate repo ls STORE_URL`: the read-only repository inspector — which snapshots and indexes a
//! snapshot repository holds, read from `index.latest` and the root `index-N` (5.x–7.x layouts).

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use migrate_store::{StoreSpec, inspect, open};

/// `migrate repo …`
#[derive(Debug, Args)]
pub struct RepoArgs {
    #[command(subcommand)]
    pub command: RepoCommand,
}

/// Repository subcommands.
#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// List the snapshots and indexes of a snapshot repository (reads `index.latest` and `index-N`,
    /// writes nothing).
    Ls(LsArgs),
}

/// `migrate repo ls`
#[derive(Debug, Args)]
pub struct LsArgs {
    /// The repository: `file:///dir`, `s3://bucket/prefix?endpoint=URL&region=R`, `oss://bucket/prefix?endpoint=URL`
    /// or `cos://bucket-appid/prefix?region=R`. S3-compatible credentials come from the AWS default
    /// chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profile, SSO, instance role).
    pub store_url: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How `repo ls` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Text,
    /// One JSON document for machines.
    Json,
}

/// Runs `migrate repo …`: exit 0 listed, 2 bad URL, 1 the repository could not be read.
pub fn run(args: &RepoArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match &args.command {
        RepoCommand::Ls(ls) => runtime.block_on(ls_command(ls)),
    }
}

async fn ls_command(args: &LsArgs) -> ExitCode {
    let spec = match StoreSpec::from_url(&args.store_url) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let location = spec.display_location();
    let store = match open(&spec) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match inspect(store.as_ref()).await {
        Ok(inspection) => {
            match args.format {
                Format::Text => super::stdout::print(&inspection.render_text(&location)),
                Format::Json => match serde_json::to_string_pretty(&inspection) {
                    Ok(json) => super::stdout::print_line(&json),
                    Err(e) => {
                        eprintln!("error: cannot render JSON: {e}");
                        return ExitCode::from(1);
                    }
                },
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot read the snapshot repository at `{location}`: {e}");
            ExitCode::from(1)
        }
    }
}
