//! Opens a [`StoreSpec`] as an `object_store` client rooted at its base path (each kind's client
//! is built by its file in [`crate::kinds`]).

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::prefix::PrefixStore;
use thiserror::Error;

use crate::kinds::{self, S3Flavour};
use crate::secret::SecretError;
use crate::spec::{BucketSpec, StoreSpec};

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
    /// A file the provider's credential chain would read is no regular file of bounded size.
    #[error("`{location}`: the {provider} configuration ({var}) cannot be used: {reason}")]
    ChainFile {
        /// The store.
        location: String,
        /// `Google` or `Azure`.
        provider: &'static str,
        /// The variable naming the file, or whose default place it is.
        var: &'static str,
        /// What the file is instead.
        reason: String,
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
    let store = kinds::open(spec, write_once)?;
    // A local directory is opened at its base path already.
    let base = spec.base_path().trim_matches('/');
    if base.is_empty() || matches!(spec, StoreSpec::Fs(_)) {
        Ok(store)
    } else {
        Ok(Arc::new(PrefixStore::new(store, base)))
    }
}

/// The bucket client [`open`] builds for an S3-compatible spec (same endpoint, addressing style
/// and credentials), with `retry` instead of the default retries and without the base-path prefix:
/// for the reachability probe, which lists under the base path itself. `None` for other kinds.
pub(crate) fn open_bucket(
    spec: &StoreSpec,
    retry: object_store::RetryConfig,
) -> Result<Option<(object_store::aws::AmazonS3, &BucketSpec)>, OpenError> {
    let location = spec.display_location();
    let (bucket, flavour) = match spec {
        StoreSpec::S3(b) => (b, S3Flavour::Aws),
        StoreSpec::Oss(b) => (b, S3Flavour::Oss),
        StoreSpec::Cos(b) => (b, S3Flavour::Cos),
        StoreSpec::Azure(_) | StoreSpec::Gcs(_) | StoreSpec::Fs(_) => return Ok(None),
    };
    let mut builder = kinds::s3_builder(bucket, &location, flavour)?;
    if flavour == S3Flavour::Oss {
        builder = builder.with_client_options(kinds::client_options(bucket, false));
    }
    let client = builder
        .with_retry(retry)
        .build()
        .map_err(|source| OpenError::Client { location, source })?;
    Ok(Some((client, bucket)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretSource;
    use crate::spec::Credentials;

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
