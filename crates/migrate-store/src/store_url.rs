//! Store URLs for the command line (`repo ls`, `--state`): `file:///dir`,
//! `s3://bucket/prefix?endpoint=…&region=…`, `oss://…`, `cos://…`,
//! `azure://container/prefix?account=…`, `gs://bucket/prefix`. Credentials come from each
//! provider's default chain (AWS, Azure, Google), never from the URL.

use migrate_core::store::url::parse;
pub use migrate_core::store::url::{UrlError, redact_url};

use crate::kinds;
use crate::spec::StoreSpec;

impl StoreSpec {
    /// Parses a store URL (`migrate_core::store::url`, the one parser) into the spec its kind
    /// builds (see [`crate::kinds`]).
    pub fn from_url(input: &str) -> Result<StoreSpec, UrlError> {
        kinds::from_url(&parse(input)?)
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
            "unknown parameter `acl` in `s3://b?acl=…` (known: endpoint, region)"
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

    #[test]
    fn errors_never_show_credentials_or_query_values() {
        assert_eq!(
            StoreSpec::from_url("s3://b/p?secret_access_key=hunter22")
                .unwrap_err()
                .to_string(),
            "unknown parameter `secret_access_key` in `s3://b/p?secret_access_key=…` (known: endpoint, region)"
        );
        assert_eq!(
            StoreSpec::from_url("s3://AKID:hunter22@b/p")
                .unwrap_err()
                .to_string(),
            "`s3://…@b/p` carries credentials; they are not read from a store URL but from the provider's chain (environment, profile, instance role)"
        );
        assert_eq!(redact_url("s3://b/\u{1b}[2J"), "s3://b/\\u{1b}[2J");
        assert_eq!(redact_url(&"x".repeat(500)).chars().count(), 201);
    }
}
