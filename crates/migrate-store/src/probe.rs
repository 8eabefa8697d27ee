//! A cheap read-only reachability check of a store with its credentials: one LIST of at most one
//! key under the base path (bucket stores) or one directory entry (`fs`), and what failed.
//!
//! A LIST proves the endpoint resolves and answers, the bucket exists and the credentials are
//! accepted (and allowed to list), without reading any object. An empty repository is fine.

use std::error::Error as StdError;
use std::time::Duration;

use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::{BackoffConfig, RetryConfig};
use thiserror::Error;

use crate::open::{OpenError, open_bucket};
use crate::spec::StoreSpec;

/// What failed when probing a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeFailure {
    /// The store cannot be opened (bad endpoint, a credential that cannot be read).
    Open,
    /// The endpoint's host name does not resolve.
    Dns,
    /// Nothing accepts connections at the endpoint (refused, unreachable, reset).
    Connect,
    /// The request timed out.
    Timeout,
    /// The store refused the credentials (401; 403 `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
    /// an expired or invalid token), or none could be found.
    Credentials,
    /// The credentials were accepted but may not list the bucket (other 403s, e.g. `AccessDenied`).
    Forbidden,
    /// The bucket does not exist (404 `NoSuchBucket`).
    NoSuchBucket,
    /// The store is overloaded or failing (5xx, 429, 408, an error in a 200 body).
    Unavailable,
    /// Anything else the store answered.
    Other,
    /// `fs`: neither the directory nor its parent exists.
    Missing,
    /// `fs`: the path is not a directory.
    NotADirectory,
    /// `fs`: the directory cannot be read (permissions).
    Unreadable,
}

/// A store did not pass the probe. The text never holds a credential.
#[derive(Debug, Error)]
#[error("{location}: {detail}")]
pub struct ProbeError {
    /// The store, without credentials (`s3://bucket/base`, `file:///dir`).
    pub location: String,
    /// The endpoint as the spec gives it, if any.
    pub endpoint: Option<String>,
    /// What failed.
    pub failure: ProbeFailure,
    /// The HTTP status the store answered, if it answered.
    pub status: Option<u16>,
    /// The store's error code (`SignatureDoesNotMatch`, `NoSuchBucket`), if it gave one.
    pub code: Option<String>,
    /// A one-line description of the failure.
    pub detail: String,
}

impl ProbeError {
    /// Whether trying again later may succeed (connection failures, timeouts, 5xx, 429).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.failure,
            ProbeFailure::Connect | ProbeFailure::Timeout | ProbeFailure::Unavailable
        )
    }
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachable {
    /// The store, without credentials.
    pub location: String,
    /// Whether nothing is stored under the base path yet.
    pub empty: bool,
    /// `false` for an `fs` directory not created yet whose parent exists.
    pub exists: bool,
}

/// Retries of the probe's one request: a couple, quickly, so an unreachable store is reported in
/// seconds (the caller retries the whole step later).
fn probe_retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(20),
    }
}

/// Checks the store answers a read with its credentials: lists at most one key under the base
/// path (bucket stores, through the same client [`open`](crate::open) builds), or reads one entry
/// of the directory (`fs`, which is never created here; a directory not created yet passes when
/// its parent is a directory).
pub async fn probe(spec: &StoreSpec) -> Result<Reachable, ProbeError> {
    let location = spec.display_location();
    if let StoreSpec::Fs(fs) = spec {
        let base = fs.base_path.trim_matches('/');
        let dir = if base.is_empty() {
            fs.root.clone()
        } else {
            fs.root.join(base)
        };
        return probe_dir(&dir, location);
    }
    let opened = open_bucket(spec, probe_retry()).map_err(|e| ProbeError {
        location: location.clone(),
        endpoint: None,
        failure: ProbeFailure::Open,
        status: None,
        code: None,
        detail: match e {
            OpenError::Secret { source, .. } => format!("cannot read a credential: {source}"),
            other => other.to_string(),
        },
    })?;
    let Some((client, bucket)) = opened else {
        return probe_any(spec, location).await;
    };
    let base = bucket.base_path.trim_matches('/');
    let prefix = (!base.is_empty()).then(|| format!("{base}/"));
    let options = PaginatedListOptions {
        max_keys: Some(1),
        ..Default::default()
    };
    match client.list_paginated(prefix.as_deref(), options).await {
        Ok(page) => Ok(Reachable {
            location,
            empty: page.result.objects.is_empty() && page.result.common_prefixes.is_empty(),
            exists: true,
        }),
        Err(e) => Err(classify(&e, location, bucket.endpoint.clone())),
    }
}

/// Azure and GCS: the first key under the base path, through the client [`open`](crate::open)
/// builds.
async fn probe_any(spec: &StoreSpec, location: String) -> Result<Reachable, ProbeError> {
    use futures::StreamExt;
    let endpoint = spec.endpoint().map(str::to_owned);
    let store = crate::open(spec).map_err(|e| ProbeError {
        location: location.clone(),
        endpoint: endpoint.clone(),
        failure: ProbeFailure::Open,
        status: None,
        code: None,
        detail: e.to_string(),
    })?;
    match store.list(None).next().await {
        None => Ok(Reachable {
            location,
            empty: true,
            exists: true,
        }),
        Some(Ok(_)) => Ok(Reachable {
            location,
            empty: false,
            exists: true,
        }),
        Some(Err(e)) => Err(classify(&e, location, endpoint)),
    }
}

