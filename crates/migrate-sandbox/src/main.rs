//! `migrate-sandbox`: runs a sandbox server in the foreground until Ctrl-C.

use clap::Parser;
use migrate_sandbox::{Auth, Flavor, Sandbox};

/// An Elasticsearch/OpenSearch-compatible server for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "migrate-sandbox", disable_version_flag = true)]
struct Args {
    /// `elasticsearch` or `opensearch`.
    #[arg(long, default_value = "elasticsearch")]
    flavor: Flavor,
    /// Version to impersonate, e.g. 5.6.16, 7.10.2, 2.11.0.
    #[arg(long, default_value = "7.10.2")]
    version: String,
    /// Port on 127.0.0.1 (0: random).
    #[arg(long, default_value_t = 9200)]
    port: u16,
    /// `cluster.name`.
    #[arg(long, default_value = "sandbox")]
    cluster_name: String,
    /// Require basic auth as USER:PASSWORD.
    #[arg(long, env = "SANDBOX_BASIC_AUTH", hide_env_values = true)]
    basic_auth: Option<String>,
    /// Remote reindex allowlist entries (`host:port`), as the yml setting.
    #[arg(long = "remote-allowlist", value_delimiter = ',')]
    remote_allowlist: Vec<String>,
    /// Seed N small documents into index `seed` (empty: none).
    #[arg(long, default_value_t = 0)]
    seed_docs: usize,
    /// Index name for seeded documents.
    #[arg(long, default_value = "seed")]
    seed_index: String,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut b = Sandbox::builder()
        .flavor(args.flavor)
        .version(&args.version)
        .port(args.port)
        .cluster_name(&args.cluster_name)
        .remote_allowlist(args.remote_allowlist.clone());
    if let Some(ba) = &args.basic_auth {
        let Some((u, p)) = ba.split_once(':') else {
            eprintln!("error: --basic-auth must be USER:PASSWORD");
            return std::process::ExitCode::from(2);
        };
        b = b.auth(Auth::basic(u, p));
    }
    let sb = match b.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if args.seed_docs > 0 {
        migrate_sandbox::seed::seed_docs(sb.shared(), &args.seed_index, args.seed_docs);
    }
    println!("{} {} listening on {}", args.flavor, args.version, sb.url());
    let _ = tokio::signal::ctrl_c().await;
    sb.shutdown().await;
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Args::command().debug_assert();
    }
}
