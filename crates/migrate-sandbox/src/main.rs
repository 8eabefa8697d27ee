//! `migrate-sandbox`: runs a sandbox server in the foreground until Ctrl-C or SIGTERM.
//!
//! Readiness: once it serves, the first line on stdout is `listening on http://127.0.0.1:PORT`
//! (flushed), so a parent process can read it and connect; everything else goes to stderr.

use std::io::Write;

use clap::Parser;
use migrate_sandbox::{Auth, FaultRule, Flavor, Sandbox};
use serde_json::json;

/// An Elasticsearch/OpenSearch-compatible server for tests and demos.
#[derive(Parser)]
#[command(name = "migrate-sandbox", disable_version_flag = true)]
struct Args {
    /// `elasticsearch` or `opensearch`.
    #[arg(long, default_value = "elasticsearch")]
    flavor: Flavor,
    /// Version to impersonate, e.g. 5.6.16, 7.10.2, 2.11.0.
    #[arg(long, default_value = "7.10.2")]
    version: String,
    /// Port on 127.0.0.1 (0: random; read the readiness line for the one chosen).
    #[arg(long, default_value_t = 9200)]
    port: u16,
    /// `cluster.name`.
    #[arg(long, default_value = "sandbox")]
    cluster_name: String,
    /// Require basic auth as USER:PASSWORD.
    #[arg(long, env = "SANDBOX_BASIC_AUTH", hide_env_values = true)]
    basic_auth: Option<String>,
    /// Require SigV4-signed requests (service `es`) as ACCESS_KEY_ID:SECRET_ACCESS_KEY, as Amazon
    /// OpenSearch Service does (the secret is never printed).
    #[arg(
        long,
        env = "SANDBOX_SIGV4",
        hide_env_values = true,
        conflicts_with = "basic_auth"
    )]
    sigv4: Option<String>,
    /// Region the SigV4 signatures must name.
    #[arg(long, default_value = "us-east-1")]
    sigv4_region: String,
    /// Remote reindex allowlist entries (`host:port`), as the yml setting.
    #[arg(long = "remote-allowlist", value_delimiter = ',')]
    remote_allowlist: Vec<String>,
    /// A directory `fs` snapshot repositories may use (node setting `path.repo`); repeatable.
    #[arg(long = "path-repo", value_name = "DIR")]
    path_repo: Vec<std::path::PathBuf>,
    /// A node setting as in the yml file, e.g. `s3.client.default.endpoint=http://127.0.0.1:8333`
    /// (the value is read as JSON when it parses, else as a string); repeatable.
    #[arg(long = "setting", value_name = "KEY=VALUE")]
    setting: Vec<String>,
    /// A secure setting as `elasticsearch-keystore add` stores it, e.g.
    /// `s3.client.default.secret_key=...` (s3/oss/cos repository credentials); repeatable.
    /// Values are never printed.
    #[arg(long = "keystore", value_name = "KEY=VALUE")]
    keystore: Vec<String>,
    /// A fault-injection rule; repeatable. STATUS | drop | latency=DURATION, optionally `:RATE`
    /// (0..1), `:nth=N` or `:first=N`, then `,path=SUBSTRING` / `,method=METHOD`.
    /// E.g. `429:0.1`, `drop:0.05`, `latency=50ms`, `503:nth=3,path=/_bulk`.
    #[arg(long = "fault", value_name = "RULE")]
    fault: Vec<FaultRule>,
    /// Seed of the fault-injection RNG (same seed, same faults).
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
    /// Serve the request log at `GET /_sandbox/requests` (sandbox-only; `DELETE` clears it).
    #[arg(long)]
    expose_request_log: bool,
    /// Bytes per second snapshot uploads and restore downloads move at, so their in-progress
    /// states can be watched (default: at once).
    #[arg(long, value_name = "BYTES_PER_SEC")]
    byte_rate: Option<u64>,
    /// Data nodes (default 1: replicas unassigned, yellow); with more, replicas recover from
    /// their primaries at the byte rate, then the index is green.
    #[arg(long, value_name = "N", default_value_t = 1)]
    nodes: u32,
    /// Free disk space `_nodes/stats/fs` reports, in bytes (default 1 TiB), e.g. to test disk
    /// preflight checks.
    #[arg(long, value_name = "BYTES")]
    disk_available: Option<u64>,
    /// Leave a repository plugin out of `_cat/plugins`, as if not installed (`repository-s3`,
    /// `elasticsearch-repository-oss`, `repository-cos`); repeatable.
    #[arg(long = "without-plugin", value_name = "NAME")]
    without_plugin: Vec<String>,
    /// Seed N small documents into `--seed-index` (0: none).
    #[arg(long, default_value_t = 0)]
    seed_docs: usize,
    /// Index name for seeded documents.
    #[arg(long, default_value = "seed")]
    seed_index: String,
}

