//! Errors from the cluster client: the server's error type and reason, status, method and path.

use serde_json::Value;

use migrate_core::MutatingCall;
use migrate_core::SecretError;

/// Anything that can go wrong talking to a cluster. No variant ever holds a credential: texts built
/// from server responses are passed through the client's redactor first.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The server answered with a non-success status.
    #[error("{method} {path} → HTTP {status}: {}{reason}", error_type.as_deref().map(|t| format!("{t}: ")).unwrap_or_default())]
    Server {
        method: String,
        path: String,
        status: u16,
        /// `error.type`, e.g. `index_not_found_exception`.
        error_type: Option<String>,
        /// `error.reason`, or the body text when it is not an ES error object.
        reason: String,
    },
    /// The request never got a response (connect, TLS, timeout, reset).
    #[error("{method} {path}: {kind}: {detail}")]
    Transport {
        method: String,
        path: String,
        kind: TransportKind,
        detail: String,
    },
    /// The server answered with a redirect. None is followed: the body (which may carry a remote
    /// cluster's credentials) is never sent anywhere but the configured URL.
    #[error(
        "{method} {path} → HTTP {status} redirect to `{location}`: redirects are never followed; set the cluster's `url` to the address that serves the API"
    )]
    Redirect {
        method: String,
        path: String,
        status: u16,
        /// The `Location` header, redacted (`(none)` when absent).
        location: String,
    },
    /// The response body (announced or streamed) is larger than the configured cap.
    #[error(
        "{method} {path}: the response body is larger than {limit} bytes; raise `{field}` if the cluster really sends that much"
    )]
    TooLarge {
        method: String,
        path: String,
        limit: u64,
        /// The plan field that sets the cap, e.g. `source.http.max_response_bytes`.
        field: String,
    },
    /// The response did not have the expected shape.
    #[error("{method} {path}: unexpected response: {detail}")]
    Decode {
        method: String,
        path: String,
        detail: String,
    },
    /// The source write-guard refused a call before it was sent.
    #[error(
        "refused to send `{call}` ({target}) to the source cluster: the plan does not declare it"
    )]
    WriteRefused { call: MutatingCall, target: String },
    /// A non-read request to the source that no step of the plan declares (deny by default).
    #[error(
        "refused to send `{method} {path}` to the source cluster: it is not a read and no step of the plan declares it (the source receives only reads and the writes the compiled plan lists)"
    )]
    UnplannedRequest { method: String, path: String },
    /// A read-only client (`plan --refresh`, saved-plan checks) refused a call that is not a read.
    #[error(
        "refused to send {method} {path} to the {side} cluster: this command only reads (`migrate_cluster::read_only`)"
    )]
    ReadOnly {
        method: String,
        path: String,
        side: &'static str,
    },
    /// Building the client failed (bad CA file, bad client certificate, ...).
    #[error("cluster client configuration: {0}")]
    Config(String),
    /// Credentials could not be obtained or a request could not be signed.
    #[error("authentication: {0}")]
    Auth(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A planned request could not be filled in (a slot without a value: a bug in the step).
    #[error("{0}")]
    Fill(String),
    /// A wait (task, health, snapshot) did not finish in time.
    #[error("timed out waiting for {0}")]
    WaitTimeout(String),
}

/// Why a request got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    Connect,
    Timeout,
    /// The connection closed or reset before a complete response.
    Interrupted,
    /// The server's TLS certificate was rejected: retrying cannot help, the plan must change.
    Tls(TlsProblem),
    Other,
}

/// Why a server certificate was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// Signed by a CA that is not trusted (self-signed, private CA).
    UnknownIssuer,
    /// Valid, but not for the host name in the URL.
    NameMismatch,
    /// Outside its validity period (expired or not yet valid).
    Expired,
    /// Any other certificate or handshake failure.
    Other,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connection failed",
            TransportKind::Timeout => "timed out",
            TransportKind::Interrupted => "connection closed before the response completed",
            TransportKind::Tls(TlsProblem::UnknownIssuer) => {
                "TLS certificate rejected: unknown issuer"
            }
            TransportKind::Tls(TlsProblem::NameMismatch) => {
                "TLS certificate rejected: not valid for the host name"
            }
            TransportKind::Tls(TlsProblem::Expired) => {
                "TLS certificate rejected: expired or not yet valid"
            }
            TransportKind::Tls(TlsProblem::Other) => "TLS handshake failed",
            TransportKind::Other => "request failed",
        })
    }
}

