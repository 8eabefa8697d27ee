//! A cluster: URL, authentication with secret references, declared version, TLS.

use std::fmt;
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
    pub version: Option<DeclaredVersion>,
    /// TLS options.
    pub tls: Tls,
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
    Basic { username: String, password: Secret },
    ApiKey { key: Secret },
    Bearer { token: Secret },
    AwsSigV4 { region: String, service: AwsService },
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

/// Where a secret's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// An environment variable.
    Env(String),
    /// A file whose contents are the secret.
    File(PathBuf),
    /// A literal written in the plan (accepted with a warning outside `--strict`).
    Literal(LiteralSecret),
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Env(n) => write!(f, "<redacted: env {n}>"),
            Secret::File(p) => write!(f, "<redacted: file {}>", p.display()),
            Secret::Literal(_) => f.write_str("<redacted: literal in the plan>"),
        }
    }
}

/// A secret value written in the plan. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct LiteralSecret(String);

impl LiteralSecret {
    pub fn new(value: impl Into<String>) -> Self {
        LiteralSecret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LiteralSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LiteralSecret(<redacted>)")
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

/// A product and version, as declared in the plan (`elasticsearch-5.5.2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredVersion {
    pub flavor: Flavor,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flavor {
    Elasticsearch,
    OpenSearch,
}

impl Flavor {
    /// Supported major versions.
    pub fn supported_majors(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Flavor::Elasticsearch => 5..=8,
            Flavor::OpenSearch => 1..=3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Elasticsearch => "elasticsearch",
            Flavor::OpenSearch => "opensearch",
        }
    }
}

impl fmt::Display for DeclaredVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}.{}.{}",
            self.flavor.as_str(),
            self.major,
            self.minor,
            self.patch
        )
    }
}

impl DeclaredVersion {
    /// Parses `elasticsearch-X[.Y[.Z]]` / `opensearch-X[.Y[.Z]]`.
    pub fn parse(s: &str) -> Option<Self> {
        let (flavor, number) = s.split_once('-')?;
        let flavor = match flavor {
            "elasticsearch" => Flavor::Elasticsearch,
            "opensearch" => Flavor::OpenSearch,
            _ => return None,
        };
        let mut parts = number.split('.');
        let mut next = |required: bool| -> Option<u32> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
                None if !required => Some(0),
                _ => None,
            }
        };
        let major = next(true)?;
        let minor = next(false)?;
        let patch = next(false)?;
        if parts.next().is_some() {
            return None;
        }
        Some(DeclaredVersion {
            flavor,
            major,
            minor,
            patch,
        })
    }
}
