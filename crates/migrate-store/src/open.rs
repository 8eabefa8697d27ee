//! Opens a [`StoreSpec`] as an `object_store` client rooted at its base path.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AwsCredential};
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, StaticCredentialProvider};
use thiserror::Error;
use url::Url;

use crate::aws_chain::AwsChainProvider;
use crate::secret::SecretError;
use crate::spec::{BucketSpec, Credentials, StoreSpec};

/// A store could not be opened.
#[derive(Debug, Error)]
pub enum OpenError {
    /// A credential could not be read.
    #[error("credentials for `{location}`: {source}")]
    Secret {
        /// The store, without credentials.
        location: String,
        /// What is missing.
        #[source]
        source: SecretError,
    },
    /// The endpoint is not a valid `http(s)://host[:port]` URL.
    #[error("endpoint `{endpoint}` of `{location}` is not an http(s) URL")]
    BadEndpoint {
        /// The store.
        location: String,
        /// The endpoint as given.
        endpoint: String,
    },
    /// OSS and COS need an endpoint or a region to know where to go.
    #[error("`{location}` needs an `endpoint` (or a `region`) for {kind}")]
    MissingEndpoint {
        /// The store.
        location: String,
        /// `OSS` or `COS`.
        kind: &'static str,
    },
    /// OSS and COS reach a bucket at `<bucket>.<endpoint host>`, which this endpoint cannot give.
    #[error(
        "`{location}`: OSS and COS reach a bucket at `<bucket>.<endpoint host>`, which endpoint `{endpoint}` cannot give (an IP address or an invalid name); use the endpoint's host name"
    )]
    NoBucketHost {
        /// The store.
        location: String,
        /// The endpoint as given (credentials removed).
        endpoint: String,
    },
    /// A region that is not a region name.
    #[error("region {region:?} of `{location}` is not a region name (letters, digits and `-`)")]
    BadRegion {
        /// The store.
        location: String,
        /// The region as given.
        region: String,
    },
    /// A credential holds characters no HTTP header can carry (a line break, a control character).
    #[error(
        "credentials for `{location}`: the {what} holds characters an HTTP header cannot carry (a line break or a control character?)"
    )]
    BadCredential {
        /// The store.
        location: String,
        /// Which part: `access key id` or `session token`.
        what: &'static str,
    },
    /// The local directory could not be created or opened.
    #[error("local store `{location}`: {source}")]
    Local {
        /// The store.
        location: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The client could not be built.
    #[error("cannot open `{location}`: {source}")]
    Client {
        /// The store.
        location: String,
        /// Why.
        #[source]
        source: object_store::Error,
    },
}

/// Opens the store; every key the returned client sees is relative to the spec's base path.
pub fn open(spec: &StoreSpec) -> Result<Arc<dyn ObjectStore>, OpenError> {
    open_with(spec, false)
}

/// Like [`open`], for objects that must never be replaced once written (lock objects): on OSS
/// every request of this client also carries `x-oss-forbid-overwrite: true`, OSS's own
/// create-if-absent, besides the `If-None-Match: *` that `PutMode::Create` sends. The header is
/// added to each request after signing (unsigned). Other kinds are opened exactly as by [`open`].
pub fn open_write_once(spec: &StoreSpec) -> Result<Arc<dyn ObjectStore>, OpenError> {
    open_with(spec, true)
}

fn open_with(spec: &StoreSpec, write_once: bool) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let location = spec.display_location();
    let store: Arc<dyn ObjectStore> = match spec {
        StoreSpec::Fs(fs) => {
            let dir = fs.root.join(fs.base_path.trim_matches('/'));
            std::fs::create_dir_all(&dir).map_err(|source| OpenError::Local {
                location: location.clone(),
                source,
            })?;
            let local =
                LocalFileSystem::new_with_prefix(&dir).map_err(|source| OpenError::Client {
                    location: location.clone(),
                    source,
                })?;
            return Ok(Arc::new(local));
        }
        StoreSpec::S3(bucket) => Arc::new(
            s3_builder(bucket, &location, Flavour::Aws)?
                .build()
                .map_err(|source| OpenError::Client {
                    location: location.clone(),
                    source,
                })?,
        ),
        StoreSpec::Oss(bucket) => Arc::new(
            s3_builder(bucket, &location, Flavour::Oss)?
                .with_client_options(client_options(bucket, write_once))
                .build()
                .map_err(|source| OpenError::Client {
                    location: location.clone(),
                    source,
                })?,
        ),
        StoreSpec::Cos(bucket) => Arc::new(
            s3_builder(bucket, &location, Flavour::Cos)?
                .build()
                .map_err(|source| OpenError::Client {
                    location: location.clone(),
                    source,
                })?,
        ),
    };
    let base = spec.base_path().trim_matches('/');
    if base.is_empty() {
        Ok(store)
    } else {
        Ok(Arc::new(PrefixStore::new(store, base)))
    }
}

