//! migrate-cluster: the Elasticsearch/OpenSearch REST client (auth, TLS, version quirks, source
//! write-guard, secrets) the migration steps use.

pub mod api;
pub mod auth;
pub mod client;
pub mod config;
pub mod error;
pub mod guard;
pub mod quirks;
pub mod secret;
pub mod sigv4;
pub mod tls;
pub mod version;

pub use client::{ClusterClient, Request, enc};
pub use config::{
    Auth, AwsCredentialSource, ClusterConfig, Role, SigV4Config, Timeouts, TlsConfig,
};
pub use error::ClusterError;
pub use guard::{MutatingCall, WriteGuard};
pub use quirks::{MappingTypes, Quirks};
pub use secret::{Redactor, Secret, SecretError, SecretRef};
pub use version::{Flavour, ServerInfo, Version};
