//! Amazon S3 and S3-compatible servers (SeaweedFS, MinIO), and the client OSS and COS share:
//! SigV4 through `object_store`'s S3 client, path style at an explicit endpoint.

use std::sync::Arc;

use migrate_core::store::S3Store;
use object_store::aws::{AmazonS3Builder, AwsCredential};
use object_store::{ClientOptions, ObjectStore, StaticCredentialProvider};

use super::bounded::{Bounded, CONNECT_TIMEOUT, TOTAL_TIMEOUT};
use url::Url;

use super::{Resolve, is_loopback, required, secret};
use crate::aws_chain::AwsChainProvider;
use crate::open::OpenError;
use crate::secret::SecretSource;
use crate::spec::{BucketSpec, Credentials, StoreSpec};
use migrate_core::store::url::{StoreUrl, UrlError};

/// An S3 store of a plan: the key pair of `credentials` when the plan gives one (never the
/// cluster's), otherwise the AWS default chain.
pub(super) fn spec(s: &S3Store, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    let credentials = match &s.credentials {
        None => Credentials::AwsChain,
        Some(c) => Credentials::Static {
            access_key_id: required(resolve, &c.access_key_id, "credentials.access_key_id")?,
            secret_access_key: required(
                resolve,
                &c.secret_access_key,
                "credentials.secret_access_key",
            )?,
            session_token: secret(
                resolve,
                c.session_token.as_ref(),
                "credentials.session_token",
            )?
            .map(SecretSource::Value),
        },
    };
    Ok(StoreSpec::S3(BucketSpec {
        bucket: s.bucket.clone(),
        region: s.region.clone(),
        endpoint: s.endpoint.clone(),
        base_path: s.base_path.clone().unwrap_or_default(),
        credentials,
    }))
}

/// `s3://bucket/prefix?endpoint=…&region=…`: credentials from the AWS default chain.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::S3(bucket_from_url(u)))
}

/// The bucket an `s3://`, `oss://` or `cos://` URL names.
pub(super) fn bucket_from_url(u: &StoreUrl) -> BucketSpec {
    BucketSpec {
        bucket: u.bucket.clone().unwrap_or_default(),
        region: u.params.get("region").cloned(),
        endpoint: u.params.get("endpoint").cloned(),
        base_path: u.path.clone(),
        credentials: Credentials::AwsChain,
    }
}

/// A bucket of a plan's S3-compatible store, addressed path-style as plain S3 when its endpoint is
/// a local test server (the way the sandbox's `oss`/`cos` repositories address it).
pub(super) fn compatible(spec: BucketSpec, kind: fn(BucketSpec) -> StoreSpec) -> StoreSpec {
    if spec.endpoint.as_deref().is_some_and(is_loopback) {
        StoreSpec::S3(spec)
    } else {
        kind(spec)
    }
}

/// Opens a bucket of the given flavour.
pub(crate) fn open_s3(
    b: &BucketSpec,
    location: &str,
    flavour: S3Flavour,
    write_once: bool,
) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let mut builder = s3_builder(b, location, flavour)?;
    if flavour == S3Flavour::Oss {
        builder = builder
            .with_client_options(client_options(b, write_once))
            .with_http_connector(Bounded::with_headers(oss_headers(write_once)));
    }
    let client = builder.build().map_err(|source| OpenError::Client {
        location: location.to_owned(),
        source,
    })?;
    Ok(Arc::new(client))
}

/// Timeouts, plain HTTP for `http://` endpoints, and on request OSS's write-once header.
pub(crate) fn client_options(spec: &BucketSpec, oss_write_once: bool) -> ClientOptions {
    let allow_http = spec
        .endpoint
        .as_deref()
        .and_then(|e| Url::parse(e).ok())
        .is_some_and(|u| u.scheme() == "http");
    let options = ClientOptions::new()
        .with_connect_timeout(CONNECT_TIMEOUT)
        .with_timeout(TOTAL_TIMEOUT)
        .with_allow_http(allow_http);
    if oss_write_once {
        options.with_default_headers(oss_headers(true))
    } else {
        options
    }
}

/// OSS's write-once header, when asked for.
fn oss_headers(write_once: bool) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    if write_once {
        headers.insert(
            "x-oss-forbid-overwrite",
            http::HeaderValue::from_static("true"),
        );
    }
    headers
}

/// Which S3-compatible service a bucket is at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum S3Flavour {
    Aws,
    Oss,
    Cos,
}

