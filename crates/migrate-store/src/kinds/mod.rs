//! The store registry's opening half, one file per kind: from a plan's store (`migrate_core::Store`,
//! its pure half) to a [`StoreSpec`] with resolved credentials, from a store URL (`repo ls`,
//! `--state`) to one, and from one to an `object_store` client.
//!
//! Adding a store: a file here (its spec type, `spec`, `from_url`, `open`), a variant in
//! [`StoreSpec`] with a line in each of its methods and a line in each dispatch below; its plan
//! type in `migrate-core/src/store/` (and its URL scheme in `migrate-core/src/store/url.rs`).

mod azure;
mod bounded;
mod cos;
mod fs;
mod gcs;
mod oss;
mod s3;

use std::sync::Arc;

use migrate_core::store::url::{Scheme, StoreUrl, UrlError};
use migrate_core::{Secret, SecretRef, Store};
use object_store::ObjectStore;

use crate::open::OpenError;
use crate::spec::StoreSpec;

pub use azure::{AzureCredentials, AzureSpec};
pub use gcs::GcsSpec;
pub(crate) use s3::{S3Flavour, client_options, open_s3, s3_builder};

/// Resolves a plan secret to its value; `None` when it was not resolved.
pub type Resolve<'a> = &'a dyn Fn(&SecretRef) -> Option<Secret>;

/// The location a plan store's repository is in, as the transfer and the preflight probe open it:
/// the same bucket, base path and endpoint the cluster writes to, with migrate's own credentials.
pub fn spec_of(store: &Store, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    match store {
        Store::S3(s) => s3::spec(s, resolve),
        Store::Oss(s) => oss::spec(s, resolve),
        Store::Cos(s) => cos::spec(s, resolve),
        Store::Azure(s) => azure::spec(s, resolve),
        Store::Gcs(s) => gcs::spec(s, resolve),
        Store::Fs(s) => fs::spec(s),
    }
}

/// The spec a parsed store URL names, by its scheme (the parser checked its parameters).
pub(crate) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    match u.scheme {
        Scheme::File => fs::from_url(u),
        Scheme::S3 => s3::from_url(u),
        Scheme::Oss => oss::from_url(u),
        Scheme::Cos => cos::from_url(u),
        Scheme::Azure => azure::from_url(u),
        Scheme::Gs => gcs::from_url(u),
    }
}

/// Opens a spec, without its base path (the caller prefixes it).
pub(crate) fn open(spec: &StoreSpec, write_once: bool) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let location = spec.display_location();
    match spec {
        StoreSpec::S3(b) => open_s3(b, &location, S3Flavour::Aws, false),
        StoreSpec::Oss(b) => open_s3(b, &location, S3Flavour::Oss, write_once),
        StoreSpec::Cos(b) => open_s3(b, &location, S3Flavour::Cos, false),
        StoreSpec::Azure(a) => azure::open(a, &location),
        StoreSpec::Gcs(g) => gcs::open(g, &location),
        StoreSpec::Fs(f) => fs::open(f, &location),
    }
}

/// Whether an endpoint is a local test server, which cannot serve virtual-hosted buckets
/// (`bucket.127.0.0.1` does not resolve): such S3-compatible stores are addressed path-style.
pub(crate) fn is_loopback(endpoint: &str) -> bool {
    url::Url::parse(endpoint)
        .is_ok_and(|u| matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")))
}

/// A plan secret's value, or why there is none.
pub(crate) fn secret(
    resolve: Resolve<'_>,
    r: Option<&SecretRef>,
    field: &str,
) -> Result<Option<Secret>, String> {
    match r {
        None => Ok(None),
        Some(r) => resolve(r)
            .map(Some)
            .ok_or_else(|| format!("`{field}` ({}) was not resolved", r.origin())),
    }
}

/// A plan secret's value as a credential source, or why there is none.
pub(crate) fn required(
    resolve: Resolve<'_>,
    r: &SecretRef,
    field: &str,
) -> Result<crate::secret::SecretSource, String> {
    resolve(r)
        .map(crate::secret::SecretSource::Value)
        .ok_or_else(|| format!("`{field}` ({}) was not resolved", r.origin()))
}

/// An Azure or GCS endpoint as given, trimmed: an `http(s)://host` URL without credentials (they
/// would travel in every request's URL).
pub(crate) fn endpoint(e: &str, location: &str) -> Result<String, OpenError> {
    let ok = url::Url::parse(e).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some()
            && u.username().is_empty()
            && u.password().is_none()
    });
    if !ok {
        return Err(OpenError::BadEndpoint {
            location: location.to_owned(),
            endpoint: crate::redact_url(e),
        });
    }
    Ok(e.trim_end_matches('/').to_owned())
}

/// Refuses to open a store whose provider chain would read an odd file (see
/// [`crate::chain_files`]).
pub(crate) fn chain_files(
    location: &str,
    provider: &'static str,
    files: &[(&'static str, Option<&str>)],
) -> Result<(), OpenError> {
    crate::chain_files::check(files).map_err(|e| OpenError::ChainFile {
        location: location.to_owned(),
        provider,
        var: e.var,
        reason: e.reason.reason(),
    })
}

#[cfg(test)]
mod tests;
