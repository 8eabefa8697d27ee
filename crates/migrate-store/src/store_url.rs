//! Store URLs for the command line (`repo ls`, `--state`): `file:///dir`,
//! `s3://bucket/prefix?endpoint=…&region=…`, `oss://…`, `cos://…`,
//! `azure://container/prefix?account=…`, `gs://bucket/prefix`. Credentials come from each
//! provider's default chain (AWS, Azure, Google), never from the URL.

use thiserror::Error;
use url::Url;

use crate::kinds::{self, SCHEMES, UrlParts};
use crate::spec::StoreSpec;

/// A store URL that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum UrlError {
    /// Not a URL at all.
    #[error(
        "`{0}` is not a store URL (expected file:///dir, s3://bucket/prefix, oss://…, cos://…, azure://container/prefix?account=… or gs://bucket/prefix)"
    )]
    Malformed(String),
    /// A scheme this tool does not speak.
    #[error("unsupported store scheme `{scheme}` in `{url}` (expected {SCHEMES})")]
    Scheme {
        /// The scheme.
        scheme: String,
        /// The URL.
        url: String,
    },
    /// No bucket in an s3/oss/cos URL.
    #[error("`{0}` names no bucket")]
    NoBucket(String),
    /// A query parameter the URL's kind does not take.
    #[error("unknown parameter `{key}` in `{url}` (known: {known})")]
    Parameter {
        /// The parameter.
        key: String,
        /// The URL.
        url: String,
        /// The kind's parameters.
        known: String,
    },
    /// A parameter the URL's kind needs.
    #[error("`{url}` needs `{key}=…`")]
    Missing {
        /// The parameter.
        key: &'static str,
        /// The URL.
        url: String,
    },
}

impl StoreSpec {
    /// Parses a store URL; each scheme's parameters are its kind's (see [`crate::kinds`]).
    pub fn from_url(input: &str) -> Result<StoreSpec, UrlError> {
        let url = Url::parse(input).map_err(|_| UrlError::Malformed(input.to_owned()))?;
        let parts = UrlParts {
            input,
            host: url.host_str().map(str::to_owned),
            path: url.path().trim_matches('/').to_owned(),
            params: url.query_pairs().into_owned().collect(),
        };
        kinds::from_url(url.scheme(), &parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::FsSpec;

    #[test]
    fn parses_each_scheme() {
        let s3 = StoreSpec::from_url(
            "s3://bkt/snap/shots?endpoint=http://127.0.0.1:8333&region=eu-west-1",
        )
        .unwrap();
        let StoreSpec::S3(b) = &s3 else {
            panic!("{s3:?}")
        };
        assert_eq!(
            (b.bucket.as_str(), b.base_path.as_str()),
            ("bkt", "snap/shots")
        );
        assert_eq!(b.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(b.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s3.display_location(), "s3://bkt/snap/shots");
        assert!(matches!(
            StoreSpec::from_url("oss://b").unwrap(),
            StoreSpec::Oss(_)
        ));
        assert!(matches!(
            StoreSpec::from_url("cos://b-125/x").unwrap(),
            StoreSpec::Cos(_)
        ));
        let fs = StoreSpec::from_url("file:///tmp/repo").unwrap();
        assert_eq!(
            fs,
            StoreSpec::Fs(FsSpec {
                root: "/tmp/repo".into(),
                base_path: String::new()
            })
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            StoreSpec::from_url("hdfs://b").unwrap_err().to_string(),
            "unsupported store scheme `hdfs` in `hdfs://b` (expected file, s3, oss, cos, azure or gs)"
        );
        assert_eq!(
            StoreSpec::from_url("s3://b?acl=x").unwrap_err().to_string(),
            "unknown parameter `acl` in `s3://b?acl=x` (known: endpoint, region)"
        );
        assert!(matches!(
            StoreSpec::from_url("/tmp/x"),
            Err(UrlError::Malformed(_))
        ));
        assert!(matches!(
            StoreSpec::from_url("file:///x?region=a"),
            Err(UrlError::Parameter { .. })
        ));
    }
}
