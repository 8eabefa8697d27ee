//! migrate-cluster: the Elasticsearch/OpenSearch REST client (auth, TLS, version quirks, source
//! write-guard, secrets) the migration steps use.

pub mod api;
pub mod auth;
pub mod bulk;
pub mod client;
pub mod config;
pub mod error;
pub mod guard;
pub mod read_only;
pub mod scan;
pub mod shapes;
pub mod sigv4;
pub mod tls;
pub mod version;

pub use client::{ClusterClient, decode};
pub use config::{
    Auth, AwsCredentialSource, ClusterConfig, Limits, SigV4Config, Timeouts, TlsConfig,
};
pub use error::{ClusterError, TlsProblem, TransportKind};
pub use guard::WriteGuard;
pub use migrate_core::{
    Flavor, MappingTypes, MutatingCall, Product, Quirks, Redactor, Release, Secret, SecretError,
    SecretRef, Side, Version,
};
pub use version::ServerInfo;
