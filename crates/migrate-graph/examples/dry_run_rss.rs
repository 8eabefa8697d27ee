//! Peak memory of a large dry run (issue 16's goal: under 100 MB at 50,000 indexes). Compiles a
//! generated plan of N indexes (default 50,000) and streams its dry run in one format to stdout, as
//! `migrate plan --dry-run` does, then prints the process's peak resident set (`VmHWM` from
//! /proc/self/status) to stderr. A measurement, not a test:
//!
//! `cargo run --release -p migrate-graph --example dry_run_rss -- snapshot json 50000 > /dev/null`
//!
//! With a fourth argument R it instead compiles and renders (into a sink) R times and prints the
//! mean wall and CPU time (user + system, all threads, from /proc/self/stat) of one dry run. CPU
//! time hardly moves with the load of a shared machine, and on an idle one bounds the wall time
//! of a one-core run.

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
    if let Some(repeat) = args.get(3) {
        let Ok(repeat) = repeat.parse::<u32>() else {
            eprintln!("the repeat count is not a number");
            return ExitCode::FAILURE;
        };
        return timed(&bp, format, repeat.max(1));
    }
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

/// Compiles and renders `repeat` times; prints the mean wall and CPU time of one dry run.
fn timed(bp: &migrate_graph::blueprint::Blueprint, format: Format, repeat: u32) -> ExitCode {
    let (cpu0, wall0) = (cpu_ms(), std::time::Instant::now());
    for _ in 0..repeat {
        let graph = match compile_blueprint(bp) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("the plan does not compile: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = render_to(&graph, None, format, &mut io::sink()) {
            eprintln!("rendering failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    let wall = wall0.elapsed().as_secs_f64() * 1000.0 / f64::from(repeat);
    match (cpu0, cpu_ms()) {
        (Some(a), Some(b)) => eprintln!(
            "{}: compile + render {wall:.1} ms wall, {:.1} ms CPU (mean of {repeat})",
            format.as_str(),
            (b - a) / f64::from(repeat)
        ),
        _ => eprintln!("{}: compile + render {wall:.1} ms wall", format.as_str()),
    }
    ExitCode::SUCCESS
}

/// User + system CPU time of this process so far, in milliseconds (Linux, /proc/self/stat).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux architecture this runs on.
    Some(ticks * 10.0)
}

/// The `VmHWM` line of /proc/self/status (Linux), e.g. `61234 kB`.
fn vm_hwm() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_owned())
}
