//! Peak memory of a large dry run (issue 16's goal: under 100 MB at 50,000 indexes). Compiles a
//! generated plan of N indexes (default 50,000) and streams its dry run in one format to stdout, as
//! `migrate plan --dry-run` does, then prints the process's peak resident set (`VmHWM` from
//! /proc/self/status) to stderr. A measurement, not a test:
//!
//! `cargo run --release -p migrate-graph --example dry_run_rss -- snapshot json 50000 > /dev/null`

#[path = "../tests/it/common/mod.rs"]
mod common;

use std::io::{self, Write};
use std::process::ExitCode;

use migrate_graph::{Format, compile_blueprint, render_to};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let strategy = args.first().map_or("snapshot", String::as_str);
    let format = args.get(1).map_or("json", String::as_str);
    let Some(format) = Format::ALL.into_iter().find(|f| f.as_str() == format) else {
        eprintln!("unknown format `{format}`: text, markdown, json or dot");
        return ExitCode::FAILURE;
    };
    let count: usize = match args.get(2).map(|n| n.parse()) {
        None => 50_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("the index count is not a number: {e}");
            return ExitCode::FAILURE;
        }
    };
    let names: Vec<String> = (0..count).map(|i| format!("logs-{i:06}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let bp = match strategy {
        "snapshot" => common::snapshot_plan(&refs),
        "reindex" => common::reindex_plan(&refs),
        other => {
            eprintln!("unknown strategy `{other}`: snapshot or reindex");
            return ExitCode::FAILURE;
        }
    };
    drop(refs);
    drop(names);
    let graph = match compile_blueprint(&bp) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("the plan does not compile: {e}");
            return ExitCode::FAILURE;
        }
    };
    let compiled = vm_hwm();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if let Err(e) = render_to(&graph, None, format, &mut out).and_then(|()| out.flush()) {
        eprintln!("writing the dry run failed: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "{strategy} plan, {count} indexes, {} steps ({} bytes each before their heap parts), {}: peak RSS after compiling {}, at the end {}",
        graph.len(),
        std::mem::size_of::<migrate_graph::Step>(),
        format.as_str(),
        compiled.as_deref().unwrap_or("unknown"),
        vm_hwm().as_deref().unwrap_or("unknown"),
    );
    ExitCode::SUCCESS
}

/// The `VmHWM` line of /proc/self/status (Linux), e.g. `61234 kB`.
fn vm_hwm() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_owned())
}
