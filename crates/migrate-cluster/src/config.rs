//! Connection configuration for one cluster: endpoint, authentication, TLS, timeouts and role.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use migrate_core::{MutatingCall, Secret, Side};

/// How requests authenticate. Secrets are already resolved (see [`crate::SecretRef::resolve`]).
#[derive(Debug, Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: Secret,
    },
    /// `Authorization: ApiKey <value>`; `value` is the base64 `id:key` form Elasticsearch returns as
    /// `encoded`.
    ApiKey(Secret),
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    AwsSigV4(SigV4Config),
}

/// AWS SigV4 request signing.
#[derive(Debug, Clone)]
pub struct SigV4Config {
    pub region: String,
    /// `es` for Amazon OpenSearch Service domains, `aoss` for Serverless. `None`: inferred from the
    /// endpoint host (`.aoss.amazonaws.com` → `aoss`, otherwise `es`).
    pub service: Option<String>,
    pub credentials: AwsCredentialSource,
}

/// Where SigV4 credentials come from.
#[derive(Debug, Clone, Default)]
pub enum AwsCredentialSource {
    /// The standard AWS chain: environment, shared profile files (optionally a named profile), web
    /// identity (IRSA), container and instance metadata.
    #[default]
    DefaultChain,
    Profile(String),
    Static {
        access_key_id: Secret,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    },
}

/// TLS settings. Default: the platform's root certificates, full verification.
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Extra PEM CA bundle trusted in addition to the system roots.
    pub ca_file: Option<PathBuf>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub client_cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS.
    pub client_key: Option<PathBuf>,
    /// Accept any server certificate. Logged as a warning every time a client is built.
    pub insecure_skip_verify: bool,
}

/// Request timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// Longest silence between two reads of a response (a server that stops sending).
    pub read: Duration,
    /// Whole-request timeout, body included (a server that drips bytes forever).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
            request: Duration::from_secs(120),
        }
    }
}

/// Bounds on what a server may send back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest response body read, in bytes; a longer one (announced or streamed) is an error
    /// before it is buffered whole.
    pub max_response_bytes: u64,
    /// Most header fields in one response (HTTP/1); HTTP/2 header lists are bounded by
    /// [`Limits::MAX_HEADER_LIST_BYTES`].
    pub max_headers: usize,
}

impl Limits {
    /// The default body cap: Elasticsearch's own `http.max_content_length` (100 MiB), so any
    /// response a real cluster sends fits.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 100 * 1024 * 1024;
    /// Largest HTTP/2 header list accepted, in bytes.
    pub const MAX_HEADER_LIST_BYTES: u32 = 256 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_headers: 128,
        }
    }
}

/// Everything needed to talk to one cluster.
#[derive(Clone)]
pub struct ClusterConfig {
    pub url: Url,
    pub auth: Auth,
    pub tls: TlsConfig,
    pub timeouts: Timeouts,
    /// Response size bounds.
    pub limits: Limits,
    /// Which side the cluster is: a source client refuses undeclared writes.
    pub side: Side,
    /// Mutating calls the plan declares on the source (ignored for a destination).
    pub declared_source_writes: BTreeSet<MutatingCall>,
    /// The endpoint is Amazon OpenSearch Serverless (no `GET /`), whatever its host says.
    pub serverless_hint: bool,
    /// Send only reads ([`crate::read_only::allows`]), on either side: `plan --refresh`.
    pub read_only: bool,
}

impl std::fmt::Debug for ClusterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A URL may embed a password (refused when the client is built); never print it.
        let mut url = self.url.clone();
        if url.password().is_some() {
            let _ = url.set_password(Some(migrate_core::REDACTED));
        }
        f.debug_struct("ClusterConfig")
            .field("url", &url.as_str())
            .field("auth", &self.auth)
            .field("tls", &self.tls)
            .field("timeouts", &self.timeouts)
            .field("limits", &self.limits)
            .field("side", &self.side)
            .field("declared_source_writes", &self.declared_source_writes)
            .field("serverless_hint", &self.serverless_hint)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl ClusterConfig {
    /// A config with no auth, default TLS and timeouts.
    pub fn new(url: Url, side: Side) -> Self {
        ClusterConfig {
            url,
            auth: Auth::None,
            tls: TlsConfig::default(),
            timeouts: Timeouts::default(),
            limits: Limits::default(),
            side,
            declared_source_writes: BTreeSet::new(),
            serverless_hint: false,
            read_only: false,
        }
    }

    /// Whether the endpoint is Amazon OpenSearch Serverless, from the host or the SigV4 service.
    pub fn is_serverless(&self) -> bool {
        if self.serverless_hint {
            return true;
        }
        if let Auth::AwsSigV4(s) = &self.auth
            && s.service.as_deref() == Some("aoss")
        {
            return true;
        }
        self.url
            .host_str()
            .is_some_and(|h| h.ends_with(".aoss.amazonaws.com"))
    }
}
