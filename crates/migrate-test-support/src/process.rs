//! What every server harness needs: the pinned binary (`$VAR`, else its place under `.tools/`),
//! free loopback ports no other harness of this process got, a token unique to the call, and the
//! error that says how to install the services.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use thiserror::Error;

/// A test server could not be provided.
#[derive(Debug, Error)]
pub enum ServerError {
    /// No binary.
    #[error(
        "the {service} test server is not installed ({detail}); run `cargo xtask test` (or `cargo xtask services` once, then `cargo test`)"
    )]
    NotInstalled {
        /// Which service.
        service: &'static str,
        /// Where it was looked for.
        detail: String,
    },
    /// The server did not come up.
    #[error("{service} did not start: {reason}")]
    Start {
        /// Which service.
        service: &'static str,
        /// Why.
        reason: String,
    },
    /// A bucket or container could not be created.
    #[error("creating bucket `{bucket}` failed: {reason}")]
    Bucket {
        /// The bucket.
        bucket: String,
        /// Why.
        reason: String,
    },
}

/// The binary of `service`: `$var` when set (and existing), else `<repo>/<fallback>`.
pub fn locate(service: &'static str, var: &str, fallback: &str) -> Result<PathBuf, ServerError> {
    locate_from(service, var, std::env::var_os(var), fallback)
}

pub(crate) fn locate_from(
    service: &'static str,
    var: &str,
    from_env: Option<std::ffi::OsString>,
    fallback: &str,
) -> Result<PathBuf, ServerError> {
    if let Some(path) = from_env {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(ServerError::NotInstalled {
                service,
                detail: format!("`{var}={}` does not exist", path.display()),
            })
        };
    }
    let fallback = repo_root().join(fallback);
    if fallback.is_file() {
        Ok(fallback)
    } else {
        Err(ServerError::NotInstalled {
            service,
            detail: format!(
                "`{var}` is not set and `{}` does not exist",
                fallback.display()
            ),
        })
    }
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A token unique to this process and call (hex of pid, time and a counter).
pub fn unique_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("probe{:x}{nanos:x}{n:x}", std::process::id())
}

/// Ports this process already handed out: never handed out twice, so servers started in parallel
/// by one test binary cannot collide.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// `N` free loopback ports; with `grpc`, their `+10000` companions (weed's convention) are free too.
pub fn free_ports<const N: usize>(grpc: bool) -> Result<[u16; N], String> {
    let mut handed_out = HANDED_OUT
        .lock()
        .map_err(|_| "port registry poisoned".to_owned())?;
    let mut held = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..200 {
        if ports.len() == N {
            break;
        }
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("addr: {e}"))?
            .port();
        if handed_out.contains(&port) {
            continue;
        }
        if grpc {
            let Some(companion) = port.checked_add(10_000) else {
                continue;
            };
            if handed_out.contains(&companion) {
                continue;
            }
            let Ok(companion_listener) = TcpListener::bind(("127.0.0.1", companion)) else {
                continue;
            };
            held.push(companion_listener);
        }
        held.push(listener);
        ports.push(port);
    }
    for port in &ports {
        handed_out.insert(*port);
        if grpc {
            handed_out.insert(port + 10_000);
        }
    }
    ports.try_into().map_err(|_| "no free ports".to_owned())
}

/// Polls an emulator until `ready` accepts its answer to a GET of `url`, it exits, or 60 s pass,
/// backing off from 50 ms to 500 ms; an error carries `log()`, the emulator's log.
pub(crate) async fn wait_for_http(
    child: &mut std::process::Child,
    url: &str,
    ready: impl Fn(&reqwest::Response) -> bool,
    log: impl Fn() -> String,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let mut delay = std::time::Duration::from_millis(50);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited with {status}; log:\n{}", log()));
        }
        if reqwest::get(url).await.is_ok_and(|r| ready(&r)) {
            return Ok(());
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            return Err(format!("no answer within 60 s; log:\n{}", log()));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(std::time::Duration::from_millis(500));
    }
}

/// The outcome of an idempotent bucket (or container) creation that answered `status`: created
/// and already there are both fine.
pub(crate) fn created(
    bucket: &str,
    status: reqwest::StatusCode,
    body: &str,
) -> Result<(), ServerError> {
    if status.is_success() || status == reqwest::StatusCode::CONFLICT {
        return Ok(());
    }
    let reason = if body.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {body}")
    };
    Err(ServerError::Bucket {
        bucket: bucket.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_fails_with_what_to_run() {
        let err = locate_from(
            "SeaweedFS",
            "MIGRATE_WEED_BIN",
            Some("/nonexistent/weed".into()),
            ".tools/venv/bin/weed",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the SeaweedFS test server is not installed (`MIGRATE_WEED_BIN=/nonexistent/weed` does not exist); \
             run `cargo xtask test` (or `cargo xtask services` once, then `cargo test`)"
        );
    }

    #[test]
    fn free_ports_leave_room_for_grpc_and_are_never_handed_out_twice() {
        let a = free_ports::<4>(true).unwrap();
        assert!(a.iter().all(|p| *p <= u16::MAX - 10_000));
        let b = free_ports::<2>(false).unwrap();
        let mut all: Vec<u16> = a.iter().chain(&b).copied().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 6);
    }
}