/// Splits `KEY=VALUE`; the error never contains the value.
fn keystore_entry(entry: &str) -> Result<(&str, &str), String> {
    match entry.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v)),
        Some(_) => Err("--keystore entry has an empty key: use KEY=VALUE".into()),
        None => Err("--keystore entry has no `=`: use KEY=VALUE (the value is not shown)".into()),
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut b = Sandbox::builder()
        .flavor(args.flavor)
        .version(&args.version)
        .port(args.port)
        .cluster_name(&args.cluster_name)
        .seed(args.seed)
        .expose_request_log(args.expose_request_log)
        .remote_allowlist(args.remote_allowlist.clone());
    if let Some(rate) = args.byte_rate {
        b = b.byte_rate(rate);
    }
    if let Some(bytes) = args.disk_available {
        b = b.disk_available(bytes);
    }
    b = b.nodes(args.nodes);
    for plugin in &args.without_plugin {
        b = b.without_plugin(plugin);
    }
    if !args.path_repo.is_empty() {
        let dirs: Vec<String> = args
            .path_repo
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        b = b.node_setting("path.repo", json!(dirs));
    }
    for entry in &args.setting {
        let Some((k, v)) = entry.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            eprintln!("error: --setting must be KEY=VALUE, got `{entry}`");
            return std::process::ExitCode::from(2);
        };
        let value = serde_json::from_str(v).unwrap_or_else(|_| json!(v));
        b = b.node_setting(k.trim(), value);
    }
    for entry in &args.keystore {
        match keystore_entry(entry) {
            Ok((k, v)) => b = b.keystore(k, v),
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    if let Some(ba) = &args.basic_auth {
        let Some((u, p)) = ba.split_once(':') else {
            eprintln!("error: --basic-auth must be USER:PASSWORD");
            return std::process::ExitCode::from(2);
        };
        b = b.auth(Auth::basic(u, p));
    }
    if let Some(keys) = &args.sigv4 {
        let Some((id, secret)) = keys
            .split_once(':')
            .filter(|(i, s)| !i.is_empty() && !s.is_empty())
        else {
            eprintln!(
                "error: --sigv4 must be ACCESS_KEY_ID:SECRET_ACCESS_KEY (the value is not shown)"
            );
            return std::process::ExitCode::from(2);
        };
        b = b.auth(Auth::sigv4(id, secret, &args.sigv4_region));
    }
    let sb = match b.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    for rule in &args.fault {
        sb.faults().add(rule.clone());
    }
    if args.seed_docs > 0 {
        migrate_sandbox::seed::seed_docs(sb.shared(), &args.seed_index, args.seed_docs);
    }
    eprintln!(
        "{} {} (cluster `{}`), {} fault rule(s){}",
        args.flavor,
        args.version,
        args.cluster_name,
        args.fault.len(),
        if args.expose_request_log {
            ", request log at /_sandbox/requests"
        } else {
            ""
        }
    );
    let mut out = std::io::stdout().lock();
    if writeln!(out, "listening on {}", sb.url())
        .and_then(|()| out.flush())
        .is_err()
    {
        eprintln!("error: cannot write the readiness line to stdout");
    }
    drop(out);
    shutdown_signal().await;
    sb.shutdown().await;
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::{Args, keystore_entry};
    use clap::{CommandFactory, Parser};

    #[test]
    fn cli_definition_is_valid() {
        Args::command().debug_assert();
    }

    #[test]
    fn repeatable_flags_and_keystore_errors_without_values() {
        let a = Args::try_parse_from([
            "migrate-sandbox",
            "--path-repo",
            "/a",
            "--path-repo",
            "/b",
            "--fault",
            "429:0.1",
            "--fault",
            "latency=5ms",
            "--keystore",
            "s3.client.default.access_key=AK",
            "--disk-available",
            "1000",
            "--without-plugin",
            "repository-s3",
            "--nodes",
            "3",
        ])
        .expect("parses");
        assert_eq!(a.path_repo.len(), 2);
        assert_eq!(a.fault.len(), 2);
        assert_eq!(a.keystore.len(), 1);
        assert_eq!(a.disk_available, Some(1000));
        assert_eq!(a.nodes, 3);
        assert_eq!(a.without_plugin, vec!["repository-s3".to_string()]);
        let bad = Args::try_parse_from(["migrate-sandbox", "--fault", "teapot"]);
        assert!(bad.is_err());
        assert_eq!(keystore_entry("k=v=w"), Ok(("k", "v=w")));
        let e = keystore_entry("CANARY-SECRET").unwrap_err();
        assert!(!e.contains("CANARY"), "{e}");
    }
}