fn probe_dir(dir: &std::path::Path, location: String) -> Result<Reachable, ProbeError> {
    let fail = |failure, detail: String| ProbeError {
        location: location.clone(),
        endpoint: None,
        failure,
        status: None,
        code: None,
        detail,
    };
    let shown = dir.display();
    match std::fs::metadata(dir) {
        // Not created yet (a cluster creates its repository directory when the repository is
        // registered, the transfer creates the destination's): its parent must be a directory.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = dir.parent().filter(|p| p.is_dir());
            return match parent {
                Some(_) => Ok(Reachable {
                    location,
                    empty: true,
                    exists: false,
                }),
                None => Err(fail(
                    ProbeFailure::Missing,
                    format!(
                        "the directory `{shown}` does not exist, nor does its parent `{}`",
                        dir.parent().unwrap_or(dir).display()
                    ),
                )),
            };
        }
        Err(e) => {
            return Err(fail(
                ProbeFailure::Unreadable,
                format!("cannot read `{shown}`: {e}"),
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(fail(
                ProbeFailure::NotADirectory,
                format!("`{shown}` is not a directory"),
            ));
        }
        Ok(_) => {}
    }
    let mut entries = std::fs::read_dir(dir).map_err(|e| {
        fail(
            ProbeFailure::Unreadable,
            format!("cannot list the directory `{shown}`: {e}"),
        )
    })?;
    let empty = match entries.next() {
        None => true,
        Some(Ok(_)) => false,
        Some(Err(e)) => {
            return Err(fail(
                ProbeFailure::Unreadable,
                format!("cannot list the directory `{shown}`: {e}"),
            ));
        }
    };
    Ok(Reachable {
        location,
        empty,
        exists: true,
    })
}

/// The failure in an `object_store` error: a transport error's kind from the source chain, else
/// the HTTP status and S3 error code in the text of the request error.
fn classify(e: &object_store::Error, location: String, endpoint: Option<String>) -> ProbeError {
    let mut chain = Vec::new();
    let mut transport = None;
    let mut current: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(http) = err.downcast_ref::<object_store::client::HttpError>() {
            transport.get_or_insert(http.kind());
        }
        chain.push(err.to_string());
        current = err.source();
    }
    let text = chain.join(": ");
    let innermost = chain.last().cloned().unwrap_or_default();
    let error = |failure, status, code, detail| ProbeError {
        location: location.clone(),
        endpoint: endpoint.clone(),
        failure,
        status,
        code,
        detail,
    };
    if let Some(kind) = transport {
        use object_store::client::HttpErrorKind as K;
        let lower = text.to_ascii_lowercase();
        let failure = match kind {
            K::Connect if lower.contains("dns error") || lower.contains("lookup address") => {
                ProbeFailure::Dns
            }
            K::Connect | K::Request | K::Interrupted => ProbeFailure::Connect,
            K::Timeout => ProbeFailure::Timeout,
            _ => ProbeFailure::Other,
        };
        let what = match failure {
            ProbeFailure::Dns => "the endpoint's host name does not resolve",
            ProbeFailure::Connect => "cannot connect to the endpoint",
            ProbeFailure::Timeout => "the request timed out",
            _ => "the request failed",
        };
        return error(failure, None, None, format!("{what} ({innermost})"));
    }
    if text.contains("no AWS credentials from the default chain") {
        return error(
            ProbeFailure::Credentials,
            None,
            None,
            "no credentials: the plan gives no key pair and the AWS default chain found none"
                .into(),
        );
    }
    let status = ["non-2xx status code: ", "error response: "]
        .iter()
        .find_map(|marker| {
            let at = text.find(marker)? + marker.len();
            if *marker == "error response: " {
                // A 200 whose body is an S3 error (`InternalError`, `SlowDown`).
                return Some(200);
            }
            text[at..].get(..3)?.parse::<u16>().ok()
        });
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].trim().to_owned())
    };
    let code = tag("Code");
    let message = tag("Message");
    let Some(status) = status else {
        return error(ProbeFailure::Other, None, None, innermost);
    };
    let failure = match (status, code.as_deref()) {
        (401, _)
        | (
            403,
            Some(
                "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "InvalidToken"
                | "ExpiredToken"
                | "TokenRefreshRequired"
                | "InvalidSecurity"
                | "AuthorizationHeaderMalformed"
                // Azure: a wrong key or signature.
                | "AuthenticationFailed",
            ),
        ) => ProbeFailure::Credentials,
        // Azurite answers a wrong key with `AuthorizationFailure`, saying it failed to authenticate.
        (403, _) if message.as_deref().is_some_and(|m| m.contains("failed to authenticate")) => {
            ProbeFailure::Credentials
        }
        (403, _) => ProbeFailure::Forbidden,
        (404, Some("NoSuchBucket")) => ProbeFailure::NoSuchBucket,
        (200 | 408 | 429 | 500..=599, _) => ProbeFailure::Unavailable,
        _ => ProbeFailure::Other,
    };
    let mut detail = format!("HTTP {status}");
    match (&code, &message) {
        (Some(c), Some(m)) => detail.push_str(&format!(" {c}: {m}")),
        (Some(c), None) => detail.push_str(&format!(" {c}")),
        _ => {}
    }
    error(failure, Some(status), code, detail)
}