/// The bucket client [`open`] builds for a bucket spec (same endpoint, addressing style and
/// credentials), with `retry` instead of the default retries and without the base-path prefix:
/// for the reachability probe, which lists under the base path itself. `None` for `fs` specs.
pub(crate) fn open_bucket(
    spec: &StoreSpec,
    retry: object_store::RetryConfig,
) -> Result<Option<(object_store::aws::AmazonS3, &BucketSpec)>, OpenError> {
    let location = spec.display_location();
    let (bucket, flavour) = match spec {
        StoreSpec::Fs(_) => return Ok(None),
        StoreSpec::S3(b) => (b, Flavour::Aws),
        StoreSpec::Oss(b) => (b, Flavour::Oss),
        StoreSpec::Cos(b) => (b, Flavour::Cos),
    };
    let mut builder = s3_builder(bucket, &location, flavour)?;
    if flavour == Flavour::Oss {
        builder = builder.with_client_options(client_options(bucket, false));
    }
    let client = builder
        .with_retry(retry)
        .build()
        .map_err(|source| OpenError::Client { location, source })?;
    Ok(Some((client, bucket)))
}

/// Timeouts, plain HTTP for `http://` endpoints, and on request OSS's write-once header.
fn client_options(spec: &BucketSpec, oss_write_once: bool) -> ClientOptions {
    let allow_http = spec
        .endpoint
        .as_deref()
        .and_then(|e| Url::parse(e).ok())
        .is_some_and(|u| u.scheme() == "http");
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(10))
        .with_timeout(Duration::from_secs(300))
        .with_allow_http(allow_http);
    if oss_write_once {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-oss-forbid-overwrite",
            http::HeaderValue::from_static("true"),
        );
        options.with_default_headers(headers)
    } else {
        options
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Aws,
    Oss,
    Cos,
}