pub(crate) fn s3_builder(
    spec: &BucketSpec,
    location: &str,
    flavour: S3Flavour,
) -> Result<AmazonS3Builder, OpenError> {
    let bad_endpoint = |endpoint: &str| OpenError::BadEndpoint {
        location: location.to_owned(),
        endpoint: crate::redact_url(endpoint),
    };
    let endpoint = match &spec.endpoint {
        Some(e) => {
            let url = Url::parse(e).map_err(|_| bad_endpoint(e))?;
            // No credentials in an endpoint either: they would travel in every request's URL.
            if !matches!(url.scheme(), "http" | "https")
                || url.host_str().is_none()
                || !url.username().is_empty()
                || url.password().is_some()
            {
                return Err(bad_endpoint(e));
            }
            Some(url)
        }
        None => None,
    };
    if let Some(region) = &spec.region
        && (region.is_empty()
            || !region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    {
        // It goes into host names and the signature's scope (an HTTP header).
        return Err(OpenError::BadRegion {
            location: location.to_owned(),
            region: region.clone(),
        });
    }
    let region = spec.region.clone().or_else(|| match flavour {
        S3Flavour::Aws => None,
        S3Flavour::Oss => endpoint
            .as_ref()
            .and_then(|u| super::oss::region(u.host_str()?)),
        S3Flavour::Cos => endpoint
            .as_ref()
            .and_then(|u| super::cos::region(u.host_str()?)),
    });
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&spec.bucket)
        .with_client_options(client_options(spec, false))
        .with_http_connector(Bounded::default());
    if let Some(region) = &region {
        builder = builder.with_region(region);
    }
    builder = match flavour {
        S3Flavour::Aws => match &endpoint {
            // S3-compatible servers (SeaweedFS, MinIO): path style, no DNS per bucket needed.
            Some(url) => builder.with_endpoint(url.as_str().trim_end_matches('/')),
            None => builder,
        },
        S3Flavour::Oss | S3Flavour::Cos => {
            let url = match (&endpoint, &region) {
                (Some(url), _) => url.clone(),
                (None, Some(region)) => {
                    let host = if flavour == S3Flavour::Oss {
                        format!("https://s3.oss-{region}.aliyuncs.com")
                    } else {
                        format!("https://cos.{region}.myqcloud.com")
                    };
                    Url::parse(&host).map_err(|_| bad_endpoint(&host))?
                }
                (None, None) => {
                    let kind = if flavour == S3Flavour::Oss {
                        "OSS"
                    } else {
                        "COS"
                    };
                    return Err(OpenError::MissingEndpoint {
                        location: location.to_owned(),
                        kind,
                    });
                }
            };
            // Virtual-hosted style: the bucket is part of the host (OSS refuses path style).
            let host = url.host_str().unwrap_or_default();
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            // An endpoint that already names the bucket is taken as it is.
            let bucket_host = if host.starts_with(&format!("{}.", spec.bucket)) {
                host.to_owned()
            } else {
                format!("{}.{host}", spec.bucket)
            };
            let endpoint = format!("{}://{bucket_host}{port}", url.scheme());
            // `bucket.127.0.0.1` is no host name: refused here, not panicking in the signer.
            if Url::parse(&endpoint).is_err() {
                return Err(OpenError::NoBucketHost {
                    location: location.to_owned(),
                    endpoint: crate::redact_url(url.as_str()),
                });
            }
            builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(true)
                .with_disable_tagging(true)
        }
    };
    let secret_error = |source| OpenError::Secret {
        location: location.to_owned(),
        source,
    };
    builder = match &spec.credentials {
        Credentials::Anonymous => builder.with_skip_signature(true),
        Credentials::AwsChain => builder.with_credentials(Arc::new(AwsChainProvider::new(region))),
        Credentials::Static {
            access_key_id,
            secret_access_key,
            session_token,
        } => {
            let credential = AwsCredential {
                key_id: access_key_id
                    .resolve()
                    .map_err(secret_error)?
                    .expose()
                    .to_owned(),
                secret_key: secret_access_key
                    .resolve()
                    .map_err(secret_error)?
                    .expose()
                    .to_owned(),
                token: match session_token {
                    Some(t) => Some(t.resolve().map_err(secret_error)?.expose().to_owned()),
                    None => None,
                },
            };
            // Both go into HTTP headers, where the signer cannot take a line break.
            let bad_credential = |what| OpenError::BadCredential {
                location: location.to_owned(),
                what,
            };
            if http::HeaderValue::from_str(&credential.key_id).is_err() {
                return Err(bad_credential("access key id"));
            }
            if let Some(token) = &credential.token
                && http::HeaderValue::from_str(token).is_err()
            {
                return Err(bad_credential("session token"));
            }
            builder.with_credentials(Arc::new(StaticCredentialProvider::new(credential)))
        }
    };
    Ok(builder)
}
