//! Runs `migrate` as a child and measures it: exit code, output, wall time and peak RSS. The RSS
//! is the kernel's high-water mark over every child this process has reaped
//! (`getrusage(RUSAGE_CHILDREN)`): an upper bound of this child's own peak, so a bound that holds
//! for it holds for the child. A child still running at its deadline is killed (unbounded).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::migrate;

/// What one run of the child did.
pub struct Ran {
    /// `None`: killed at the deadline (or by a signal).
    pub code: Option<i32>,
    pub output: String,
    pub elapsed: Duration,
    /// Peak resident set of any reaped child so far (this one included), in bytes.
    pub max_rss: u64,
}

/// Runs `migrate args…` in `dir` with `envs`; kills it after `deadline`.
pub fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)], deadline: Duration) -> Ran {
    let out_path = dir.join("child.out");
    let err_path = dir.join("child.err");
    let mut c = migrate();
    c.current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"));
    for (k, v) in envs {
        c.env(k, v);
    }
    let started = Instant::now();
    let mut child = c.spawn().expect("spawn migrate");
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(deadline) {
        Ok(status) => status.ok(),
        Err(_) => {
            // Not reaped yet (the waiter still blocks on it), so the pid is still our child's.
            let _ = kill(pid, Signal::SIGKILL);
            let _ = rx.recv();
            None
        }
    };
    let elapsed = started.elapsed();
    let code = status.and_then(|s| s.code());
    let output = format!(
        "{}{}",
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    // Linux reports ru_maxrss in KiB.
    let max_rss = getrusage(UsageWho::RUSAGE_CHILDREN)
        .map(|u| u64::try_from(u.max_rss()).unwrap_or(0) * 1024)
        .unwrap_or(u64::MAX);
    Ran {
        code,
        output,
        elapsed,
        max_rss,
    }
}