impl ClusterError {
    /// Whether retrying the same request later may succeed: 429, 502, 503, 504, connection errors
    /// and timeouts. Everything else (4xx, 500, redirects, oversized bodies, rejected TLS
    /// certificates, refusals, bad config) is permanent.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClusterError::Server { status, .. } => matches!(status, 429 | 502..=504),
            ClusterError::Transport { kind, .. } => {
                matches!(
                    kind,
                    TransportKind::Connect | TransportKind::Timeout | TransportKind::Interrupted
                )
            }
            ClusterError::WaitTimeout(_) => true,
            _ => false,
        }
    }

    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClusterError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `error.type`, when it sent one.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            ClusterError::Server { error_type, .. } => error_type.as_deref(),
            _ => None,
        }
    }

    /// The server's `error.reason` (or body text).
    pub fn reason(&self) -> Option<&str> {
        match self {
            ClusterError::Server { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// True for a 404 (`index_not_found_exception`, missing snapshot, ...).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// `(type, reason)` from an error body: `{"error":{"type","reason"}}`, `{"error":"text"}`, or the
/// AWS gateway shapes `{"message"}` / `{"Message"}`. Falls back to the (truncated) body text.
pub fn parse_error_body(body: &str) -> (Option<String>, String) {
    const MAX: usize = 2000;
    let fallback = || {
        let mut t: String = body.trim().chars().take(MAX).collect();
        if t.is_empty() {
            t = "(empty body)".to_owned();
        }
        (None, t)
    };
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return fallback();
    };
    match v.get("error") {
        Some(Value::Object(e)) => {
            let ty = e.get("type").and_then(Value::as_str).map(str::to_owned);
            let mut reason = e
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            // A root cause often says more than a wrapper ("search_phase_execution_exception").
            if let Some(cause) = e
                .get("caused_by")
                .and_then(|c| c.get("reason"))
                .and_then(Value::as_str)
                && cause != reason
            {
                reason = format!("{reason} (caused by: {cause})");
            }
            (ty, reason)
        }
        Some(Value::String(s)) => (None, s.clone()),
        _ => match v.get("message").or_else(|| v.get("Message")) {
            Some(Value::String(s)) => (None, s.clone()),
            _ => fallback(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16) -> ClusterError {
        ClusterError::Server {
            method: "GET".into(),
            path: "/x".into(),
            status,
            error_type: None,
            reason: String::new(),
        }
    }

    #[test]
    fn retryable_classification() {
        for s in [429, 502, 503, 504] {
            assert!(server(s).is_retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 500, 501] {
            assert!(!server(s).is_retryable(), "{s}");
        }
        let t = |kind| ClusterError::Transport {
            method: "GET".into(),
            path: "/".into(),
            kind,
            detail: String::new(),
        };
        assert!(t(TransportKind::Connect).is_retryable());
        assert!(t(TransportKind::Timeout).is_retryable());
        assert!(t(TransportKind::Interrupted).is_retryable());
        assert!(!t(TransportKind::Other).is_retryable());
        for p in [
            TlsProblem::UnknownIssuer,
            TlsProblem::NameMismatch,
            TlsProblem::Expired,
            TlsProblem::Other,
        ] {
            assert!(!t(TransportKind::Tls(p)).is_retryable(), "{p:?}");
        }
    }

    #[test]
    fn parses_es_error_bodies() {
        let b = r#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [logs]","index":"logs"}],"type":"index_not_found_exception","reason":"no such index [logs]","index":"logs"},"status":404}"#;
        assert_eq!(
            parse_error_body(b),
            (
                Some("index_not_found_exception".into()),
                "no such index [logs]".into()
            )
        );
        let b = r#"{"error":{"root_cause":[{"type":"snapshot_restore_exception","reason":"[repo:snap/uuid] cannot restore index [x] because it cannot be upgraded"}],"type":"snapshot_restore_exception","reason":"[repo:snap/uuid] cannot restore index [x] because it cannot be upgraded"},"status":500}"#;
        let (t, r) = parse_error_body(b);
        assert_eq!(t.as_deref(), Some("snapshot_restore_exception"));
        assert!(r.contains("cannot be upgraded"));
        assert_eq!(
            parse_error_body(
                r#"{"message":"The security token included in the request is invalid."}"#
            )
            .1,
            "The security token included in the request is invalid."
        );
        assert_eq!(
            parse_error_body("<html>bad gateway</html>").1,
            "<html>bad gateway</html>"
        );
        assert_eq!(parse_error_body("").1, "(empty body)");
    }
}