fn s3_builder(
    spec: &BucketSpec,
    location: &str,
    flavour: Flavour,
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
        Flavour::Aws => None,
        Flavour::Oss => endpoint.as_ref().and_then(|u| oss_region(u.host_str()?)),
        Flavour::Cos => endpoint.as_ref().and_then(|u| cos_region(u.host_str()?)),
    });
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&spec.bucket)
        .with_client_options(client_options(spec, false));
    if let Some(region) = &region {
        builder = builder.with_region(region);
    }
    builder = match flavour {
        Flavour::Aws => match &endpoint {
            // S3-compatible servers (SeaweedFS, MinIO): path style, no DNS per bucket needed.
            Some(url) => builder.with_endpoint(url.as_str().trim_end_matches('/')),
            None => builder,
        },
        Flavour::Oss | Flavour::Cos => {
            let url = match (&endpoint, &region) {
                (Some(url), _) => url.clone(),
                (None, Some(region)) => {
                    let host = if flavour == Flavour::Oss {
                        format!("https://s3.oss-{region}.aliyuncs.com")
                    } else {
                        format!("https://cos.{region}.myqcloud.com")
                    };
                    Url::parse(&host).map_err(|_| bad_endpoint(&host))?
                }
                (None, None) => {
                    let kind = if flavour == Flavour::Oss {
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

/// `oss-cn-hangzhou[-internal].aliyuncs.com` or `s3.oss-cn-hangzhou[-internal].aliyuncs.com` → `cn-hangzhou`.
fn oss_region(host: &str) -> Option<String> {
    let label = host.split('.').find(|l| l.starts_with("oss-"))?;
    let region = label.strip_prefix("oss-")?;
    let region = region.strip_suffix("-internal").unwrap_or(region);
    (!region.is_empty() && region != "accelerate").then(|| region.to_owned())
}

/// `cos.ap-guangzhou.myqcloud.com` → `ap-guangzhou`.
fn cos_region(host: &str) -> Option<String> {
    let mut labels = host.split('.');
    while let Some(label) = labels.next() {
        if label == "cos" {
            return labels
                .next()
                .filter(|r| !r.is_empty() && *r != "myqcloud")
                .map(str::to_owned);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretSource;

    #[test]
    fn derives_vendor_regions_from_endpoints() {
        assert_eq!(
            oss_region("s3.oss-cn-hangzhou.aliyuncs.com").as_deref(),
            Some("cn-hangzhou")
        );
        assert_eq!(
            oss_region("oss-cn-hangzhou-internal.aliyuncs.com").as_deref(),
            Some("cn-hangzhou")
        );
        assert_eq!(oss_region("s3.oss-accelerate.aliyuncs.com"), None);
        assert_eq!(
            cos_region("cos.ap-guangzhou.myqcloud.com").as_deref(),
            Some("ap-guangzhou")
        );
        assert_eq!(cos_region("example.com"), None);
    }

    fn bucket(endpoint: Option<&str>) -> BucketSpec {
        BucketSpec {
            bucket: "b".into(),
            region: None,
            endpoint: endpoint.map(str::to_owned),
            base_path: "snapshots/x".into(),
            credentials: Credentials::Static {
                access_key_id: SecretSource::Value(crate::Secret::new("AKID")),
                secret_access_key: SecretSource::Value(crate::Secret::new("sekrit-value")),
                session_token: None,
            },
        }
    }

    #[test]
    fn opens_every_kind_and_never_shows_secrets() {
        for spec in [
            StoreSpec::S3(bucket(Some("http://127.0.0.1:9"))),
            StoreSpec::S3(bucket(None)),
            StoreSpec::Oss(bucket(Some("https://s3.oss-cn-hangzhou.aliyuncs.com"))),
            StoreSpec::Cos(bucket(Some("https://cos.ap-guangzhou.myqcloud.com"))),
        ] {
            let store = open(&spec).unwrap();
            let shown = format!("{store} {store:?} {spec:?}");
            assert!(!shown.contains("sekrit-value"), "{shown}");
        }
        let oss = open(&StoreSpec::Oss(bucket(Some(
            "https://s3.oss-cn-hangzhou.aliyuncs.com",
        ))))
        .unwrap();
        assert!(
            format!("{oss:?}").contains("https://b.s3.oss-cn-hangzhou.aliyuncs.com"),
            "{oss:?}"
        );
    }

    #[test]
    fn only_the_write_once_oss_client_sends_forbid_overwrite() {
        let oss = StoreSpec::Oss(bucket(Some("https://s3.oss-cn-hangzhou.aliyuncs.com")));
        let shown = |store: Arc<dyn ObjectStore>| format!("{store:?}");
        assert!(shown(open_write_once(&oss).unwrap()).contains("x-oss-forbid-overwrite"));
        assert!(!shown(open(&oss).unwrap()).contains("x-oss-forbid-overwrite"));
        let s3 = StoreSpec::S3(bucket(Some("http://127.0.0.1:9")));
        assert!(!shown(open_write_once(&s3).unwrap()).contains("x-oss-forbid-overwrite"));
    }

    #[test]
    fn refuses_what_would_make_the_signer_panic() {
        // An IP endpoint cannot be prefixed with the bucket (virtual-hosted addressing).
        let err = open(&StoreSpec::Oss(bucket(Some("http://127.0.0.1:9")))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`oss://b/snapshots/x`: OSS and COS reach a bucket at `<bucket>.<endpoint host>`, which endpoint `http://127.0.0.1:9/` cannot give (an IP address or an invalid name); use the endpoint's host name"
        );
        let mut spec = bucket(Some("http://127.0.0.1:9"));
        spec.region = Some("eu\nwest".into());
        let err = open(&StoreSpec::S3(spec)).unwrap_err();
        assert!(matches!(err, OpenError::BadRegion { .. }), "{err}");
        let mut spec = bucket(Some("http://127.0.0.1:9"));
        spec.credentials = Credentials::Static {
            access_key_id: SecretSource::Value(crate::Secret::new("AKID")),
            secret_access_key: SecretSource::Value(crate::Secret::new("sekrit-value")),
            session_token: Some(SecretSource::Value(crate::Secret::new("bad\ntoken"))),
        };
        let err = open(&StoreSpec::S3(spec)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credentials for `s3://b/snapshots/x`: the session token holds characters an HTTP header cannot carry (a line break or a control character?)"
        );
    }

    #[test]
    fn refuses_bad_endpoints_and_missing_secrets_with_the_location() {
        let err = open(&StoreSpec::S3(bucket(Some("ftp://x")))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "endpoint `ftp://x` of `s3://b/snapshots/x` is not an http(s) URL"
        );
        let mut spec = bucket(None);
        spec.credentials = Credentials::Static {
            access_key_id: SecretSource::Env("MIGRATE_STORE_TEST_UNSET_KEY".into()),
            secret_access_key: SecretSource::Env("MIGRATE_STORE_TEST_UNSET_KEY".into()),
            session_token: None,
        };
        let err = open(&StoreSpec::Oss(spec.clone())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`oss://b/snapshots/x` needs an `endpoint` (or a `region`) for OSS"
        );
        spec.region = Some("cn-beijing".into());
        let err = open(&StoreSpec::Oss(spec)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "credentials for `oss://b/snapshots/x`: environment variable `MIGRATE_STORE_TEST_UNSET_KEY` is not set"
        );
    }
}
