//! A cluster: URL, authentication with secret references, declared version, TLS.

use migrate_core::{Release, SecretRef};
use std::path::PathBuf;

use url::Url;

/// One cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Base URL (`scheme://host[:port]`, no path, no credentials).
    pub url: Url,
    /// How requests authenticate.
    pub auth: Auth,
    /// The version the plan declares, if any.
    pub version: Option<Release>,
    /// TLS options.
    pub tls: Tls,
    /// Bounds on the HTTP traffic (`None`: the client's default).
    pub http: Http,
}

/// Bounds on one cluster's HTTP traffic; `None` keeps the client's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Http {
    pub max_response_bytes: Option<u64>,
    pub connect_timeout_ms: Option<u64>,
    pub read_timeout_ms: Option<u64>,
    pub request_timeout_ms: Option<u64>,
}

impl Cluster {
    /// The URL as written in step inputs: without the trailing `/` the `url` crate adds.
    pub fn base_url(&self) -> String {
        self.url.as_str().trim_end_matches('/').to_owned()
    }
}

/// How requests authenticate; secrets are references (or, discouraged, literals that never print).
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    None,
    Basic {
        username: String,
        password: SecretRef,
    },
    ApiKey {
        key: SecretRef,
    },
    Bearer {
        token: SecretRef,
    },
    AwsSigV4 {
        region: String,
        service: AwsService,
    },
}

/// The AWS signing service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsService {
    Es,
    Aoss,
}

impl AwsService {
    pub fn as_str(self) -> &'static str {
        match self {
            AwsService::Es => "es",
            AwsService::Aoss => "aoss",
        }
    }
}

/// TLS options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tls {
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_verify: bool,
    /// Client certificate chain (PEM) for mutual TLS; set together with `client_key`.
    pub client_cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS; set together with `client_cert`.
    pub client_key: Option<PathBuf>,
}
